#include "fix/conf_fix.h"

#include <fmt/format.h>

#include "core/quantity.h"

namespace redisfit {

std::string recommendation_to_conf(const Recommendation& rec, const std::string& policy) {
  std::string out;
  out += fmt::format("# redisfit plan ({}): container memory request = limit = {}\n",
                     rec.strategy, format_k8s_quantity(rec.limit_bytes));
  out += fmt::format("# peak {} in phase {} (docs/memory-model.md)\n", format_bytes(rec.budget.peak_bytes),
                     rec.budget.peak_phase);
  out += fmt::format("maxmemory {}\n", rec.maxmemory_bytes);
  out += fmt::format("maxmemory-policy {}\n", policy);
  return out;
}

}  // namespace redisfit
