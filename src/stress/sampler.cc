#include "stress/sampler.h"

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "core/quantity.h"

namespace redisfit::stress {

InfoFields parse_info(const std::string& text) {
  InfoFields f;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    uint64_t v = std::strtoull(line.c_str() + colon + 1, nullptr, 10);
    if (key == "used_memory") f.used_memory = v;
    else if (key == "used_memory_rss") f.used_memory_rss = v;
    else if (key == "used_memory_peak") f.used_memory_peak = v;
    else if (key == "current_cow_size") f.current_cow_size = v;
    else if (key == "rdb_bgsave_in_progress" || key == "aof_rewrite_in_progress") f.fork_active |= v != 0;
    else if (key == "loading") f.loading = v != 0;
  }
  return f;
}

Sampler::Sampler(const MemoryCgroup& cgroup, int port, Timeline& timeline, double interval_sec)
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

void Sampler::set_phase(const std::string& phase) {
  std::lock_guard<std::mutex> lock(phase_mu_);
  phase_ = phase;
}

void Sampler::run() {
  redisContext* c = nullptr;
  uint64_t last_oom_kills = 0;
  uint64_t last_working_set = 0;
  bool last_fork = false;
  auto next = std::chrono::steady_clock::now();
  auto interval = std::chrono::microseconds(static_cast<int64_t>(interval_sec_ * 1e6));
  while (!stop_) {
    Sample s;
    s.t_sec = timeline_.now_sec();
    {
      std::lock_guard<std::mutex> lock(phase_mu_);
      s.phase = phase_;
    }
    if (auto st = cgroup_.read_stats(); st.ok()) {
      s.usage_bytes = st->usage_bytes;
      s.working_set_bytes = st->working_set_bytes;
      s.rss_bytes = st->rss_bytes;
      s.cache_bytes = st->cache_bytes;
      s.oom_kills = st->oom_kills;
    }
    if (!c) {
      // Short timeouts: a down server must not stall the cgroup samples.
      timeval tv{0, 100 * 1000};
      c = redisConnectWithTimeout("127.0.0.1", port_, tv);
      if (c && c->err) {
        redisFree(c);
        c = nullptr;
      }
      if (c) {
        timeval io{0, 500 * 1000};
        redisSetTimeout(c, io);
      }
    }
    if (c) {
      auto* r = static_cast<redisReply*>(redisCommand(c, "INFO memory persistence"));
      if (r && r->type == REDIS_REPLY_STRING) {
        InfoFields f = parse_info(std::string(r->str, r->len));
        s.server_up = true;
        s.used_memory_bytes = f.used_memory;
        s.used_memory_rss_bytes = f.used_memory_rss;
        s.used_memory_peak_bytes = f.used_memory_peak;
        s.fork_cow_bytes = f.current_cow_size;
        s.fork_active = f.fork_active;
        s.loading = f.loading;
      }
      if (r) freeReplyObject(r);
      if (!r || c->err) {
        redisFree(c);
        c = nullptr;
      }
    }
    if (s.oom_kills > last_oom_kills) {
      timeline_.add_event("oom_kill",
                          fmt::format("cgroup oom_kill counter {} -> {} (working set before: {})",
                                      last_oom_kills, s.oom_kills, format_bytes(last_working_set)),
                          s.phase);
      last_oom_kills = s.oom_kills;
    }
    if (s.server_up && s.fork_active != last_fork) {
      timeline_.add_event(s.fork_active ? "fork_start" : "fork_end", "", s.phase);
      last_fork = s.fork_active;
    }
    if (!s.server_up && last_fork) {
      timeline_.add_event("fork_end", "server gone", s.phase);
      last_fork = false;
    }
    last_working_set = s.working_set_bytes;
    timeline_.add_sample(std::move(s));
    next += interval;
    auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;
    while (!stop_ && std::chrono::steady_clock::now() < next) {
      std::this_thread::sleep_until(std::min(next, std::chrono::steady_clock::now() + std::chrono::milliseconds(20)));
    }
  }
  if (c) redisFree(c);
}

}  // namespace redisfit::stress
