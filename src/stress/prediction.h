// The bridge between a stress run and the model: the same configuration that
// runs (the generated redis.conf, read back with the project's redis.conf
// reader) becomes a RedisInstance, the run's workload a Workload, and the
// model predicts the peak the run then measures.
#pragma once

#include <optional>
#include <string>

#include "core/result.h"
#include "facts/redis_instance.h"
#include "facts/workload.h"
#include "stress/run.h"

namespace redisfit::stress {

// Facts for `options` with the configuration in `conf_path`.
Result<RedisInstance> instance_for_run(const std::string& conf_path, const StressOptions& options);
Workload workload_for_run(const StressOptions& options, uint64_t maxmemory_bytes);

// compute_budget() on the above; `available` false (with the reason) when the
// configuration cannot be read.
Prediction predict_for_run(const std::string& conf_path, const StressOptions& options);

// Peak predicted when the model knows what the run measured of its fork: the
// child's life (save_seconds_of_child) and the write rate
// achieved; a rewrite the import started (see predict_for_run) at the
// import's measured payload rate (0: unknown). A `fragmentation` above 0
// (measured before the fork, model/fragmentation.h) replaces the assumed one
// as `--fragmentation` would. 0 when the configuration cannot be read.
uint64_t predict_with_measured_fork(const std::string& conf_path, const StressOptions& options,
                                    double child_seconds, double write_rate_per_sec,
                                    double import_payload_bytes_per_sec, double fragmentation = 0);

// A run's measured fork child as the save time the model takes (--save-time):
// the life of the server's persistence fork (a rewrite with appendonly yes,
// else a BGSAVE), from which the model derives a full sync's longer one
// (life_beside_measured). So a full sync's own child is divided by that, or
// its life would be counted twice over; the run's own fork is as measured.
// `instance` is the run's (instance_for_run).
double save_seconds_of_child(const RedisInstance& instance, const StressOptions& options, double child_seconds);

// The run's configuration as the model reads it, from a scratch copy.
Result<RedisInstance> scratch_instance_for_run(const StressOptions& options);

// The maxmemory redisfit recommends (solve_max_maxmemory, what plan gives
// when the data need not fit) for the same limit and workload as `options`. Uses a scratch copy of the configuration.
Result<uint64_t> recommended_maxmemory(const StressOptions& options);

// What a server of this workload tells `probe` about itself once it runs:
// its last fork child's life and the dataset that child saved, and its
// fragmentation (model/fragmentation.h fragmentation_from_rss). The facts `plan --save-time T --save-time-of
// D --fragmentation F` takes.
struct ServerFacts {
  double child_seconds = 0;  // a save's life: save_seconds_of_child()
  uint64_t child_dataset_bytes = 0;
  double fragmentation = 0;
  // The writes/s the server executed while the child lived, when the
  // described rate was held but part of it refused with -OOM (a full
  // dataset under a refusing policy): a refused write copies nothing.
  std::optional<double> executed_write_rate;
};

// recommended_maxmemory() given those facts as well: the child's life scales
// from the dataset it was measured on to each maxmemory the solver tries.
// The write rate stays the one described (a rate a run could not hold is a
// machine's limit, not the workload's), unless the runs held it and the
// server refused part of it: then the rate it executed.
Result<uint64_t> recommended_maxmemory_given(const StressOptions& options, const ServerFacts& facts);

// The `redisfit plan` command that states the workload and server those two
// recommendations size (facts/plan_command.h), `facts` when given: the
// limit, persistence (the save point a forced BGSAVE adds), policy, rate,
// value size, the stress's clients, the measured save and fragmentation.
// plan answers it as the search did unless the import's own rewrite decided
// (plan does not model an import). "" when the run's configuration is invalid.
std::string recommendation_plan_command(const StressOptions& options, const ServerFacts* facts);

}  // namespace redisfit::stress

namespace redisfit::stress {
// The server `config` gives (flags over the user's redis.conf over Redis
// defaults), read with the project's redis.conf reader.
Result<RedisInstance> configured_instance(const ServerConfig& config);
// Its maxmemory.
Result<uint64_t> configured_maxmemory(const ServerConfig& config);
}  // namespace redisfit::stress
