// The flags of `redisfit stress` as given, and their reading into the
// run's options: every size, rate and directive is checked here, before a
// sandbox exists, so a bad flag is exit 2 with nothing started.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "stress/run.h"

namespace redisfit::cli {

struct StressFlags {
  std::string limit, request, cpu_limit, maxmemory, policy, appendonly, save, config, fill = "1x", value_size = "1024";
  bool save_given = false;
  std::vector<std::string> set;
  std::string phases = "import,fork,restart", fork = "auto", output = "text", report;
  double ttl_share = 0, write_rate = 0, time_scale = 10, phase_timeout = 120, max_time = 600;
  int connections = 4, pipeline = 64, restarts = 3;
  bool compare = false, force = false, no_oom_group = false;
  std::string fork_writes = "overwrite";
  // --search maxmemory
  std::string search, search_range, resolution;
  int repeats = 3;
  bool phases_given = false, restarts_given = false;
  // the reload crash loop and its rescue
  std::string preload;
  std::string rdb;  // --rdb FILE: --preload FILE with `redisfit rdb`'s estimate beside the run
  bool rescue = false;
};

// Any size spelling of a stress flag: 256mb, 256Mi, 256MiB, 268435456
// (core/flag_units.h); the error names `flag`.
Result<uint64_t> stress_size_flag(const std::string& flag, const std::string& text);

// The run's options from the flags; an error names the flag.
Result<stress::StressOptions> build_stress_options(const StressFlags& f);

}  // namespace redisfit::cli
