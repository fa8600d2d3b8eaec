#include "render/formats.h"

#include <nlohmann/json.hpp>

#include "core/json_text.h"
#include "render/budget_render.h"
#include "render/fleet_render.h"
#include "render/lint_table.h"
#include "render/probe_sample_render.h"
#include "render/rdb_render.h"
#include "render/rescue_render.h"
#include "render/rules_render.h"
#include "render/stress_render.h"

namespace redisfit::render {
namespace {

// Every JSON output: two-space indent, one trailing newline.
std::string json_text(const nlohmann::json& j) { return dump_json(j, 2) + "\n"; }

std::string plan_text(const Recommendation& r, const Presentation& how) { return recommendation_to_text(r, how.color); }
std::string plan_json(const Recommendation& r, const Presentation&) { return json_text(recommendation_to_json(r)); }
constexpr ReportFormat<Recommendation> kPlan[] = {{"text", plan_text}, {"json", plan_json}};

std::string explain_text(const MemoryBudget& b, const Presentation& how) { return budget_to_text(b, how.color); }
std::string explain_json(const MemoryBudget& b, const Presentation&) { return json_text(budget_to_json(b)); }
constexpr ReportFormat<MemoryBudget> kExplain[] = {{"text", explain_text}, {"json", explain_json}};

std::string probe_text_of(const ProbeView& v, const Presentation& how) {
  return probe_text(v.outcomes, v.fail_on, how.color);
}
std::string probe_json_of(const ProbeView& v, const Presentation&) { return probe_json(v.outcomes, v.fail_on); }
std::string probe_sarif_of(const ProbeView& v, const Presentation&) { return probe_sarif(v.outcomes); }
constexpr ReportFormat<ProbeView> kProbe[] = {
    {"text", probe_text_of}, {"json", probe_json_of}, {"sarif", probe_sarif_of}};

std::string sample_text(const app::ProbeSampleReport& r, const Presentation& how) {
  return probe_sample_text(r, how.color);
}
std::string sample_json(const app::ProbeSampleReport& r, const Presentation&) {
  return json_text(probe_sample_json(r));
}
constexpr ReportFormat<app::ProbeSampleReport> kProbeSample[] = {{"text", sample_text}, {"json", sample_json}};

std::string rdb_text(const RdbView& v, const Presentation& how) { return rdb_report_to_text(v.report, v.fit, how.color); }
std::string rdb_json(const RdbView& v, const Presentation&) { return json_text(rdb_report_to_json(v.report, v.fit)); }
constexpr ReportFormat<RdbView> kRdb[] = {{"text", rdb_text}, {"json", rdb_json}};

std::string rescue_text(const RescueView& v, const Presentation& how) {
  return rescue_to_text(v.report, v.form, how.color);
}
std::string rescue_json(const RescueView& v, const Presentation&) { return json_text(rescue_to_json(v.report)); }
constexpr ReportFormat<RescueView> kRescue[] = {{"text", rescue_text}, {"json", rescue_json}};

std::string fleet_text_of(const app::FleetReport& r, const Presentation& how) { return fleet_text(r, how.color); }
std::string fleet_json_of(const app::FleetReport& r, const Presentation&) { return json_text(fleet_json(r)); }
std::string fleet_csv_of(const app::FleetReport& r, const Presentation&) { return fleet_csv(r); }
constexpr ReportFormat<app::FleetReport> kRecommend[] = {
    {"text", fleet_text_of}, {"json", fleet_json_of}, {"csv", fleet_csv_of}};

std::string stress_text_of(const StressRuns& runs, const Presentation& how) { return stress_to_text(runs, how.color); }
// One run is its own object; --compare's are keyed by their labels, also
// when an interrupt left only the first ("recommended" is then absent).
std::string stress_json_of(const StressRuns& runs, const Presentation&) {
  if (runs.size() == 1 && !runs[0].in_comparison) return json_text(stress_to_json(runs[0]));
  nlohmann::json out = nlohmann::json::object();
  for (const auto& r : runs) out[r.label] = stress_to_json(r);
  return json_text(out);
}
constexpr ReportFormat<StressRuns> kStress[] = {{"text", stress_text_of}, {"json", stress_json_of}};

std::string search_text(const stress::SearchResult& r, const Presentation& how) { return search_to_text(r, how.color); }
std::string search_json(const stress::SearchResult& r, const Presentation&) { return json_text(search_to_json(r)); }
constexpr ReportFormat<stress::SearchResult> kSearch[] = {{"text", search_text}, {"json", search_json}};

std::string rules_text(const RuleTable& t, const Presentation&) { return rules_to_text(t); }
std::string rules_json(const RuleTable& t, const Presentation&) { return json_text(rules_to_json(t)); }
std::string rules_markdown(const RuleTable& t, const Presentation&) { return rules_to_markdown(t); }
constexpr ReportFormat<RuleTable> kRules[] = {
    {"text", rules_text}, {"json", rules_json}, {"markdown", rules_markdown}};

using QuietAt = std::optional<rules::Level>;
std::unique_ptr<FindingsWriter> lint_text(FILE* out, const Presentation& how, QuietAt quiet_at) {
  return text_writer(out, how.color, how.verbose, quiet_at);
}
std::unique_ptr<FindingsWriter> lint_json(FILE* out, const Presentation&, QuietAt) { return json_writer(out); }
std::unique_ptr<FindingsWriter> lint_sarif(FILE* out, const Presentation&, QuietAt) { return sarif_writer(out); }
std::unique_ptr<FindingsWriter> lint_table_of(FILE* out, const Presentation& how, QuietAt quiet_at) {
  return table_writer(out, how.color, quiet_at);
}
constexpr NamedFormat<LintWriterFn> kLint[] = {
    {"text", lint_text}, {"json", lint_json}, {"sarif", lint_sarif}, {"table", lint_table_of}};

}  // namespace

ReportFormats<Recommendation> plan_formats() { return kPlan; }
ReportFormats<MemoryBudget> explain_formats() { return kExplain; }
ReportFormats<ProbeView> probe_formats() { return kProbe; }
ReportFormats<app::ProbeSampleReport> probe_sample_formats() { return kProbeSample; }
ReportFormats<RdbView> rdb_formats() { return kRdb; }
ReportFormats<RescueView> rescue_formats() { return kRescue; }
ReportFormats<app::FleetReport> recommend_formats() { return kRecommend; }
ReportFormats<StressRuns> stress_formats() { return kStress; }
ReportFormats<stress::SearchResult> stress_search_formats() { return kSearch; }
ReportFormats<RuleTable> rule_list_formats() { return kRules; }
FormatTable<LintWriterFn> lint_formats() { return kLint; }

}  // namespace redisfit::render
