// The bridge from a stress run to the model (stress/prediction.h): no server
// is started; the run's generated redis.conf is read back as a run reads it.
#include "core/quantity.h"
#include "stress/prediction.h"

#include <gtest/gtest.h>

#include "model/constants.h"
#include "stress/sandbox.h"

namespace redisfit::stress {
namespace {

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

// A full sync's own child is what the run measures; the model's measured life
// is a save's, which it doubles for a sync. Handed over as measured, the
// child's life would be doubled, so a sync's child is handed over halved and
// a BGSAVE's as it is; the prediction still follows the life measured.
TEST(StressPrediction, AFullSyncsMeasuredChildIsCountedOnce) {
  StressOptions sync = aof_import_run();
  sync.server.appendonly = false;
  sync.fork_kind = stress::ForkKind::kFullSync;
  sync.phase_import = false;
  auto instance = scratch_instance_for_run(sync);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  EXPECT_DOUBLE_EQ(save_seconds_of_child(*instance, sync, 4.0), 4.0 / ModelConstants::kFullSyncSaveMultiple);
  StressOptions bgsave = sync;
  bgsave.fork_kind = stress::ForkKind::kBgsave;
  EXPECT_DOUBLE_EQ(save_seconds_of_child(*instance, bgsave, 4.0), 4.0);

  SandboxDir dir;
  ASSERT_TRUE(dir.ok());
  auto conf = write_server_config(dir.path(), 6379, sync.server);
  ASSERT_TRUE(conf.ok());
  const uint64_t measured_4s = predict_with_measured_fork(conf.value(), sync, 4.0, 5000, 0);
  const uint64_t measured_8s = predict_with_measured_fork(conf.value(), sync, 8.0, 5000, 0);
  ASSERT_GT(measured_4s, 0u);
  // A longer measured child copies more: the life is used, not ignored.
  EXPECT_LT(measured_4s, measured_8s);
}

}  // namespace
}  // namespace redisfit::stress
