#include <fmt/format.h>

#include "core/quantity.h"
#include "render/probe_render.h"
#include "render/style.h"

namespace redisfit::render {
namespace {

void report_text(std::string& out, const live::ProbeReport& r, rules::Level fail_on, bool color) {
  out += fmt::format("{}  redis {} ({}){}\n", r.target, r.redis_version, r.role, r.loading ? "  LOADING" : "");
  out += fmt::format("  limit        {}\n", r.limit_bytes ? fmt::format("{} ({})", format_bytes(*r.limit_bytes), r.limit_source)
                                                          : std::string("unknown"));
  out += fmt::format("  now          {} ({})\n", format_bytes(r.now_bytes), r.now_source);
  out += fmt::format("  used_memory  {}  rss {}  peak {}  fragmentation {:.2f}\n", format_bytes(r.used_memory_bytes),
                     format_bytes(r.used_memory_rss_bytes), format_bytes(r.used_memory_peak_bytes), r.fragmentation_ratio);
  out += fmt::format("  maxmemory    {}  policy {}\n", r.maxmemory_bytes ? format_bytes(r.maxmemory_bytes) : "0 (unlimited)",
                     r.maxmemory_policy);
  out += fmt::format("  clients      {} of {}  ({} buffers)  replicas {}\n", r.connected_clients, r.maxclients,
                     format_bytes(r.clients_normal_bytes), r.connected_replicas);
  out += fmt::format("  projected    steady {}{}  {} {}{}  reload {}{}\n", format_bytes(r.steady_bytes),
                     r.steady_measured ? " (now)" : "", r.fork_peak_phase == "full_sync" ? "full sync" : "fork",
                     format_bytes(r.fork_peak_bytes),
                     r.fork_peak_phase == "now" ? " (now)" : r.fork_configured ? "" : " (what-if)",
                     format_bytes(r.reload_peak_bytes),
                     r.loading ? " (loading now)" : r.reload_configured ? "" : " (what-if)");
  if (r.full_peak_bytes > 0)
    out += fmt::format("  {} peak {} ({})\n", r.maxmemory_bytes ? "at maxmemory" : "at the limit (maxmemory 0)",
                       format_bytes(r.full_peak_bytes), r.full_peak_phase);
  out += fmt::format("  copy-on-write {:.0f}%: {}\n", r.cow_fraction * 100, r.cow_source);
  if (live::action_needed(r, fail_on)) {
    size_t failing = 0;
    for (const auto& f : r.findings) failing += f.level >= fail_on ? 1 : 0;
    out += fmt::format("  verdict      {}: {} finding(s) at or above --fail-on {} (memory alone: {})\n",
                       paint(color, level_sgr(r.worst_level()), "action needed"), failing, rules::level_name(fail_on),
                       verdict_name(r.verdict));
  } else {
    out += fmt::format("  verdict      {}\n", paint(color, verdict_sgr(r.verdict), verdict_name(r.verdict)));
  }
  for (const auto& f : r.findings) {
    out += fmt::format("  {} [{}] {}\n", paint_padded(color, level_sgr(f.level), rules::level_name(f.level), 7),
                       f.rule_name, f.message);
    if (!f.advice.empty()) out += fmt::format("          fix: {}\n", f.advice);
  }
  for (const auto& n : r.notes) out += fmt::format("  note: {}\n", n);
  // The same assumptions lint -v and explain print, so a flag can replace one.
  for (const auto& a : r.budget.assumptions) out += fmt::format("  assumed: {} = {} ({})\n", a.name, a.value, a.source);
  // What the at-maxmemory peak assumed beyond today's: its own dataset,
  // fork child and tightening hint, as explain prints them for that dataset.
  const char* at = r.maxmemory_bytes ? "at maxmemory" : "at the limit";
  for (const auto& a : r.assumptions_at_full())
    out += fmt::format("  assumed {}: {} = {} ({})\n", at, a.name, a.value, a.source);
}

}  // namespace

std::string probe_text(const std::vector<ProbeOutcome>& outcomes, rules::Level fail_on, bool color) {
  std::string out;
  for (const auto& o : outcomes) {
    if (!o.report) continue;
    if (!out.empty()) out += "\n";
    report_text(out, *o.report, fail_on, color);
  }
  return out;
}

}  // namespace redisfit::render
