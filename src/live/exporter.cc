#include "live/exporter.h"

#include <future>
#include <mutex>

#include <fmt/format.h>

#include "live/metrics_http.h"
#include "live/probe.h"
#include "live/write_rate_meter.h"

namespace redisfit::live {

struct Exporter::State {
  ExporterTarget target;
  std::timed_mutex mutex;  // one scrape of a target at a time
  std::unique_ptr<platform::RedisConnection> conn;
  std::map<std::string, std::string> config;
  std::vector<std::string> config_unreadable;
  bool config_unreadable_logged = false;  // said once, until CONFIG answers again
  std::chrono::steady_clock::time_point config_read_at{};
  std::string run_id;  // server instance the cached config belongs to
  std::optional<bool> was_up;  // last scrape's outcome, for logging changes only
  // Named by /scrape?target=: REDISCLI_AUTH is never sent to it (a scraper
  // could aim it anywhere), so its password comes from the URL or --auth-file.
  bool from_scrape = false;
  // The last scrape and when it ended: a scrape that waited for the lock
  // while it ran takes it rather than reading again (below).
  std::optional<TargetScrape> last;
  std::chrono::steady_clock::time_point last_ended_at{};
  // The writes between scrapes: the fork projections use the highest rate
  // of the last window once scrapes span one, the worst case before.
  WriteRateMeter write_rate;
  explicit State(double rate_window_seconds) : write_rate(rate_window_seconds) {}
};

Exporter::Exporter(std::vector<ExporterTarget> targets, platform::ConnectOptions options,
                   std::chrono::milliseconds config_refresh, std::chrono::milliseconds rate_window)
    : options_(std::move(options)), config_refresh_(config_refresh), rate_window_(rate_window) {
  for (auto& t : targets) {
    auto s = std::make_unique<State>(std::chrono::duration<double>(rate_window_).count());
    s->target = std::move(t);
    states_.push_back(std::move(s));
  }
}

Exporter::~Exporter() = default;

TargetScrape Exporter::scrape_one(State& s) {
  // Scrapes of one target wait for each other at most as long as one scrape
  // may take (connect, then INFO and CONFIG GET): a target that hangs must
  // not hold every HTTP worker, and a healthy target's scrape behind them.
  const auto one_scrape = options_.connect_timeout + 2 * options_.read_timeout;
  const auto asked_at = std::chrono::steady_clock::now();
  std::unique_lock lock(s.mutex, std::defer_lock);
  if (!lock.try_lock_for(one_scrape)) {
    TargetScrape busy;
    busy.target = s.target.endpoint.display();
    busy.error = fmt::format("{}: the previous scrape of this target has not ended within {} ms (the server is "
                             "not answering)",
                             busy.target, one_scrape.count());
    busy.scrape_seconds = std::chrono::duration<double>(one_scrape).count();
    return busy;
  }
  // Scrapes that arrive together share one read: a scrape that ended after
  // this one asked saw the server as of now. Without this, N scrapers of a
  // server that hangs queue for N read timeouts, holding HTTP workers a
  // healthy target's scrape needs.
  if (s.last && s.last_ended_at >= asked_at) return *s.last;
  TargetScrape out = read_target(s);
  log_state_change(s, out);
  s.last = out;
  s.last_ended_at = std::chrono::steady_clock::now();
  return out;
}

TargetScrape Exporter::read_target(State& s) {
  const auto start = std::chrono::steady_clock::now();
  TargetScrape out;
  out.target = s.target.endpoint.display();
  auto finish = [&] {
    out.scrape_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
  };
  // A kept connection the server closed since the last scrape (its idle
  // `timeout`, a restart) is opened again, not reported as the server down.
  if (s.conn && s.conn->closed_while_idle()) s.conn.reset();
  if (!s.conn) {
    platform::ConnectOptions options = options_;
    // A /scrape target never gets REDISCLI_AUTH (a scraper could name any
    // server): its password comes from the URL or --auth-file.
    options.password_advice = s.from_scrape ? "put it in the URL (redis://:PASSWORD@host:port) or in --auth-file "
                                              "(REDISCLI_AUTH is sent only to --target servers)"
                                            : "put it in the URL (redis://:PASSWORD@host:port), in --auth-file or in "
                                              "REDISCLI_AUTH";
    auto c = platform::connect_redis(s.target.endpoint, options);
    if (!c) {
      out.error = c.error().describe();
      out.authentication_refused = platform::is_authentication_error(c.error());
      return finish();
    }
    s.conn = std::move(c).value();
  }
  // INFO all: the default sections and commandstats (redis_commands_total),
  // one command per scrape.
  auto info = read_info(*s.conn, "all");
  if (!info) {
    s.conn.reset();  // reopened next scrape
    out.error = info.error().describe();
    return finish();
  }
  ServerSnapshot snap;
  snap.where = s.conn->where();
  snap.info = std::move(info).value();
  snap.loading = snap.info.text("loading").value_or("0") == "1";
  const std::string run_id = snap.info.text("run_id").value_or("");
  if (run_id != s.run_id || s.config_read_at == std::chrono::steady_clock::time_point{} ||
      start - s.config_read_at >= config_refresh_) {
    s.config_unreadable.clear();
    s.config = read_memory_config(*s.conn, s.config_unreadable);
    s.config_read_at = start;
    s.run_id = run_id;
    // Without CONFIG the projections rest on Redis' default save points
    // (forks and reloads; live_facts.cc reads the rest from INFO): the
    // operator hears it once, not only from redisfit_config_read.
    if (s.config_unreadable.empty()) {
      s.config_unreadable_logged = false;
    } else if (!s.config_unreadable_logged && log_) {
      log_(true, fmt::format("{}: {}; its projections assume Redis' default save points (3600 1 300 100 60 10000: "
                             "forks and reloads) until CONFIG answers (maxmemory, its policy and appendonly "
                             "come from INFO)",
                             s.target.endpoint.display(), s.config_unreadable.front()));
      s.config_unreadable_logged = true;
    }
  }
  snap.config = s.config;
  snap.unreadable = s.config_unreadable;
  const std::optional<Sourced<double>> measured = s.write_rate.update(*s.conn, snap.info, run_id);
  out.report = assess(snap, resolve_limit(s.target.endpoint, s.target.limit_bytes), [&](Workload& w) {
    if (measured) w.write_rate_per_sec = *measured;
  });
  out.snapshot = std::move(snap);
  return finish();
}

void Exporter::log_state_change(State& s, const TargetScrape& scrape) {
  const bool up = scrape.snapshot.has_value();
  const bool changed = s.was_up ? *s.was_up != up : !up;  // first scrape: log only when down
  s.was_up = up;
  if (!changed || !log_) return;
  if (up) {
    log_(false, scrape.target + " up again");
    return;
  }
  // Errors from the client usually start with the address already.
  std::string reason = scrape.error;
  if (reason.rfind(scrape.target + ": ", 0) == 0) reason.erase(0, scrape.target.size() + 2);
  log_(true, scrape.target + " down: " + reason);
}

std::vector<TargetScrape> Exporter::scrape_targets() {
  std::vector<std::future<TargetScrape>> futures;
  for (auto& s : states_) futures.push_back(std::async(std::launch::async, [this, &s] { return scrape_one(*s); }));
  std::vector<TargetScrape> out;
  for (auto& f : futures) out.push_back(f.get());
  return out;
}

std::string Exporter::scrape() { return render_metrics(scrape_targets()); }

TargetScrape Exporter::scrape_named(const ExporterTarget& target) {
  // The password is part of the key: a scraper that changes a target's
  // password gets a fresh connection authenticated with the new one.
  const platform::RedisEndpoint& ep = target.endpoint;
  const std::string key = ep.display() + "\n" + ep.user + "\n" + ep.password.value_or("") + "\n" +
                          std::to_string(ep.db) + "\n" + std::to_string(target.limit_bytes.value_or(0));
  State* state = nullptr;
  std::unique_ptr<State> temporary;
  {
    std::lock_guard lock(named_mutex_);
    if (auto it = named_.find(key); it != named_.end()) {
      state = it->second.get();
    } else {
      auto fresh = std::make_unique<State>(std::chrono::duration<double>(rate_window_).count());
      fresh->target = target;
      fresh->from_scrape = true;
      if (named_.size() < kMaxScrapeTargets) {
        state = fresh.get();
        named_.emplace(key, std::move(fresh));
      } else {
        temporary = std::move(fresh);
        state = temporary.get();
      }
    }
  }
  return scrape_one(*state);  // states are never erased, so the pointer stays valid
}

Result<std::unique_ptr<MetricsHttpServer>> bind_exporter(Exporter& exporter, const std::string& listen,
                                                        ScrapeTargetResolver resolve) {
  auto server = MetricsHttpServer::bind(listen, "--listen", "redisfit exporter", [&] { return exporter.scrape(); });
  if (!server) return server;
  (*server)->handle_get("/scrape", [&exporter, resolve](const std::map<std::string, std::string>& params) {
    auto it = params.find("target");
    if (it == params.end() || it->second.empty())
      return HttpReply{400, "missing ?target=redis://host:port\n", "text/plain"};
    auto target = resolve(it->second, params);
    if (!target) return HttpReply{400, target.error().describe() + "\n", "text/plain"};
    return HttpReply{200, render_metrics({exporter.scrape_named(*target)})};
  });
  return server;
}

}  // namespace redisfit::live
