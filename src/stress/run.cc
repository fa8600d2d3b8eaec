#include "stress/run.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "core/quantity.h"
#include "platform/cgroup_sandbox.h"
#include "platform/info.h"
#include "stress/control.h"
#include "stress/prediction.h"
#include "stress/sampler.h"

namespace redisfit::stress {

namespace {

void sleep_interruptible(double seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  while (!g_stop_requested && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// How one attempt at a phase ended.
enum class Attempt { kDone, kServerDied, kInterrupted, kTimeout };

class Run {
 public:
  explicit Run(const StressOptions& o) : opt_(o) {}
  Result<StressResult> execute();

 private:
  Status setup();
  Status start_server();
  // Polls the server: false once it has died (recorded as an exit event).
  bool alive();
  bool over_budget() const { return timeline_.now_sec() > opt_.max_run_sec; }
  Attempt import_phase(PhaseResult& pr);
  Attempt fork_phase(PhaseResult& pr);
  Attempt restart_phase(PhaseResult& pr);
  // After a death: kubelet back-off and restarts. True when the server is up
  // again; false for CrashLoopBackOff or an interruption.
  bool recover();
  void progress(const PhaseResult& pr, uint64_t payload) const;
  void finish();

  StressOptions opt_;
  Timeline timeline_;
  StressResult res_;
  std::unique_ptr<platform::MemoryCgroup> cgroup_;
  SandboxDir dir_;
  SandboxDir replica_dir_;
  std::string conf_path_;
  int port_ = 0;
  RedisProcess server_;
  RedisProcess replica_;
  std::unique_ptr<Loader> loader_;
  std::unique_ptr<Sampler> sampler_;
  uint64_t oom_kills_seen_ = 0;
  uint64_t keyspace_ = 0;
  int consecutive_crashes_ = 0;
  double started_at_sec_ = 0;
  bool crash_loop_ = false;
  std::string phase_;
};

Status Run::setup() {
  if (!dir_.ok()) return Error{"/tmp", "cannot create the sandbox directory"};
  auto parent = platform::find_cgroup_parent();
  if (!parent.ok()) return parent.error();
  platform::remove_stale_cgroups(*parent);
  remove_stale_dirs();
  auto cg = platform::MemoryCgroup::create(*parent, opt_.limit_bytes);
  if (!cg.ok()) return cg.error();
  cgroup_ = std::move(cg).value();
  port_ = pick_free_port();
  if (port_ == 0) return Error{"127.0.0.1", "no free port"};
  auto conf = write_server_config(dir_.path(), port_, opt_.server);
  if (!conf.ok()) return conf.error();
  conf_path_ = *conf;
  std::ifstream in(conf_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  res_.config_text = ss.str();
  res_.prediction = predict_for_run(conf_path_, opt_);
  return Ok{};
}

Status Run::start_server() {
  auto st = server_.start(conf_path_, cgroup_->procs_file(), port_);
  if (!st.ok()) return st;
  return server_.wait_ready(std::max(60.0, opt_.phase_timeout_sec));
}

bool Run::alive() {
  if (server_.running() && opt_.oom_group) {
    // Emulate memory.oom.group on v1: an OOM kill of any task (often the
    // fork child) ends the whole container, as kubelet configures on v2.
    auto st = cgroup_->read_stats();
    if (st.ok() && st->oom_kills > oom_kills_seen_) {
      oom_kills_seen_ = st->oom_kills;
      // The victim may be the server itself, still exiting: give it 200 ms.
      for (int i = 0; i < 10 && server_.running() && !server_.poll_exit(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (server_.running()) {
        timeline_.add_event("oom_group_kill",
                            "the OOM killer chose another task (the fork child); memory.oom.group semantics: "
                            "the whole container is killed", phase_);
        kill(server_.pid(), SIGKILL);
      } else if (auto status = server_.last_status()) {
        timeline_.add_event("exit", describe_wait_status(*status) + " (OOM killer chose redis-server)", phase_);
        return false;
      }
    }
  }
  if (auto status = server_.poll_exit()) {
    timeline_.add_event("exit", describe_wait_status(*status), phase_);
    return false;
  }
  return server_.running();
}

void Run::progress(const PhaseResult& pr, uint64_t payload) const {
  if (!opt_.progress || opt_.fill_payload_bytes == 0) return;
  double frac = std::min(1.0, static_cast<double>(payload) / static_cast<double>(opt_.fill_payload_bytes));
  int width = 30, filled = static_cast<int>(frac * width);
  auto st = cgroup_->read_stats();
  std::string bar = std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(width - filled), '.');
  fmt::print(stderr, "\r{} {} [{}] {:3.0f}%  {} / {}  working set {} / limit {}   ", opt_.label, pr.name, bar,
             frac * 100, format_bytes(payload), format_bytes(opt_.fill_payload_bytes),
             format_bytes(st.ok() ? st->working_set_bytes : 0), format_bytes(opt_.limit_bytes));
}

Attempt Run::import_phase(PhaseResult& pr) {
  auto t0 = std::chrono::steady_clock::now();
  loader_->start_import(opt_.fill_payload_bytes);
  Attempt a = Attempt::kDone;
  while (!loader_->done()) {
    if (!alive()) { a = Attempt::kServerDied; break; }
    if (g_stop_requested) { a = Attempt::kInterrupted; break; }
    if (timeline_.now_sec() - pr.start_sec > opt_.phase_timeout_sec || over_budget()) { a = Attempt::kTimeout; break; }
    progress(pr, loader_->counters().payload_bytes);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  loader_->stop();
  if (opt_.progress) fmt::print(stderr, "\n");
  const auto& c = loader_->counters();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  pr.keys_written = c.keys_written;
  pr.payload_bytes = c.payload_bytes;
  pr.client_oom_errors += c.oom_errors;
  pr.fill_bytes_per_sec = secs > 0 ? static_cast<double>(c.payload_bytes) / secs : 0;
  pr.commands_per_sec = secs > 0 ? static_cast<double>(c.commands_ok) / secs : 0;
  keyspace_ = std::max<uint64_t>(keyspace_, c.keys_written);
  if (c.oom_errors > 0) {
    timeline_.add_event("client_oom_errors", fmt::format("{} writes refused with -OOM", c.oom_errors.load()), phase_);
  }
  if (a == Attempt::kDone && !alive()) a = Attempt::kServerDied;
  if (a == Attempt::kDone) {
    if (c.writes_refused) {
      pr.outcome = "writes-refused";
      pr.detail = "maxmemory reached: the server refused writes (-OOM) before the fill target";
    } else if (c.connection_lost) {
      pr.outcome = "connection-lost";
    } else {
      pr.outcome = "completed";
    }
  }
  return a;
}

Attempt Run::fork_phase(PhaseResult& pr) {
  ForkKind kind = opt_.fork_kind;
  Control ctl(port_);
  if (kind == ForkKind::kAuto) {
    kind = ctl.command({"CONFIG", "GET", "appendonly"}).value_or("no") == "yes" ? ForkKind::kBgrewriteaof
                                                                             : ForkKind::kBgsave;
  }
  pr.detail = fork_kind_name(kind);
  if (keyspace_ == 0) keyspace_ = std::stoull(ctl.command({"DBSIZE"}).value_or("0"));
  if (opt_.fork_writes == ForkWrites::kInsert) {
    loader_->start_insert(keyspace_, opt_.write_rate_per_sec);
  } else {
    loader_->start_overwrite(std::max<uint64_t>(keyspace_, 1000), opt_.write_rate_per_sec);
  }
  sleep_interruptible(0.2);  // overwrites flowing before the fork
  auto in_progress = [&]() -> std::optional<bool> {
    auto info = ctl.command({"INFO", "persistence"});
    if (!info) return std::nullopt;
    const platform::InfoFields fields = platform::parse_info(*info);
    return fields.u64("rdb_bgsave_in_progress") == 1u || fields.u64("aof_rewrite_in_progress") == 1u ||
           fields.u64("aof_rewrite_scheduled") == 1u;
  };
  bool issued = false, seen_fork = false;
  Attempt a = Attempt::kDone;
  for (int tries = 0; !issued && tries < 2 && a == Attempt::kDone; ++tries) {
    bool err = false;
    if (kind == ForkKind::kFullSync) {
      ServerConfig rc;
      rc.save = "";
      rc.extra = {{"replicaof", fmt::format("127.0.0.1 {}", port_)}};
      int rport = pick_free_port();
      auto rconf = write_server_config(replica_dir_.path(), rport, rc);
      if (!rconf.ok() || !replica_.start(*rconf, "", rport).ok()) {
        pr.outcome = "fork-failed";
        pr.detail = "fullsync: cannot start the replica";
        break;
      }
      issued = true;
    } else {
      auto reply = ctl.command({kind == ForkKind::kBgsave ? "BGSAVE" : "BGREWRITEAOF"}, &err);
      if (!reply) { a = alive() ? Attempt::kDone : Attempt::kServerDied; break; }
      if (!err) { issued = true; break; }
      // "Background save already in progress" (a save point fired): wait, retry.
      while (in_progress().value_or(false) && alive() && !g_stop_requested) sleep_interruptible(0.05);
    }
  }
  Control replica_ctl(replica_.port());
  // The child's life and the writes answered meanwhile: the rate achieved.
  double child_from = -1, child_to = -1;
  uint64_t writes_from = 0, writes_to = 0;
  while (issued && a == Attempt::kDone) {
    if (!alive()) { a = Attempt::kServerDied; break; }
    if (g_stop_requested) { a = Attempt::kInterrupted; break; }
    if (timeline_.now_sec() - pr.start_sec > opt_.phase_timeout_sec || over_budget()) { a = Attempt::kTimeout; break; }
    auto busy = in_progress();
    if (busy && *busy) {
      if (child_from < 0) {
        child_from = timeline_.now_sec();
        writes_from = loader_->writes_answered();
        if (auto st = cgroup_->read_stats(); st.ok()) pr.rss_before_fork_bytes = st->rss_bytes;
      }
      child_to = timeline_.now_sec();
      writes_to = loader_->writes_answered();
    }
    if (busy && *busy) seen_fork = true;
    bool finished = busy && !*busy && seen_fork;
    if (kind == ForkKind::kFullSync) {
      finished = replica_ctl.info_field("replication", "master_link_status").value_or("") == "up";
    } else if (busy && !*busy && !seen_fork) {
      // A fork that ended between two polls still counts when INFO says so.
      seen_fork = true;
      finished = true;
    }
    if (finished) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  loader_->stop();
  if (child_from >= 0) {
    // The child ended somewhere within the last poll interval.
    pr.fork_child_sec = std::max(0.05, child_to - child_from + 0.05);
    pr.fork_write_rate = static_cast<double>(writes_to - writes_from) / std::max(0.05, child_to - child_from);
  }
  pr.client_oom_errors += loader_->counters().oom_errors;
  pr.commands_per_sec = static_cast<double>(loader_->counters().commands_ok) / std::max(0.001, timeline_.now_sec() - pr.start_sec);
  replica_.kill_and_reap();
  if (a == Attempt::kDone && !alive()) a = Attempt::kServerDied;
  if (a == Attempt::kDone && pr.outcome.empty()) {
    std::string field = kind == ForkKind::kBgrewriteaof ? "aof_last_bgrewrite_status" : "rdb_last_bgsave_status";
    std::string status = ctl.info_field("persistence", field).value_or("");
    pr.outcome = (kind == ForkKind::kFullSync || status == "ok") ? "completed" : "fork-failed";
    std::string cow_field = kind == ForkKind::kBgrewriteaof ? "aof_last_cow_size" : "rdb_last_cow_size";
    pr.redis_last_cow_bytes = std::stoull(ctl.info_field("persistence", cow_field).value_or("0"));
    if (pr.outcome == "fork-failed") pr.detail += ": " + field + ":" + status;
  }
  return a;
}

Attempt Run::restart_phase(PhaseResult& pr) {
  // A rollout: SIGTERM, Redis persists on shutdown (save points / AOF), exits.
  kill(server_.pid(), SIGTERM);
  auto deadline = timeline_.now_sec() + 60;
  while (server_.running() && timeline_.now_sec() < deadline) {
    if (server_.poll_exit()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (server_.running()) server_.kill_and_reap();
  timeline_.add_event("restart", "deliberate restart (SIGTERM, then start): reload RDB/AOF", phase_);
  auto st = start_server();
  if (!st.ok()) {
    if (g_stop_requested) return Attempt::kInterrupted;
    alive();
    if (!server_.running()) return Attempt::kServerDied;
    pr.outcome = "timeout";
    pr.detail = st.error().describe();
    return Attempt::kTimeout;
  }
  timeline_.add_event("ready", "reload finished", phase_);
  started_at_sec_ = timeline_.now_sec();
  pr.outcome = "completed";
  pr.detail = "reloaded after restart";
  return Attempt::kDone;
}

bool Run::recover() {
  while (!g_stop_requested && !over_budget()) {
    if (timeline_.now_sec() - started_at_sec_ >= backoff_reset_sec(opt_.backoff)) consecutive_crashes_ = 0;
    if (consecutive_crashes_ >= opt_.max_restarts) {
      crash_loop_ = true;
      timeline_.add_event("crash_loop_backoff",
                          fmt::format("{} restarts, each died again: CrashLoopBackOff", consecutive_crashes_), phase_);
      return false;
    }
    ++consecutive_crashes_;
    double delay = backoff_delay_sec(opt_.backoff, consecutive_crashes_);
    timeline_.add_event("backoff", fmt::format("back-off {:.1f} s (kubelet {:.0f} s, time scale {})", delay,
                                               delay * opt_.backoff.time_scale, opt_.backoff.time_scale), phase_);
    sleep_interruptible(delay);
    if (g_stop_requested) break;
    ++res_.restarts;
    timeline_.add_event("restart", fmt::format("restart #{}", res_.restarts), phase_);
    auto st = start_server();
    started_at_sec_ = timeline_.now_sec();
    if (st.ok()) {
      timeline_.add_event("ready", "reload finished, serving", phase_);
      return true;
    }
    alive();  // records the exit (e.g. OOM-killed while loading)
    server_.kill_and_reap();
  }
  return false;
}

Result<StressResult> Run::execute() {
  if (auto st = setup(); !st.ok()) return st.error();
  res_.label = opt_.label;
  res_.limit_bytes = opt_.limit_bytes;
  res_.time_scale = opt_.backoff.time_scale;
  res_.host = read_host_info();
  res_.host.cgroup_version = platform::cgroup_version_name(cgroup_->version());
  sampler_ = std::make_unique<Sampler>(*cgroup_, port_, timeline_);
  sampler_->start();
  if (auto st = start_server(); !st.ok()) {
    return Error{"redis-server", "did not start in the sandbox: " + st.error().message + " (log: " +
                                     dir_.path() + "/redis.log)"};
  }
  started_at_sec_ = timeline_.now_sec();
  {
    Control ctl(port_);
    res_.maxmemory_bytes = std::stoull(ctl.command({"CONFIG", "GET", "maxmemory"}).value_or("0"));
    res_.maxmemory_policy = ctl.command({"CONFIG", "GET", "maxmemory-policy"}).value_or("");
    res_.appendonly = ctl.command({"CONFIG", "GET", "appendonly"}).value_or("");
    res_.save = ctl.command({"CONFIG", "GET", "save"}).value_or("");
    res_.host.redis_version = ctl.info_field("server", "redis_version").value_or("");
  }
  LoaderOptions lo = opt_.loader;
  lo.port = port_;
  loader_ = std::make_unique<Loader>(lo);

  std::vector<std::string> phases;
  if (opt_.phase_import) phases.push_back("import");
  if (opt_.phase_fork) phases.push_back("fork");
  if (opt_.phase_restart) phases.push_back("restart");
  bool stop = false;
  for (size_t i = 0; i < phases.size() && !stop;) {
    PhaseResult pr;
    if (!res_.phases.empty() && res_.phases.back().name == phases[i] && res_.phases.back().outcome.empty()) {
      pr = res_.phases.back();  // a retry after a restart
      res_.phases.pop_back();
    } else {
      pr.name = phases[i];
      pr.start_sec = timeline_.now_sec();
    }
    phase_ = pr.name;
    sampler_->set_phase(phase_);
    ++pr.attempts;
    timeline_.add_event("phase_start", fmt::format("attempt {}", pr.attempts), phase_);
    Attempt a = pr.name == "import" ? import_phase(pr) : pr.name == "fork" ? fork_phase(pr) : restart_phase(pr);
    pr.end_sec = timeline_.now_sec();
    timeline_.add_event("phase_end", pr.outcome, phase_);
    if (a == Attempt::kDone) {
      res_.phases.push_back(pr);
      ++i;
      continue;
    }
    if (a == Attempt::kServerDied) {
      res_.phases.push_back(pr);  // outcome empty: to be retried
      if (recover()) continue;
      res_.phases.back().outcome = crash_loop_ ? "oom-killed" : "interrupted";
      stop = true;
    } else {
      pr.outcome = a == Attempt::kInterrupted ? "interrupted" : "timeout";
      res_.phases.push_back(pr);
      stop = true;
    }
  }
  finish();
  for (const auto& p : res_.phases) {
    if (p.name != "fork" || p.outcome != "completed" || p.fork_child_sec <= 0) continue;
    res_.prediction.measured_facts_peak_bytes =
        predict_with_measured_fork(conf_path_, opt_, p.fork_child_sec, p.fork_write_rate);
  }
  return std::move(res_);
}

void Run::finish() {
  loader_.reset();
  bool was_running = server_.running() && alive();
  sampler_->stop();
  auto st = cgroup_->read_stats();
  res_.oom_kills = st.ok() ? static_cast<int>(st->oom_kills) : 0;
  res_.interrupted = g_stop_requested.load();
  res_.samples = timeline_.samples();
  res_.events = timeline_.events();
  res_.duration_sec = timeline_.now_sec();
  summarize(res_, crash_loop_, was_running);
  server_.kill_and_reap();
  replica_.kill_and_reap();
}

}  // namespace

Result<StressResult> run_stress(const StressOptions& options) {
  if (auto st = check_limit(options.limit_bytes, options.force); !st.ok()) return st.error();
  install_stop_handlers();
  Run run(options);
  return run.execute();
}

}  // namespace redisfit::stress
