// --emit and the KubeBlocks target flags, shared by plan, probe --plan and
// recommend. Parsed by CLI11 once; request() turns them into fix::EmitRequest.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "fix/emit.h"

namespace redisfit::cli {

struct EmitFlags {
  std::string emit;  // "", conf, kbcli, opsrequest
  std::string cluster = "redis-cluster", component = "redis", namespace_name = "default";
  std::string kb_api = "1.x";
  std::string config_spec = "redis-replication-config";

  // `with_target`: also add --cluster/--component/-n (recommend takes them
  // from each instance's pod instead).
  void add_to(CLI::App& cmd, bool with_target = true);
  bool active() const { return !emit.empty(); }
  fix::EmitRequest request() const;
};

}  // namespace redisfit::cli
