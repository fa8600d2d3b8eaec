// The guard's decision (app/guard.h), pure: the safe value is the model's,
// bounds and thresholds are honoured, lowering under the data held is refused
// unless allowed, and a target is never 0 nor above the limit.
#include <gtest/gtest.h>

#include "core/quantity.h"
#include "app/guard.h"
#include "model/solver.h"

namespace redisfit::app {
namespace {

GuardObservation observation(uint64_t limit_bytes, uint64_t maxmemory_bytes, uint64_t held_bytes = 10 * kMiB) {
  GuardObservation o;
  o.limit_bytes = limit_bytes;
  o.limit_source = "test";
  o.instance.limit_bytes = Sourced<uint64_t>{limit_bytes, Provenance::given("test")};
  o.maxmemory_bytes = maxmemory_bytes;
  o.counted_for_eviction_bytes = held_bytes;
  o.workload.dataset_bytes = Sourced<uint64_t>{held_bytes, Provenance::given("test")};
  return o;
}

uint64_t model_for(const GuardObservation& o) {
  Workload filled = o.workload;
  filled.dataset_bytes.reset();
  return *solve_max_maxmemory(o.instance, filled, o.limit_bytes);
}

// A server filling up measures ~1.0 fragmentation mid-import and 1.1-1.2
// once full. Taking each poll's figure raised maxmemory mid-import (96 ->
// 106 MiB at 128Mi) to a value the next polls called unsafe, under
// noeviction for good. The guard holds the highest it has applied: a lower
// one leaves the target where it was.
TEST(GuardDecision, ALowerFragmentationMidImportDoesNotRaiseTheTarget) {
  GuardObservation o = observation(128 * kMiB, 96 * kMiB, 40 * kMiB);
  std::optional<Sourced<double>> high;
  Sourced<double> first{1.10, Provenance::by_default("model default")};
  hold_highest(high, first);
  o.workload.fragmentation = first;
  const GuardDecision before = decide_maxmemory(o, {});

  Sourced<double> mid_import{1.00, Provenance::live("INFO mid-import")};
  o.workload.fragmentation = Sourced<double>{1.00, Provenance::live("INFO")};
  const uint64_t would_raise_to = decide_maxmemory(o, {}).model_bytes;
  ASSERT_GT(would_raise_to, before.model_bytes);  // what following the poll did
  hold_highest(high, mid_import);
  EXPECT_DOUBLE_EQ(mid_import.value, 1.10);
  EXPECT_NE(mid_import.source.describe().find("1.00 now is not taken"), std::string::npos)
      << mid_import.source.describe();
  o.workload.fragmentation = mid_import;
  EXPECT_EQ(decide_maxmemory(o, {}).model_bytes, before.model_bytes);

  Sourced<double> full{1.16, Provenance::live("INFO full")};
  hold_highest(high, full);
  EXPECT_DOUBLE_EQ(full.value, 1.16);
  EXPECT_DOUBLE_EQ(high->value, 1.16);
}

TEST(GuardDecision, UnboundedServerGetsTheModelsValue) {
  auto o = observation(256 * kMiB, 0);
  GuardDecision d = decide_maxmemory(o, {});
  EXPECT_EQ(d.action, GuardAction::kSet) << d.reason;
  EXPECT_EQ(d.reason_code, "unbounded");
  EXPECT_EQ(d.target_bytes, model_for(o));
  // Solved for a dataset that fills maxmemory, not for today's 10 MiB: the
  // same answer as `plan --limit 256Mi` (about 100 MiB), well under the limit.
  EXPECT_LT(d.target_bytes, 160 * kMiB);
  EXPECT_GT(d.target_bytes, 50 * kMiB);
}

TEST(GuardDecision, FollowsTheLimitDownAndUp) {
  auto big = observation(256 * kMiB, 0);
  uint64_t at_256 = decide_maxmemory(big, {}).target_bytes;
  auto small = observation(128 * kMiB, at_256);
  GuardDecision down = decide_maxmemory(small, {});
  EXPECT_EQ(down.action, GuardAction::kSet);
  EXPECT_EQ(down.reason_code, "above-safe");
  EXPECT_LT(down.target_bytes, at_256);
  auto up = observation(1024 * kMiB, down.target_bytes);
  GuardDecision raised = decide_maxmemory(up, {});
  EXPECT_EQ(raised.action, GuardAction::kSet);
  EXPECT_EQ(raised.reason_code, "below-safe");
  EXPECT_GT(raised.target_bytes, at_256);
}

TEST(GuardDecision, SmallDifferencesAreLeftAlone) {
  auto o = observation(256 * kMiB, 0);
  uint64_t model = model_for(o);
  o.maxmemory_bytes = model - model / 100;  // 1 % under: within the default 2 %
  EXPECT_EQ(decide_maxmemory(o, {}).action, GuardAction::kKeep);
  GuardSettings strict;
  strict.threshold_fraction = 0;
  o.maxmemory_bytes = model - 2 * kMiB;  // beyond the 1 MiB floor of the threshold
  EXPECT_EQ(decide_maxmemory(o, strict).action, GuardAction::kSet);
}

TEST(GuardDecision, AValueAtTheLimitIsAlwaysCorrected) {
  auto o = observation(256 * kMiB, 256 * kMiB);
  GuardSettings loose;
  loose.threshold_fraction = 0.5;
  GuardDecision d = decide_maxmemory(o, loose);
  EXPECT_EQ(d.action, GuardAction::kSet);
  EXPECT_EQ(d.reason_code, "above-limit");
}

TEST(GuardDecision, MaxCapsAndMinAboveTheModelRefuses) {
  auto o = observation(512 * kMiB, 0);
  GuardSettings capped;
  capped.max_bytes = 100 * kMiB;
  GuardDecision d = decide_maxmemory(o, capped);
  EXPECT_EQ(d.action, GuardAction::kSet);
  EXPECT_EQ(d.target_bytes, 100 * kMiB);
  GuardSettings floor;
  floor.min_bytes = 400 * kMiB;  // more than the model allows under 512Mi
  GuardDecision r = decide_maxmemory(o, floor);
  EXPECT_EQ(r.action, GuardAction::kRefuse);
  EXPECT_EQ(r.reason_code, "min-above-safe");
  EXPECT_NE(r.reason.find("--min"), std::string::npos) << r.reason;
}

TEST(GuardDecision, LoweringUnderTheDataHeldIsRefusedUnlessAllowed) {
  // noeviction: writes would fail (maxmemory under the limit, above the
  // safe value, and already at the data held: nothing to cap).
  auto o = observation(128 * kMiB, 91 * kMiB, 90 * kMiB);
  GuardDecision d = decide_maxmemory(o, {});
  EXPECT_EQ(d.action, GuardAction::kRefuse);
  EXPECT_EQ(d.reason_code, "would-refuse-writes");
  EXPECT_NE(d.reason.find("-OOM"), std::string::npos) << d.reason;
  // allkeys-lru: data would be evicted; --allow-evict permits it.
  o.instance.maxmemory_policy = {"allkeys-lru", Provenance::given("test")};
  GuardDecision e = decide_maxmemory(o, {});
  EXPECT_EQ(e.reason_code, "would-evict");
  EXPECT_NE(e.reason.find("--allow-evict"), std::string::npos) << e.reason;
  GuardSettings allow;
  allow.allow_evict = true;
  GuardDecision a = decide_maxmemory(o, allow);
  EXPECT_EQ(a.action, GuardAction::kSet);
  EXPECT_NE(a.reason.find("evict about"), std::string::npos) << a.reason;
}

TEST(GuardDecision, AnUnboundedMaxmemoryOverTooMuchDataIsCappedAtTheDataHeld) {
  // maxmemory 0 or at the limit lets the data grow until the OOM kill, and
  // the safe value is under what is held: capped at the data held (nothing
  // evicted or refused now), with the reason saying it is not safe yet.
  for (const char* policy : {"noeviction", "allkeys-lru"}) {
    SCOPED_TRACE(policy);
    for (uint64_t current : {uint64_t{0}, 200 * kMiB}) {
      auto o = observation(200 * kMiB, current, 150 * kMiB + 123);
      o.instance.maxmemory_policy = {policy, Provenance::given("test")};
      GuardDecision d = decide_maxmemory(o, {});
      ASSERT_LT(d.model_bytes, 150 * kMiB);
      EXPECT_EQ(d.action, GuardAction::kSet);
      EXPECT_EQ(d.reason_code, "capped-at-held");
      EXPECT_EQ(d.target_bytes, 151 * kMiB);
      EXPECT_NE(d.reason.find("raise the limit"), std::string::npos) << d.reason;
    }
    // Data held at the limit: nothing to cap at, refused as before.
    auto full = observation(200 * kMiB, 0, 200 * kMiB);
    full.instance.maxmemory_policy = {policy, Provenance::given("test")};
    EXPECT_EQ(decide_maxmemory(full, {}).action, GuardAction::kRefuse);
  }
}

// The limit shrank under a maxmemory set for the old one: 222 MiB left in a
// 256Mi limit whose safe value is about 100 MiB, 159 MiB held. It was
// refused and left at 222 MiB, room for the data to grow into the OOM kill;
// it is capped at the data held, and --allow-evict still sets the safe value.
TEST(GuardDecision, AMaxmemoryLeftAboveTheSafeValueIsCappedAtTheDataHeld) {
  for (const char* policy : {"noeviction", "allkeys-lru"}) {
    SCOPED_TRACE(policy);
    auto o = observation(256 * kMiB, 222 * kMiB, 159 * kMiB - 4096);
    o.instance.maxmemory_policy = {policy, Provenance::given("test")};
    GuardDecision d = decide_maxmemory(o, {});
    ASSERT_LT(d.model_bytes, 159 * kMiB);
    EXPECT_EQ(d.action, GuardAction::kSet) << d.reason;
    EXPECT_EQ(d.reason_code, "capped-at-held");
    EXPECT_EQ(d.target_bytes, 159 * kMiB);
    EXPECT_NE(d.reason.find("222 MiB"), std::string::npos) << d.reason;
    EXPECT_NE(d.reason.find("raise the limit"), std::string::npos) << d.reason;
    GuardSettings allow;
    allow.allow_evict = true;
    GuardDecision a = decide_maxmemory(o, allow);
    EXPECT_EQ(a.reason_code, "above-safe");
    EXPECT_EQ(a.target_bytes, a.model_bytes);
    // Once at the data held (within the threshold), it is not lowered again.
    o.maxmemory_bytes = 160 * kMiB;
    EXPECT_EQ(decide_maxmemory(o, {}).action, GuardAction::kRefuse);
  }
}

// On a replica that ignores maxmemory nothing is evicted or refused by
// lowering it: the value is set for after a failover, the primary is named.
TEST(GuardDecision, AReplicaHoldingMoreThanTheTargetIsSetAndPointsAtItsPrimary) {
  auto o = observation(128 * kMiB, 200 * kMiB, 90 * kMiB);
  o.ignoring_replica_of = "10.0.0.7:6379";
  GuardDecision d = decide_maxmemory(o, {});
  EXPECT_EQ(d.action, GuardAction::kSet) << d.reason;
  EXPECT_NE(d.reason.find("10.0.0.7:6379"), std::string::npos) << d.reason;
  EXPECT_NE(d.reason.find("lower the primary's maxmemory"), std::string::npos) << d.reason;
  EXPECT_EQ(d.reason.find("--allow-evict"), std::string::npos) << d.reason;
}

TEST(GuardDecision, ALimitRedisCannotLiveInIsRefused) {
  GuardDecision d = decide_maxmemory(observation(4 * kMiB, 0, 0), {});
  EXPECT_EQ(d.action, GuardAction::kRefuse);
  EXPECT_EQ(d.reason_code, "limit-too-small");
  EXPECT_EQ(d.target_bytes, 0u);
}

TEST(GuardDecision, NeverZeroNeverAboveTheLimit) {
  for (uint64_t limit = 32 * kMiB; limit <= (64ULL << 30); limit = limit * 3 / 2) {
    for (const char* policy : {"noeviction", "allkeys-lru"}) {
      for (int replicas : {0, 2}) {
        for (bool aof : {false, true}) {
          auto o = observation(limit, 0, 0);
          o.instance.maxmemory_policy = {policy, Provenance::given("test")};
          o.instance.replicas = {replicas, Provenance::given("test")};
          o.instance.appendonly = {aof, Provenance::given("test")};
          o.workload.write_rate_per_sec = Sourced<double>{20000, Provenance::given("test")};
          GuardSettings s;
          s.allow_evict = true;
          GuardDecision d = decide_maxmemory(o, s);
          if (d.action != GuardAction::kSet) continue;
          EXPECT_GT(d.target_bytes, 0u) << limit;
          EXPECT_LT(d.target_bytes, limit) << limit;
          EXPECT_LE(d.target_bytes, d.model_bytes) << limit;
        }
      }
    }
  }
}

}  // namespace
}  // namespace redisfit::app
