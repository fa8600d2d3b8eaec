#include "cli/stress_flags.h"

#include <cctype>
#include <charconv>
#include <sstream>
#include <optional>

#include <fmt/format.h>

#include "app/stress_rdb.h"
#include "cli/conf_checks.h"
#include "core/ascii.h"
#include "core/flag_units.h"
#include "sources/redis_conf.h"
#include "sources/redis_directives.h"
#include "stress/prediction.h"
#include "stress/sandbox.h"

namespace redisfit::cli {

Result<uint64_t> stress_size_flag(const std::string& flag, const std::string& text) {
  return parse_size_flag(flag, text);
}

namespace {

// What no --config line may set either: what the generated redis.conf
// cannot undo after its include (a renamed CONFIG, an ACL file or user that
// locks the default user out, a replicaof, a unix socket written into the
// user's disk) and a maxclients below the run's own connections.
std::optional<std::string> harmful_in_sandbox(const std::string& name, const std::string& value, int connections) {
  static const char* const kNotUndone[] = {"rename-command", "aclfile",    "user",       "replicaof",      "slaveof",
                                           "masterauth",     "masteruser", "unixsocket", "unixsocketperm", "tls-port"};
  for (const char* directive : kNotUndone) {
    if (name == directive) {
      return "the sandbox runs the server as redisfit talks to it: no renamed command, ACL user or file, replica "
             "link or unix socket";
    }
  }
  if (name == "maxclients") {
    // The loader's connections, the sampler's, the control connection and a
    // replica's for a full sync.
    const int needed = connections + 3;
    int given = 0;
    const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), given);
    if (ec == std::errc{} && p == value.data() + value.size() && given < needed) {
      return fmt::format("the run needs {} connections (--connections {} and three of its own)", needed, connections);
    }
  }
  return std::nullopt;
}

// Why `--set name=value` is refused, if it is. The sandbox owns where the
// server listens and writes and how redisfit reaches it: a port, password or
// renamed command there leaves the run waiting on a server it cannot talk
// to, a dir writes the user's disk. (In a --config file the placement lines
// are left out of the copy the server reads: stress/sandbox.h.) Directives
// with a flag of their own are given by it, so the model and the report read
// the same value.
std::optional<std::string> set_directive_refused(const std::string& written, const std::string& value,
                                                 int connections) {
  const std::string name = ascii_lower(written);
  if (stress::is_sandbox_placement(name)) return "the sandbox sets " + name + " itself (it runs the server and talks to it)";
  static const std::pair<const char*, const char*> kOwnFlag[] = {
      {"maxmemory", "--maxmemory"}, {"maxmemory-policy", "--policy"}, {"appendonly", "--appendonly"}, {"save", "--save"}};
  for (const auto& [directive, flag] : kOwnFlag) {
    if (name == directive) return std::string("give it with ") + flag;
  }
  return harmful_in_sandbox(name, value, connections);
}

}  // namespace

Result<stress::StressOptions> build_stress_options(const StressFlags& f) {
  stress::StressOptions o;
  auto limit = stress_size_flag("--limit", f.limit);
  if (!limit.ok()) return limit.error();
  o.limit_bytes = *limit;
  if (!f.request.empty()) {
    auto req = stress_size_flag("--request", f.request);
    if (!req.ok()) return req.error();
    if (*req > o.limit_bytes) return Error{"--request", "is above --limit (Kubernetes refuses such a pod)"};
    o.request_bytes = *req;
  }
  if (!f.cpu_limit.empty()) {
    auto cores = parse_cpu_flag("--cpu-limit", f.cpu_limit);
    if (!cores.ok()) return cores.error();
    o.cpu_limit_cores = *cores;
  }
  if (!f.config.empty()) {
    char* abs = realpath(f.config.c_str(), nullptr);
    if (!abs) return Error{f.config, "cannot read the redis.conf"};
    o.server.user_conf = abs;
    free(abs);
    // A directive redis-server does not know stops the sandbox's server at
    // start, and its message counts lines of the generated config: name the
    // file and line here instead.
    auto directives = read_redis_conf(o.server.user_conf);
    if (!directives.ok()) return directives.error();
    RedisInstance scratch;
    if (Status st = apply_conf(directives.value(), scratch); !st) return st.error();
    if (auto refused = unknown_directive_errors(scratch); !refused.empty()) return refused.front();
    // As `--set` refuses them: a renamed CONFIG ran the whole run and then
    // failed its rescue, and put Redis' error text in the report's header.
    for (const auto& d : directives.value()) {
      if (auto why = harmful_in_sandbox(d.name, d.args.empty() ? "" : d.args[0], f.connections)) {
        return Error{d.location.describe(), fmt::format("{}: {}", d.name, *why)};
      }
    }
  }
  if (!f.maxmemory.empty()) {
    auto mm = stress_size_flag("--maxmemory", f.maxmemory);
    if (!mm.ok()) return mm.error();
    o.server.maxmemory_bytes = *mm;
  }
  if (!f.policy.empty()) {
    // Checked as the model reads it, so the error names the flag, not the
    // sandbox's generated redis.conf.
    RedisInstance scratch;
    DirectiveApplier applier(scratch, DirectiveMode::kReplace);
    if (Status st = applier.apply_value("maxmemory-policy", f.policy, Provenance::flag("--policy")); !st)
      return st.error();
  }
  o.server.maxmemory_policy = f.policy;
  if (!f.appendonly.empty()) {
    o.server.appendonly = f.appendonly == "yes";
  } else if (!o.server.user_conf.empty()) {
    // The run persists a preload, reports its header and picks the fork by
    // appendonly: one the --config (or a file it includes) turns on is the
    // run's, as if --appendonly said it (it preloaded an RDB the AOF server
    // then ignored: 0 keys loaded, "survived").
    auto configured = stress::configured_instance(o.server);
    if (!configured.ok()) return configured.error();
    o.server.appendonly = configured->appendonly.value;
  }
  if (f.save_given) {
    RedisInstance scratch;  // checked as --policy is, so the error names the flag
    DirectiveApplier applier(scratch, DirectiveMode::kReplace);
    if (Status st = applier.apply_value("save", f.save, Provenance::flag("--save")); !st) return st.error();
    o.server.save = f.save;
  }
  for (const auto& kv : f.set) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) return Error{"--set", "'" + kv + "' is not directive=value"};
    const std::string name = kv.substr(0, eq), value = kv.substr(eq + 1);
    // Redis trims a config line and unquotes its words: " dir" or "\"dir\"" is
    // dir, past a check of the exact spelling. A name is letters, digits, '-'.
    if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != std::string::npos)
      return Error{"--set", "'" + kv + "': a directive name is letters, digits and '-' (no spaces or quotes)"};
    if (auto why = set_directive_refused(name, value, f.connections)) return Error{"--set", "'" + kv + "': " + *why};
    // Checked as the model reads it, as --policy above: a value Redis
    // refuses is named by its flag, not by the sandbox's generated redis.conf.
    RedisInstance scratch;
    DirectiveApplier applier(scratch, DirectiveMode::kReplace);
    if (Status st = applier.apply_value(name, value, Provenance::flag("--set " + kv)); !st) return st.error();
    // The applier records a name no release knows, as it does for --config.
    if (!scratch.unknown_directives.empty())
      return Error{"--set", "'" + kv + "': '" + name + "' is not a directive Redis knows; redis-server refuses to start on it"};
    o.server.extra.emplace_back(name, value);
  }
  o.phase_import = o.phase_fork = o.phase_restart = false;
  // With --preload / --rdb the run is the start from that data unless phases are named.
  const bool from_data = !f.preload.empty() || !f.rdb.empty();
  if (f.phases.empty()) return Error{"--phases", "is empty: name import, fork, restart, or none"};
  std::stringstream ss(from_data && !f.phases_given ? "none" : f.phases);
  bool none = false;
  for (std::string p; std::getline(ss, p, ',');) {
    if (p == "none") {
      none = true;
      continue;
    }
    const std::optional<stress::RunPhase> phase = stress::run_phase_named(p);
    if ((phase == stress::RunPhase::kImport && o.phase_import) || (phase == stress::RunPhase::kFork && o.phase_fork) ||
        (phase == stress::RunPhase::kRestart && o.phase_restart)) {
      return Error{"--phases", "names " + p + " twice (each phase runs once, in the order import, fork, restart)"};
    }
    if (phase == stress::RunPhase::kImport) o.phase_import = true;
    else if (phase == stress::RunPhase::kFork) o.phase_fork = true;
    else if (phase == stress::RunPhase::kRestart) o.phase_restart = true;
    else return Error{"--phases", "unknown phase '" + p + "' (import, fork, restart, none)"};
  }
  if (none && (o.phase_import || o.phase_fork || o.phase_restart)) {
    return Error{"--phases", "'" + f.phases + "' names none beside phases to run: give none alone, or the phases"};
  }
  // An empty server that only starts and stops proves nothing: "survived" would
  // be a pass of a run that never held data. `none` is the start from data;
  // a fork or a restart without an import or data forks or loads nothing.
  if (!from_data && !o.phase_import && (o.phase_fork || o.phase_restart)) {
    return Error{"--phases", "'" + f.phases + "' holds no data to fork or reload: a run needs the import phase, or "
                                  "--preload / --rdb to start from data (an empty server cannot be OOM-killed)"};
  }
  if (!from_data && !o.phase_import && !o.phase_fork && !o.phase_restart) {
    return Error{"--phases", "'" + f.phases + "' runs nothing: an empty server cannot be OOM-killed; name import, "
                                  "fork or restart, or give --preload / --rdb to start from data"};
  }
  if (!f.preload.empty()) {
    stress::Preload pre;
    if (access(f.preload.c_str(), F_OK) == 0) {
      char* abs = realpath(f.preload.c_str(), nullptr);
      if (!abs) return Error{f.preload, "cannot read the persisted data"};
      pre.file = abs;
      free(abs);
    } else {
      auto size = stress_size_flag("--preload", f.preload);
      if (!size.ok()) return Error{"--preload", "'" + f.preload + "' is neither a file nor a memory amount"};
      if (*size < (1u << 20)) return Error{"--preload", "a dataset of at least 1mb"};
      pre.dataset_bytes = *size;
    }
    o.preload = pre;
  }
  if (!f.rdb.empty()) {
    if (!f.preload.empty()) return Error{"--rdb", "--rdb and --preload both name the data to start from: give one"};
    char* abs = realpath(f.rdb.c_str(), nullptr);
    if (!abs) return Error{f.rdb, std::string("cannot read the data to start from: ") + std::strerror(errno)};
    const std::string path = abs;
    free(abs);
    // The estimate is made for the server and configuration that run (app/stress_rdb.h).
    if (auto st = preload_rdb_with_estimate(path, o); !st.ok()) return st.error();
  }
  o.rescue = f.rescue;
  // The loader's bound: one value is sent as one bulk string per command.
  auto sizes = parse_size_range_flag("--value-size", f.value_size, 64u << 20);
  if (!sizes.ok()) return sizes.error();
  o.loader.value_min_bytes = static_cast<uint32_t>(sizes->min_bytes);
  o.loader.value_max_bytes = static_cast<uint32_t>(sizes->max_bytes);
  if (o.preload && o.preload->dataset_bytes) o.preload->value_bytes = static_cast<uint32_t>(sizes->min_bytes);
  o.loader.ttl_share = f.ttl_share;
  o.loader.connections = f.connections;
  o.loader.pipeline = f.pipeline;
  auto configured = stress::configured_maxmemory(o.server);
  if (!configured.ok()) return configured.error();
  if (!f.fill.empty() && f.fill.back() == 'x') {
    char* end = nullptr;
    const double mult = std::strtod(f.fill.c_str(), &end);
    if (end != f.fill.c_str() + f.fill.size() - 1 || !(mult > 0 && mult <= 100)) {
      return Error{"--fill", "'" + f.fill + "': expected a multiple like 1x or 1.5x"};
    }
    uint64_t base = *configured ? *configured : o.limit_bytes;
    o.fill_payload_bytes = static_cast<uint64_t>(mult * static_cast<double>(base));
  } else {
    auto fill = stress_size_flag("--fill", f.fill);
    if (!fill.ok()) return fill.error();
    if (*fill == 0) return Error{"--fill", "0 imports nothing: give a size, or leave out the import phase"};
    o.fill_payload_bytes = *fill;
  }
  o.fork_kind = f.fork == "bgsave" ? stress::ForkKind::kBgsave
                : f.fork == "bgrewriteaof" ? stress::ForkKind::kBgrewriteaof
                : f.fork == "fullsync" ? stress::ForkKind::kFullSync : stress::ForkKind::kAuto;
  o.write_rate_per_sec = f.write_rate;
  o.fork_writes = f.fork_writes == "insert" ? stress::ForkWrites::kInsert : stress::ForkWrites::kOverwrite;
  o.max_restarts = f.restarts;
  o.backoff.time_scale = f.time_scale;
  o.phase_timeout_sec = f.phase_timeout;
  o.max_run_sec = f.max_time;
  o.oom_group = !f.no_oom_group;
  o.force = f.force;
  o.progress = f.output == "text" && isatty(fileno(stderr));
  return o;
}

}  // namespace redisfit::cli
