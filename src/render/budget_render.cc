#include "render/budget_render.h"

#include <cmath>

#include <fmt/format.h>

#include "core/quantity.h"
#include "core/saturate.h"
#include "render/json_out.h"

namespace redisfit::render {
namespace {

std::string paint(bool color, const char* code, const std::string& text) {
  return color ? fmt::format("\033[{}m{}\033[0m", code, text) : text;
}

const char* verdict_color(Verdict v) {
  switch (v) {
    case Verdict::kSafe: return "32";
    case Verdict::kThin: return "33";
    case Verdict::kUnsafe: return "31;1";
    case Verdict::kUnbounded: return "33";
  }
  return "0";
}

std::string percent_of(uint64_t part, uint64_t whole) {
  if (whole == 0) return "";
  return fmt::format("{:.0f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

}  // namespace

// Keys in byte order (json_out.h).
void write_budget_json(JsonOut& o, const MemoryBudget& b) {
  o.begin_object();
  o.key("assumptions").begin_array();
  for (const auto& a : b.assumptions) {
    o.begin_object();
    o.field("name", a.name);
    o.field("source", a.source);
    o.field("value", a.value);
    o.end_object();
  }
  o.end_array();
  o.field("cow_fraction", b.cow_fraction);
  // The peak on a median node (MemoryBudget::expected_peak_bytes); the peak
  // itself where the budget rests on no estimate with a median apart.
  o.field("expected_peak_bytes", b.expected_or_peak_bytes());
  o.field("expected_peak_phase", phase_id_name(b.expected_or_peak_id()));
  o.field("headroom_bytes", b.headroom_bytes());
  o.field("limit_bytes", b.limit_bytes);
  o.field("loaded_above_maxmemory", b.loaded_above_maxmemory);
  o.field("loaded_bytes", b.loaded_bytes);
  o.field("maxmemory_bytes", b.maxmemory_bytes);
  o.field("maxmemory_unlimited", b.maxmemory_unlimited);
  o.field("peak_bytes", b.peak_bytes);
  o.field("peak_phase", b.peak_phase);
  o.key("phases").begin_array();
  for (const auto& p : b.phases) {
    o.begin_object();
    o.field("description", p.description);
    o.field("expected_total_bytes", p.expected_or_total_bytes());
    o.field("name", p.name);
    o.field("over_limit", b.limit_bytes > 0 && p.total_bytes > b.limit_bytes);
    o.key("terms").begin_array();
    for (const auto& t : p.terms) {
      o.begin_object();
      o.field("bytes", t.bytes);
      o.field("name", t.name);
      o.field("source", t.source);
      o.end_object();
    }
    o.end_array();
    o.field("total_bytes", p.total_bytes);
    o.end_object();
  }
  o.end_array();
  o.field("request_bytes", b.request_bytes);
  o.field("safety_factor", b.safety_factor);
  o.key("unsafe_phases").begin_array();
  for (const auto* p : b.phases_over_limit()) o.value(p->name);
  o.end_array();
  o.field("verdict", verdict_name(b.verdict));
  if (b.when_full) {
    o.key("when_full").begin_object();
    o.field("peak_bytes", b.when_full->peak_bytes);
    o.field("peak_phase", b.when_full->peak_phase);
    o.field("verdict", verdict_name(b.when_full->verdict));
    o.end_object();
  }
  o.end_object();
}

nlohmann::json budget_to_json(const MemoryBudget& b) {
  JsonOut o;
  write_budget_json(o, b);
  return nlohmann::json::parse(o.text());
}

std::string data_above_maxmemory_sentence(const MemoryBudget& b) {
  const BudgetPhase* reload = b.find_phase(PhaseId::kReload);
  std::string need = reload ? fmt::format(", {} with the allocator and base", format_bytes(reload->total_bytes)) : "";
  return fmt::format("data above maxmemory: the next restart reloads {}{} ({}); loading ignores maxmemory {}, "
                     "so only the limit decides whether it fits",
                     format_bytes(b.loaded_bytes), need, b.loaded_source, format_bytes(b.maxmemory_bytes));
}

std::string verdict_sentence(const MemoryBudget& b) {
  std::string peak = fmt::format("peak {} in phase {}", format_bytes(b.peak_bytes), b.peak_phase);
  if (b.expected_peak_apart()) {
    peak += b.expected_peak_id == b.peak_id
                ? fmt::format(" (expected {})", format_bytes(b.expected_peak_bytes))
                : fmt::format(" (expected {} in phase {})", format_bytes(b.expected_peak_bytes),
                              phase_id_name(b.expected_peak_id));
  }
  switch (b.verdict) {
    case Verdict::kUnbounded:
      // With maxmemory 0 too, nothing bounds the data: a peak of the empty
      // server would read as a size.
      if (b.dataset_unknown) {
        return "unbounded: no memory limit and maxmemory 0: nothing bounds the data, so no peak can be computed "
               "(give --dataset for one)";
      }
      return fmt::format("unbounded: no memory limit; {}", peak);
    case Verdict::kUnsafe: {
      std::string names;
      for (const auto* p : b.phases_over_limit()) names += (names.empty() ? "" : ", ") + p->name;
      return fmt::format("unsafe in phase {}: {} exceeds the {} limit by {}", names, peak,
                         format_k8s_quantity(b.limit_bytes), format_bytes(b.peak_bytes - b.limit_bytes));
    }
    case Verdict::kThin:
      // The margin is the peak's (limit >= peak x safety factor), so the
      // headroom it needs, as a share of the limit, is 9 % for 10 %: said as
      // the limit it asks for, a "keep 10%" beside a safe "9%" read as a
      // contradiction.
      return fmt::format("thin: {} leaves only {} ({}) below the {} limit; the {:.0f}% margin over the peak "
                         "needs a limit of {} or more",
                         peak, format_bytes(b.limit_bytes - b.peak_bytes),
                         percent_of(b.limit_bytes - b.peak_bytes, b.limit_bytes), format_k8s_quantity(b.limit_bytes),
                         b.margin_percent(),
                         format_k8s_quantity(saturating_round_up(
                             static_cast<uint64_t>(std::ceil(static_cast<double>(b.peak_bytes) * b.safety_factor)),
                             kMiB)));
    case Verdict::kSafe:
      return fmt::format("safe: {}, {} ({}) below the {} limit", peak,
                         format_bytes(b.limit_bytes - b.peak_bytes),
                         percent_of(b.limit_bytes - b.peak_bytes, b.limit_bytes),
                         format_k8s_quantity(b.limit_bytes));
  }
  return peak;
}

std::string budget_to_text(const MemoryBudget& b, bool color) {
  std::string out;
  out += fmt::format("maxmemory {}   request {}   limit {}\n",
                     b.maxmemory_unlimited ? "0 (unlimited)" : fmt::format("{} ({})", b.maxmemory_bytes, format_bytes(b.maxmemory_bytes)),
                     b.request_bytes ? format_k8s_quantity(b.request_bytes) : "-",
                     b.limit_bytes ? format_k8s_quantity(b.limit_bytes) : "none");
  for (const auto& p : b.phases) {
    bool over = b.limit_bytes > 0 && p.total_bytes > b.limit_bytes;
    std::string total = fmt::format("{:>10}", format_bytes(p.total_bytes));
    std::string share = b.limit_bytes ? fmt::format(" {:>5} of limit", percent_of(p.total_bytes, b.limit_bytes)) : "";
    out += fmt::format("\n{}  {}{}{}\n", paint(color, "1", fmt::format("{:<12}", p.name)),
                       over ? paint(color, "31;1", total) : total, share, over ? paint(color, "31;1", "  OVER LIMIT") : "");
    out += fmt::format("  {}\n", p.description);
    for (const auto& t : p.terms) {
      if (t.bytes == 0 && t.name != "dataset") continue;
      out += fmt::format("    {:<18} {:>10}  {}\n", t.name, format_bytes(t.bytes), t.source);
    }
  }
  out += "\nassumptions:\n";
  for (const auto& a : b.assumptions) out += fmt::format("  {:<14} {:<10} {}\n", a.name, a.value, a.source);
  if (b.loaded_above_maxmemory) out += "\n" + paint(color, "33", data_above_maxmemory_sentence(b)) + "\n";
  out += "\n" + paint(color, verdict_color(b.verdict), verdict_sentence(b)) + "\n";
  // The verdict of today's data, and beside it the finding the exit code
  // answers to when the same configuration, full, is not safe.
  if (b.when_full && b.when_full->verdict == Verdict::kUnsafe) {
    out += paint(color, verdict_color(Verdict::kUnsafe),
                 fmt::format("but unsafe once full: the data may grow to maxmemory {}, where the peak is {} in phase "
                             "{}, over the {} limit",
                             format_bytes(b.maxmemory_bytes), format_bytes(b.when_full->peak_bytes),
                             b.when_full->peak_phase, format_k8s_quantity(b.limit_bytes))) +
           "\n";
  }
  return out;
}

nlohmann::json recommendation_to_json(const Recommendation& rec) {
  nlohmann::json j = budget_to_json(rec.budget);
  j["strategy"] = rec.strategy;
  j["maxmemory_bytes"] = rec.maxmemory_bytes;
  j["request_bytes"] = rec.request_bytes;
  j["limit_bytes"] = rec.limit_bytes;
  j["request"] = format_k8s_quantity(rec.request_bytes);
  j["limit"] = format_k8s_quantity(rec.limit_bytes);
  j["notes"] = rec.notes;
  // The configuration planned from (a note in text), so a pipeline can gate
  // on it without parsing the note.
  if (rec.current)
    j["current"] = {{"maxmemory_bytes", rec.current->maxmemory_bytes},
                    {"verdict", verdict_name(rec.current->verdict)},
                    {"peak_bytes", rec.current->peak_bytes},
                    {"peak_phase", rec.current->peak_phase}};
  // The top-level figures are of the data settled at maxmemory; the road
  // there is this object (a note in text), so a gate does not read "safe".
  if (rec.until_settled)
    j["until_settled"] = {{"verdict", verdict_name(rec.until_settled->verdict)},
                          {"peak_bytes", rec.until_settled->peak_bytes},
                          {"peak_phase", rec.until_settled->peak_phase},
                          {"loaded_bytes", rec.until_settled->loaded_bytes},
                          {"loaded_above_maxmemory", true},
                          {"reload_bytes", rec.until_settled->reload_bytes}};
  return j;
}

std::string recommendation_to_text(const Recommendation& rec, bool color) {
  std::string out = paint(color, "1", fmt::format("recommended ({}):", rec.strategy)) + "\n";
  out += fmt::format("  maxmemory {}   ({})\n", rec.maxmemory_bytes, format_bytes(rec.maxmemory_bytes));
  out += fmt::format("  request   {}\n  limit     {}\n", format_k8s_quantity(rec.request_bytes),
                     format_k8s_quantity(rec.limit_bytes));
  for (const auto& n : rec.notes) out += "  - " + n + "\n";
  out += "\n" + budget_to_text(rec.budget, color);
  return out;
}

}  // namespace redisfit::render
