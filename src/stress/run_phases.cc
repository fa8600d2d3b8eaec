// The phases of a stress run (run.h): import, fork under writes, and a
// deliberate restart. Each returns how its attempt ended; the orchestrator
// (run.cc) restarts a dead server and runs the phase again.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "core/quantity.h"
#include "model/fragmentation.h"
#include "platform/info.h"
#include "sources/info_memory.h"
#include "stress/run_engine.h"
#include "stress/stall.h"

namespace redisfit::stress {

void Run::progress(const PhaseResult& pr, uint64_t payload) const {
  if (!opt_.progress || opt_.fill_payload_bytes == 0) return;
  double frac = std::min(1.0, static_cast<double>(payload) / static_cast<double>(opt_.fill_payload_bytes));
  int width = 30, filled = static_cast<int>(frac * width);
  auto st = cgroup_->read_stats();
  std::string bar = std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(width - filled), '.');
  fmt::print(stderr, "\r{} {} [{}] {:3.0f}%  {} / {}  working set {} / limit {}   ", opt_.label, run_phase_name(pr.phase), bar,
             frac * 100, format_bytes(payload), format_bytes(opt_.fill_payload_bytes),
             format_bytes(st.ok() ? st->working_set_bytes : 0), format_bytes(opt_.limit_bytes));
}

Attempt Run::import_phase(PhaseResult& pr) {
  auto t0 = std::chrono::steady_clock::now();
  loader_->start_import(opt_.fill_payload_bytes);
  Attempt a = Attempt::kDone;
  StallWatch stall(timeline_.now_sec());
  while (!loader_->done()) {
    if (!alive()) { a = Attempt::kServerDied; break; }
    if (g_stop_requested) { a = Attempt::kInterrupted; break; }
    if (timeline_.now_sec() - pr.start_sec > opt_.phase_timeout_sec || over_budget()) { a = Attempt::kTimeout; break; }
    if (auto st = cgroup_->read_stats(); st.ok() && st->limit_bytes &&
        stall.stalled(timeline_.now_sec(), loader_->writes_answered(), st->working_set_bytes, *st->limit_bytes)) {
      a = Attempt::kStalled;
      pr.outcome = PhaseOutcome::kStalledAtLimit;
      pr.detail = stall.describe();
      timeline_.add_event(EventKind::kStall, pr.detail, phase_);
      break;
    }
    progress(pr, loader_->counters().payload_bytes);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  loader_->stop();
  if (opt_.progress) fmt::print(stderr, "\n");
  const auto& c = loader_->counters();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  pr.client_oom_errors += c.oom_errors;
  // A retry after a restart rewrites the same keys from the first: the
  // attempt that got furthest tells how far the import came.
  if (c.payload_bytes >= pr.payload_bytes) {
    pr.keys_written = c.keys_written;
    pr.payload_bytes = c.payload_bytes;
    pr.fill_bytes_per_sec = secs > 0 ? static_cast<double>(c.payload_bytes) / secs : 0;
    pr.commands_per_sec = secs > 0 ? static_cast<double>(c.commands_ok) / secs : 0;
  }
  keyspace_ = std::max<uint64_t>(keyspace_, c.keys_written);
  if (c.oom_errors > 0) {
    timeline_.add_event(EventKind::kClientOomErrors, fmt::format("{} writes refused with -OOM", c.oom_errors.load()), phase_);
  }
  if (a == Attempt::kDone && !alive()) a = Attempt::kServerDied;
  // The loader's threads stop on SIGINT/SIGTERM too: done() then means
  // stopped, not filled, unless the target was reached before the signal.
  if (a == Attempt::kDone && g_stop_requested && c.payload_bytes < opt_.fill_payload_bytes) a = Attempt::kInterrupted;
  if (a == Attempt::kDone) {
    if (c.writes_refused) {
      pr.outcome = PhaseOutcome::kWritesRefused;
      pr.detail = "maxmemory reached: the server refused writes (-OOM) before the fill target";
    } else if (c.connection_lost) {
      pr.outcome = PhaseOutcome::kConnectionLost;
    } else {
      pr.outcome = PhaseOutcome::kCompleted;
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
  if (keyspace_ == 0) keyspace_ = reply_u64(ctl.command({"DBSIZE"}));
  if (opt_.fork_writes == ForkWrites::kInsert) {
    loader_->start_insert(keyspace_, opt_.write_rate_per_sec);
  } else {
    loader_->start_overwrite(std::max<uint64_t>(keyspace_, 1000), opt_.write_rate_per_sec);
  }
  sleep_interruptible(0.2);  // overwrites flowing before the fork
  if (auto memory_section = ctl.command({"INFO", "memory"})) {
    const ServerMemory memory = server_memory_from_info(platform::parse_info(*memory_section));
    if (memory.used_bytes > 0 && memory.rss_bytes > 0) {
      // As probe reads a live server (model/fragmentation.h).
      pr.fragmentation_before_fork = measured_fragmentation(memory);
      pr.used_memory_before_fork_bytes = memory.used_bytes;
    }
  }
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
      if (!rconf.ok() || !replica_.start(*rconf, {}, rport).ok()) {
        pr.outcome = PhaseOutcome::kForkFailed;
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
  uint64_t acked_from = 0, acked_to = 0, refused_from = 0, refused_to = 0;
  while (issued && a == Attempt::kDone) {
    if (!alive()) { a = Attempt::kServerDied; break; }
    if (g_stop_requested) { a = Attempt::kInterrupted; break; }
    if (timeline_.now_sec() - pr.start_sec > opt_.phase_timeout_sec || over_budget()) { a = Attempt::kTimeout; break; }
    auto busy = in_progress();
    if (busy && *busy) {
      if (child_from < 0) {
        child_from = timeline_.now_sec();
        refused_from = loader_->writes_refused();
        acked_from = loader_->writes_acknowledged();
        if (auto st = cgroup_->read_stats(); st.ok()) pr.rss_before_fork_bytes = st->rss_bytes;
      }
      child_to = timeline_.now_sec();
      refused_to = loader_->writes_refused();
      acked_to = loader_->writes_acknowledged();
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
    const double window = std::max(0.05, child_to - child_from);
    pr.fork_write_rate = static_cast<double>(acked_to - acked_from) / window;
    pr.fork_refused_write_rate = static_cast<double>(refused_to - refused_from) / window;
  }
  pr.client_oom_errors += loader_->counters().oom_errors;
  pr.commands_per_sec = static_cast<double>(loader_->counters().commands_ok) / std::max(0.001, timeline_.now_sec() - pr.start_sec);
  replica_.kill_and_reap();
  if (a == Attempt::kDone && !alive()) a = Attempt::kServerDied;
  if (a == Attempt::kDone && pr.outcome == PhaseOutcome::kPending && !issued) {
    pr.outcome = PhaseOutcome::kForkFailed;
    pr.detail += ": the server did not start the child (a save already in progress twice, or an error reply)";
  }
  if (a == Attempt::kDone && pr.outcome == PhaseOutcome::kPending) {
    std::string field = kind == ForkKind::kBgrewriteaof ? "aof_last_bgrewrite_status" : "rdb_last_bgsave_status";
    auto status = ctl.info_field("persistence", field);
    std::string cow_field = kind == ForkKind::kBgrewriteaof ? "aof_last_cow_size" : "rdb_last_cow_size";
    pr.redis_last_cow_bytes = reply_u64(ctl.info_field("persistence", cow_field));
    if (kind == ForkKind::kFullSync || status.value_or("") == "ok") {
      pr.outcome = PhaseOutcome::kCompleted;
    } else if (!status || status->empty()) {
      // No answer (or no such field): say so, never print an empty status.
      pr.outcome = PhaseOutcome::kForkUnconfirmed;
      pr.detail += ": the server did not answer INFO persistence after the child ended";
    } else {
      pr.outcome = PhaseOutcome::kForkFailed;
      pr.detail += ": " + field + " is " + *status + " (redis.log says why)";
    }
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
  timeline_.add_event(EventKind::kRestart, "deliberate restart (SIGTERM, then start): reload RDB/AOF", phase_);
  auto st = start_server();
  if (!st.ok()) {
    if (g_stop_requested) return Attempt::kInterrupted;
    alive();
    if (!server_.running()) return Attempt::kServerDied;
    pr.outcome = PhaseOutcome::kTimeout;
    pr.detail = st.error().describe();
    return Attempt::kTimeout;
  }
  timeline_.add_event(EventKind::kReady, "reload finished", phase_);
  started_at_sec_ = timeline_.now_sec();
  pr.outcome = PhaseOutcome::kCompleted;
  pr.detail = "reloaded after restart";
  return Attempt::kDone;
}

}  // namespace redisfit::stress
