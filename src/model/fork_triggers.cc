#include "model/fork_triggers.h"

#include <fmt/format.h>

#include "core/quantity.h"

namespace redisfit {
namespace {
bool aof_rewrites_by_itself(const RedisInstance& r) {
  return r.appendonly.value && r.auto_aof_rewrite_percentage.value > 0;
}
}  // namespace

std::string aof_rewrite_trigger(const RedisInstance& r) {
  if (!aof_rewrites_by_itself(r)) return {};
  return fmt::format("auto-aof-rewrite-percentage {} past {}", r.auto_aof_rewrite_percentage.value,
                     format_bytes(r.auto_aof_rewrite_min_size_bytes.value));
}

std::string automatic_fork_triggers(const RedisInstance& r) {
  std::string out;
  if (!r.save_points.value.empty()) {
    out = "save";
    for (const SavePoint& p : r.save_points.value) out += fmt::format(" {} {}", p.seconds, p.changes);
  }
  if (std::string aof = aof_rewrite_trigger(r); !aof.empty()) out += (out.empty() ? "" : " and ") + aof;
  return out;
}

bool aof_rewrite_starts_within(const RedisInstance& r, uint64_t appended_bytes) {
  return aof_rewrites_by_itself(r) && appended_bytes > r.auto_aof_rewrite_min_size_bytes.value;
}

}  // namespace redisfit
