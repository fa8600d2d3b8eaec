// `lint -o table`: a krr-style summary of many components, one row each —
// where it is, current -> recommended maxmemory and limit, the peak phase
// against the limit, the verdict, the highest finding level and the rules
// that fired — then lint's usual summary line. For a fleet's worth of
// manifests, where the text output's per-component blocks are too long to
// read; the fix itself stays in the text/JSON output.
//
// A plain function over the report (and, for streaming, one row per subject
// collected by table_writer(): a row is a few short strings, so a 100k-object
// input stays small). Sentinel/proxy components get no row (they are counted
// in the summary line).
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/lint.h"
#include "render/findings_stream.h"

namespace redisfit::render {

struct LintTableRow {
  std::vector<std::string> cells;      // in lint_table_header() order
  std::optional<rules::Level> severity;  // highest level in the verdict; nullopt = clean
};

const std::vector<std::string>& lint_table_header();

// The row of one judged subject; nullopt for Sentinel/proxy components.
std::optional<LintTableRow> lint_table_row(const app::SubjectReport& s);

// Header and rows, columns padded to their widest cell, the SEVERITY cell
// coloured when `color`.
std::string lint_table(const std::vector<LintTableRow>& rows, bool color);

// The whole report (its kept subjects): the table, then the summary line.
std::string lint_table(const app::LintReport& report, bool color);

// Streaming: rows are collected as subjects come, printed by finish().
// `quiet_at` (--quiet): only rows whose severity is at or above it.
std::unique_ptr<FindingsWriter> table_writer(FILE* out, bool color, std::optional<rules::Level> quiet_at = std::nullopt);

}  // namespace redisfit::render
