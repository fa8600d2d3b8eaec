#include "render/rescue_render.h"

#include <fmt/format.h>

#include "core/quantity.h"
#include "render/indent.h"

namespace redisfit::render {
using render::indent;
namespace {

std::string paint(bool color, const char* code, const std::string& text) {
  return color ? fmt::format("\033[{}m{}\033[0m", code, text) : text;
}

}  // namespace

nlohmann::json rescue_to_json(const app::RescueReport& r) {
  const RescuePlan& p = r.plan;
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : r.fix.steps) {
    nlohmann::json forms = nlohmann::json::array();
    for (const auto& f : s.forms) forms.push_back({{"label", f.label}, {"text", f.text}});
    steps.push_back({{"title", s.title}, {"why", s.why}, {"forms", forms}, {"wait_for", s.wait_for}});
  }
  nlohmann::json j = {{"object", r.object},
                      {"diagnosis", r.diagnosis},
                      {"summary", r.fix.summary},
                      {"loaded_bytes", p.loaded_bytes},
                      {"loaded_source", p.loaded_source},
                      // null unless the load peaks above what it ends with (an AOF that drops data)
                      {"load_peak_bytes", p.load_peak_bytes ? nlohmann::json(p.load_peak_bytes) : nlohmann::json()},
                      {"current_limit_bytes", p.current_limit_bytes},
                      {"reload_peak_bytes", p.reload_peak_bytes},
                      {"limit_must_rise", p.limit_must_rise},
                      {"temporary_limit_bytes", p.temporary_limit_bytes},
                      {"maxmemory_bytes", p.maxmemory_bytes},
                      {"excess_bytes", p.excess_bytes},
                      {"evicts", p.evicts},
                      // null without --cleanup-rate: 0.0 would read as "instant"
                      {"cleanup_seconds", p.cleanup_seconds > 0 ? nlohmann::json(p.cleanup_seconds) : nlohmann::json()},
                      {"keep_data_limit_bytes", p.keep_data_limit_bytes},
                      {"fork_peak_at_loaded_bytes", p.fork_peak_at_loaded_bytes},
                      {"suspend_forks", p.suspend_forks()},
                      {"fork_holding_limit_bytes", p.fork_holding_limit_bytes},
                      {"final_limit_bytes", p.final_limit_bytes},
                      {"final_request_bytes", p.final_request_bytes},
                      {"steps", steps},
                      {"warnings", r.fix.warnings},
                      {"notes", r.notes}};
  if (r.pod) {
    j["pod"] = {{"name", r.pod->name},
                {"restart_count", r.pod->restart_count},
                {"last_reason", r.pod->last_reason},
                {"last_exit_code", r.pod->last_exit_code},
                {"waiting_reason", r.pod->waiting_reason}};
  }
  return j;
}

std::string rescue_to_text(const app::RescueReport& r, const std::string& form, bool color) {
  std::string out = paint(color, "1", "rescue " + r.object) + "\n";
  out += "  " + r.diagnosis + "\n";
  for (const auto& w : r.fix.warnings) out += paint(color, "33", "  warning: ") + w + "\n";
  for (const auto& n : r.notes) out += "  note: " + n + "\n";
  for (size_t i = 0; i < r.fix.steps.size(); ++i) {
    const auto& s = r.fix.steps[i];
    out += "\n" + paint(color, "1", fmt::format("step {}: {}", i + 1, s.title)) + "\n";
    out += "  " + s.why + "\n";
    // A step with no form of the one asked for is done only in the forms it
    // has (a live CONFIG SET has no kbcli or OpsRequest twin): shown whole,
    // never dropped.
    bool has_form = form == "all";
    for (const auto& f : s.forms) has_form = has_form || f.label == form;
    for (const auto& f : s.forms) {
      if (has_form && form != "all" && f.label != form) continue;
      out += fmt::format("  {}:{}\n", f.label, has_form ? "" : fmt::format(" (this step has no {} form)", form)) +
             indent(f.text, "    ");
    }
    if (!s.wait_for.empty()) out += "  then wait for:\n" + indent(s.wait_for, "    ");
  }
  return out;
}

}  // namespace redisfit::render
