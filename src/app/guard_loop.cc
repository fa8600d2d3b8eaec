#include "app/guard_loop.h"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "core/flag_units.h"
#include "core/json_text.h"
#include "core/quantity.h"
#include "live/live_facts.h"
#include "live/server_snapshot.h"
#include "platform/input_file.h"

namespace redisfit::app {
namespace {

using nlohmann::json;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && s[i] == ' ') ++i;
  return s.substr(i);
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string rfc3339_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, ms);
}

// CONFIG GET maxmemory is what the guard changes: without it there is nothing
// to guard. rename-command CONFIG "" makes the server answer "unknown
// command"; an ACL user without +config gets NOPERM.
constexpr const char* kConfigNeeded =
    "the guard needs CONFIG GET and CONFIG SET maxmemory (rename-command CONFIG disables them; an ACL user "
    "needs +config|get +config|set)";

}  // namespace

std::string LimitSource::describe() const {
  switch (kind) {
    case Kind::kFile: return "file " + file;
    case Kind::kFixed: return "flag --limit";
    case Kind::kCgroup: break;
  }
  return fmt::format("cgroup {} {}", platform::cgroup_version_name(cgroup.version), cgroup.directory);
}

Result<LimitReading> read_limit(const LimitSource& source) {
  LimitReading r;
  if (source.kind == LimitSource::Kind::kFixed) {
    if (source.fixed_bytes == 0) return Error{"--limit", "the limit is 0"};
    r.limit_bytes = source.fixed_bytes;
    r.source = source.describe();
    return r;
  }
  if (source.kind == LimitSource::Kind::kFile) {
    // A Downward API file holds one number; 64 KiB bounds what another path costs.
    auto text = platform::read_input_file(source.file, platform::InputFileRules{.max_bytes = 64u << 10});
    if (!text) {
      return Error{source.file, "cannot read the limit file: " + text.error().message +
                                    " (a Downward API volume with resourceFieldRef limits.memory?)"};
    }
    // The --limit flag's rule (core/flag_units.h), so that one text is one
    // limit whichever way it is given: resourceFieldRef writes plain bytes,
    // "16m" (milli in Kubernetes, mega in Redis) is refused as ambiguous
    // rather than read as 1 byte, and a size no container has is refused.
    const std::string written = trim(*text);
    if (written.empty()) return Error{source.file, "the limit file is empty"};
    auto bytes = parse_size_flag(source.file, written);
    if (!bytes) return Error{source.file, "not a memory limit: " + bytes.error().message};
    if (*bytes == 0) return Error{source.file, "the limit is 0"};
    if (Status in_range = check_limit_bytes(source.file, *bytes, written); !in_range) return in_range.error();
    r.limit_bytes = *bytes;
    r.source = "file " + source.file;
    return r;
  }
  auto cg = platform::read_memory_cgroup(source.cgroup);
  if (!cg) return cg.error();
  const char* file = platform::memory_file_names(source.cgroup.version).limit;
  if (!cg->limit_bytes) {
    return Error{source.cgroup.directory + "/" + file,
                 "the cgroup has no memory limit: there is nothing to keep maxmemory under (set "
                 "resources.limits.memory on the Redis container)"};
  }
  r.limit_bytes = *cg->limit_bytes;
  r.source = fmt::format("cgroup {} {}/{}", platform::cgroup_version_name(source.cgroup.version),
                         source.cgroup.directory, file);
  r.working_set_bytes = cg->working_set_bytes;
  return r;
}

void GuardLog::write(const char* level, const char* event, json fields) {
  json line = json::object();
  line["time"] = rfc3339_now();
  line["level"] = level;
  line["event"] = event;
  for (auto& [k, v] : fields.items()) line[k] = v;
  std::lock_guard lock(mutex_);
  std::fputs((dump_json(line) + "\n").c_str(), out_);
  std::fflush(out_);
}

const char* poll_outcome_name(PollOutcome outcome) {
  switch (outcome) {
    case PollOutcome::kOk: return "ok";
    case PollOutcome::kRefused: return "refused";
    case PollOutcome::kUnreachable: return "unreachable";
    case PollOutcome::kBadInput: return "bad-input";
  }
  return "ok";
}

Guard::Guard(GuardOptions options, GuardLog& log)
    : options_(std::move(options)), log_(log), write_rate_(options_.rate_window_seconds) {
  state_.dry_run = options_.dry_run;
}

Guard::~Guard() = default;

GuardState Guard::state() const {
  std::lock_guard lock(state_mutex_);
  return state_;
}

PollResult Guard::poll() {
  GuardState next = state();
  ++next.polls;
  PollResult r = poll_locked(next);
  if (next.redis_up) reached_ = true;
  next.failed_as = r.outcome == PollOutcome::kOk || r.outcome == PollOutcome::kRefused ? "" : poll_outcome_name(r.outcome);
  if (r.outcome == PollOutcome::kOk) {
    next.error.clear();
  } else {
    next.error = r.message;
    if (r.outcome != PollOutcome::kRefused) ++next.errors;
    // An error is logged when it is new, not at every poll (a refusal was
    // logged with its numbers by poll_locked).
    // A server never reached yet, within the startup grace, is starting:
    // info, so that every pod start does not fire a warning alert.
    const bool waiting = r.outcome == PollOutcome::kUnreachable && !reached_ &&
                         std::chrono::steady_clock::now() - started_ < options_.startup_grace;
    const char* event = waiting ? "waiting" : poll_outcome_name(r.outcome);
    const std::string key = std::string(event) + r.message;
    if (r.outcome != PollOutcome::kRefused && key != last_logged_) {
      log_.write(waiting ? "info" : r.outcome == PollOutcome::kUnreachable ? "warning" : "error", event,
                 {{"message", r.message}});
      last_logged_ = key;
    }
  }
  std::lock_guard lock(state_mutex_);
  state_ = std::move(next);
  return r;
}

void Guard::hold_highest_fragmentation(const std::string& run_id, Sourced<double>& fragmentation) {
  if (run_id != fragmentation_run_id_) {
    fragmentation_run_id_ = run_id;
    fragmentation_high_.reset();
  }
  hold_highest(fragmentation_high_, fragmentation);
}

PollResult Guard::poll_locked(GuardState& next) {
  auto limit = read_limit(options_.limit);
  if (!limit) return {PollOutcome::kBadInput, limit.error().describe()};
  next.limit_bytes = limit->limit_bytes;
  next.limit_source = limit->source;
  if (last_limit_ && *last_limit_ != limit->limit_bytes) {
    log_.write("info", "limit-changed",
               {{"from_bytes", *last_limit_}, {"to_bytes", limit->limit_bytes}, {"source", limit->source}});
  }
  last_limit_ = limit->limit_bytes;

  // A kept connection the server closed since the last poll (its idle
  // `timeout`, a restart) is opened again, not counted as unreachable.
  if (conn_ && conn_->closed_while_idle()) conn_.reset();
  if (!conn_) {
    auto c = platform::connect_redis(options_.endpoint, options_.connect);
    if (!c) {
      next.redis_up = false;
      const bool auth = platform::is_authentication_error(c.error());
      return {auth ? PollOutcome::kBadInput : PollOutcome::kUnreachable, c.error().describe()};
    }
    conn_ = std::move(c).value();
  }
  live::ServerSnapshot snap;
  snap.where = conn_->where();
  auto info = live::read_info(*conn_);
  if (!info) {
    conn_.reset();  // reopened next poll: the server may be restarting
    next.redis_up = false;
    return {PollOutcome::kUnreachable, info.error().describe()};
  }
  next.redis_up = true;
  snap.info = std::move(info).value();
  snap.loading = snap.info.text("loading").value_or("0") == "1";
  snap.config = live::read_memory_config(*conn_, snap.unreadable);
  auto maxmemory_text = snap.config.find("maxmemory");
  uint64_t current = 0;
  if (maxmemory_text == snap.config.end() || !parse_redis_memory(maxmemory_text->second)) {
    std::string why = snap.unreadable.empty() ? "CONFIG GET maxmemory gave no value" : snap.unreadable.front();
    // A server that died between INFO and CONFIG GET (an OOM kill) is not
    // a permissions problem: the connection no longer answers at all.
    if (auto ping = conn_->command({"PING"}); !ping) {
      conn_.reset();
      next.redis_up = false;
      return {PollOutcome::kUnreachable, fmt::format("the server went away after INFO ({})", why)};
    }
    return {PollOutcome::kBadInput, fmt::format("{}: {}; {}", conn_->where(), why, kConfigNeeded)};
  }
  current = *parse_redis_memory(maxmemory_text->second);
  next.maxmemory_bytes = current;

  // A fork child alive (BGSAVE, AOF rewrite, full sync) copies pages as the
  // parent writes; its copies (current_cow_size, childinfo.c) are charged to
  // the same container.
  const bool forking = snap.info.u64("rdb_bgsave_in_progress").value_or(0) == 1 ||
                       snap.info.u64("aof_rewrite_in_progress").value_or(0) == 1;
  next.working_set_bytes = limit->working_set_bytes;
  if (!next.working_set_bytes) {
    next.working_set_bytes =
        snap.info.u64("used_memory_rss").value_or(0) + (forking ? snap.info.u64("current_cow_size").value_or(0) : 0);
  }
  const bool near = static_cast<double>(*next.working_set_bytes) >=
                    options_.fork_warn_fraction * static_cast<double>(limit->limit_bytes);
  if (forking && near && !next.fork_near_limit) {
    ++next.fork_warnings;
    log_.write("warning", "fork-near-limit",
               {{"working_set_bytes", *next.working_set_bytes},
                {"limit_bytes", limit->limit_bytes},
                {"message", fmt::format("a fork child is alive and the working set {} is {:.0f}% of the limit {}: "
                                        "the container may be OOM-killed before the child finishes",
                                        format_bytes(*next.working_set_bytes),
                                        100.0 * static_cast<double>(*next.working_set_bytes) /
                                            static_cast<double>(limit->limit_bytes),
                                        format_k8s_quantity(limit->limit_bytes))}});
  }
  next.fork_in_progress = forking;
  next.fork_near_limit = forking && near;

  live::LiveFacts facts =
      live::facts_from_snapshot(snap, Sourced<uint64_t>{limit->limit_bytes, Provenance::live(limit->source)});
  // The write rate is the meter's once it has measured one. Before that (the
  // first polls) the snapshot has none (live_facts.cc: one INFO
  // instantaneous_ops_per_sec reading says nothing of the writes a fork will
  // meet, an idle instant before an import), so a server that forks is judged
  // with the rate unknown: the worst case, as plan without --write-rate.
  // Either way the last fork's observed copy-on-write is weighed again
  // against the rate the model now uses (it can raise the estimate, never
  // lower it).
  if (auto measured = write_rate_.update(*conn_, snap.info.text("run_id").value_or(""))) {
    facts.workload.write_rate_per_sec = *measured;
  }
  live::weigh_observed_cow(facts);
  hold_highest_fragmentation(snap.info.text("run_id").value_or(""), facts.workload.fragmentation);
  GuardObservation seen;
  seen.limit_bytes = limit->limit_bytes;
  seen.limit_source = limit->source;
  seen.instance = facts.instance;
  seen.workload = facts.workload;
  seen.maxmemory_bytes = current;
  seen.ignoring_replica_of = live::primary_of_replica_ignoring_maxmemory(snap);
  const uint64_t used = snap.info.u64("used_memory").value_or(0);
  const uint64_t not_counted = snap.info.u64("mem_not_counted_for_evict").value_or(0);
  seen.counted_for_eviction_bytes = used > not_counted ? used - not_counted : 0;
  // While LOADING used_memory is partial; the dataset being loaded is what
  // maxmemory will be held against once the load ends.
  if (snap.loading && facts.workload.dataset_bytes)
    seen.counted_for_eviction_bytes = std::max(seen.counted_for_eviction_bytes, facts.workload.dataset_bytes->value);

  GuardDecision d = decide_maxmemory(seen, options_.settings);
  next.model_bytes = d.model_bytes;
  next.target_bytes = d.target_bytes;
  next.action = guard_action_name(d.action);
  next.reason_code = d.reason_code;
  json fields = {{"action", next.action},       {"reason_code", d.reason_code},  {"reason", d.reason},
                 {"limit_bytes", seen.limit_bytes}, {"limit_source", seen.limit_source},
                 {"maxmemory_bytes", current},  {"model_bytes", d.model_bytes}, {"target_bytes", d.target_bytes},
                 {"dry_run", options_.dry_run}};
  if (seen.workload.write_rate_per_sec) {
    fields["write_rate_per_sec"] = seen.workload.write_rate_per_sec->value;
    fields["write_rate_source"] = seen.workload.write_rate_per_sec->source.describe();
  }
  if (d.action == GuardAction::kRefuse) {
    // Logged again when the limit moves, not only the reason: a limit
    // shrunk under the data refuses for the same reason, and its new figures
    // must reach the log. (Not on the safe value, which moves by a MiB with
    // each poll's write rate and fragmentation.)
    const std::string key = fmt::format("refuse {} {}", d.reason_code, seen.limit_bytes);
    if (key != last_logged_) log_.write("error", "refuse", fields);
    last_logged_ = key;
    return {PollOutcome::kRefused, d.reason};
  }
  if (d.action == GuardAction::kKeep) {
    // Logged when the decision differs from the last one logged (start, or
    // after a change), so a steady server costs one line, not one per poll.
    const std::string key = fmt::format("keep {}", current);
    if (key != last_logged_) log_.write("info", "keep", fields);
    last_logged_ = key;
    return {};
  }
  if (options_.dry_run) {
    // The same "would set" is logged and counted once, not at every poll.
    const std::string key = fmt::format("would {} {}", current, d.target_bytes);
    if (key == last_logged_) return {};
    last_logged_ = key;
  } else {
    auto reply = conn_->command({"CONFIG", "SET", "maxmemory", std::to_string(d.target_bytes)});
    if (!reply) {
      conn_.reset();
      next.redis_up = false;
      return {PollOutcome::kUnreachable, reply.error().describe()};
    }
    if (reply->is_error()) {
      return {PollOutcome::kBadInput,
              fmt::format("{}: CONFIG SET maxmemory refused: {}; {}", conn_->where(), reply->str, kConfigNeeded)};
    }
    next.maxmemory_bytes = d.target_bytes;
  }
  ++next.changes;
  next.last_change_unix_seconds = unix_now();
  next.last_change_reason_code = d.reason_code;
  next.last_change_from_bytes = current;
  next.last_change_to_bytes = d.target_bytes;
  // Capped at the data held is its own event, a warning: maxmemory is
  // lowered, but to a value still above the safe one (the limit is too small).
  const bool capped = d.reason_code == "capped-at-held";
  log_.write(capped ? "warning" : "info",
             capped ? (options_.dry_run ? "would-cap-at-held" : "capped-at-held")
                    : (options_.dry_run ? "would-set" : "set"),
             fields);
  if (!options_.dry_run) last_logged_.clear();
  // Capped at the data held: better than unbounded, still not safe. The
  // guard stops as after a refusal, so the pod says the limit is too small.
  if (d.reason_code == "capped-at-held") return {PollOutcome::kRefused, d.reason};
  return {};
}

}  // namespace redisfit::app
