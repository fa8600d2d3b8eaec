// The reload crash loop and its rescue, inside the sandbox.
//
// preload(): the persisted data a run starts from. A server with room (the
// cgroup limit raised, maxmemory 0: the data of an earlier, larger
// configuration, or an import that got that far) writes the dataset with the
// stress loader, or loads the user's file, and persists it (the AOF rewrite
// with its RDB preamble as the base when appendonly is on; else BGSAVE). Then the limit
// goes back to the container's and the run starts under it: loading ignores
// maxmemory (evict.c performs no eviction while server.loading), so a dataset
// above what the limit holds is OOM-killed while loading on every start.
//
// rescue(): `redisfit rescue`'s steps (model/rescue_plan.h), applied as the
// operator would: the cgroup limit raised to the temporary limit (the
// VerticalScaling), a restart, the load awaited, CONFIG SET maxmemory (and the
// config file rewritten, as Reconfiguring does), used_memory awaited below it
// under an evicting policy and the smaller data persisted, then the final
// limit and a restart. Under noeviction nothing evicts: the plan's larger
// limit keeps every key (the other way, deleting, is the application's call).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "core/quantity.h"
#include "model/key_size.h"
#include "model/rescue_plan.h"
#include "platform/info.h"
#include "platform/input_file.h"
#include "sources/rdb/aof_reader.h"
#include "stress/prediction.h"
#include "stress/run_engine.h"

namespace redisfit::stress {
namespace fs = std::filesystem;
namespace {

Status wait_persisted(Control& ctl, bool aof, double timeout_sec);

// Waits until `done()` or the timeout (or a stop); true when done.
template <typename F>
bool wait_until(double timeout_sec, F done) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(timeout_sec * 1000));
  while (!g_stop_requested && std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    sleep_interruptible(0.05);
  }
  return false;
}

// Copies the user's persisted data where the generated redis.conf points:
// an appendonlydir as appendonlydir, a file starting "REDIS" as dump.rdb,
// any other file as a single-file AOF (appendonly.aof, which Redis 7 loads
// and converts when appendonly is on). Returns the appendfilename the server
// must be given to load it ("" for an RDB): Redis 7 opens
// <appenddirname>/<appendfilename>.manifest (aof.c:aofLoadManifestFromDisk)
// and starts empty when that name is missing, so a directory whose manifest
// has another name (appendfilename "app.aof" -> app.aof.manifest) is loaded
// under the name it has.
Result<std::string> copy_in(const std::string& from, const std::string& dir, bool appendonly) {
  std::error_code ec;
  if (fs::is_directory(from, ec)) {
    if (!appendonly) return Error{from, "an appendonlydir is loaded only with appendonly yes (--appendonly yes)"};
    const std::vector<std::string> manifests = rdb::aof_manifests_in(from);
    if (manifests.size() != 1) {
      return Error{from, manifests.empty() ? "a directory without an AOF manifest (*.manifest): not an appendonlydir"
                                           : "a directory with " + std::to_string(manifests.size()) +
                                                 " AOF manifests: give the appendonlydir of one server"};
    }
    fs::copy(from, dir + "/appendonlydir", fs::copy_options::recursive, ec);
    if (ec) return Error{from, "cannot copy into the sandbox: " + ec.message()};
    return manifests[0].substr(0, manifests[0].size() - 9);
  }
  // The shared opener: a FIFO or a device is refused, never waited on.
  auto fd = platform::open_input_fd(from, platform::InputFileRules{});
  if (!fd) return fd.error();
  char magic[5] = {};
  if (::read(fd->get(), magic, 5) != 5) return Error{from, "cannot read the persisted data (empty or unreadable)"};
  const bool rdb = std::string(magic, 5) == "REDIS";
  if (!rdb && !appendonly) return Error{from, "not an RDB file (no REDIS magic); an AOF needs --appendonly yes"};
  fs::copy_file(from, dir + (rdb ? "/dump.rdb" : "/appendonly.aof"), ec);
  if (ec) return Error{from, "cannot copy into the sandbox: " + ec.message()};
  return std::string(rdb ? "" : "appendonly.aof");
}

}  // namespace

std::optional<uint64_t> Run::persisted_file_bytes() const {
  // With appendonly the AOF is what a start loads, else dump.rdb.
  std::error_code ec;
  uint64_t total = 0;
  bool any = false;
  if (res_.appendonly == "yes") {
    for (const auto& e : fs::directory_iterator(dir_.path() + "/appendonlydir", ec)) {
      if (e.is_regular_file(ec)) total += e.file_size(ec), any = true;
    }
    if (fs::exists(dir_.path() + "/appendonly.aof", ec)) total += fs::file_size(dir_.path() + "/appendonly.aof", ec), any = true;
  } else if (fs::exists(dir_.path() + "/dump.rdb", ec)) {
    total = fs::file_size(dir_.path() + "/dump.rdb", ec);
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

Status Run::persist(Control& ctl, double timeout_sec) {
  const bool aof = res_.appendonly == "yes";
  bool err = false;
  auto reply = ctl.command({aof ? "BGREWRITEAOF" : "BGSAVE"}, &err);
  if (!reply || err) return Error{"redis-server", std::string(aof ? "BGREWRITEAOF" : "BGSAVE") + ": " +
                                                      reply.value_or("no answer")};
  return wait_persisted(ctl, aof, timeout_sec);
}

namespace {
Status wait_persisted(Control& ctl, bool aof, double timeout_sec) {
  const std::string status_field = aof ? "aof_last_bgrewrite_status" : "rdb_last_bgsave_status";
  bool done = wait_until(timeout_sec, [&] {
    auto text = ctl.command({"INFO", "persistence"});
    if (!text) return false;
    const platform::InfoFields f = platform::parse_info(*text);
    return f.u64("rdb_bgsave_in_progress") == 0u && f.u64("aof_rewrite_in_progress") == 0u &&
           f.u64("aof_rewrite_scheduled") == 0u;
  });
  std::string status = ctl.info_field("persistence", status_field).value_or("");
  if (!done) return Error{"redis-server", fmt::format("persisting did not finish within {:.0f} s", timeout_sec)};
  if (status != "ok") {
    return Error{"redis-server", status.empty() ? "persisting: the server did not answer INFO persistence"
                                                : "persisting failed: " + status_field + " is " + status};
  }
  return Ok{};
}
}  // namespace

void Run::stop_server(double timeout_sec) {
  if (!server_.running()) return;
  kill(server_.pid(), SIGTERM);  // a rollout: Redis persists on shutdown, then exits
  wait_until(timeout_sec, [&] { return !server_.running() || server_.poll_exit().has_value(); });
  server_.kill_and_reap();
}

Status Run::preload() {
  const Preload& p = *opt_.preload;
  PhaseResult pr;
  pr.phase = phase_ = RunPhase::kPreload;
  pr.start_sec = timeline_.now_sec();
  pr.attempts = 1;
  sampler_->set_phase(phase_);
  timeline_.add_event(EventKind::kPhaseStart, "write and persist the dataset with room", phase_);
  // Room to write or load the data: with an estimate of the file's load
  // (--rdb), three times what it says a start needs; a file with no
  // estimate gets four times the limit.
  const uint64_t expected = std::max(p.dataset_bytes, p.estimate ? p.estimate->reload_bytes : 0);
  const uint64_t room = std::max(opt_.limit_bytes * 4, expected * 3 + 64 * kMiB);
  const std::string room_words = room == opt_.limit_bytes * 4 ? "the room to write it with, 4 x the limit"
                                 : p.estimate ? "the room to load it with, 3 x what its start needs"
                                              : "the room to write it with, 3 x the data";
  if (auto st = check_limit(room, opt_.force, p.file.empty() ? "--preload" : p.file, room_words); !st.ok()) {
    return st.error();
  }
  if (auto st = cgroup_->set_limit(room); !st.ok()) return st.error();
  timeline_.add_event(EventKind::kLimit, "limit " + format_k8s_quantity(room) + " while the dataset is written", phase_);
  if (!p.file.empty()) {
    auto appendfilename = copy_in(p.file, dir_.path(), opt_.server.appendonly.value_or(false));
    if (!appendfilename.ok()) return appendfilename.error();
    // After the user's file and --set: the name the copied data has wins.
    if (!appendfilename->empty()) opt_.server.extra.emplace_back("appendfilename", quote_conf_value(*appendfilename));
  }
  ServerConfig roomy = opt_.server;
  roomy.maxmemory_bytes = 0;  // the data of an earlier, larger configuration
  // The dataset is written without the AOF (fast), then persisted in the
  // configured form: CONFIG SET appendonly yes starts the rewrite that writes
  // the RDB preamble base, or BGSAVE writes dump.rdb.
  const bool appendonly = opt_.server.appendonly.value_or(false);
  if (p.dataset_bytes > 0) roomy.appendonly = false;
  if (auto conf = write_server_config(dir_.path(), port_, roomy); !conf.ok()) return conf.error();
  if (auto st = start_server(); !st.ok()) {
    return Error{p.file.empty() ? "redis-server" : p.file,
                 "the server did not load the persisted data even with room: " + st.error().message + "; " +
                     redis_log_tail(dir_.path())};
  }
  Control ctl(port_, 60);
  if (p.dataset_bytes > 0) {
    // The stress loader's keys and random (incompressible) values, so the
    // files are as large as real data's.
    LoaderOptions lo = opt_.loader;
    lo.port = port_;
    lo.value_min_bytes = lo.value_max_bytes = p.value_bytes;
    lo.ttl_share = 0;
    constexpr uint64_t kKeyBytes = 9;  // "rf:" + a number
    const uint64_t keys = std::max<uint64_t>(1, p.dataset_bytes / string_key_used_bytes(kKeyBytes, p.value_bytes));
    Loader writer(lo);
    writer.start_import(keys * (p.value_bytes + kKeyBytes));
    while (!writer.done() && !g_stop_requested && !over_budget()) sleep_interruptible(0.02);
    writer.stop();
    if (g_stop_requested) return Error{"redis-server", "interrupted while the dataset was written"};
    if (over_budget()) {
      return Error{"--max-time", fmt::format("{:.0f} s reached while the dataset was written with room ({} of {}); "
                                                  "nothing was measured: give more time or a smaller --preload",
                                                  opt_.max_run_sec, format_bytes(writer.counters().payload_bytes),
                                                  format_bytes(keys * (p.value_bytes + kKeyBytes)))};
    }
    if (writer.counters().connection_lost) return Error{"redis-server", "the server went away while the dataset was written"};
    if (appendonly) {
      bool err = false;
      auto reply = ctl.command({"CONFIG", "SET", "appendonly", "yes"}, &err);
      if (!reply || err) return Error{"redis-server", "CONFIG SET appendonly yes: " + reply.value_or("no answer")};
      if (auto st = wait_persisted(ctl, true, opt_.rescue_step_timeout_sec); !st.ok()) return st.error();
    } else if (auto st = persist(ctl, opt_.rescue_step_timeout_sec); !st.ok()) {
      return st.error();
    }
  }
  read_config(ctl, opt_, res_, false);
  res_.preload_keys = reply_u64(ctl.command({"DBSIZE"}));
  res_.preload_used_memory_bytes = reply_u64(ctl.info_field("memory", "used_memory"));
  // A server that starts empty from a file that holds keys loaded something
  // else (or nothing): every figure after it would measure the wrong data.
  if (!p.file.empty() && p.estimate && p.estimate->keys > 0 && res_.preload_keys == 0) {
    return Error{p.file, fmt::format("the sandbox's server started with room but holds no keys, where `redisfit rdb` "
                                     "reads {}: it did not load this data; {}",
                                     p.estimate->keys, redis_log_tail(dir_.path()))};
  }
  ctl.close();
  stop_server(60);
  res_.preload_file_bytes = persisted_file_bytes().value_or(0);
  timeline_.add_event(EventKind::kPersisted, fmt::format("{} keys, used_memory {}, {} on disk", res_.preload_keys,
                                               format_bytes(res_.preload_used_memory_bytes),
                                               format_bytes(res_.preload_file_bytes)), phase_);
  if (auto conf = write_server_config(dir_.path(), port_, opt_.server); !conf.ok()) return conf.error();
  if (auto st = cgroup_->set_limit(opt_.limit_bytes); !st.ok()) return st.error();
  timeline_.add_event(EventKind::kLimit, "limit " + format_k8s_quantity(opt_.limit_bytes) + " (the container's)", phase_);
  pr.end_sec = timeline_.now_sec();
  pr.outcome = PhaseOutcome::kCompleted;
  pr.keys_written = res_.preload_keys;
  pr.detail = fmt::format("{} keys, used_memory {} persisted ({} {})", res_.preload_keys,
                          format_bytes(res_.preload_used_memory_bytes), format_bytes(res_.preload_file_bytes),
                          res_.appendonly == "yes" ? "AOF" : "RDB");
  timeline_.add_event(EventKind::kPhaseEnd, phase_outcome_name(pr.outcome), phase_);
  res_.phases.push_back(pr);
  return Ok{};
}

void Run::rescue() {
  RescueResult& r = res_.rescue;
  r.attempted = true;
  r.state_before = "CrashLoopBackOff";
  r.start_sec = timeline_.now_sec();
  PhaseResult pr;
  pr.phase = phase_ = RunPhase::kRescue;
  pr.start_sec = r.start_sec;
  pr.attempts = 1;
  sampler_->set_phase(phase_);
  timeline_.add_event(EventKind::kPhaseStart, "redisfit rescue's steps", phase_);
  r.rescued = rescue_steps(r);
  if (!r.rescued && !g_stop_requested) timeline_.add_event(EventKind::kRescueFailed, r.detail, phase_);
  if (r.rescued) {
    sleep_interruptible(0.5);  // the server seen running under the final limit
    if (!alive()) {
      r.rescued = false;
      r.detail = "the server died under the final limit after it had reloaded";
      timeline_.add_event(EventKind::kRescueFailed, r.detail, phase_);
    }
  }
  r.end_sec = pr.end_sec = timeline_.now_sec();
  pr.outcome = r.rescued ? PhaseOutcome::kCompleted : g_stop_requested ? PhaseOutcome::kInterrupted : PhaseOutcome::kFailed;
  pr.detail = r.detail;
  timeline_.add_event(EventKind::kPhaseEnd, phase_outcome_name(pr.outcome), phase_);
  res_.phases.push_back(pr);
}

bool Run::rescue_steps(RescueResult& r) {
  // A step cut short by SIGINT/SIGTERM did not fail: it was stopped, and
  // says so instead of blaming the plan ("the reload did not fit").
  auto fail = [&](std::string why) {
    r.interrupted = g_stop_requested;
    r.detail = g_stop_requested ? std::string("interrupted during the rescue") : std::move(why);
    return false;
  };
  auto step = [&](const std::string& text) { timeline_.add_event(EventKind::kRescue, text, phase_); };
  // The plan: the configuration that runs, holding what the next start loads:
  // the persisted files, or the most used_memory seen, whichever is larger.
  auto instance = instance_for_run(conf_path_, opt_);
  if (!instance.ok()) return fail("no plan: " + instance.error().describe());
  const Workload workload = workload_for_run(opt_, res_.maxmemory_bytes);
  uint64_t seen = res_.preload_used_memory_bytes;
  for (const auto& s : timeline_.samples()) seen = std::max(seen, s.used_memory_bytes);
  const uint64_t on_disk = persisted_file_bytes().value_or(0);
  r.loaded_bytes = std::max(seen, on_disk);
  r.loaded_source = seen >= on_disk ? fmt::format("used_memory seen, {}", format_bytes(seen))
                                    : fmt::format("persisted files, {}", format_bytes(on_disk));
  RescueInputs inputs;
  inputs.loaded_bytes = r.loaded_bytes;
  inputs.loaded_source = r.loaded_source;
  auto plan = plan_rescue(*instance, workload, inputs);
  if (!plan.ok()) return fail("no plan: " + plan.error().describe());
  r.policy = plan->policy;
  r.clients = workload.clients.value;
  r.keep_data = !plan->evicts && plan->excess_bytes > 0;
  if (r.keep_data && plan->keep_data_limit_bytes == 0) {
    return fail("noeviction with data above the new maxmemory and no limit that keeps it: the application "
                "must delete the excess (" + format_bytes(plan->excess_bytes) + ")");
  }
  r.temporary_limit_bytes = plan->temporary_limit_bytes;
  r.maxmemory_bytes = r.keep_data ? plan->keep_data_maxmemory_bytes : plan->maxmemory_bytes;
  r.final_limit_bytes = r.keep_data ? plan->keep_data_limit_bytes : plan->final_limit_bytes;
  r.detail = r.keep_data ? "noeviction: the plan's larger limit keeps every key"
                         : plan->evicts ? "the policy evicts the excess" : "the data fits the new maxmemory";
  for (uint64_t limit : {r.temporary_limit_bytes, r.final_limit_bytes}) {
    if (auto st = check_limit(limit, opt_.force, "rescue", "the plan's limit"); !st.ok()) return fail(st.error().describe());
  }

  // 1. Raise the limit (VerticalScaling; the pod restarts with it).
  server_.kill_and_reap();
  if (auto st = cgroup_->set_limit(r.temporary_limit_bytes); !st.ok()) return fail(st.error().describe());
  step(fmt::format("step 1: limit raised to {} (the reload needs {})", format_k8s_quantity(r.temporary_limit_bytes),
                   format_bytes(plan->reload_peak_bytes)));
  // 2. Restart, wait until it is Running and loading:0.
  timeline_.add_event(EventKind::kRestart, "restart under the temporary limit", phase_);
  auto started = start_server();
  started_at_sec_ = timeline_.now_sec();
  if (!started.ok()) {
    record_failed_start(started);
    return fail("the reload did not fit the temporary limit " + format_k8s_quantity(r.temporary_limit_bytes));
  }
  timeline_.add_event(EventKind::kReady, "loaded under the temporary limit, serving", phase_);
  Control ctl(port_, 30);
  // The keys the persisted data held: those present, plus those an evicting
  // policy already removed to honour the old maxmemory, plus expired ones
  // (nothing else writes during the rescue).
  // One INFO call is one snapshot (eviction runs between commands).
  if (auto text = ctl.command({"INFO", "keyspace", "stats"})) {
    const platform::InfoFields f = platform::parse_info(*text);
    r.keys_before = f.total_keys() + f.u64("evicted_keys").value_or(0) + f.u64("expired_keys").value_or(0);
  }
  r.used_memory_loaded_bytes = reply_u64(ctl.info_field("memory", "used_memory"));
  step(fmt::format("step 2: Running, loading:0, {} keys loaded, used_memory {}", r.keys_before,
                   format_bytes(r.used_memory_loaded_bytes)));
  // 3. The new maxmemory (CONFIG SET now; Reconfiguring keeps it in the config).
  bool err = false;
  auto reply = ctl.command({"CONFIG", "SET", "maxmemory", std::to_string(r.maxmemory_bytes)}, &err);
  if (!reply || err) return fail("CONFIG SET maxmemory: " + reply.value_or("no answer"));
  opt_.server.maxmemory_bytes = r.maxmemory_bytes;
  if (auto conf = write_server_config(dir_.path(), port_, opt_.server); !conf.ok()) return fail(conf.error().describe());
  step(fmt::format("step 3: CONFIG SET maxmemory {} ({})", r.maxmemory_bytes, format_bytes(r.maxmemory_bytes)));
  // 4. Bring the data down under it and persist the smaller data, or keep it.
  if (r.keep_data) {
    step(fmt::format("step 4: noeviction keeps all {} keys: final limit {} holds them", r.keys_before,
                     format_k8s_quantity(r.final_limit_bytes)));
  } else {
    // Redis evicts after CONFIG SET lowers maxmemory (config.c updateMaxmemory
    // starts evictionTimeProc), in time-bounded slices, and before every
    // command (server.c processCommand calls performEvictions).
    // Done when Redis itself says it is at or under maxmemory: INFO stats
    // current_eviction_exceeded_time, which performEvictions resets to 0 once
    // it returns EVICT_OK (evict.c, update_metrics). Comparing used_memory
    // with maxmemory here instead fails by a few bytes when eviction stopped
    // one key under the limit and INFO's own reply buffer is counted in the
    // used_memory it reports. A server without the field (before 7.0) is
    // judged by used_memory minus what eviction does not count (AOF and
    // replication buffers, evict.c freeMemoryGetNotCountedMemory).
    // The forks Redis would start by itself meanwhile, suspended as the
    // steps say when one at the loaded size would not fit (rescue_plan.h).
    for (const auto& c : plan->suspended_configs) {
      auto set = ctl.command({"CONFIG", "SET", c.name, c.suspended}, &err);
      if (!set || err) return fail("CONFIG SET " + c.name + ": " + set.value_or("no answer"));
    }
    if (plan->suspend_forks()) step("step 4: the automatic forks suspended while the data comes down");
    uint64_t used = 0, not_counted = 0;
    const bool down = wait_until(opt_.rescue_step_timeout_sec, [&] {
      auto text = ctl.command({"INFO", "memory", "stats"});
      if (!text) return false;
      const platform::InfoFields f = platform::parse_info(*text);
      used = f.u64("used_memory").value_or(0);
      not_counted = f.u64("mem_not_counted_for_evict").value_or(0);
      if (auto exceeded = f.u64("current_eviction_exceeded_time")) return *exceeded == 0;
      return used - std::min(used, not_counted) <= r.maxmemory_bytes;
    });
    if (!down) {
      return fail(fmt::format("used_memory {} ({} not counted for eviction) still above maxmemory {} after {:.0f} s, "
                              "{} keys evicted", format_bytes(used), format_bytes(not_counted),
                              format_bytes(r.maxmemory_bytes), opt_.rescue_step_timeout_sec,
                              reply_u64(ctl.info_field("stats", "evicted_keys"))));
    }
    if (auto st = persist(ctl, opt_.rescue_step_timeout_sec); !st.ok()) return fail(st.error().message);
    for (const auto& c : plan->suspended_configs) {
      auto set = ctl.command({"CONFIG", "SET", c.name, c.restored}, &err);
      if (!set || err) return fail("CONFIG SET " + c.name + " " + c.restored + ": " + set.value_or("no answer"));
    }
    r.evicted_keys = reply_u64(ctl.info_field("stats", "evicted_keys"));
    step(fmt::format("step 4: used_memory under maxmemory, {} keys evicted; the smaller data persisted",
                     r.evicted_keys));
  }
  ctl.close();
  // 5. Only then the final limit; the restart reloads what was persisted.
  stop_server(opt_.rescue_step_timeout_sec);
  if (auto st = cgroup_->set_limit(r.final_limit_bytes); !st.ok()) return fail(st.error().describe());
  step("step 5: limit set to " + format_k8s_quantity(r.final_limit_bytes));
  timeline_.add_event(EventKind::kRestart, "restart under the final limit", phase_);
  started = start_server();
  started_at_sec_ = timeline_.now_sec();
  if (!started.ok()) {
    record_failed_start(started);
    return fail("the reload did not fit the final limit " + format_k8s_quantity(r.final_limit_bytes));
  }
  timeline_.add_event(EventKind::kReady, "reloaded under the final limit, serving", phase_);
  Control after(port_, 30);
  r.keys_after = reply_u64(after.command({"DBSIZE"}));
  r.used_memory_after_bytes = reply_u64(after.info_field("memory", "used_memory"));
  step(fmt::format("Running: {} keys ({} before), used_memory {}", r.keys_after, r.keys_before,
                   format_bytes(r.used_memory_after_bytes)));
  return true;
}

}  // namespace redisfit::stress
