#include "stress/run.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <vector>
#include <memory>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "core/quantity.h"
#include "stress/prediction.h"
#include "stress/run_engine.h"

namespace redisfit::stress {

std::string redis_log_tail(const std::string& sandbox_dir) {
  std::string out;
  for (const char* name : {"redis.stderr", "redis.log"}) {
    std::ifstream in(sandbox_dir + "/" + name);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      lines.push_back(line);
      if (lines.size() > 4) lines.erase(lines.begin());
    }
    if (lines.empty()) continue;
    out += std::string(out.empty() ? "" : "; ") + name + " ends:";
    for (const auto& l : lines) out += "\n    " + l;
  }
  return out.empty() ? "Redis wrote nothing to its log or stderr" : out;
}

void sleep_interruptible(double seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  while (!g_stop_requested && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Status Run::setup() {
  if (!dir_.ok()) return Error{"/tmp", "cannot create the sandbox directory"};
  auto parent = platform::find_cgroup_parent();
  if (!parent.ok()) return parent.error();
  platform::remove_stale_cgroups(*parent);
  remove_stale_dirs();
  auto cg = platform::MemoryCgroup::create(*parent, opt_.limit_bytes);
  if (!cg.ok()) return cg.error();
  cgroup_ = std::move(cg).value();
  platform::remove_stale_cpu_cgroups();
  if (opt_.cpu_limit_cores > 0) {
    auto quota = platform::CpuQuota::create(*cgroup_, opt_.cpu_limit_cores);
    if (!quota.ok()) return quota.error();
    cpu_ = std::move(quota).value();
  }
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
  // A container restart is a fresh process tree: what the last server left
  // in the cgroup (a fork child orphaned by its parent's OOM kill, which
  // would hold the pages it shared) dies with the container, as in a pod. Its
  // OOM kills belong to the last life, not to this one.
  cgroup_->kill_all();
  if (auto st = cgroup_->read_stats(); st.ok()) oom_kills_seen_ = st->oom_kills;
  std::vector<std::string> procs = {cgroup_->procs_file()};
  if (cpu_ && !cpu_->procs_file().empty()) procs.push_back(cpu_->procs_file());
  auto st = server_.start(conf_path_, procs, port_);
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
        timeline_.add_event(EventKind::kOomGroupKill,
                            "the OOM killer chose another task (the fork child); memory.oom.group semantics: "
                            "the whole container is killed", phase_);
        kill(server_.pid(), SIGKILL);
      } else if (auto status = server_.last_status()) {
        timeline_.add_event(EventKind::kExit, describe_wait_status(*status) + " (OOM killer chose redis-server" +
                                        death_context() + ")", phase_);
        return false;
      }
    }
  }
  if (auto status = server_.poll_exit()) {
    timeline_.add_event(EventKind::kExit, describe_wait_status(*status) + death_context(), phase_);
    return false;
  }
  return server_.running();
}

std::string Run::death_context() const {
  // What the server was doing, from the last sample that reached it.
  bool fork = false;
  for (const auto& s : timeline_.samples()) {
    if (s.server_up) fork = s.fork_active;
  }
  std::string out = fmt::format(", {:.1f} s after it became ready", timeline_.now_sec() - started_at_sec_);
  if (fork) out += ", while a fork child (BGSAVE / AOF rewrite) ran";
  return out;
}

void Run::record_failed_start(const Status& start) {
  // wait_ready() has reaped the process when it exited; it never answered
  // PING, so it died while loading (or before: a bad file, a bad config).
  std::string how = start.ok() ? "" : start.error().message;
  const bool died = server_.last_status() && !server_.running();
  if (died) how = describe_wait_status(*server_.last_status());
  server_.kill_and_reap();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the OOM counter follows the kill
  auto st = cgroup_->read_stats();
  bool oom = st.ok() && st->oom_kills > oom_kills_seen_;
  if (st.ok()) oom_kills_seen_ = st->oom_kills;
  // Stopped by SIGINT/SIGTERM while it loaded: redisfit ended it, it did not die.
  if (g_stop_requested && !oom && !died) return;
  timeline_.add_event(EventKind::kExit, how + (oom ? " (OOMKilled while loading)" : " (before serving)"), phase_);
}

bool Run::recover() {
  while (!g_stop_requested && !over_budget()) {
    if (timeline_.now_sec() - started_at_sec_ >= backoff_reset_sec(opt_.backoff)) consecutive_crashes_ = 0;
    if (consecutive_crashes_ >= opt_.max_restarts) {
      crash_loop_ = true;
      timeline_.add_event(EventKind::kCrashLoopBackoff,
                          fmt::format("{} restart{}, each died again: CrashLoopBackOff", consecutive_crashes_,
                                      consecutive_crashes_ == 1 ? "" : "s"),
                          phase_);
      return false;
    }
    ++consecutive_crashes_;
    double delay = backoff_delay_sec(opt_.backoff, consecutive_crashes_);
    timeline_.add_event(EventKind::kBackoff, fmt::format("back-off {:.1f} s (kubelet {:.0f} s, time scale {})", delay,
                                               delay * opt_.backoff.time_scale, opt_.backoff.time_scale), phase_);
    sleep_interruptible(delay);
    if (g_stop_requested) break;
    ++res_.restarts;
    timeline_.add_event(EventKind::kRestart, fmt::format("restart #{}", res_.restarts), phase_);
    auto st = start_server();
    started_at_sec_ = timeline_.now_sec();
    if (st.ok()) {
      timeline_.add_event(EventKind::kReady, "reload finished, serving", phase_);
      return true;
    }
    record_failed_start(st);
  }
  return false;
}

bool Run::first_load() {
  PhaseResult pr;
  pr.phase = phase_ = RunPhase::kLoad;
  pr.start_sec = timeline_.now_sec();
  sampler_->set_phase(phase_);
  timeline_.add_event(EventKind::kPhaseStart, "start under the limit from the persisted data", phase_);
  pr.attempts = 1;
  const uint64_t kills_before = oom_kills_seen_;
  auto st = start_server();
  started_at_sec_ = timeline_.now_sec();
  bool up = st.ok();
  if (!up) {
    record_failed_start(st);
    int restarts_before = res_.restarts;
    up = recover();
    pr.attempts += res_.restarts - restarts_before;
  }
  sampler_->set_phase(phase_);  // the load's closing sample: a load shorter than the interval has its end in its peak
  pr.end_sec = timeline_.now_sec();
  if (up) {
    pr.outcome = PhaseOutcome::kCompleted;
    pr.detail = pr.attempts > 1 ? "loaded after restarts" : "loaded, serving";
  } else if (crash_loop_) {
    pr.outcome = oom_kills_seen_ > 0 ? PhaseOutcome::kOomKilled : PhaseOutcome::kExited;
    pr.detail = fmt::format("{} on every start while loading ({} starts)",
                            oom_kills_seen_ > 0 ? "OOMKilled" : "died", pr.attempts);
  } else if (const uint64_t kills = oom_kills_seen_ - kills_before; kills > 0) {
    // Stopped by a signal after starts were OOM-killed while loading: those
    // kills were seen, and are the load's outcome (nothing had served yet).
    pr.outcome = PhaseOutcome::kOomKilled;
    pr.detail = fmt::format("OOMKilled while loading {} time{} in {} start{}, then interrupted", kills,
                            kills == 1 ? "" : "s", pr.attempts, pr.attempts == 1 ? "" : "s");
  } else {
    pr.outcome = PhaseOutcome::kInterrupted;  // nothing seen either way
  }
  timeline_.add_event(EventKind::kPhaseEnd, phase_outcome_name(pr.outcome), phase_);
  res_.phases.push_back(pr);
  return up;
}

// The configuration as the server reads it. From the server when it serves;
// from the generated file when it never does (a crash loop from the start).
void read_config(Control& ctl, const StressOptions& opt, StressResult& res, bool serving) {
  auto get = [&](const char* name) { return ctl.command({"CONFIG", "GET", name}).value_or(""); };
  res.maxmemory_policy = get("maxmemory-policy");
  res.appendonly = get("appendonly");
  res.save = get("save");
  res.host.redis_version = ctl.info_field("server", "redis_version").value_or("");
  if (serving) {
    res.maxmemory_bytes = reply_u64(ctl.command({"CONFIG", "GET", "maxmemory"}));
  } else {
    auto configured = configured_maxmemory(opt.server);
    res.maxmemory_bytes = configured.ok() ? *configured : 0;
  }
}

Result<StressResult> Run::execute() {
  if (auto st = setup(); !st.ok()) return st.error();
  res_.label = opt_.label;
  res_.in_comparison = opt_.in_comparison;
  if (opt_.preload) res_.load_estimate = opt_.preload->estimate;
  res_.limit_bytes = opt_.limit_bytes;
  res_.cpu_limit_cores = opt_.cpu_limit_cores;
  res_.time_scale = opt_.backoff.time_scale;
  res_.host = read_host_info();
  res_.host.cgroup_version = platform::cgroup_version_name(cgroup_->version());
  sampler_ = std::make_unique<Sampler>(*cgroup_, port_, timeline_);
  sampler_->start();
  bool up = true;
  if (opt_.preload) {
    if (auto st = preload(); !st.ok()) {
      sampler_->stop();
      return st.error();
    }
    up = first_load();
  } else {
    if (auto st = start_server(); !st.ok()) {
      return Error{"redis-server", "did not start in the sandbox: " + st.error().message + "; " +
                                       redis_log_tail(dir_.path())};
    }
    started_at_sec_ = timeline_.now_sec();
    Control ctl(port_);
    read_config(ctl, opt_, res_, true);
  }
  LoaderOptions lo = opt_.loader;
  lo.port = port_;
  loader_ = std::make_unique<Loader>(lo);
  if (up) run_phases();
  if (crash_loop_ && opt_.rescue && !g_stop_requested) rescue();
  finish();
  double import_rate = 0;
  for (const auto& p : res_.phases) {
    if (p.phase == RunPhase::kImport) import_rate = std::max(import_rate, p.fill_bytes_per_sec);
  }
  for (const auto& p : res_.phases) {
    if (p.phase != RunPhase::kFork || p.outcome != PhaseOutcome::kCompleted || p.fork_child_sec <= 0) continue;
    res_.prediction.measured_facts_peak_bytes =
        predict_with_measured_fork(conf_path_, opt_, p.fork_child_sec, p.fork_write_rate, import_rate);
    if (p.fragmentation_before_fork > 0) {
      res_.prediction.probe_facts_peak_bytes = predict_with_measured_fork(
          conf_path_, opt_, p.fork_child_sec, p.fork_write_rate, import_rate, p.fragmentation_before_fork);
    }
  }
  return std::move(res_);
}

void Run::run_phases() {
  std::vector<RunPhase> phases;
  if (opt_.phase_import) phases.push_back(RunPhase::kImport);
  if (opt_.phase_fork) phases.push_back(RunPhase::kFork);
  if (opt_.phase_restart) phases.push_back(RunPhase::kRestart);
  std::string stopped_by;  // why the remaining phases do not run
  size_t i = 0;
  while (i < phases.size() && stopped_by.empty()) {
    PhaseResult pr;
    if (!res_.phases.empty() && res_.phases.back().phase == phases[i] && res_.phases.back().outcome == PhaseOutcome::kPending) {
      pr = res_.phases.back();  // a retry after a restart
      res_.phases.pop_back();
    } else {
      pr.phase = phases[i];
      pr.start_sec = timeline_.now_sec();
    }
    phase_ = pr.phase;
    sampler_->set_phase(phase_);
    ++pr.attempts;
    timeline_.add_event(EventKind::kPhaseStart, fmt::format("attempt {}", pr.attempts), phase_);
    Attempt a = pr.phase == RunPhase::kImport ? import_phase(pr)
              : pr.phase == RunPhase::kFork   ? fork_phase(pr)
                                              : restart_phase(pr);
    sampler_->set_phase(phase_);  // the phase's closing sample: its end state is in its peak
    pr.end_sec = timeline_.now_sec();
    timeline_.add_event(EventKind::kPhaseEnd, phase_outcome_name(pr.outcome), phase_);
    if (a == Attempt::kDone) {
      res_.phases.push_back(pr);
      ++i;
      if (g_stop_requested) stopped_by = "interrupted";  // a signal as the phase ended: start no next one
      continue;
    }
    if (a == Attempt::kServerDied) {
      res_.phases.push_back(pr);  // outcome pending: to be retried
      if (recover()) continue;
      res_.phases.back().outcome = crash_loop_ ? PhaseOutcome::kOomKilled : PhaseOutcome::kInterrupted;
      stopped_by = crash_loop_ ? fmt::format("the server is in CrashLoopBackOff after the {} phase", run_phase_name(pr.phase)) : "interrupted";
    } else {
      stalled_ = a == Attempt::kStalled;
      if (pr.outcome == PhaseOutcome::kPending) pr.outcome = a == Attempt::kInterrupted ? PhaseOutcome::kInterrupted : PhaseOutcome::kTimeout;
      stopped_by = fmt::format("{} phase ended {}", run_phase_name(pr.phase), phase_outcome_name(pr.outcome));
      res_.phases.push_back(pr);
    }
    ++i;
  }
  for (; i < phases.size(); ++i) {
    PhaseResult skipped;
    skipped.phase = phases[i];
    skipped.outcome = PhaseOutcome::kNotRun;
    skipped.detail = "not run: " + stopped_by;
    skipped.start_sec = skipped.end_sec = timeline_.now_sec();
    res_.phases.push_back(skipped);
  }
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
  summarize(res_, crash_loop_ && !res_.rescue.rescued, was_running);
  if (stalled_ && res_.final_state == "Running") res_.final_state = "StalledAtLimit";
  server_.kill_and_reap();
  replica_.kill_and_reap();
}

Result<StressResult> run_stress(const StressOptions& options) {
  if (auto st = check_limit(options.limit_bytes, options.force); !st.ok()) return st.error();
  install_stop_handlers();
  Run run(options);
  return run.execute();
}

}  // namespace redisfit::stress
