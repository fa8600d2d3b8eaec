// Where something sits in an input file, as typed fields rather than the
// "file:line:col" text people read, so findings and errors can point at it
// without parsing prose (SARIF regions, editors' jump-to-line).
#pragma once

#include <string>

namespace redisfit {

struct Location {
  std::string file;  // as the user named it; "<stdin>" for "-"; empty = unknown
  int line = 0;      // 1-based; 0 = the file as a whole
  int column = 0;    // 1-based; 0 = the whole line (redis.conf directives)

  bool known() const { return !file.empty(); }
  bool operator==(const Location&) const = default;

  // "file:line:col", "file:line" (no column), "file" (no line), "" (unknown).
  std::string describe() const {
    if (file.empty()) return "";
    if (line <= 0) return file;
    std::string out = file + ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
    return out;
  }
};

}  // namespace redisfit
