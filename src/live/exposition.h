// Prometheus text exposition (format 0.0.4): families with HELP and TYPE,
// samples grouped under their family in the order first added. Shared by the
// exporter (live/metrics.h) and `guard` (app/guard_metrics.h), so both speak
// the format the same way.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace redisfit::live {

// A label value with \, " and newline escaped as the format requires.
std::string escape_label_value(const std::string& value);

class Exposition {
 public:
  // `labels` is rendered label text without braces (target="a",db="db0"),
  // possibly empty. `type` is "gauge" or "counter".
  void add(const std::string& name, const char* type, const std::string& help, const std::string& labels,
           double value);
  std::string str() const;

 private:
  struct Sample {
    std::string labels;
    double value;
  };
  struct Family {
    std::string help;
    std::string type;
    std::vector<Sample> samples;
  };
  std::map<std::string, Family> families_;
  std::vector<std::string> order_;
};

}  // namespace redisfit::live
