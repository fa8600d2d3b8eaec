// The bridge from a stress run to the model (stress/prediction.h): no server
// is started; the run's generated redis.conf is read back as a run reads it.
#include "stress/prediction.h"

#include <gtest/gtest.h>

#include "stress/sandbox.h"

namespace redisfit::stress {
namespace {

constexpr uint64_t kMiB = 1ULL << 20;

// An AOF server importing 300 MiB of 1 KiB values under a 512Mi limit, then
// rewriting its AOF while 2000 overwrites/s continue.
StressOptions aof_import_run() {
  StressOptions o;
  o.label = "test";
  o.limit_bytes = 512 * kMiB;
  o.server.maxmemory_bytes = 300 * kMiB;
  o.server.maxmemory_policy = "allkeys-lru";
  o.server.appendonly = true;
  o.server.save = "";
  o.fork_kind = stress::ForkKind::kBgrewriteaof;
  o.write_rate_per_sec = 2000;
  o.fill_payload_bytes = 300 * kMiB;
  return o;
}

Prediction predict(const StressOptions& o) {
  SandboxDir dir;
  EXPECT_TRUE(dir.ok());
  auto conf = write_server_config(dir.path(), 6379, o.server);
  EXPECT_TRUE(conf.ok());
  return predict_for_run(conf.value(), o);
}

TEST(StressPrediction, AnImportThatCrossesTheAutomaticAofRewriteIsBudgetedAtItsOwnRate) {
  const StressOptions with_rewrite = aof_import_run();
  StressOptions asked_only = with_rewrite;
  asked_only.server.extra.push_back({"auto-aof-rewrite-percentage", "0"});

  const Prediction p = predict(with_rewrite);
  const Prediction q = predict(asked_only);
  ASSERT_TRUE(p.available && q.available);
  EXPECT_NE(p.note.find("auto-aof-rewrite-percentage 100 past 64.0 MiB"), std::string::npos) << p.note;
  EXPECT_EQ(q.note, "");
  // The import's rate is unknown: its rewrite is budgeted at the worst case,
  // above the 2000/s rewrite that was asked for.
  EXPECT_GT(p.peak_bytes, q.peak_bytes);

  auto rec_with = recommended_maxmemory(with_rewrite);
  auto rec_asked = recommended_maxmemory(asked_only);
  ASSERT_TRUE(rec_with.ok() && rec_asked.ok());
  EXPECT_LT(rec_with.value(), rec_asked.value());
}

TEST(StressPrediction, NoImportOrASmallOneStartsNoRewrite) {
  StressOptions no_import = aof_import_run();
  no_import.phase_import = false;
  EXPECT_EQ(predict(no_import).note, "");
  // 32 MiB appended stays under auto-aof-rewrite-min-size (64mb).
  StressOptions small = aof_import_run();
  small.fill_payload_bytes = 32 * kMiB;
  EXPECT_EQ(predict(small).note, "");
}

}  // namespace
}  // namespace redisfit::stress
