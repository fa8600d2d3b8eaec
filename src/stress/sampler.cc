#include "stress/sampler.h"

#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "core/quantity.h"
#include "platform/info.h"
#include "platform/redis_client.h"
#include "stress/control.h"

namespace redisfit::stress {

Sampler::Sampler(const platform::MemoryCgroup& cgroup, int port, Timeline& timeline, double interval_sec)
    : cgroup_(cgroup), port_(port), timeline_(timeline), interval_sec_(interval_sec) {}

Sampler::~Sampler() { stop(); }

void Sampler::start() {
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void Sampler::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void Sampler::set_phase(RunPhase phase) {
  std::unique_lock<std::mutex> lock(phase_mu_);
  if (!thread_.joinable() || stop_) {
    phase_ = phase;
    return;
  }
  next_phase_ = phase;
  phase_requested_ = true;
  if (!phase_cv_.wait_for(lock, std::chrono::seconds(1), [&] { return !next_phase_; })) {
    phase_ = phase;  // the sampler is stuck on a read: switch without the closing sample
    next_phase_.reset();
    phase_requested_ = false;
  }
}

void Sampler::take_pending_phase(bool requested_before_sample) {
  if (!requested_before_sample) return;
  {
    std::lock_guard<std::mutex> lock(phase_mu_);
    if (!next_phase_) return;
    phase_ = *next_phase_;
    next_phase_.reset();
    phase_requested_ = false;
  }
  phase_cv_.notify_all();
}

void Sampler::run() {
  std::unique_ptr<platform::RedisConnection> c;
  uint64_t last_oom_kills = 0;
  uint64_t last_working_set = 0;
  bool last_fork = false;
  auto next = std::chrono::steady_clock::now();
  auto interval = std::chrono::microseconds(static_cast<int64_t>(interval_sec_ * 1e6));
  while (!stop_) {
    Sample s;
    s.t_sec = timeline_.now_sec();
    bool requested_before_sample = false;
    {
      std::lock_guard<std::mutex> lock(phase_mu_);
      s.phase = phase_;
      requested_before_sample = next_phase_.has_value();
    }
    if (auto st = cgroup_.read_stats(); st.ok()) {
      s.usage_bytes = st->usage_bytes;
      s.working_set_bytes = st->working_set_bytes;
      s.rss_bytes = st->rss_bytes;
      s.cache_bytes = st->cache_bytes;
      s.oom_kills = st->oom_kills;
      s.limit_bytes = st->limit_bytes.value_or(0);
    }
    // Short timeouts: a down server must not stall the cgroup samples.
    auto connect = [&] {
      platform::ConnectOptions options;
      options.connect_timeout = std::chrono::milliseconds(100);
      options.read_timeout = std::chrono::milliseconds(500);
      if (auto opened = platform::connect_redis(sandbox_endpoint(port_), options)) c = std::move(opened).value();
    };
    if (!c) connect();
    if (c) {
      auto r = c->command({"INFO", "memory", "persistence"});
      if (!r) {
        // The connection of a server since restarted fails once; the new
        // server may well answer (the sample closing a restart phase).
        c.reset();
        connect();
        if (c) r = c->command({"INFO", "memory", "persistence"});
      }
      if (r && r->type == platform::RespValue::Type::kString) {
        const platform::InfoFields f = platform::parse_info(r->str);
        s.server_up = true;
        s.used_memory_bytes = f.u64("used_memory").value_or(0);
        s.used_memory_rss_bytes = f.u64("used_memory_rss").value_or(0);
        s.used_memory_peak_bytes = f.u64("used_memory_peak").value_or(0);
        s.fork_cow_bytes = f.u64("current_cow_size").value_or(0);
        s.fork_active = f.u64("rdb_bgsave_in_progress").value_or(0) != 0 ||
                        f.u64("aof_rewrite_in_progress").value_or(0) != 0;
        s.loading = f.u64("loading").value_or(0) != 0;
      }
      if (!r) c.reset();  // a transport error leaves the connection unusable
    }
    if (s.oom_kills > last_oom_kills) {
      timeline_.add_event(EventKind::kOomKill,
                          fmt::format("cgroup oom_kill counter {} -> {} (working set before: {})",
                                      last_oom_kills, s.oom_kills, format_bytes(last_working_set)),
                          s.phase, s.t_sec);
      last_oom_kills = s.oom_kills;
    }
    if (s.server_up && s.fork_active != last_fork) {
      timeline_.add_event(s.fork_active ? EventKind::kForkStart : EventKind::kForkEnd, "", s.phase);
      last_fork = s.fork_active;
    }
    if (!s.server_up && last_fork) {
      timeline_.add_event(EventKind::kForkEnd, "server gone", s.phase, s.t_sec);
      last_fork = false;
    }
    last_working_set = s.working_set_bytes;
    timeline_.add_sample(std::move(s));
    take_pending_phase(requested_before_sample);
    next += interval;
    auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;
    while (!stop_ && !phase_requested_ && std::chrono::steady_clock::now() < next) {
      std::this_thread::sleep_until(std::min(next, std::chrono::steady_clock::now() + std::chrono::milliseconds(20)));
    }
  }
}

}  // namespace redisfit::stress
