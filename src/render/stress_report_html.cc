// The stress report: one self-contained HTML page (inline SVG and CSS, no
// script, nothing fetched), so it can be attached to a ticket or CI artefact.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/quantity.h"
#include "render/stress_render.h"

namespace redisfit::render {
namespace {

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

struct Frame {
  double w = 1100, h = 380, left = 70, right = 170, top = 20, bottom = 40;
  double t_max = 1, y_max = 1;
  double x(double t) const { return left + (w - left - right) * t / t_max; }
  // Clamped to the frame: the preload runs with room, above the chart's scale.
  double y(double bytes) const { return top + (h - top - bottom) * (1 - std::min(bytes, y_max) / y_max); }
};

std::string polyline(const std::vector<stress::Sample>& samples, const Frame& f, const char* color,
                     uint64_t stress::Sample::*field, bool only_when_up, const char* dash = "") {
  std::string pts, out;
  auto flush = [&] {
    if (!pts.empty()) {
      out += fmt::format("<polyline fill='none' stroke='{}' stroke-width='1.6' stroke-dasharray='{}' points='{}'/>\n",
                         color, dash, pts);
    }
    pts.clear();
  };
  for (const auto& s : samples) {
    if (only_when_up && !s.server_up) {
      flush();
      continue;
    }
    pts += fmt::format("{:.1f},{:.1f} ", f.x(s.t_sec), f.y(static_cast<double>(s.*field)));
  }
  flush();
  return out;
}

std::string hline(const Frame& f, double bytes, const char* color, const std::string& label, const char* dash,
                  double label_dy = 0) {
  double y = f.y(bytes);
  return fmt::format(
      "<line x1='{:.1f}' x2='{:.1f}' y1='{:.1f}' y2='{:.1f}' stroke='{}' stroke-width='1.5' stroke-dasharray='{}'/>"
      "<text x='{:.1f}' y='{:.1f}' font-size='12' fill='{}'>{}</text>\n",
      f.left, f.w - f.right, y, y, color, dash, f.w - f.right + 6, y + 4 + label_dy, color, esc(label));
}

// The limit as it changed (the rescue raises it, then sets the final one), a
// step line; the roomy limit of the preload is left out, it only sets the
// stage. Empty when the limit never changed.
std::string limit_steps(const stress::StressResult& r, const Frame& f) {
  bool varies = false;
  for (const auto& s : r.samples) varies |= s.phase != stress::RunPhase::kPreload && s.limit_bytes && s.limit_bytes != r.limit_bytes;
  if (!varies) return "";
  std::string pts;
  double last_y = -1;
  uint64_t last = 0;
  for (const auto& s : r.samples) {
    if (s.phase == stress::RunPhase::kPreload || !s.limit_bytes) continue;
    double y = f.y(static_cast<double>(s.limit_bytes));
    if (last_y >= 0 && y != last_y) pts += fmt::format("{:.1f},{:.1f} ", f.x(s.t_sec), last_y);
    pts += fmt::format("{:.1f},{:.1f} ", f.x(s.t_sec), y);
    last_y = y;
    last = s.limit_bytes;
  }
  return fmt::format("<polyline fill='none' stroke='#8c0000' stroke-width='2' points='{}'/>"
                     "<text x='{:.1f}' y='{:.1f}' font-size='12' fill='#8c0000'>limit now {}</text>\n",
                     pts, f.w - f.right + 6, last_y + 16, esc(format_k8s_quantity(last)));
}

// Bands for the halves of a run that are not the container's normal life:
// the dataset written with room (preload) and the rescue.
std::string phase_bands(const stress::StressResult& r, const Frame& f) {
  std::string out;
  for (const auto& p : r.phases) {
    const char* fill = p.phase == stress::RunPhase::kPreload ? "#eeeeee"
                       : p.phase == stress::RunPhase::kRescue  ? "#ddf5dd"
                                                               : nullptr;
    if (!fill || p.end_sec <= p.start_sec) continue;
    out += fmt::format("<rect x='{:.1f}' y='{}' width='{:.1f}' height='{}' fill='{}' opacity='0.8'/>"
                       "<text x='{:.1f}' y='{}' font-size='11' fill='#555'>{}</text>\n",
                       f.x(p.start_sec), f.top, std::max(1.0, f.x(p.end_sec) - f.x(p.start_sec)),
                       f.h - f.top - f.bottom, fill, f.x(p.start_sec) + 3, f.top + 12,
                       p.phase == stress::RunPhase::kRescue ? "rescue" : "dataset written with room");
  }
  return out;
}

std::string chart(const stress::StressResult& r) {
  Frame f;
  uint64_t limit_max = r.limit_bytes;
  for (const auto& s : r.samples) {
    f.t_max = std::max(f.t_max, s.t_sec);
    if (s.phase != stress::RunPhase::kPreload) limit_max = std::max(limit_max, s.limit_bytes);
  }
  double peak = static_cast<double>(std::max({r.peak_usage_bytes, limit_max, r.maxmemory_bytes,
                                              r.prediction.available ? r.prediction.peak_bytes : 0}));
  f.y_max = peak * 1.08;
  std::string svg = fmt::format("<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' "
                                "font-family='sans-serif' role='img'>\n", f.w, f.h);
  svg += fmt::format("<rect x='{}' y='{}' width='{}' height='{}' fill='#fafafa' stroke='#ccc'/>\n", f.left, f.top,
                     f.w - f.left - f.right, f.h - f.top - f.bottom);
  svg += phase_bands(r, f);
  // Fork windows (shaded) from the samples.
  double fork_start = -1;
  for (const auto& s : r.samples) {
    if (s.fork_active && fork_start < 0) fork_start = s.t_sec;
    if ((!s.fork_active || &s == &r.samples.back()) && fork_start >= 0) {
      svg += fmt::format("<rect x='{:.1f}' y='{}' width='{:.1f}' height='{}' fill='#f0d9ff' opacity='0.6'/>\n",
                         f.x(fork_start), f.top, std::max(1.0, f.x(s.t_sec) - f.x(fork_start)), f.h - f.top - f.bottom);
      fork_start = -1;
    }
  }
  for (int i = 0; i <= 5; ++i) {
    double b = f.y_max * i / 5;
    svg += fmt::format("<text x='{}' y='{:.1f}' font-size='11' text-anchor='end' fill='#555'>{}</text>\n", f.left - 4,
                       f.y(b) + 4, esc(format_bytes(static_cast<uint64_t>(b))));
  }
  for (int i = 0; i <= 6; ++i) {
    double t = f.t_max * i / 6;
    // Short runs need a decimal, or neighbouring ticks print the same second.
    int decimals = f.t_max < 12 ? 1 : 0;
    svg += fmt::format("<text x='{:.1f}' y='{}' font-size='11' text-anchor='middle' fill='#555'>{:.{}f} s</text>\n",
                       f.x(t), f.h - f.bottom + 16, t, decimals);
  }
  svg += hline(f, static_cast<double>(r.limit_bytes), "#d62728", "limit " + format_k8s_quantity(r.limit_bytes), "6,3");
  if (r.maxmemory_bytes) {
    // Keep the label readable when maxmemory sits at the limit (the seed case).
    double gap = std::abs(f.y(static_cast<double>(r.maxmemory_bytes)) - f.y(static_cast<double>(r.limit_bytes)));
    svg += hline(f, static_cast<double>(r.maxmemory_bytes), "#ff7f0e", "maxmemory " + format_bytes(r.maxmemory_bytes),
                 "2,3", gap < 14 ? 14 - gap : 0);
  }
  if (r.prediction.available) {
    svg += hline(f, static_cast<double>(r.prediction.peak_bytes), "#9467bd",
                 "predicted " + format_bytes(r.prediction.peak_bytes), "1,4");
  }
  svg += limit_steps(r, f);
  svg += polyline(r.samples, f, "#bbbbbb", &stress::Sample::usage_bytes, false);
  svg += polyline(r.samples, f, "#1f77b4", &stress::Sample::used_memory_bytes, true);
  svg += polyline(r.samples, f, "#2ca02c", &stress::Sample::fork_cow_bytes, true, "3,2");
  svg += polyline(r.samples, f, "#d62728", &stress::Sample::working_set_bytes, false);
  for (const auto& e : r.events) {
    using stress::EventKind;
    const char* color = e.kind == EventKind::kOomKill            ? "#d62728"
                        : e.kind == EventKind::kRestart          ? "#555"
                        : e.kind == EventKind::kCrashLoopBackoff ? "#000"
                                                                 : nullptr;
    if (!color) continue;
    double x = f.x(e.t_sec);
    std::string label = e.kind == EventKind::kOomKill ? "OOM kill" : e.kind == EventKind::kRestart ? "restart" : "CrashLoopBackOff";
    svg += fmt::format("<line x1='{0:.1f}' x2='{0:.1f}' y1='{1}' y2='{2}' stroke='{3}' stroke-width='1.5'/>"
                       "<text x='{4:.1f}' y='{5}' font-size='11' fill='{3}' transform='rotate(-90 {4:.1f} {5})'>{6}</text>\n",
                       x, f.top, f.h - f.bottom, color, x - 3, f.top + 90, esc(label));
  }
  svg += "</svg>\n";
  return svg;
}

std::string summary_table(const stress::StressResult& r) {
  std::string rows;
  auto row = [&](const std::string& k, const std::string& v) {
    rows += "<tr><th>" + esc(k) + "</th><td>" + esc(v) + "</td></tr>";
  };
  row("outcome", stress::run_outcome_name(r.outcome));
  row("final state", r.rescue.attempted ? r.rescue.state_before + " → rescue → " + r.final_state : r.final_state);
  row("OOM kills / restarts", fmt::format("{} / {}", r.oom_kills, r.restarts));
  row("limit / maxmemory", format_k8s_quantity(r.limit_bytes) + " / " + format_bytes(r.maxmemory_bytes) +
                               " (" + r.maxmemory_policy + ")");
  row("peak working set", format_bytes(r.peak_working_set_bytes));
  if (r.rescue.attempted) {
    const auto& x = r.rescue;
    row("rescue", fmt::format("{} from {}: temporary limit {}, maxmemory {} ({}), final limit {}",
                              x.rescued ? "Running" : x.interrupted ? "interrupted" : "failed", x.state_before,
                              format_k8s_quantity(x.temporary_limit_bytes), format_bytes(x.maxmemory_bytes), x.policy,
                              format_k8s_quantity(x.final_limit_bytes)));
    row("keys before / after / evicted", fmt::format("{} / {} / {}", x.keys_before, x.keys_after, x.evicted_keys));
    row("rescue detail", x.detail);
  }
  row("predicted peak (model)", r.prediction.available ? format_bytes(r.prediction.peak_bytes) + " in " +
                                                             phase_id_name(r.prediction.peak_id) + " (" + r.prediction.verdict + ")"
                                                       : r.prediction.note);
  if (r.prediction.available && !prints_as_same_size(r.prediction.expected_peak_bytes, r.prediction.peak_bytes)) {
    row("expected peak (median node)", format_bytes(r.prediction.expected_peak_bytes));
  }
  std::string phases;
  for (const auto& p : r.phases) {
    phases += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                          esc(stress::run_phase_name(p.phase)), esc(stress::phase_outcome_name(p.outcome)),
                          esc(format_bytes(p.peak_working_set_bytes)), p.attempts, esc(p.detail));
  }
  return "<table class='kv'>" + rows + "</table><table><tr><th>phase</th><th>outcome</th><th>peak working set</th>"
         "<th>attempts</th><th>detail</th></tr>" + phases + "</table>";
}

}  // namespace

std::string stress_to_html(const std::vector<stress::StressResult>& runs) {
  std::string body;
  for (const auto& r : runs) {
    std::string state = r.rescue.attempted ? r.rescue.state_before + " → rescue → " + r.final_state : r.final_state;
    body += fmt::format("<section><h2>{}: {} &rarr; {}</h2>\n", esc(r.label), esc(stress::run_outcome_name(r.outcome)), esc(state));
    body += chart(r);
    body += "<p class='legend'><span style='color:#d62728'>&#9644; working set (usage &minus; inactive file)</span> "
            "<span style='color:#999'>&#9644; cgroup usage (incl. page cache)</span> "
            "<span style='color:#1f77b4'>&#9644; INFO used_memory</span> "
            "<span style='color:#2ca02c'>&#9644; fork COW</span> "
            "<span style='background:#f0d9ff'>&nbsp;fork&nbsp;</span></p>\n";
    body += summary_table(r);
    body += fmt::format("<p class='host'>host: {}, cgroup {}, vm.overcommit_memory={}, THP={}, redis {}, "
                        "back-off time scale x{}</p></section>\n", esc(r.host.kernel), esc(r.host.cgroup_version),
                        esc(r.host.overcommit_memory), esc(r.host.transparent_hugepage), esc(r.host.redis_version),
                        r.time_scale);
  }
  return "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>redisfit stress report</title><style>"
         "body{font-family:sans-serif;margin:20px;color:#222}table{border-collapse:collapse;margin:8px 0}"
         "td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-size:13px}"
         ".legend span{margin-right:14px;font-size:13px}.host{font-size:12px;color:#666}"
         "</style></head><body><h1>redisfit stress</h1>\n" + body + "</body></html>\n";
}

}  // namespace redisfit::render
