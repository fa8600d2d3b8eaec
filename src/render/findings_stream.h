// Streaming writers for lint's report: each judged subject is written (or
// spooled to a temporary file) as soon as the use case hands it over, and
// dropped; memory stays bounded by one subject, not by the input.
//
// Text goes straight to the stream, byte for byte what findings_to_text()
// gives for the whole report. JSON and SARIF are one document each whose
// envelope (counts, input errors, notes) is known only at the end, so their
// per-subject items go to an unnamed temporary file and are spliced into the
// envelope by finish(); the result parses to the same JSON as
// findings_to_json() / findings_to_sarif() of the whole report.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>

#include "app/lint.h"

namespace redisfit::render {

class FindingsWriter {
 public:
  virtual ~FindingsWriter() = default;
  virtual void subject(const app::SubjectReport& s) = 0;
  // `report` holds the totals, notes and input errors (its subjects are not used).
  virtual void finish(const app::LintReport& report) = 0;
};

// `quiet_at`: --quiet (findings_render.h text_subject).
std::unique_ptr<FindingsWriter> text_writer(FILE* out, bool color, bool verbose,
                                            std::optional<rules::Level> quiet_at = std::nullopt);
std::unique_ptr<FindingsWriter> json_writer(FILE* out);
std::unique_ptr<FindingsWriter> sarif_writer(FILE* out);

}  // namespace redisfit::render
