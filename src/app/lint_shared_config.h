// Plain workloads whose maxmemory is read from one ConfigMap key share one
// setting: every pod that mounts the key reads the same line, so their fixes
// must write one value. Two StatefulSets mounting one redis.conf got a fix
// each; applied in the order printed, the later (larger) value won and the
// smaller container was OOM-killed. (An OT RedisCluster's leader and
// follower are merged apart: merge_shared_config_fixes.)
#pragma once

#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "app/lint.h"
#include "sources/manifests/manifest_source.h"

namespace redisfit::app {

class SharedConfigFixes {
 public:
  // Counts, per namespace and ConfigMap, the pod templates that mount it:
  // only a subject whose ConfigMap two or more mount is held back.
  explicit SharedConfigFixes(const manifests::ManifestSet& set);

  // True when `s` is held (its maxmemory comes from a ConfigMap key another
  // workload may read too): flush() hands it on. False: keep it now.
  bool hold(SubjectReport& s);

  // Folds each key's fixes to one value, the smallest of the fixes and of
  // the values the others run safely with now (lowering maxmemory only lowers
  // every phase), says so in each, and hands the held subjects on in the
  // order they came.
  void flush(const std::function<void(SubjectReport&&)>& keep);

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // namespace, ConfigMap, key
  std::map<std::pair<std::string, std::string>, int> mounts_;     // (namespace, ConfigMap) -> pod templates
  std::vector<SubjectReport> held_;
};

}  // namespace redisfit::app
