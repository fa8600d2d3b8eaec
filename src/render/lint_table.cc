#include "render/lint_table.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/quantity.h"
#include "render/findings_render.h"
#include "render/style.h"

namespace redisfit::render {
namespace {

// "current -> recommended" when a fix changes it, else the current value.
std::string change(const std::string& current, const std::optional<std::string>& recommended) {
  if (!recommended || *recommended == current) return current;
  return current + " -> " + *recommended;
}

std::string maxmemory_now(const app::SubjectReport& s) {
  const MaxmemorySetting& m = s.instance.maxmemory;
  if (m.origin == MaxmemoryOrigin::kUnset) return "unset";
  if (m.bytes == 0) return "0 (none)";
  return format_bytes(m.bytes);
}

std::string peak(const MemoryBudget& b) {
  std::string out = fmt::format("{} {}", b.peak_phase, format_bytes(b.peak_bytes));
  if (b.limit_bytes) out += fmt::format(" ({:.0f}%)", 100.0 * static_cast<double>(b.peak_bytes) / b.limit_bytes);
  return out;
}

// The words lint's summary line is built from, counted as findings_text counts them.
void count(const app::SubjectReport& s, TextTotals& t) {
  if (!s.checked) {
    ++t.skipped;
    return;
  }
  if (s.unreadable()) ++t.unread;
  else ++t.checked;
  t.counts.add(s);
}

bool shown(const LintTableRow& row, std::optional<rules::Level> quiet_at) {
  return !quiet_at || (row.severity && static_cast<int>(*row.severity) >= static_cast<int>(*quiet_at));
}

class TableWriter : public FindingsWriter {
 public:
  TableWriter(FILE* out, bool color, std::optional<rules::Level> quiet_at)
      : out_(out), color_(color), quiet_at_(quiet_at) {}
  void subject(const app::SubjectReport& s) override {
    count(s, totals_);
    if (auto row = lint_table_row(s); row && shown(*row, quiet_at_)) rows_.push_back(std::move(*row));
  }
  void finish(const app::LintReport& report) override {
    const std::string text = lint_table(rows_, color_) + text_summary(report, totals_, false);
    std::fwrite(text.data(), 1, text.size(), out_);
    std::fflush(out_);
  }

 private:
  FILE* out_;
  bool color_;
  std::optional<rules::Level> quiet_at_;
  std::vector<LintTableRow> rows_;
  TextTotals totals_;
};

}  // namespace

const std::vector<std::string>& lint_table_header() {
  static const std::vector<std::string> header = {"NAMESPACE", "COMPONENT", "KIND",     "MAXMEMORY", "LIMIT",
                                                  "PEAK",      "VERDICT",   "SEVERITY", "RULES"};
  return header;
}

std::optional<LintTableRow> lint_table_row(const app::SubjectReport& s) {
  if (!s.checked) return std::nullopt;
  LintTableRow row;
  std::string rules;
  for (const auto& f : s.findings) {
    if (!row.severity || static_cast<int>(f.level) > static_cast<int>(*row.severity)) row.severity = f.level;
    if (rules.find(f.rule_id) == std::string::npos) rules += (rules.empty() ? "" : ",") + f.rule_id;
  }
  const RedisInstance& i = s.instance;
  const std::string kind = s.object.substr(0, s.object.find(' '));
  const std::string limit_now = i.limit_bytes ? format_k8s_quantity(i.limit_bytes->value) : "none";
  std::optional<std::string> maxmemory_rec, limit_rec;
  if (s.fix) {
    maxmemory_rec = format_bytes(s.fix->maxmemory_bytes);
    if (s.fix->limit_bytes) limit_rec = format_k8s_quantity(s.fix->limit_bytes);
  }
  const bool read = !s.unreadable();
  row.cells = {i.namespace_name.empty() ? "-" : i.namespace_name,
               i.display_name,
               kind.empty() ? "-" : kind,
               read ? change(maxmemory_now(s), maxmemory_rec) : "-",
               read ? change(limit_now, limit_rec) : "-",
               read ? peak(s.budget) : "not read",
               read ? verdict_name(s.budget.verdict) : "-",
               row.severity ? rules::level_name(*row.severity) : "ok",
               rules.empty() ? "-" : rules};
  return row;
}

std::string lint_table(const std::vector<LintTableRow>& rows, bool color) {
  const auto& header = lint_table_header();
  const size_t severity_column = std::find(header.begin(), header.end(), "SEVERITY") - header.begin();
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], row.cells[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells, const LintTableRow* row) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      const bool coloured = row && c == severity_column;
      const std::string cell = paint_padded(coloured && color, level_sgr(row ? row->severity : std::nullopt), cells[c], width[c]);
      out += cell + (c + 1 < cells.size() ? "  " : "");
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(header, nullptr);
  for (const auto& row : rows) out += line(row.cells, &row);
  return out;
}

std::string lint_table(const app::LintReport& report, bool color) {
  std::vector<LintTableRow> rows;
  TextTotals totals;
  for (const auto& s : report.subjects) {
    count(s, totals);
    if (auto row = lint_table_row(s)) rows.push_back(std::move(*row));
  }
  return lint_table(rows, color) + text_summary(report, totals, false);
}

std::unique_ptr<FindingsWriter> table_writer(FILE* out, bool color, std::optional<rules::Level> quiet_at) {
  return std::make_unique<TableWriter>(out, color, quiet_at);
}

}  // namespace redisfit::render
