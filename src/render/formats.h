// Every command's `-o` formats, in one place: the names a user can give and
// the renderer behind each (render/output_format.h says the contract). The
// CLI offers these tables and nothing else (cli/output_option.h), so a format
// exists for a command exactly when it is listed here.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/probe_sample.h"
#include "app/rdb_analysis.h"
#include "app/recommend.h"
#include "app/rescue.h"
#include "model/budget.h"
#include "model/solver.h"
#include "render/findings_stream.h"
#include "render/output_format.h"
#include "render/probe_render.h"
#include "rules/rule.h"
#include "stress/run.h"
#include "stress/search.h"

namespace redisfit::render {

// Reports that need a companion value to be rendered.
struct ProbeView {
  const std::vector<ProbeOutcome>& outcomes;
  rules::Level fail_on;  // the verdict line and "fails" agree with the exit code
};
struct RdbView {
  const RdbReport& report;
  const RdbFit& fit;
};
struct RescueView {
  const app::RescueReport& report;
  std::string form;  // "all", or the one form of each step to show (text only)
};
using RuleTable = std::vector<const rules::RuleSpec*>;
using StressRuns = std::vector<stress::StressResult>;

ReportFormats<Recommendation> plan_formats();          // text, json
ReportFormats<MemoryBudget> explain_formats();         // text, json
ReportFormats<ProbeView> probe_formats();              // text, json, sarif
ReportFormats<app::ProbeSampleReport> probe_sample_formats();  // text, json
ReportFormats<RdbView> rdb_formats();                  // text, json
ReportFormats<RescueView> rescue_formats();            // text, json
ReportFormats<app::FleetReport> recommend_formats();   // text, json, csv
ReportFormats<StressRuns> stress_formats();            // text, json (one run: its object; more: by label)
ReportFormats<stress::SearchResult> stress_search_formats();  // text, json
ReportFormats<RuleTable> rule_list_formats();          // text, json, markdown (--list-rules)

// lint streams its report: each format makes the writer that receives the
// judged components one by one (render/findings_stream.h). `quiet_at`
// (--quiet): text and table show only what is at or above it.
using LintWriterFn = std::unique_ptr<FindingsWriter>(FILE* out, const Presentation& how,
                                                     std::optional<rules::Level> quiet_at);
FormatTable<LintWriterFn> lint_formats();  // text, json, sarif, table

}  // namespace redisfit::render
