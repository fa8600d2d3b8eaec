// redisfit stress: run a real redis-server under a real memory limit through
// import, fork under writes and restart; report survival the way Kubernetes
// judges it. Exit: 0 survived (with --compare: the recommendation survived),
// 1 OOM-killed or crashed, 2 usage/setup error, 130 interrupted.
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "app/stress_rdb.h"
#include "cli/command_registry.h"
#include "cli/conf_checks.h"
#include "cli/number_checks.h"
#include "cli/output_option.h"
#include "core/flag_units.h"
#include "core/quantity.h"
#include "render/formats.h"
#include "render/stress_render.h"
#include "sources/redis_conf.h"
#include "stress/prediction.h"
#include "stress/run.h"
#include "stress/sandbox.h"
#include "sources/redis_directives.h"

namespace redisfit::cli {
namespace {

struct StressFlags {
  std::string limit, request, cpu_limit, maxmemory, policy, appendonly, save, config, fill = "1x", value_size = "1024";
  bool save_given = false;
  std::vector<std::string> set;
  std::string phases = "import,fork,restart", fork = "auto", output = "text", report;
  double ttl_share = 0, write_rate = 0, time_scale = 10, phase_timeout = 120, max_time = 600;
  int connections = 4, pipeline = 64, restarts = 3;
  bool compare = false, force = false, no_oom_group = false;
  std::string fork_writes = "overwrite";
  // --search maxmemory
  std::string search, search_range, resolution;
  int repeats = 3;
  bool phases_given = false, restarts_given = false;
  // the reload crash loop and its rescue
  std::string preload;
  std::string rdb;  // --rdb FILE: --preload FILE with `redisfit rdb`'s estimate beside the run
  bool rescue = false;
};

// Any size spelling: 256mb, 256Mi, 256MiB, 268435456 (core/flag_units.h).
Result<uint64_t> parse_bytes(const std::string& flag, const std::string& text) {
  return parse_size_flag("flag " + flag, text);
}

// Why `--set name=value` is refused, if it is. The sandbox owns where the
// server listens and writes and how redisfit reaches it: a port, password or
// renamed command there leaves the run waiting on a server it cannot talk
// to, a dir writes the user's disk. Directives with a flag of their own are
// given by it, so the model and the report read the same value.
std::optional<std::string> set_directive_refused(std::string name, const std::string& value, int connections) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* const kSandboxOwned[] = {
      "port", "bind", "unixsocket", "unixsocketperm", "tls-port", "protected-mode", "daemonize", "supervised",
      "pidfile", "dir", "logfile", "dbfilename", "appenddirname", "include", "requirepass", "masterauth",
      "masteruser", "rename-command", "aclfile", "user", "replicaof", "slaveof"};
  for (const char* owned : kSandboxOwned) {
    if (name == owned) return "the sandbox sets " + name + " itself (it runs the server and talks to it)";
  }
  static const std::pair<const char*, const char*> kOwnFlag[] = {
      {"maxmemory", "--maxmemory"}, {"maxmemory-policy", "--policy"}, {"appendonly", "--appendonly"}, {"save", "--save"}};
  for (const auto& [directive, flag] : kOwnFlag) {
    if (name == directive) return std::string("give it with ") + flag;
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

Result<stress::StressOptions> build_options(const StressFlags& f) {
  stress::StressOptions o;
  auto limit = parse_bytes("--limit", f.limit);
  if (!limit.ok()) return limit.error();
  o.limit_bytes = *limit;
  if (!f.request.empty()) {
    auto req = parse_bytes("--request", f.request);
    if (!req.ok()) return req.error();
    if (*req > o.limit_bytes) return Error{"flag --request", "is above --limit (Kubernetes refuses such a pod)"};
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
  }
  if (!f.maxmemory.empty()) {
    auto mm = parse_bytes("--maxmemory", f.maxmemory);
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
  if (!f.appendonly.empty()) o.server.appendonly = f.appendonly == "yes";
  if (f.save_given) {
    RedisInstance scratch;  // checked as --policy is, so the error names the flag
    DirectiveApplier applier(scratch, DirectiveMode::kReplace);
    if (Status st = applier.apply_value("save", f.save, Provenance::flag("--save")); !st) return st.error();
    o.server.save = f.save;
  }
  for (const auto& kv : f.set) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) return Error{"flag --set", "'" + kv + "' is not directive=value"};
    const std::string name = kv.substr(0, eq), value = kv.substr(eq + 1);
    // Redis trims a config line and unquotes its words: " dir" or "\"dir\"" is
    // dir, past a check of the exact spelling. A name is letters, digits, '-'.
    if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != std::string::npos)
      return Error{"flag --set", "'" + kv + "': a directive name is letters, digits and '-' (no spaces or quotes)"};
    if (auto why = set_directive_refused(name, value, f.connections)) return Error{"flag --set", "'" + kv + "': " + *why};
    // Checked as the model reads it, as --policy above: a value Redis
    // refuses is named by its flag, not by the sandbox's generated redis.conf.
    RedisInstance scratch;
    DirectiveApplier applier(scratch, DirectiveMode::kReplace);
    if (Status st = applier.apply_value(name, value, Provenance::flag("--set " + kv)); !st) return st.error();
    // The applier records a name no release knows, as it does for --config.
    if (!scratch.unknown_directives.empty())
      return Error{"flag --set", "'" + kv + "': '" + name + "' is not a directive Redis knows; redis-server refuses to start on it"};
    o.server.extra.emplace_back(name, value);
  }
  o.phase_import = o.phase_fork = o.phase_restart = false;
  // With --preload / --rdb the run is the start from that data unless phases are named.
  const bool from_data = !f.preload.empty() || !f.rdb.empty();
  if (f.phases.empty()) return Error{"flag --phases", "is empty: name import, fork, restart, or none"};
  std::stringstream ss(from_data && !f.phases_given ? "none" : f.phases);
  for (std::string p; std::getline(ss, p, ',');) {
    if (p == "none") continue;
    const std::optional<stress::RunPhase> phase = stress::run_phase_named(p);
    if ((phase == stress::RunPhase::kImport && o.phase_import) || (phase == stress::RunPhase::kFork && o.phase_fork) ||
        (phase == stress::RunPhase::kRestart && o.phase_restart)) {
      return Error{"flag --phases", "names " + p + " twice (each phase runs once, in the order import, fork, restart)"};
    }
    if (phase == stress::RunPhase::kImport) o.phase_import = true;
    else if (phase == stress::RunPhase::kFork) o.phase_fork = true;
    else if (phase == stress::RunPhase::kRestart) o.phase_restart = true;
    else return Error{"flag --phases", "unknown phase '" + p + "' (import, fork, restart, none)"};
  }
  // An empty server that only starts and stops proves nothing: "survived" would
  // be a pass of a run that never held data. `none` is the start from data.
  if (!from_data && !o.phase_import && !o.phase_fork && !o.phase_restart) {
    return Error{"flag --phases", "'" + f.phases + "' runs nothing: an empty server cannot be OOM-killed; name import, "
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
      auto size = parse_bytes("--preload", f.preload);
      if (!size.ok()) return Error{"flag --preload", "'" + f.preload + "' is neither a file nor a memory amount"};
      if (*size < (1u << 20)) return Error{"flag --preload", "a dataset of at least 1mb"};
      pre.dataset_bytes = *size;
    }
    o.preload = pre;
  }
  if (!f.rdb.empty()) {
    if (!f.preload.empty()) return Error{"flag --rdb", "--rdb and --preload both name the data to start from: give one"};
    char* abs = realpath(f.rdb.c_str(), nullptr);
    if (!abs) return Error{f.rdb, std::string("cannot read the data to start from: ") + std::strerror(errno)};
    const std::string path = abs;
    free(abs);
    // The estimate is made for the server and configuration that run (app/stress_rdb.h).
    if (auto st = preload_rdb_with_estimate(path, o); !st.ok()) return st.error();
  }
  o.rescue = f.rescue;
  // The loader's bound: one value is sent as one bulk string per command.
  auto sizes = parse_size_range_flag("flag --value-size", f.value_size, 64u << 20);
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
      return Error{"flag --fill", "'" + f.fill + "': expected a multiple like 1x or 1.5x"};
    }
    uint64_t base = *configured ? *configured : o.limit_bytes;
    o.fill_payload_bytes = static_cast<uint64_t>(mult * static_cast<double>(base));
  } else {
    auto fill = parse_bytes("--fill", f.fill);
    if (!fill.ok()) return fill.error();
    if (*fill == 0) return Error{"flag --fill", "0 imports nothing: give a size, or leave out the import phase"};
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

// A run that could not be set up. SIGINT/SIGTERM during the setup (a
// preload, the server's start) also ends it with an error, whose words
// ("persisting did not finish") would blame the server: that is exit 130.
int setup_failed(const Error& error) {
  if (stress::g_stop_requested.load()) {
    std::fprintf(stderr, "redisfit stress: interrupted while setting up the run; nothing was measured\n");
    return 130;
  }
  std::fprintf(stderr, "redisfit stress: %s\n", error.describe().c_str());
  return kExitUsage;
}

// `--search maxmemory`: bisect on maxmemory for the largest value that survives.
int run_search_command(StressFlags f) {
  if (f.search != "maxmemory") {
    std::fprintf(stderr, "redisfit stress: --search takes \"maxmemory\" (the only setting searched)\n");
    return kExitUsage;
  }
  if (!f.phases_given) f.phases = "import,fork";
  if (!f.restarts_given) f.restarts = 0;  // a probe that dies once has died
  auto opts = build_options(f);
  if (!opts.ok()) {
    std::fprintf(stderr, "redisfit stress: %s\n", opts.error().describe().c_str());
    return kExitUsage;
  }
  // The searched maxmemory bounds the data the import fills: with no import
  // every probe holds an empty server, and its "edge" would be the top of
  // the range whatever the limit.
  if (!opts->phase_import) {
    std::fprintf(stderr, "redisfit stress: flag --phases: --search maxmemory needs the import phase (it fills the "
                         "data up to each maxmemory tried); '%s' has none\n", f.phases.c_str());
    return kExitUsage;
  }
  stress::SearchOptions s;
  s.run = *opts;
  s.run.progress = false;
  s.repeats = f.repeats;
  if (!f.resolution.empty()) {
    auto res = parse_bytes("--resolution", f.resolution);
    if (!res.ok()) {
      std::fprintf(stderr, "redisfit stress: %s\n", res.error().describe().c_str());
      return kExitUsage;
    }
    if (*res == 0) {
      std::fprintf(stderr, "redisfit stress: flag --resolution: 0 would never stop bisecting (give e.g. 8mb)\n");
      return kExitUsage;
    }
    s.resolution_bytes = *res;
  }
  if (!f.search_range.empty()) {
    auto dash = f.search_range.find('-');
    auto lo = parse_bytes("--search-range", f.search_range.substr(0, dash));
    auto hi = dash == std::string::npos ? Result<uint64_t>(Error{"flag --search-range", "expected LOW-HIGH, e.g. 64mb-256mb"})
                                        : parse_bytes("--search-range", f.search_range.substr(dash + 1));
    if (!lo.ok() || !hi.ok() || *lo >= *hi || *hi > opts->limit_bytes) {
      std::fprintf(stderr, "redisfit stress: flag --search-range: expected LOW-HIGH with LOW < HIGH <= the limit\n");
      return kExitUsage;
    }
    s.low_bytes = *lo;
    s.high_bytes = *hi;
  }
  auto format = select_format(render::stress_search_formats(), f.output, "stress --search");
  if (!format) {
    std::fprintf(stderr, "redisfit stress: %s\n", format.error().describe().c_str());
    return kExitUsage;
  }
  auto res = stress::search_maxmemory(s);
  if (!res.ok()) return setup_failed(res.error());
  print_report(**format, *res);
  if (!f.report.empty()) {
    std::ofstream html(f.report);
    html << render::search_to_html(*res);
    if (!html) {
      std::fprintf(stderr, "redisfit stress: cannot write %s\n", f.report.c_str());
      return kExitUsage;
    }
  }
  if (res->interrupted) return 130;
  return res->edge_bytes ? kExitClean : kExitFindings;
}

// --report is written after the run, minutes later: a path it cannot be
// written to is refused before anything runs, not after.
std::optional<std::string> report_path_problem(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path p(path);
  if (std::filesystem::is_directory(p, ec)) return "it is a directory";
  const std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir, ec)) return "its directory " + dir.string() + " does not exist";
  if (std::filesystem::exists(p, ec) ? access(path.c_str(), W_OK) != 0 : access(dir.c_str(), W_OK) != 0) {
    return std::strerror(errno);
  }
  return std::nullopt;
}

int run_stress_command(const StressFlags& f) {
  if (!f.report.empty()) {
    if (auto problem = report_path_problem(f.report)) {
      std::fprintf(stderr, "redisfit stress: flag --report: cannot write %s: %s\n", f.report.c_str(), problem->c_str());
      return kExitUsage;
    }
  }
  if (!f.search.empty()) return run_search_command(f);
  auto opts = build_options(f);
  if (!opts.ok()) {
    std::fprintf(stderr, "redisfit stress: %s\n", opts.error().describe().c_str());
    return kExitUsage;
  }
  std::vector<stress::StressOptions> plan = {*opts};
  plan[0].in_comparison = f.compare;
  if (f.compare) {
    auto rec = stress::recommended_maxmemory(*opts);
    if (!rec.ok()) {
      std::fprintf(stderr, "redisfit stress: no recommendation for this limit: %s\n", rec.error().describe().c_str());
      return kExitUsage;
    }
    stress::StressOptions r = *opts;
    r.label = "recommended";
    r.in_comparison = true;
    r.server.maxmemory_bytes = *rec;
    plan.push_back(r);
  }
  std::vector<stress::StressResult> runs;
  bool stopped_between_runs = false;
  for (const auto& o : plan) {
    if (o.progress) fmt::print(stderr, "redisfit stress: {} run, limit {}\n", o.label, format_k8s_quantity(o.limit_bytes));
    auto res = stress::run_stress(o);
    // A stop while the next run is set up keeps the runs done as the report.
    if (!res.ok() && stress::g_stop_requested.load() && !runs.empty()) {
      stopped_between_runs = true;
      break;
    }
    if (!res.ok()) return setup_failed(res.error());
    runs.push_back(std::move(res).value());
    if (runs.back().interrupted) break;
  }
  print_report(*render::find_format(render::stress_formats(), f.output), runs);
  if (!f.report.empty()) {
    std::ofstream html(f.report);
    html << render::stress_to_html(runs);
    if (!html) {
      std::fprintf(stderr, "redisfit stress: cannot write %s\n", f.report.c_str());
      return kExitUsage;
    }
    if (f.output != "json") std::printf("report: %s\n", f.report.c_str());
  }
  if (runs.back().interrupted || stopped_between_runs) return 130;
  return runs.back().outcome == stress::RunOutcome::kSurvived ? kExitClean : kExitFindings;
}

RegisterCommand reg{{60, "stress", [](CLI::App& app, RunState& state) {
  auto f = std::make_shared<StressFlags>();
  CLI::App* cmd = app.add_subcommand("stress", "run a real redis-server under a real memory limit: import, fork "
                                               "under writes, restart with kubelet back-off; timeline report");
  cmd->add_option("--limit", f->limit, "container memory limit (Kubernetes quantity, e.g. 256Mi)")->required();
  cmd->add_option("--request", f->request, "container memory request (for the model's prediction)");
  cmd->add_option("--cpu-limit", f->cpu_limit,
                  "container CPU limit (500m, 0.5, 2): a CFS quota on the server and its fork children, as kubelet "
                  "sets one; the model's prediction counts it too");
  CLI::Option* maxmemory =
      cmd->add_option("--maxmemory", f->maxmemory, "maxmemory (Redis value, e.g. 256mb)");
  cmd->add_option("--policy", f->policy, "maxmemory-policy")
      ->check(CLI::Validator([](std::string& text) { return text.empty() ? std::string("is empty: name a policy") : std::string(); },
                             "POLICY"));
  cmd->add_option("--appendonly", f->appendonly, "yes | no")->check(CLI::IsMember({"yes", "no"}));
  cmd->add_option("--save", f->save, "save points, e.g. \"60 10000\" (\"\" disables RDB snapshots)")
      ->each([f](const std::string&) { f->save_given = true; });
  cmd->add_option("--config", f->config, "a redis.conf to start from (flags override it)");
  cmd->add_option("--set", f->set, "extra directive=value for the server (repeatable)");
  cmd->add_option("--phases", f->phases, "comma-separated: import,fork,restart")
      ->each([f](const std::string&) { f->phases_given = true; });
  cmd->add_option("--fill", f->fill, "import target: bytes (300mb) or a multiple of maxmemory (1x, 1.5x)");
  cmd->add_option("--value-size", f->value_size, "value size: N or MIN-MAX (uniform), e.g. 1024 or 512-4096");
  cmd->add_option("--ttl-share", f->ttl_share, "fraction of keys written with a TTL")->check(finite_in(0.0, 1.0));
  cmd->add_option("--connections", f->connections, "loader connections")->check(CLI::Range(1, 256));
  cmd->add_option("--pipeline", f->pipeline, "commands in flight per connection")->check(CLI::Range(1, 10000));
  cmd->add_option("--fork", f->fork, "auto | bgsave | bgrewriteaof | fullsync")
      ->check(CLI::IsMember({"auto", "bgsave", "bgrewriteaof", "fullsync"}));
  cmd->add_option("--write-rate", f->write_rate, "writes/s held during the fork: 5000, 5k, 5k/s (0 = as fast as possible)")
      ->transform(CLI::Validator(
          [](std::string& text) {
            // Rewrites "5k/s" to "5000" in place; CLI11 then stores the number.
            auto rate = parse_rate_flag("--write-rate", text);
            if (!rate.ok()) return rate.error().message;
            text = fmt::format("{}", rate.value());
            return std::string();
          },
          "RATE"));
  cmd->add_option("--restarts", f->restarts, "restarts before CrashLoopBackOff")
      ->check(CLI::Range(0, 100))
      ->each([f](const std::string&) { f->restarts_given = true; });
  cmd->add_option("--fork-writes", f->fork_writes, "what the writer does during the fork: overwrite (default) | insert")
      ->check(CLI::IsMember({"overwrite", "insert"}));
  CLI::Option* search = cmd->add_option("--search", f->search,
                                        "maxmemory: bisect for the largest maxmemory that survives this limit and workload");
  // The search's own settings mean nothing without it.
  cmd->add_option("--repeats", f->repeats, "--search: runs per probe near the edge, all must survive (default 3)")
      ->check(CLI::Range(1, 20))
      ->needs(search);
  cmd->add_option("--search-range", f->search_range, "--search: bracket LOW-HIGH (default limit/16 - limit)")->needs(search);
  cmd->add_option("--resolution", f->resolution, "--search: stop when the bracket is this narrow (default limit/32)")
      ->needs(search);
  cmd->add_option("--time-scale", f->time_scale, "compress kubelet's back-off (10 s .. 300 s) by this factor")
      ->check(finite_in(1.0, 10000.0));
  cmd->add_option("--phase-timeout", f->phase_timeout, "seconds per phase attempt")->check(finite_in(1.0, 86400.0));
  cmd->add_option("--max-time", f->max_time, "seconds for the whole run")->check(finite_in(1.0, 86400.0));
  add_output_option(*cmd, f->output, FormatNames().add(render::stress_formats()).add(render::stress_search_formats()));
  cmd->add_option("--report", f->report, "write a self-contained HTML report");
  CLI::Option* preload = cmd->add_option("--preload", f->preload,
                  "start from persisted data: a size (e.g. 150mb of used_memory, written and persisted first) or a "
                  "dump.rdb / AOF / appendonlydir; phases default to none (the start under the limit)");
  CLI::Option* rdb = cmd->add_option("--rdb", f->rdb,
                  "start from a dump.rdb / AOF / appendonlydir, with redisfit rdb's estimate of its load for this "
                  "server and limit set beside what the run measures (--preload FILE, estimate-aware)");
  CLI::Option* rescue = cmd->add_flag("--rescue", f->rescue,
                "after CrashLoopBackOff apply redisfit rescue's steps: raise the limit, load, CONFIG SET maxmemory, "
                "bring the data down or keep it, final limit");
  CLI::Option* compare = cmd->add_flag("--compare", f->compare, "also run redisfit's recommendation for the same limit and workload");
  // The search chooses maxmemory, runs the recommendation itself and probes
  // an import: a given maxmemory, data to start from or a rescue would be
  // ignored, so they are refused.
  search->excludes(maxmemory)->excludes(preload)->excludes(rdb)->excludes(rescue)->excludes(compare);
  cmd->add_flag("--no-oom-group", f->no_oom_group,
                "an OOM kill of the fork child does not end the container (cgroup v1 kubelet behaviour)");
  cmd->add_flag("--force", f->force, "allow a limit above half of this machine's memory");
  cmd->footer("Exit: 0 survived (--search: an edge was found), 1 OOM-killed or crashed (--search: every probe died), 2 usage or sandbox error, 130 interrupted. Docs: docs/stress.md");
  cmd->callback([f, &state] { state.exit_code = run_stress_command(*f); });
}}};

}  // namespace
}  // namespace redisfit::cli
