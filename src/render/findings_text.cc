#include <fmt/format.h>

#include "core/quantity.h"
#include "core/utf8.h"
#include "render/budget_render.h"
#include "render/findings_render.h"
#include "render/indent.h"

namespace redisfit::render {
namespace {

struct Style {
  bool color;
  std::string on(const char* code) const { return color ? fmt::format("\033[{}m", code) : ""; }
  std::string off() const { return color ? "\033[0m" : ""; }
};

const char* level_color(rules::Level level) {
  switch (level) {
    case rules::Level::kError: return "1;31";
    case rules::Level::kWarning: return "1;33";
    case rules::Level::kNote: return "1;36";
  }
  return "0";
}

// What a manifest or its file name holds reaches a terminal: names, values
// and the messages quoting them are escaped (a NUL in `name:` was printed
// raw, an ESC could recolour the terminal); our own colour codes are added
// around them afterwards.
std::string T(std::string_view text) { return escaped_for_text(text); }
std::string M(std::string_view text) { return escaped_for_message(text); }

std::string location(const rules::Location& loc) {
  if (loc.line <= 0) return T(loc.file);
  return fmt::format("{}:{}:{}", T(loc.file), loc.line, loc.column > 0 ? loc.column : 1);
}

// "steady 35.3 GiB, fork 70.6 GiB (over), ..." against the limit.
std::string phase_line(const MemoryBudget& b) {
  std::string out;
  for (const auto& p : b.phases) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", p.name, format_bytes(p.total_bytes));
    if (b.limit_bytes && p.total_bytes > b.limit_bytes) out += " (over)";
  }
  return out;
}

void render_subject(const app::SubjectReport& s, const Style& st, bool verbose, std::string& out,
                    std::optional<rules::Level> quiet_at) {
  for (const auto& f : s.findings) {
    if (quiet_at && static_cast<int>(f.level) < static_cast<int>(*quiet_at)) continue;
    out += fmt::format("{} {}{}{} [{} {}] {}\n", location(f.location), st.on(level_color(f.level)),
                       rules::level_name(f.level), st.off(), f.rule_id, f.rule_name, M(f.message));
  }
  if (quiet_at) return;
  if (verbose) {
    for (const auto& sf : s.suppressed) {
      const rules::Finding& f = sf.finding;
      const app::Suppression& how = sf.suppression;
      out += fmt::format("{} suppressed {} [{} {}] {} (by {}{}{})\n", location(f.location), rules::level_name(f.level),
                         f.rule_id, f.rule_name, M(f.message), how.by,
                         how.where.known() ? " at " + T(how.where.describe()) : std::string(),
                         how.justification.empty() ? std::string() : ": " + M(how.justification));
    }
  }
  if (s.findings.empty() && !verbose) return;
  if (s.unreadable()) {
    out += fmt::format("  {}{}{} ({}): not fully read, not judged\n", st.on("1"), T(s.instance.display_name), st.off(),
                       T(s.object));
    for (const auto& n : s.notes) out += fmt::format("    note: {}\n", M(n));
    return;
  }
  const MemoryBudget& b = s.budget;
  out += fmt::format("  {}{}{} ({}): {}\n", st.on("1"), T(s.instance.display_name), st.off(), T(s.object),
                     verdict_sentence(b));
  out += fmt::format("    maxmemory {} [{}]\n", b.maxmemory_unlimited ? std::string("0 (unlimited)")
                                                                      : rules::bytes_and_human(b.maxmemory_bytes),
                     T(s.instance.maxmemory.source.describe()));
  out += fmt::format("    phases: {}\n", phase_line(b));
  for (const auto& n : s.notes) out += fmt::format("    note: {}\n", M(n));
  // The copy-on-write share is the assumption that moves fork phases most;
  // say it whenever a fork is in the budget, so a user knows what to refine.
  if (!verbose && (b.find_phase(PhaseId::kFork) || b.find_phase(PhaseId::kFullSync))) {
    for (const auto& a : b.assumptions) {
      if (a.name == "cow_fraction") out += fmt::format("    assumed: copy-on-write {} of the dataset: {}\n", a.value, M(a.source));
    }
  }
  if (verbose) {
    for (const auto& a : b.assumptions) out += fmt::format("    assumed: {} = {} ({})\n", a.name, M(a.value), M(a.source));
  }
  if (!s.fix) return;
  out += fmt::format("  {}fix{}: {}\n", st.on("1;32"), st.off(), M(s.fix->summary));
  for (const auto& form : s.fix->forms) {
    out += fmt::format("    # {}\n", M(form.label));
    out += indent(M(form.text), "    ");
  }
  for (const auto& n : s.fix->notes) out += fmt::format("    note: {}\n", M(n));
}

}  // namespace

void text_subject(const app::SubjectReport& s, bool color, bool verbose, TextTotals& totals, std::string& out,
                  std::optional<rules::Level> quiet_at) {
  if (!s.checked) {
    ++totals.skipped;
    return;
  }
  if (s.unreadable()) ++totals.unread;
  else ++totals.checked;
  render_subject(s, Style{color}, verbose, out, quiet_at);
  totals.counts.add(s);
}

std::string text_summary(const app::LintReport& report, const TextTotals& t, bool verbose) {
  std::string out;
  // With nothing checked the notes are why (an OpsRequest without its
  // Cluster), so they print without -v: a run that checked nothing must not
  // read as a clean pass.
  if (verbose || t.checked == 0) {
    for (const auto& n : report.notes) out += "note: " + M(n) + "\n";
  }
  out += fmt::format("{} Redis component(s) checked", t.checked);
  if (t.unread) out += fmt::format(", {} not fully read (RF000)", t.unread);
  if (t.skipped) out += fmt::format(" ({} Sentinel/proxy component(s) recognised, not data nodes)", t.skipped);
  out += fmt::format(" in {} file(s), {} object(s): {} error(s), {} warning(s)", report.files, report.objects,
                     t.counts.errors, t.counts.warnings);
  // Only when something was suppressed, so other runs read as before.
  if (t.counts.suppressed) {
    out += fmt::format(", {} suppressed{}", t.counts.suppressed, verbose ? "" : " (-v lists them)");
  }
  if (!report.input_errors.empty()) out += fmt::format(", {} input error(s)", report.input_errors.size());
  out += "\n";
  return out;
}

std::string findings_to_text(const app::LintReport& report, bool color, bool verbose) {
  std::string out;
  TextTotals totals;
  for (const auto& s : report.subjects) text_subject(s, color, verbose, totals, out);
  return out + text_summary(report, totals, verbose);
}

}  // namespace redisfit::render
