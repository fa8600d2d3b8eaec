// The `-o FORMAT` contract shared by every command.
//
// Each command's renderers are listed in one table of named formats, next to
// the renderers themselves. The CLI offers exactly the names of the table
// (cli/output_option.h): the help text, the check of the flag, the error for
// a format a mode does not have, colour and where the bytes go are decided
// once, so `-o json` behaves the same in `plan`, `probe` or `recommend`.
//
// A renderer takes the command's report (never raw facts) and a
// Presentation, and returns the whole output, ending with a newline.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace redisfit::render {

// What a renderer may be told besides its report. `color` is decided by the
// CLI (a TTY, and NO_COLOR unset); `verbose` is the command's -v.
struct Presentation {
  bool color = false;
  bool verbose = false;
};

// One `-o` format: its name and the function behind it. Fn is a function
// type; most commands use ReportFormat below, lint's streaming writers their own.
template <class Fn>
struct NamedFormat {
  std::string_view name;
  Fn* fn = nullptr;
};

template <class Fn>
using FormatTable = std::span<const NamedFormat<Fn>>;

// A format that renders a whole report to a string.
template <class Report>
using ReportFn = std::string(const Report& report, const Presentation& how);
template <class Report>
using ReportFormat = NamedFormat<ReportFn<Report>>;
template <class Report>
using ReportFormats = FormatTable<ReportFn<Report>>;

// The format called `name`, or nullptr when the table has none.
template <class Fn>
const NamedFormat<Fn>* find_format(FormatTable<Fn> table, std::string_view name) {
  for (const auto& f : table)
    if (f.name == name) return &f;
  return nullptr;
}

// "text | json | sarif": the names in table order, for help texts and errors.
template <class Fn>
std::string format_names(FormatTable<Fn> table) {
  std::string out;
  for (const auto& f : table) {
    if (!out.empty()) out += " | ";
    out += f.name;
  }
  return out;
}

}  // namespace redisfit::render
