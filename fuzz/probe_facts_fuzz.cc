// What a live server's replies become: INFO, CONFIG GET and MEMORY STATS as
// facts (live/live_facts.h), the model's budget of them and probe's findings
// (live/probe.h assess, which the exporter also runs on every scrape), then
// probe's text, JSON and SARIF and the exporter's exposition. The server on
// the other end of the socket is outside input: a broken or hostile one
// (maxmemory "-1", a ratio of "nan", 2^64 keys, a policy nobody knows) must
// get a report or a stated doubt, never a crash, a hang or undefined
// behaviour anywhere between the reply and the output.
//
// Input, in three parts split by NUL bytes:
//   INFO text                      ("# Memory\r\nused_memory:1024\r\n...")
//   CONFIG GET lines "name value"  (what read_memory_config would map)
//   MEMORY STATS lines "name number"
// The first byte of the CONFIG part, when it is a digit d, gives the
// container limit as d x 256 MiB (0 = none known), so the judged-against-a-
// limit paths and the unbounded ones are both reached.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "live/metrics.h"
#include "live/probe.h"
#include "platform/info.h"
#include "render/probe_render.h"

namespace {

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == sep) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

// "name value" lines; a line without a space is a name with an empty value.
template <typename Store>
void read_pairs(std::string_view text, Store store) {
  for (std::string_view line : split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const size_t space = line.find(' ');
    if (space == std::string_view::npos) {
      store(std::string(line), std::string());
    } else {
      store(std::string(line.substr(0, space)), std::string(line.substr(space + 1)));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<std::string_view> parts = split(std::string_view(reinterpret_cast<const char*>(data), size), '\0');

  redisfit::live::ServerSnapshot snapshot;
  snapshot.where = "127.0.0.1:6379";
  snapshot.info = redisfit::platform::parse_info(parts[0]);
  snapshot.loading = snapshot.info.u64("loading").value_or(0) == 1;

  redisfit::live::LimitInfo limit;
  limit.source = redisfit::Provenance::flag("--limit");
  if (parts.size() > 1) {
    std::string_view config = parts[1];
    if (!config.empty() && config[0] >= '0' && config[0] <= '9') {
      if (config[0] != '0') limit.limit_bytes = static_cast<uint64_t>(config[0] - '0') << 28;
      config.remove_prefix(1);
    }
    read_pairs(config, [&](std::string name, std::string value) { snapshot.config[name] = value; });
  }
  if (parts.size() > 2) {
    read_pairs(parts[2], [&](std::string name, std::string value) {
      snapshot.memory_stats[name] = std::strtod(value.c_str(), nullptr);
    });
  }

  redisfit::live::ProbeReport report = redisfit::live::assess(snapshot, limit, nullptr);
  (void)report.worst_level();

  std::vector<redisfit::render::ProbeOutcome> outcomes;
  outcomes.push_back({snapshot.where, report});
  (void)redisfit::render::probe_text(outcomes, redisfit::rules::Level::kWarning);
  (void)redisfit::render::probe_json(outcomes, redisfit::rules::Level::kWarning);
  (void)redisfit::render::probe_sarif(outcomes);

  std::vector<redisfit::live::TargetScrape> scrapes(1);
  scrapes[0].target = snapshot.where;
  scrapes[0].snapshot = snapshot;
  scrapes[0].report = std::move(report);
  (void)redisfit::live::render_metrics(scrapes);
  return 0;
}
