#include "live/exposition.h"

#include <cmath>

#include <fmt/format.h>

#include "core/utf8.h"

namespace redisfit::live {
namespace {

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{}", v);
}

}  // namespace

std::string escape_label_value(const std::string& v) {
  std::string out;
  // Prometheus refuses a whole scrape with a label value that is not UTF-8
  // (a server's INFO text or a target name can hold any bytes).
  for (char c : valid_utf8(v)) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void Exposition::add(const std::string& name, const char* type, const std::string& help, const std::string& labels,
                     double value) {
  auto [it, fresh] = families_.try_emplace(name);
  if (fresh) {
    it->second.help = help;
    it->second.type = type;
    order_.push_back(name);
  }
  it->second.samples.push_back({labels, value});
}

std::string Exposition::str() const {
  std::string out;
  for (const auto& name : order_) {
    const Family& f = families_.at(name);
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, f.help, name, f.type);
    for (const auto& s : f.samples) {
      if (s.labels.empty()) out += fmt::format("{} {}\n", name, format_value(s.value));
      else out += fmt::format("{}{{{}}} {}\n", name, s.labels, format_value(s.value));
    }
  }
  return out;
}

}  // namespace redisfit::live
