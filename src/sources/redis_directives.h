// Applying Redis configuration directives to a RedisInstance.
//
// One place knows how each memory-related directive is spelled and parsed
// (memtoull units, percentages, `save` accumulation, buffer-limit classes), so
// redis.conf files, KubeBlocks parameters, OpsRequests and CONFIG GET replies
// all produce identical facts. It is a table with one row per directive
// (redis_directives.cc), as Redis' own config.c static_configs[] is: a new
// directive is a new row. Directives that do not affect memory set no fact;
// a value of theirs that Redis refuses is recorded (redis_directive_values.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "facts/redis_instance.h"

namespace redisfit {

// How a sequence of directives is being read. Redis treats `save` differently
// in a config file (the first `save` line replaces the built-in schedule, later
// ones append) and in CONFIG SET / parameter maps (each replaces the whole list).
enum class DirectiveMode { kConfigFile, kReplace };

// Whether a name no release knows is kept in RedisInstance::unknown_directives
// (configuration that is about to start a server), or not (what a running
// server reports: it started, so it knows its names, newer ones included).
enum class UnknownNames { kRecord, kIgnore };

class DirectiveApplier {
 public:
  DirectiveApplier(RedisInstance& instance, DirectiveMode mode, UnknownNames unknown = UnknownNames::kRecord)
      : instance_(instance), mode_(mode), unknown_(unknown) {}

  // Applies `name args...` (name case-insensitive). `where` is recorded as the
  // source of the facts it sets. Errors name the directive and say what Redis
  // would say; Redis refuses to start on the same input.
  Status apply(std::string_view name, const std::vector<std::string>& args, const Provenance& where);

  // Convenience for key/value maps (KubeBlocks parameters, CONFIG GET): the
  // value is split into arguments the way Redis splits a single-argument
  // multi-arg directive ("900 1 300 10", "replica 256mb 64mb 60").
  Status apply_value(std::string_view name, std::string_view value, const Provenance& where);

 private:
  // Keeps a value redis-server refuses (sources/redis_directive_values.h) in
  // RedisInstance::refused_values; the read goes on.
  void record_refused_value(std::string_view raw_name, const std::string& lower_name,
                            const std::vector<std::string>& args, const Provenance& where);

  RedisInstance& instance_;
  DirectiveMode mode_;
  UnknownNames unknown_;
  bool save_seen_ = false;
};

// True for the directives this module interprets (lower-case names).
bool is_memory_directive(std::string_view name);

}  // namespace redisfit
