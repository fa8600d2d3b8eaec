// The workload defaults in facts/workload.h are the model's constants (facts
// may not include the model, so they are written there as numbers).
#include <gtest/gtest.h>

#include "facts/workload.h"
#include "model/constants.h"

namespace redisfit {
namespace {

TEST(ModelConstants, WorkloadDefaultsAreTheModelConstants) {
  Workload w;
  EXPECT_EQ(w.value_size_bytes.value, ModelConstants::kDefaultValueBytes);
  EXPECT_EQ(w.clients.value, ModelConstants::kDefaultClients);
  EXPECT_DOUBLE_EQ(w.fragmentation.value, ModelConstants::kDefaultFragmentation);
  EXPECT_FALSE(w.fsync_stall_seconds.has_value());
}

}  // namespace
}  // namespace redisfit
