// The -o,--output option, the same for every command: offered from the
// command's renderer tables (render/output_format.h), so the help lists what
// exists, CLI11 rejects any other name, a mode without the chosen format gets
// one error in our style ("-o: ..."), and output goes to stdout with
// colour only on a TTY without NO_COLOR.
#pragma once

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/terminal.h"
#include "core/result.h"
#include "render/formats.h"
#include "render/output_format.h"

namespace redisfit::cli {

// The union of the names of several tables (a command with modes, such as
// lint's findings and its --list-rules, accepts either mode's names).
class FormatNames {
 public:
  template <class Fn>
  FormatNames& add(render::FormatTable<Fn> table) {
    for (const auto& f : table)
      if (std::find(names_.begin(), names_.end(), f.name) == names_.end()) names_.emplace_back(f.name);
    return *this;
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
};

// Adds -o,--output storing into `format` (default: whatever it holds, "text"
// by convention). `help` names the formats per mode when there are several;
// empty means the plain list.
inline CLI::Option* add_output_option(CLI::App& cmd, std::string& format, const FormatNames& names,
                                      std::string help = "") {
  if (help.empty()) {
    for (const auto& n : names.names()) help += (help.empty() ? "" : " | ") + n;
  }
  return cmd.add_option("-o,--output", format, help)->check(CLI::IsMember(names.names()));
}

// The renderer of `table` called `format`, or an error saying which formats
// `mode` has (the flag accepted the name for another mode of the command);
// `hint`, when given, is added to the error ("markdown is for --list-rules").
template <class Fn>
Result<const render::NamedFormat<Fn>*> select_format(render::FormatTable<Fn> table, const std::string& format,
                                                     const std::string& mode, const std::string& hint = "") {
  if (const auto* f = render::find_format(table, format)) return f;
  return Error{"-o", mode + " has no " + format + " output (" + render::format_names(table) + ")" +
                              (hint.empty() ? "" : "; " + hint)};
}

// "FORMAT is for --list-rules" when the rule listing has the format, else "".
inline std::string list_rules_hint(const std::string& format) {
  return render::find_format(render::rule_list_formats(), format) ? format + " is for --list-rules" : "";
}

// Renders `report` with `format` to stdout and flushes (a --watch loop or a
// pipe reader sees each report when it is complete).
template <class Report>
void print_report(const render::ReportFormat<Report>& format, const Report& report, bool verbose = false) {
  const render::Presentation how{use_color(stdout), verbose};
  // Written whole, by length: a NUL inside (from a name the report quotes)
  // must not end the report early.
  const std::string text = format.fn(report, how);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace redisfit::cli
