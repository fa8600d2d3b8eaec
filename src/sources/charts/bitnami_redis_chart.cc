// The table of verified bitnami/redis majors and bitnami/common presets
// (bitnami_redis_chart.h). Every row names the commits it was read at.
#include "sources/charts/bitnami_redis_chart.h"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace redisfit::charts {
namespace {

constexpr uint64_t kMi = 1ULL << 20;

// Chart.lock of each release pins the bitnami/common it was packaged with;
// the ranges are the first and last release of the major (bitnami/charts
// history of bitnami/redis/Chart.lock).
constexpr std::array<BitnamiRedisMajor, 5> kMajors{{
    {19, "19.0.0 - 19.6.4", "b4725cc3 (19.0.0), aaa7a7cd (19.6.4)", "bitnami/common 2.19.0 - 2.20.5", "7.2",
     "7.2.4 - 7.2.5", false},
    {20, "20.0.0 - 20.13.4", "9e08d34b (20.0.0), cfe21650 (20.13.4)", "bitnami/common 2.22.0 - 2.30.0", "7.4",
     "7.4.0 - 7.4.3", true},
    {21, "21.0.0 - 21.2.19", "41b50139 (21.0.0), c5aade59 (21.2.19)", "bitnami/common 2.30.0 - 2.31.3", "8.0",
     "8.0.0 - 8.0.3", true},
    {22, "22.0.0 - 22.0.7", "56f58c8b (22.0.0), 07a0857a (22.0.7)", "bitnami/common 2.31.3 - 2.31.4", "8.2",
     "8.2.0 - 8.2.1", true},
    {23, "23.0.0 - 23.1.1", "2abc0f9d (23.0.0), e3296a83 (23.1.1)", "bitnami/common 2.31.4", "8.2", "8.2.1", true},
}};

struct PresetRow {
  const char* name;
  uint64_t request_mi;  // from bitnami/common 2.20.3 on (commit 6ca69f67, #27312) to 2.31.4
  uint64_t limit_mi;    // every common 2.x with presets
  uint32_t cpu_limit_milli;  // limits.cpu, the same in every common 2.x with presets
  bool request_changed;  // xlarge / 2xlarge: older common requested more
};
constexpr std::array<PresetRow, 7> kPresets{{
    {"nano", 128, 192, 150, false},
    {"micro", 256, 384, 375, false},
    {"small", 512, 768, 750, false},
    {"medium", 1024, 1536, 750, false},
    {"large", 2048, 3072, 1500, false},
    {"xlarge", 3072, 6144, 3000, true},
    {"2xlarge", 3072, 12288, 6000, true},
}};

}  // namespace

Result<ChartRef> parse_chart_ref(std::string_view text) {
  const size_t at = text.find('@');
  const std::string usage = fmt::format(
      "--chart {}: give the chart and its major version, e.g. --chart bitnami/redis@20 (the defaults of a values "
      "file depend on the chart version)",
      text);
  if (at == std::string_view::npos || at == 0 || at + 1 >= text.size()) return Error{"--chart", usage};
  ChartRef ref;
  ref.name = std::string(text.substr(0, at));
  ref.written = std::string(text);
  const std::string_view version = text.substr(at + 1);
  const char* end = version.data() + version.size();
  auto [ptr, ec] = std::from_chars(version.data(), end, ref.major);
  if (ec != std::errc{} || ref.major < 0 || (ptr != end && *ptr != '.')) return Error{"--chart", usage};
  if (ref.name != "bitnami/redis") {
    return Error{"--chart", fmt::format("--chart {}: only bitnami/redis values files are read (majors {}); render "
                                        "other charts with helm template and lint the output",
                                        text, verified_bitnami_redis_majors())};
  }
  return ref;
}

const BitnamiRedisMajor* bitnami_redis_major(int major) {
  for (const auto& m : kMajors) {
    if (m.major == major) return &m;
  }
  return nullptr;
}

std::string verified_bitnami_redis_majors() {
  std::string out;
  for (const auto& m : kMajors) out += (out.empty() ? "" : ", ") + std::to_string(m.major);
  return out;
}

std::optional<PresetMemory> preset_memory(std::string_view preset, const BitnamiRedisMajor& chart) {
  for (const auto& p : kPresets) {
    if (preset != p.name) continue;
    PresetMemory m;
    m.limit_bytes = p.limit_mi * kMi;
    m.cpu_limit_cores = p.cpu_limit_milli / 1000.0;
    if (!p.request_changed || chart.large_preset_requests_known) m.request_bytes = p.request_mi * kMi;
    m.table = fmt::format("bitnami/common common.resources.preset \"{}\" ({}; templates/_resources.tpl)", p.name,
                          chart.common_versions);
    return m;
  }
  return std::nullopt;
}

}  // namespace redisfit::charts
