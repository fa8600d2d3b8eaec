// What redisfit knows of the bitnami/redis Helm chart, per chart major, read
// in the chart's own source (github.com/bitnami/charts, bitnami/redis and
// bitnami/common). Only majors whose files were read are listed: a values file
// for any other major is not guessed at (lint reports it as RF000).
//
// Facts every listed major shares (values.yaml, templates/configmap.yaml,
// templates/scripts-configmap.yaml, templates/{master,replicas}/application.yaml,
// templates/sentinel/statefulset.yaml at the first and last release of each
// major):
//   * commonConfiguration defaults to `appendonly yes` and `save ""`; the chart
//     writes it to redis.conf, master.configuration to master.conf and
//     replica.configuration to replica.conf;
//   * start-master.sh runs `redis-server ... --include redis.conf --include
//     master.conf <master.extraFlags>`; start-replica.sh the same with
//     replica.conf; with sentinel.enabled, start-node.sh includes replica.conf
//     *before* redis.conf (so commonConfiguration wins there) and appends
//     replica.extraFlags. Each extraFlags item is one argv word (`{{ . | quote }}`);
//   * architecture `replication`, replica.replicaCount 3, sentinel.enabled
//     false, master.count 1, *.persistence.enabled true, existingConfigmap "";
//   * a container's resources are `<role>.resources` when that map is not
//     empty, else bitnami/common's `common.resources.preset` of
//     `<role>.resourcesPreset` (default `nano`), none for "none".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace redisfit::charts {

// A chart named on the command line: `bitnami/redis@20` or `bitnami/redis@20.13.4`.
struct ChartRef {
  std::string name;     // "bitnami/redis"
  int major = 0;        // 20
  std::string written;  // as given, for messages
};
// Error (for exit 2) when the text is not NAME@MAJOR[.MINOR.PATCH] or names a
// chart other than bitnami/redis.
Result<ChartRef> parse_chart_ref(std::string_view text);

// One verified major of bitnami/redis.
struct BitnamiRedisMajor {
  int major = 0;
  const char* releases;         // "20.0.0 - 20.13.4"
  const char* commits;          // bitnami/charts commits read: first and last release of the major
  const char* common_versions;  // bitnami/common versions in the major's Chart.lock files
  const char* redis_version;    // the appVersion's major.minor: the image the chart deploys by default
  const char* app_versions;     // "7.4.0 - 7.4.3"
  // False when the major's Chart.lock files span bitnami/common releases whose
  // xlarge / 2xlarge presets request different memory (common 2.19.x vs 2.20.3+).
  bool large_preset_requests_known = true;
};

// The verified major, or null.
const BitnamiRedisMajor* bitnami_redis_major(int major);
// "19, 20, 21, 22, 23": for messages.
std::string verified_bitnami_redis_majors();

// Memory and CPU limit of a `resourcesPreset` (bitnami/common templates/_resources.tpl).
// nano..large are the same in every common 2.x that has presets (2.15.0 on);
// xlarge and 2xlarge requests changed (4096Mi / 8192Mi in 2.15-2.16,
// 4096Mi / 4096Mi in 2.19, 3072Mi / 3072Mi from 2.20.3), limits did not.
struct PresetMemory {
  std::optional<uint64_t> request_bytes;  // absent: depends on the common version (see above)
  uint64_t limit_bytes = 0;
  // limits.cpu: the server and its fork child share it, so it sets how long
  // the child lives (model/cow.h); a rendered chart carries it too.
  double cpu_limit_cores = 0;
  std::string table;  // which common versions this row is read from
};
// Absent for "none" and for names the chart rejects (`fail` in the helper).
std::optional<PresetMemory> preset_memory(std::string_view preset, const BitnamiRedisMajor& chart);

// The chart's default commonConfiguration (every verified major).
inline constexpr std::string_view kBitnamiDefaultCommonConfiguration = "appendonly yes\nsave \"\"\n";

}  // namespace redisfit::charts
