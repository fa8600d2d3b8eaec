// `redisfit guard`: keep maxmemory safe for the limit the container really
// has, while it runs. Flags -> library (app/guard_run.h). Docs: docs/guard.md.
#include <csignal>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/command_registry.h"
#include "cli/tls_flags.h"
#include "app/exec_target.h"
#include "app/guard_run.h"
#include "core/flag_units.h"
#include "core/quantity.h"
#include "live/duration.h"
#include "live/exec_wrapper.h"

namespace redisfit::cli {
namespace {

struct GuardFlags {
  std::string redis;  // empty: the wrapped server's --port on loopback, else 127.0.0.1:6379
  std::string limit_file, cgroup, limit;
  std::string interval = "5s";
  std::string rate_window = "60s";
  std::string wait;
  bool wait_given = false;  // else 60s, or no wait with --once
  std::string min, max;
  double threshold_percent = 2;
  bool allow_evict = false;
  bool dry_run = false;
  bool exec = false;
  bool once = false;
  std::vector<std::string> command;
  std::string listen;
  double fork_warn_percent = 90;
  std::string connect_timeout = "2s";
  std::string timeout = "2s";
  TlsFlags tls;
};

Result<std::optional<uint64_t>> bound(const std::string& text, const char* flag) {
  if (text.empty()) return std::optional<uint64_t>{};
  auto v = parse_size_flag(flag, text);
  if (!v) return v.error();
  if (*v == 0) return Error{flag, "must be greater than 0 (maxmemory 0 means no limit at all)"};
  return std::optional<uint64_t>{*v};
}

int run(const GuardFlags& f) {
  // Before any thread exists: signals go to the relay thread only.
  live::block_relayed_signals();
  std::signal(SIGPIPE, SIG_IGN);  // a server closing the connection is an error, not our death
  auto fail = [](const Error& e) {
    std::fprintf(stderr, "redisfit guard: %s\n", e.describe().c_str());
    return kExitUsage;
  };
  app::GuardRunOptions o;
  if (f.exec && f.command.empty()) return fail(Error{"--exec", "give the server to run after --: --exec -- redis-server /etc/redis/redis.conf"});
  if (!f.exec && !f.command.empty()) return fail(Error{"--exec", "a command after -- needs --exec"});
  if (f.exec && f.once) return fail(Error{"--once", "not with --exec: the wrapper lives as long as its server"});
  if (f.exec) {
    // The program first: a mistyped server is the error to name, whatever else is wrong.
    if (auto found = live::find_executable(f.command.front()); !found) return fail(found.error());
    o.exec_argv = f.command;
  }
  if (!f.limit_file.empty() + !f.cgroup.empty() + !f.limit.empty() > 1) {
    // Named by the flags given, not by one that may not be among them.
    std::vector<std::string> given;
    for (const auto& [name, value] : {std::pair{"--limit-file", &f.limit_file}, std::pair{"--cgroup", &f.cgroup},
                                      std::pair{"--limit", &f.limit}}) {
      if (!value->empty()) given.push_back(name);
    }
    return fail(Error{fmt::format("{}", fmt::join(given, " and ")),
                      "give one of --limit-file, --cgroup, --limit: each names the limit on its own"});
  }
  app::GuardOptions& g = o.guard;
  if (!f.limit.empty()) {
    // The spellings probe, plan and the exporter take (core/flag_units.h):
    // a Kubernetes quantity, a Redis size, or the bytes a Downward API env
    // var holds; "16m" (milli) is refused as ambiguous, not read as 0.016 B.
    auto bytes = parse_limit_flag("--limit", f.limit);
    if (!bytes) return fail(bytes.error());
    g.limit.kind = app::LimitSource::Kind::kFixed;
    g.limit.fixed_bytes = *bytes;
  } else if (!f.limit_file.empty()) {
    g.limit.kind = app::LimitSource::Kind::kFile;
    g.limit.file = f.limit_file;
  } else if (!f.cgroup.empty()) {
    auto at = platform::memory_cgroup_at(f.cgroup);
    if (!at) return fail(Error{"--cgroup", at.error().describe()});
    g.limit.cgroup = *at;
  } else if (f.exec) {
    // The wrapper and its server share the container, so its own cgroup.
    auto own = platform::locate_own_memory_cgroup();
    if (!own) return fail(own.error());
    g.limit.cgroup = *own;
  } else {
    return fail(Error{"--limit-file", "a sidecar has a cgroup of its own: give the Redis container's limit "
                                           "with --limit-file (Downward API volume), --cgroup DIR or --limit"});
  }

  auto min = bound(f.min, "--min");
  if (!min) return fail(min.error());
  auto max = bound(f.max, "--max");
  if (!max) return fail(max.error());
  if (*min && *max && **min > **max) return fail(Error{"--min", "is above --max"});
  g.settings.min_bytes = *min;
  g.settings.max_bytes = *max;
  if (!(f.threshold_percent >= 0 && f.threshold_percent <= 50))  // NaN too
    return fail(Error{"--threshold", "a percentage between 0 and 50"});
  g.settings.threshold_fraction = f.threshold_percent / 100;
  g.settings.allow_evict = f.allow_evict;
  g.dry_run = f.dry_run;
  if (!(f.fork_warn_percent > 0 && f.fork_warn_percent <= 100))
    return fail(Error{"--fork-warn", "a percentage of the limit, above 0 and at most 100"});
  g.fork_warn_fraction = f.fork_warn_percent / 100;

  // With --exec and no --redis, the server guarded is the one started, where
  // its command line and config file make it listen.
  std::string url = f.redis;
  if (url.empty()) {
    auto started = f.exec ? app::url_of_exec_command(f.command) : Result<std::string>{"redis://127.0.0.1:6379"};
    if (!started) return fail(started.error());
    url = *started;
  }
  auto ep = platform::parse_redis_url(url, platform::password_from_environment());
  if (!ep) return fail(ep.error());
  g.endpoint = *ep;
  for (auto [text, flag, out] : {std::tuple{&f.connect_timeout, "--connect-timeout", &g.connect.connect_timeout},
                                 std::tuple{&f.timeout, "--timeout", &g.connect.read_timeout},
                                 std::tuple{&f.interval, "--interval", &o.interval},
                                 std::tuple{&f.wait, "--wait", &o.wait}}) {
    if (text == &f.wait && !f.wait_given) continue;  // GuardRunOptions' default, or none with --once
    auto d = live::parse_duration(*text, flag);
    if (!d) return fail(d.error());
    *out = *d;
  }
  if (o.interval.count() < 50) return fail(Error{"--interval", "at least 50ms"});
  auto window = live::parse_duration(f.rate_window, "--rate-window");
  if (!window) return fail(window.error());
  if (*window < o.interval) return fail(Error{"--rate-window", "at least one --interval"});
  g.rate_window_seconds = std::chrono::duration<double>(*window).count();
  if (Status st = f.tls.apply_to(g.connect); !st) return fail(st.error());
  o.listen = f.listen;
  o.once = f.once;
  if (f.once && !f.wait_given) o.wait = std::chrono::milliseconds(0);  // one look, as a CI check expects
  // The limit must be readable now: a typo fails here, before anything runs.
  if (auto first = app::read_limit(g.limit); !first) return fail(first.error());
  app::GuardLog log(stderr);
  return app::run_guard(o, log);
}

RegisterCommand reg{{75, "guard", [](CLI::App& app, RunState& state) {
  auto flags = std::make_shared<GuardFlags>();
  CLI::App* cmd = app.add_subcommand("guard", "in the pod: keep maxmemory safe for the limit the container really has, as it changes");
  cmd->add_option("--redis", flags->redis, "server to guard (default redis://127.0.0.1:6379; with --exec, where its server listens: --port, or port / unixsocket in its config file; rediss://, unix:///path)");
  cmd->add_option("--limit-file", flags->limit_file, "file holding the Redis container's limit (Downward API resourceFieldRef limits.memory)");
  cmd->add_option("--limit", flags->limit, "a fixed limit (e.g. from an env var with resourceFieldRef), for pods restarted on every resize");
  cmd->add_option("--cgroup", flags->cgroup, "memory cgroup directory to read the limit from (default with --exec: this container's)");
  cmd->add_flag("--exec", flags->exec, "entrypoint wrapper: run the server given after -- as a child, forward signals, exit with its status");
  cmd->add_option("command", flags->command, "with --exec: the server and its arguments, after --");
  cmd->add_option("--interval", flags->interval, "how often to read the limit and the server (default 5s)");
  cmd->add_option("--rate-window", flags->rate_window,
                  "how long the measured write rate remembers a burst; until the guard has measured this long, a "
                  "server that forks is judged with the rate unknown, the worst case (default 60s)");
  cmd->add_option("--min", flags->min, "never set maxmemory below this (e.g. 1Gi); refuse instead");
  cmd->add_option("--max", flags->max, "never set maxmemory above this");
  cmd->add_option("--threshold", flags->threshold_percent, "change maxmemory only when it differs by more than this % (default 2)");
  cmd->add_flag("--allow-evict", flags->allow_evict, "may lower maxmemory below the data held now (evicts it)");
  cmd->add_flag("--dry-run", flags->dry_run, "log what would be set, change nothing");
  cmd->add_option("--listen", flags->listen, "serve Prometheus /metrics on this address (e.g. :9840); default: none");
  cmd->add_option("--fork-warn", flags->fork_warn_percent, "warn when a fork child is alive and the working set reaches this % of the limit (default 90)");
  cmd->add_option("--wait", flags->wait, "how long to wait for the server at start (default 60s; with --once, none unless given)")
      ->each([flags](const std::string&) { flags->wait_given = true; });
  cmd->add_flag("--once", flags->once, "poll once and exit: 0 when maxmemory is (now) safe, 2 on bad input");
  cmd->add_option("--connect-timeout", flags->connect_timeout, "connect timeout (default 2s)");
  cmd->add_option("--timeout", flags->timeout, "reply timeout (default 2s)");
  flags->tls.add_to(*cmd);
  cmd->footer("Password: in the URL or REDISCLI_AUTH. Log: one JSON object per line on stderr. Exit: 0 stopped by "
              "SIGTERM (sidecar) or the server's own status (--exec); 2 bad input. Docs: docs/guard.md");
  cmd->callback([flags, &state] { state.exit_code = run(*flags); });
}}};

}  // namespace
}  // namespace redisfit::cli
