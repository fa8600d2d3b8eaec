// `redisfit exporter`: Prometheus metrics for live servers, limit-aware.
// Flags -> library (live/exporter.h).
#include <csignal>
#include <cstdio>
#include <map>
#include <set>
#include <string>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "render/style.h"
#include "cli/terminal.h"
#include "cli/tls_flags.h"
#include "core/flag_units.h"
#include "live/duration.h"
#include "live/exporter.h"
#include "live/exporter_auth.h"
#include "live/metrics_http.h"

namespace redisfit::cli {
namespace {

struct ExporterFlags {
  std::string listen = ":9839";
  std::vector<std::string> targets;
  std::vector<std::string> limits;
  std::string connect_timeout = "2s";
  std::string timeout = "2s";
  std::string config_refresh = "60s";
  std::string rate_window = "60s";
  std::string auth_file;
  TlsFlags tls;
  bool once = false;
};

int run(const ExporterFlags& f) {
  // A server that closes the connection must give an error, not kill us:
  // hiredis and OpenSSL write with plain write(2), which raises SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  auto fail = [](const Error& e) {
    std::fprintf(stderr, "redisfit exporter: %s\n", e.describe().c_str());
    return kExitUsage;
  };
  if (f.limits.size() > 1 && f.limits.size() != f.targets.size())
    return fail(Error{"--limit", "give one --limit for all targets or one per --target, in the same order"});
  platform::ConnectOptions options;
  auto ct = live::parse_duration(f.connect_timeout, "--connect-timeout");
  if (!ct) return fail(ct.error());
  auto rt = live::parse_duration(f.timeout, "--timeout");
  if (!rt) return fail(rt.error());
  auto refresh = live::parse_duration(f.config_refresh, "--config-refresh");
  if (!refresh) return fail(refresh.error());
  auto window = live::parse_duration(f.rate_window, "--rate-window");
  if (!window) return fail(window.error());
  options.connect_timeout = *ct;
  options.read_timeout = *rt;
  if (Status st = f.tls.apply_to(options); !st) return fail(st.error());

  if (f.once && f.targets.empty()) return fail(Error{"--once", "needs at least one --target"});
  live::TargetAuth auth(platform::password_from_environment());
  if (!f.auth_file.empty()) {
    auto loaded = live::TargetAuth::load(f.auth_file, platform::password_from_environment());
    if (!loaded) return fail(loaded.error());
    auth = std::move(loaded).value();
  }
  std::vector<live::ExporterTarget> targets;
  std::set<std::string> configured;  // RedisEndpoint::display() of each --target
  std::map<std::string, std::string> given_as;  // display() -> the --target text naming it first
  for (size_t i = 0; i < f.targets.size(); ++i) {
    auto ep = auth.resolve(f.targets[i]);
    if (!ep) return fail(ep.error());
    // Two spellings of one server (the same URL twice, h:p and redis://h:p,
    // redis://h:p/3: INFO memory is the server's, whatever the db) would be
    // served as two copies of every series with one label set, of which
    // Prometheus silently keeps one.
    if (auto [at, fresh] = given_as.emplace(ep->display(), f.targets[i]); !fresh) {
      return fail(Error{"--target",
                        fmt::format("'{}' and '{}' are one server, {}: both would be served as the same series "
                                    "(target=\"{}\"); give it once",
                                    platform::masked_redis_url(at->second), platform::masked_redis_url(f.targets[i]),
                                    ep->display(), ep->display())});
    }
    configured.insert(ep->display());
    live::ExporterTarget t{*ep, std::nullopt};
    if (!f.limits.empty()) {
      const std::string& text = f.limits.size() == 1 ? f.limits[0] : f.limits[i];
      auto limit = parse_limit_flag("--limit", text);
      if (!limit) return fail(limit.error());
      t.limit_bytes = *limit;
    }
    targets.push_back(std::move(t));
  }
  // /scrape targets get the one --limit given for all, or ?limit= (16Gi).
  std::optional<uint64_t> shared_limit;
  if (f.limits.size() == 1) {
    auto limit = parse_limit_flag("--limit", f.limits[0]);
    if (!limit) return fail(limit.error());
    shared_limit = *limit;
  }
  live::Exporter exporter(std::move(targets), options, *refresh, *window);
  // Down in bold red, up again in green, when stderr is a terminal.
  exporter.set_log([color = use_color(stderr)](bool down, const std::string& line) {
    const std::string text = render::paint(color, down ? "1;31" : "32", line);
    std::fprintf(stderr, "redisfit exporter: %s\n", text.c_str());
  });
  if (f.once) {
    auto scrapes = exporter.scrape_targets();
    std::fputs(live::render_metrics(scrapes).c_str(), stdout);
    // A refused password is a configuration error (exit 2, as probe's); a
    // target down otherwise fails a cron job or CI step (1).
    for (const auto& s : scrapes)
      if (s.authentication_refused) return kExitUsage;
    for (const auto& s : scrapes)
      if (!s.snapshot) return kExitFindings;
    return kExitClean;
  }
  auto resolve = [&auth, &configured, shared_limit](const std::string& url,
                                                   const std::map<std::string, std::string>& params)
      -> Result<live::ExporterTarget> {
    auto ep = auth.resolve_scraped(url, configured);
    if (!ep) return ep.error();
    live::ExporterTarget t{*ep, shared_limit};
    if (auto it = params.find("limit"); it != params.end()) {
      auto limit = parse_limit_flag("limit=" + it->second, it->second);
      if (!limit) return limit.error();  // what is wrong with it: not a size, ambiguous (16m), 0
      t.limit_bytes = *limit;
    }
    return t;
  };
  // Bind first: a taken port must fail here, before anything says "serving".
  auto server = live::bind_exporter(exporter, f.listen, resolve);
  if (!server) return fail(server.error());
  // The port bound, which differs from the flag's for ":0" (any free port).
  std::fprintf(stderr, "redisfit exporter: serving /metrics (%zu target(s)) and /scrape?target= on %s (port %d)\n",
               f.targets.size(), f.listen.c_str(), (*server)->port());
  auto st = (*server)->serve();
  if (!st) return fail(st.error());
  return kExitClean;
}

RegisterCommand reg{{50, "exporter", [](CLI::App& app, RunState& state) {
  auto flags = std::make_shared<ExporterFlags>();
  CLI::App* cmd = app.add_subcommand("exporter", "serve Prometheus metrics for live Redis servers, with limit-aware gauges");
  cmd->add_option("--listen", flags->listen, "address to serve /metrics on (default :9839)");
  cmd->add_option("--target", flags->targets,
                  "Redis URL served on /metrics (repeatable); without it only /scrape?target=URL serves");
  cmd->add_option("--auth-file", flags->auth_file,
                  "JSON {\"redis://host:port\": \"password\", ...}: each target's password (redis_exporter's "
                  "--redis.password-file format); before REDISCLI_AUTH, after a password in the URL");
  cmd->add_option("--limit", flags->limits,
                  "container memory limit (16Gi): once for all targets or once per --target; default: this "
                  "container's cgroup, for local targets");
  cmd->add_option("--connect-timeout", flags->connect_timeout, "connect timeout (default 2s)");
  cmd->add_option("--timeout", flags->timeout, "reply timeout (default 2s)");
  cmd->add_option("--config-refresh", flags->config_refresh, "re-read CONFIG GET this often (default 60s)");
  cmd->add_option("--rate-window", flags->rate_window,
                  "how long the write rate measured between scrapes remembers a burst; until scrapes span it, a "
                  "server that forks is projected with the rate unknown, the worst case (default 60s)");
  flags->tls.add_to(*cmd);
  cmd->add_flag("--once", flags->once, "print one scrape to stdout and exit (no HTTP server); exit 1 when a target is down, 2 when one refuses authentication");
  cmd->footer("Metrics: redis_exporter's names for INFO gauges plus redisfit_*. Docs: docs/exporter.md");
  cmd->callback([flags, &state] { state.exit_code = run(*flags); });
}}};

}  // namespace
}  // namespace redisfit::cli
