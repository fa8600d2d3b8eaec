#include "render/fleet_render.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/quantity.h"
#include "render/budget_render.h"

namespace redisfit::render {
namespace {

std::string paint(bool color, const char* code, const std::string& text) {
  return color ? fmt::format("\033[{}m{}\033[0m", code, text) : text;
}

std::string name_of(const app::InstanceRecommendation& r) {
  const auto& o = r.observation;
  return !o.target.empty() ? o.target : !o.instance.empty() ? o.instance : o.key;
}

std::string pod_of(const app::InstanceRecommendation& r) {
  const auto& o = r.observation;
  return o.pod.empty() ? "-" : o.namespace_name + "/" + o.pod;
}

std::string quantity_or_dash(const std::optional<Sourced<uint64_t>>& v) {
  return v ? format_k8s_quantity(v->value) : "-";
}

std::string maxmemory_text(const MaxmemorySetting& m) {
  return m.origin == MaxmemoryOrigin::kUnset ? "unset" : format_k8s_quantity(m.bytes);
}

std::string delta_text(int64_t delta) {
  if (delta == 0) return "-";
  std::string q = format_k8s_quantity(static_cast<uint64_t>(delta > 0 ? delta : -delta));
  return delta > 0 ? "saves " + q : "needs " + q;
}

const char* risk_color(app::Risk r) {
  switch (r) {
    case app::Risk::kOom:
    case app::Risk::kUnsafe: return "31;1";
    case app::Risk::kThin:
    case app::Risk::kNoLimit: return "33";
    case app::Risk::kOk: return "32";
  }
  return "0";
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string fleet_summary(const app::FleetReport& report) {
  int oom = 0, unsafe = 0, thin = 0, no_limit = 0;
  for (const auto& r : report.instances) {
    oom += r.risk == app::Risk::kOom;
    unsafe += r.risk == app::Risk::kUnsafe;
    thin += r.risk == app::Risk::kThin;
    no_limit += r.risk == app::Risk::kNoLimit;
  }
  int64_t net = static_cast<int64_t>(report.saved_bytes) - static_cast<int64_t>(report.needed_bytes);
  return fmt::format("{} instances: {} at risk of OOM (recorded peak over the limit), {} unsafe and {} thin by the "
                     "model, {} without a limit; memory saved {}, needed {} (net {} {})",
                     report.instances.size(), oom, unsafe, thin, no_limit, format_k8s_quantity(report.saved_bytes),
                     format_k8s_quantity(report.needed_bytes),
                     format_k8s_quantity(static_cast<uint64_t>(net >= 0 ? net : -net)), net >= 0 ? "saved" : "needed");
}

std::string fleet_text(const app::FleetReport& report, bool color) {
  struct Row {
    std::vector<std::string> cells;
    app::Risk risk;
  };
  const std::vector<std::string> header = {"INSTANCE", "POD",        "MAXMEMORY",     "REQUEST", "LIMIT",
                                           "REC MAXMEMORY", "REC LIMIT", "PEAK PHASE", "RECORDED PEAK", "RISK NOW",
                                           "SAVED/NEEDED"};
  std::vector<Row> rows;
  for (const auto& r : report.instances) {
    const RedisInstance& i = r.facts.instance;
    // A recommendation of 1 EiB or more is none (app/recommend.h), not a size to read off the table.
    const bool none = !r.no_fix_reason.empty();
    rows.push_back({{name_of(r), pod_of(r), maxmemory_text(i.maxmemory), quantity_or_dash(i.request_bytes),
                     quantity_or_dash(i.limit_bytes),
                     none ? std::string(">=1Ei") : format_k8s_quantity(r.recommended.maxmemory_bytes),
                     none ? std::string(">=1Ei") : format_k8s_quantity(r.recommended.limit_bytes), r.peak_phase,
                     // No RSS/COW series recorded: no peak, not a peak of zero.
                     r.recorded_peak_bytes ? format_bytes(r.recorded_peak_bytes) : std::string("-"),
                     app::risk_name(r.risk), delta_text(r.delta_bytes)},
                    r.risk});
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], row.cells[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells, const Row* row) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      std::string cell = fmt::format("{:<{}}", cells[c], width[c]);
      if (row && header[c] == "RISK NOW") cell = paint(color, risk_color(row->risk), cell);
      out += cell + (c + 1 < cells.size() ? "  " : "");
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(header, nullptr);
  for (const auto& row : rows) out += line(row.cells, &row);
  for (const auto& r : report.instances) {
    for (const auto& m : r.messages) out += fmt::format("{}: {}\n", r.observation.key, m);
  }
  out += fleet_summary(report) + "\n";
  return out;
}

nlohmann::json fleet_json(const app::FleetReport& report) {
  nlohmann::json instances = nlohmann::json::array();
  for (const auto& r : report.instances) {
    const auto& o = r.observation;
    const RedisInstance& i = r.facts.instance;
    nlohmann::json observed = nlohmann::json::object();
    for (const auto& [k, v] : o.values) observed[k] = v;
    nlohmann::json daily = nlohmann::json::array();
    for (const auto& [t, v] : o.daily_peak_bytes) daily.push_back({t, v});
    instances.push_back(
        {{"key", o.key},
         {"instance", o.instance},
         {"target", o.target},
         {"namespace", o.namespace_name},
         {"pod", o.pod},
         {"owner", o.owner_kind.empty() ? nlohmann::json() : nlohmann::json(o.owner_kind + "/" + o.owner_name)},
         {"current",
          {{"maxmemory_bytes", i.maxmemory.bytes},
           {"request_bytes", i.request_bytes ? nlohmann::json(i.request_bytes->value) : nlohmann::json()},
           {"limit_bytes", i.limit_bytes ? nlohmann::json(i.limit_bytes->value) : nlohmann::json()},
           {"policy", i.maxmemory_policy.value}}},
         {"recorded_peak_bytes", r.recorded_peak_bytes},
         {"recorded_peak_source", r.recorded_peak_source},
         {"risk", app::risk_name(r.risk)},
         {"peak_phase", r.peak_phase},
         {"delta_bytes", r.delta_bytes},
         {"growth_bytes_per_day", r.growth_bytes_per_day},
         {"recommended", recommendation_to_json(r.recommended)},
         {"budget_now", r.budget_now ? budget_to_json(*r.budget_now) : nlohmann::json()},
         {"observed", observed},
         {"daily_peak_bytes", daily},
         {"messages", r.messages},
         {"no_fix_reason", r.no_fix_reason.empty() ? nlohmann::json() : nlohmann::json(r.no_fix_reason)}});
  }
  nlohmann::json queries = nlohmann::json::array();
  for (const auto& q : report.queries) queries.push_back({{"fact", q.name}, {"query", q.query}});
  int oom = 0;
  for (const auto& r : report.instances) oom += r.risk == app::Risk::kOom;
  return {{"prometheus", report.prometheus_url},
          {"evaluated_at", report.evaluated_at},
          {"window_seconds", report.window_seconds},
          {"summary",
           {{"instances", report.instances.size()},
            {"oom_risk", oom},
            {"saved_bytes", report.saved_bytes},
            {"needed_bytes", report.needed_bytes},
            {"text", fleet_summary(report)}}},
          {"instances", instances},
          {"queries", queries},
          {"notes", report.notes},
          {"requests", report.requests}};
}

std::string fleet_csv(const app::FleetReport& report) {
  std::string out =
      "instance,namespace,pod,maxmemory_bytes,request_bytes,limit_bytes,recommended_maxmemory_bytes,"
      "recommended_limit_bytes,peak_phase,recorded_peak_bytes,risk,delta_bytes\n";
  for (const auto& r : report.instances) {
    const RedisInstance& i = r.facts.instance;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(name_of(r)),
                       csv_field(r.observation.namespace_name), csv_field(r.observation.pod), i.maxmemory.bytes,
                       i.request_bytes ? std::to_string(i.request_bytes->value) : "",
                       i.limit_bytes ? std::to_string(i.limit_bytes->value) : "", r.recommended.maxmemory_bytes,
                       r.recommended.limit_bytes, r.peak_phase, r.recorded_peak_bytes, app::risk_name(r.risk),
                       r.delta_bytes);
  }
  return out;
}

}  // namespace redisfit::render
