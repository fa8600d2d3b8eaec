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
  bool cluster_given = false;  // --cluster or -n was given
  bool active() const { return !emit.empty(); }
  // For kbcli / OpsRequest forms without --cluster / -n: a line saying the
  // names in the fix are placeholders (empty otherwise).
  std::string placeholder_note() const;
  fix::EmitRequest request() const;
};

}  // namespace redisfit::cli
