// Rendering of `stress --search maxmemory`: the measured edge, every probe
// and its runs, and the model's recommendation next to the edge.
#include <fmt/format.h>

#include "core/quantity.h"
#include "render/stress_render.h"
#include "render/style.h"

namespace redisfit::render {
namespace {

std::string share(uint64_t part, uint64_t whole) {
  return whole ? fmt::format("{:.0f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole)) : "-";
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

const char* verdict_sgr(stress::ProbeVerdict v) {
  return v == stress::ProbeVerdict::kSurvived ? "32" : v == stress::ProbeVerdict::kDied ? "31;1" : "33";
}

// How the probe of `bytes` marked by `is_it` fared: "; it survived 3 of 3 runs".
template <typename Marked>
std::string probe_outcome(const stress::SearchResult& r, Marked is_it) {
  for (const auto& p : r.probes) {
    if (!is_it(p)) continue;
    const stress::ProbeVerdict v = p.verdict();
    const char* fared = v == stress::ProbeVerdict::kSurvived ? "survived" : v == stress::ProbeVerdict::kDied ? "died in" : "was unproven in";
    return fmt::format("; it {} {} of {} runs", fared, p.runs.size(), r.repeats);
  }
  return "";
}

std::string share_of_edge(const stress::SearchResult& r, uint64_t bytes) {
  return r.edge_bytes ? fmt::format(" = {} of the measured edge", share(bytes, *r.edge_bytes)) : "";
}

// "the recommendation is N% of the measured edge" or why it cannot be said,
// then the same for the recommendation given the measured server facts.
std::string recommendation_line(const stress::SearchResult& r) {
  if (!r.recommended_bytes) return "model: no recommendation (" + r.recommendation_note + ")";
  std::string line = fmt::format("model: plan recommends maxmemory {} ({} of the limit)", format_bytes(*r.recommended_bytes),
                                 share(*r.recommended_bytes, r.limit_bytes));
  line += share_of_edge(r, *r.recommended_bytes);
  line += probe_outcome(r, [](const stress::Probe& p) { return p.recommended; });
  if (!r.plan_command.empty()) line += "\n  " + r.plan_command;
  if (r.recommended_given_facts_bytes) {
    const auto& f = r.facts;
    line += fmt::format(
        "\nmeasured: given what those runs measured (a save of {:.1f}s of {}, fragmentation {:.2f}), plan "
        "recommends {} ({} of the limit)",
        f.child_seconds, format_bytes(f.child_dataset_bytes), f.fragmentation,
        format_bytes(*r.recommended_given_facts_bytes), share(*r.recommended_given_facts_bytes, r.limit_bytes));
    if (f.executed_write_rate) line += " (the write rate the server executed; the rest was refused with -OOM)";
    line += share_of_edge(r, *r.recommended_given_facts_bytes);
    line += probe_outcome(r, [](const stress::Probe& p) { return p.recommended_given_facts; });
    if (!r.plan_command_given_facts.empty()) line += "\n  " + r.plan_command_given_facts;
  } else if (!r.facts_note.empty()) {
    line += "\nmeasured: no recommendation given the server's facts (" + r.facts_note + ")";
  }
  return line;
}

// Escaped, one <br> per line break.
std::string html_lines(const std::string& text) {
  std::string out;
  for (char c : html_escape(text)) {
    if (c == '\n') out += "<br>";
    else out += c;
  }
  return out;
}

std::string probe_label(const stress::Probe& p) {
  if (p.recommended && p.recommended_given_facts) return "recommended, a priori and given measured facts";
  if (p.recommended) return "recommended";
  if (p.recommended_given_facts) return "recommended given measured facts";
  return "";
}

}  // namespace

nlohmann::json search_to_json(const stress::SearchResult& r) {
  using nlohmann::json;
  auto opt = [](const std::optional<uint64_t>& v) { return v ? json(*v) : json(nullptr); };
  json probes = json::array();
  for (const auto& p : r.probes) {
    json runs = json::array();
    for (const auto& run : p.runs) {
      runs.push_back({{"outcome", stress::run_outcome_name(run.outcome)}, {"peak_working_set_bytes", run.peak_working_set_bytes},
                      {"peak_rss_bytes", run.peak_rss_bytes}, {"predicted_peak_bytes", run.predicted_peak_bytes},
                      {"predicted_peak_with_measured_fork_bytes", run.predicted_with_measured_fork_bytes},
                      {"fork_child_sec", run.fork_child_sec}, {"fork_write_rate", run.fork_write_rate},
                      {"fork_refused_write_rate", run.fork_refused_write_rate},
                      {"redis_last_cow_bytes", run.redis_last_cow_bytes},
                      {"fragmentation_before_fork", run.fragmentation_before_fork},
                      {"used_memory_before_fork_bytes", run.used_memory_before_fork_bytes}});
    }
    probes.push_back({{"maxmemory_bytes", p.maxmemory_bytes}, {"recommended", p.recommended},
                      {"recommended_given_facts", p.recommended_given_facts}, {"survived", p.survived}, {"verdict", stress::probe_verdict_name(p.verdict())}, {"runs", runs}});
  }
  json out = {{"limit_bytes", r.limit_bytes},   {"workload", r.workload},
              {"repeats", r.repeats},           {"edge_bytes", opt(r.edge_bytes)},
              {"lowest_failure_bytes", opt(r.lowest_failure_bytes)},
              {"recommended_bytes", opt(r.recommended_bytes)},
              {"interrupted", r.interrupted},   {"probes", probes}};
  if (r.recommended_bytes && r.edge_bytes) {
    out["recommended_share_of_edge"] = static_cast<double>(*r.recommended_bytes) / static_cast<double>(*r.edge_bytes);
  }
  if (!r.recommendation_note.empty()) out["recommendation_note"] = r.recommendation_note;
  if (!r.plan_command.empty()) out["plan_command"] = r.plan_command;
  if (!r.plan_command_given_facts.empty()) out["plan_command_given_facts"] = r.plan_command_given_facts;
  out["recommended_given_facts_bytes"] = opt(r.recommended_given_facts_bytes);
  if (r.recommended_given_facts_bytes) {
    out["facts"] = {{"fork_child_sec", r.facts.child_seconds},
                    {"fork_child_dataset_bytes", r.facts.child_dataset_bytes},
                    {"fragmentation", r.facts.fragmentation}};
    if (r.facts.executed_write_rate) out["facts"]["executed_write_rate"] = *r.facts.executed_write_rate;
    if (r.edge_bytes) {
      out["recommended_given_facts_share_of_edge"] =
          static_cast<double>(*r.recommended_given_facts_bytes) / static_cast<double>(*r.edge_bytes);
    }
  }
  if (!r.facts_note.empty()) out["facts_note"] = r.facts_note;
  if (auto caveat = stress::edge_caveat(r); !caveat.empty()) out["edge_caveat"] = caveat;
  return out;
}

std::string search_to_text(const stress::SearchResult& r, bool color) {
  std::string out = fmt::format("stress --search maxmemory: limit {}, {}\n", format_k8s_quantity(r.limit_bytes), r.workload);
  for (const auto& p : r.probes) {
    const std::string label = probe_label(p);
    out += fmt::format("  maxmemory {:>10} ({:>4} of limit){}  {}\n", format_bytes(p.maxmemory_bytes),
                       share(p.maxmemory_bytes, r.limit_bytes), label.empty() ? "" : " [" + label + "]",
                       render::paint(color, verdict_sgr(p.verdict()), stress::probe_verdict_name(p.verdict())));
    for (const auto& run : p.runs) {
      out += fmt::format("      {} peak working set {:>10}, anon {:>10}; predicted {:>10}",
                         render::paint_padded(color, run_outcome_sgr(run.outcome),
                                              stress::run_outcome_name(run.outcome), 10),
                         format_bytes(run.peak_working_set_bytes), format_bytes(run.peak_rss_bytes),
                         format_bytes(run.predicted_peak_bytes));
      if (run.fork_child_sec > 0) {
        out += fmt::format("; child {:.1f} s, {:.0f} writes/s", run.fork_child_sec, run.fork_write_rate);
        if (run.fork_refused_write_rate >= 0.5) out += fmt::format(" ({:.0f}/s refused)", run.fork_refused_write_rate);
        out += fmt::format(", Redis COW {}", format_bytes(run.redis_last_cow_bytes));
      }
      out += "\n";
    }
  }
  out += "edge: " + stress::describe_edge(r) + "\n";
  if (auto caveat = stress::edge_caveat(r); !caveat.empty()) out += "note: " + caveat + "\n";
  out += recommendation_line(r) + "\n";
  if (r.interrupted) out += "interrupted: the search stopped early\n";
  return out;
}

std::string search_to_html(const stress::SearchResult& r) {
  std::string rows;
  for (const auto& p : r.probes) {
    for (size_t i = 0; i < p.runs.size(); ++i) {
      const auto& run = p.runs[i];
      rows += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1f} s</td>"
          "<td>{:.0f}/s</td><td>{:.0f}/s</td><td>{}</td></tr>\n",
          i == 0 ? html_escape(format_bytes(p.maxmemory_bytes)) +
                       (probe_label(p).empty() ? "" : " (" + probe_label(p) + ")")
                 : "",
          i == 0 ? stress::probe_verdict_name(p.verdict()) : "", i + 1, html_escape(stress::run_outcome_name(run.outcome)),
          html_escape(format_bytes(run.peak_working_set_bytes)), html_escape(format_bytes(run.peak_rss_bytes)),
          html_escape(format_bytes(run.predicted_peak_bytes)), run.fork_child_sec, run.fork_write_rate,
          run.fork_refused_write_rate, html_escape(format_bytes(run.redis_last_cow_bytes)));
    }
  }
  const std::string caveat = stress::edge_caveat(r);
  return "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>redisfit stress --search</title><style>"
         "body{font-family:sans-serif;margin:20px;color:#222}table{border-collapse:collapse;margin:8px 0}"
         "td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-size:13px}</style></head><body>"
         "<h1>redisfit stress --search maxmemory</h1>\n" +
         std::string(r.interrupted ? "<p><b>interrupted: the search stopped early</b> (the edge below is what the "
                                     "probes run so far showed)</p>\n"
                                   : "") +
         fmt::format("<p>limit {}, {}</p>\n<p><b>{}</b></p>\n{}<p>{}</p>\n", html_escape(format_k8s_quantity(r.limit_bytes)),
                     html_escape(r.workload), html_escape(stress::describe_edge(r)),
                     caveat.empty() ? "" : "<p>note: " + html_escape(caveat) + "</p>\n", html_lines(recommendation_line(r))) +
         "<table><tr><th>maxmemory</th><th>probe</th><th>run</th><th>outcome</th><th>peak working set</th>"
         "<th>peak anon</th><th>predicted peak</th><th>fork child</th><th>writes executed</th><th>writes refused (-OOM)</th><th>Redis COW</th></tr>\n" +
         rows + "</table></body></html>\n";
}

}  // namespace redisfit::render
