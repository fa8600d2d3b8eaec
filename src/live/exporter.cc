#include "live/exporter.h"

#include <future>

#include "live/metrics_http.h"
#include "live/probe.h"

namespace redisfit::live {

struct Exporter::State {
  ExporterTarget target;
  std::mutex mutex;  // one scrape of a target at a time
  std::unique_ptr<platform::RedisConnection> conn;
  std::map<std::string, std::string> config;
  std::vector<std::string> config_unreadable;
  std::chrono::steady_clock::time_point config_read_at{};
  std::string run_id;  // server instance the cached config belongs to
};

Exporter::Exporter(std::vector<ExporterTarget> targets, platform::ConnectOptions options, std::chrono::milliseconds config_refresh)
    : options_(std::move(options)), config_refresh_(config_refresh) {
  for (auto& t : targets) {
    auto s = std::make_unique<State>();
    s->target = std::move(t);
    states_.push_back(std::move(s));
  }
}

Exporter::~Exporter() = default;

TargetScrape Exporter::scrape_one(State& s) {
  std::lock_guard lock(s.mutex);
  const auto start = std::chrono::steady_clock::now();
  TargetScrape out;
  out.target = s.target.endpoint.display();
  auto finish = [&] {
    out.scrape_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
  };
  if (!s.conn) {
    auto c = platform::connect_redis(s.target.endpoint, options_);
    if (!c) {
      out.error = c.error().describe();
      return finish();
    }
    s.conn = std::move(c).value();
  }
  auto info = read_info(*s.conn);
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
  }
  snap.config = s.config;
  snap.unreadable = s.config_unreadable;
  out.report = assess(snap, resolve_limit(s.target.endpoint, s.target.limit_bytes));
  out.snapshot = std::move(snap);
  return finish();
}

std::vector<TargetScrape> Exporter::scrape_targets() {
  std::vector<std::future<TargetScrape>> futures;
  for (auto& s : states_) futures.push_back(std::async(std::launch::async, [this, &s] { return scrape_one(*s); }));
  std::vector<TargetScrape> out;
  for (auto& f : futures) out.push_back(f.get());
  return out;
}

std::string Exporter::scrape() { return render_metrics(scrape_targets()); }

Status serve_exporter(Exporter& exporter, const std::string& listen) {
  auto server = MetricsHttpServer::bind(listen, "flag --listen", "redisfit exporter", [&] { return exporter.scrape(); });
  if (!server) return server.error();
  return (*server)->serve();
}

}  // namespace redisfit::live
