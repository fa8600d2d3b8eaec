#include "core/quantity.h"

#include <gtest/gtest.h>

namespace redisfit {
namespace {

uint64_t k8s(const char* text) {
  auto r = parse_k8s_quantity(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : 0;
}

TEST(K8sQuantity, BinaryAndDecimalSuffixes) {
  EXPECT_EQ(k8s("16Gi"), 17179869184ULL);
  EXPECT_EQ(k8s("0.5Gi"), 536870912ULL);
  EXPECT_EQ(k8s("1.5Ti"), 1649267441664ULL);
  EXPECT_EQ(k8s("500M"), 500000000ULL);
  EXPECT_EQ(k8s("1k"), 1000ULL);
  EXPECT_EQ(k8s("512Ki"), 524288ULL);
  EXPECT_EQ(k8s("17179869184"), 17179869184ULL);
  EXPECT_EQ(k8s("+1Mi"), 1048576ULL);
  EXPECT_EQ(k8s("0"), 0ULL);
}

TEST(K8sQuantity, ExponentAndMilli) {
  EXPECT_EQ(k8s("1e9"), 1000000000ULL);
  EXPECT_EQ(k8s("1E3"), 1000ULL);
  EXPECT_EQ(k8s("128974848000m"), 128974848ULL);
  EXPECT_EQ(k8s("2.5e3"), 2500ULL);
}

TEST(K8sQuantity, FractionsRoundUpLikeQuantityValue) {
  // resource.Quantity.Value() rounds up: 1.1 bytes -> 2, 1500m -> 2, 1m -> 1.
  EXPECT_EQ(k8s("1.1"), 2ULL);
  EXPECT_EQ(k8s("1500m"), 2ULL);
  EXPECT_EQ(k8s("1m"), 1ULL);
  EXPECT_EQ(k8s("0.1Ki"), 103ULL);  // 102.4 -> 103
  EXPECT_EQ(k8s("1.G"), 1000000000ULL);  // apimachinery accepts a trailing dot
}

// A fraction of a byte no memory setting means ("0.5", half a byte, which
// Value() makes 1) is told from a size in a larger unit that Value() rounds
// by under a byte ("0.2Gi", as real manifests write it).
TEST(K8sQuantity, FractionsOfAByteAreToldFromRoundedSizes) {
  for (const char* size : {"1", "0.5Gi", "1.5Ki", "128974848000m", "2.5e3", "1.G", "0", "1e-0", "0.2Gi", "1.1Gi",
                           "0.1Ki"}) {
    auto r = parse_k8s_bytes(size);
    ASSERT_TRUE(r.ok()) << size;
    EXPECT_FALSE(r.value().fraction_of_a_byte) << size;
    EXPECT_EQ(r.value().bytes, parse_k8s_quantity(size).value()) << size;
  }
  for (const char* fraction : {"0.5", "1.1", "100m", "1500m", "1e-1", "0.0005k", "0.000000000000000000000000001"}) {
    auto r = parse_k8s_bytes(fraction);
    ASSERT_TRUE(r.ok()) << fraction;
    EXPECT_TRUE(r.value().fraction_of_a_byte) << fraction;
    EXPECT_EQ(r.value().bytes, parse_k8s_quantity(fraction).value()) << fraction;
  }
  EXPECT_FALSE(parse_k8s_bytes("-1").ok());
  // CPU quantities are another grammar, untouched: half a core is a core count.
  EXPECT_DOUBLE_EQ(parse_k8s_cpu("0.5").value(), 0.5);
  EXPECT_DOUBLE_EQ(parse_k8s_cpu("500m").value(), 0.5);
}

TEST(K8sQuantity, RejectsGarbageNegativeAndOverflow) {
  for (const char* bad : {"", "16GB", "16gi", "Gi", "1.2.3", "abc", "-1Gi", "16 Gi", "1Zi",
                          "99999999999999999999999999Ei", "2Ei", "1e400", "0x10"}) {
    auto r = parse_k8s_quantity(bad);
    EXPECT_FALSE(r.ok()) << "accepted \"" << bad << "\"";
    if (!r.ok()) {
      EXPECT_NE(r.error().message.find("quantity"), std::string::npos);
    }
  }
}

uint64_t redis(const char* text) {
  auto r = parse_redis_memory(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? r.value() : 0;
}

TEST(K8sCpu, CoresAndMillicores) {
  EXPECT_DOUBLE_EQ(*parse_k8s_cpu("500m"), 0.5);
  EXPECT_DOUBLE_EQ(*parse_k8s_cpu("0.5"), 0.5);
  EXPECT_DOUBLE_EQ(*parse_k8s_cpu("2"), 2.0);
  EXPECT_DOUBLE_EQ(*parse_k8s_cpu("101m"), 0.101);
  EXPECT_DOUBLE_EQ(*parse_k8s_cpu("+1.5"), 1.5);
  EXPECT_DOUBLE_EQ(*parse_k8s_cpu(".25"), 0.25);
  // Kept to the milli-core, rounded up, as apimachinery stores it: a finer
  // figure modelled a fork child living 83 billion seconds.
  EXPECT_DOUBLE_EQ(*parse_k8s_cpu("0.0000000001"), 0.001);
  EXPECT_DOUBLE_EQ(*parse_k8s_cpu("1.0001"), 1.001);
  for (const char* bad : {"", "m", ".", "0", "0m", "-1", "1x", "1Gi", "1.2.3", "1e3", "5000", "nan", "inf",
                          "1 m", "99999999999999999999999999999999999999"}) {
    auto r = parse_k8s_cpu(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_NE(r.error().message.find(bad), std::string::npos) << r.error().message;
    }
  }
}

TEST(RedisMemory, UnitsAsMemtoull) {
  EXPECT_EQ(redis("1k"), 1000ULL);
  EXPECT_EQ(redis("1kb"), 1024ULL);
  EXPECT_EQ(redis("1KB"), 1024ULL);
  EXPECT_EQ(redis("2m"), 2000000ULL);
  EXPECT_EQ(redis("2Mb"), 2097152ULL);
  EXPECT_EQ(redis("1g"), 1000000000ULL);
  EXPECT_EQ(redis("32gb"), 34359738368ULL);
  EXPECT_EQ(redis("100b"), 100ULL);
  EXPECT_EQ(redis("34359738368"), 34359738368ULL);
  // memtoull quirk: no digits before a valid unit reads as 0.
  EXPECT_EQ(redis(""), 0ULL);
  EXPECT_EQ(redis("mb"), 0ULL);
}

TEST(RedisMemory, RejectsWhatRedisRejects) {
  for (const char* bad : {"1.5gb", "-1", "1tb", "1t", "16Gi", "1 gb", "1e9", "0x10", "abc"}) {
    EXPECT_FALSE(parse_redis_memory(bad).ok()) << "accepted \"" << bad << "\"";
  }
}

TEST(RedisMemory, Percentages) {
  auto p = parse_redis_memory_or_percent("10%");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->is_percent);
  EXPECT_EQ(p->percent, 10);
  auto b = parse_redis_memory_or_percent("64mb");
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->is_percent);
  EXPECT_EQ(b->bytes, 64ULL << 20);
  EXPECT_FALSE(parse_redis_memory_or_percent("101%").ok());
  EXPECT_FALSE(parse_redis_memory_or_percent("-5%").ok());
  EXPECT_FALSE(parse_redis_memory_or_percent("%").ok());
}

// quantity_fuzz found a signed overflow summing the digits of a long
// non-percentage (UBSan: build-asan catches a regression here).
TEST(RedisMemory, LongNonPercentagesAreRejectedWithoutOverflow) {
  for (const char* bad : {"Ti8888888830%", "99999999999999999999%", "1x2345678901234%"}) {
    EXPECT_FALSE(parse_redis_memory_or_percent(bad).ok()) << bad;
  }
}

TEST(Format, ShortestExactKubernetesSpelling) {
  EXPECT_EQ(format_k8s_quantity(17179869184ULL), "16Gi");
  EXPECT_EQ(format_k8s_quantity(536870912ULL), "512Mi");
  EXPECT_EQ(format_k8s_quantity(1536ULL << 20), "1536Mi");
  EXPECT_EQ(format_k8s_quantity(1001), "1001");
  // Decimal units where they are the shorter exact form: a limit written
  // 32G reads back as 32G, not 31250000Ki; binary wins a tie.
  EXPECT_EQ(format_k8s_quantity(1000), "1k");
  EXPECT_EQ(format_k8s_quantity(32'000'000'000ULL), "32G");
  EXPECT_EQ(format_k8s_quantity(4'000'000'000ULL), "4G");
  EXPECT_EQ(format_k8s_quantity(1000ULL << 20), "1000Mi");
  EXPECT_EQ(format_k8s_quantity(1'500'000'000ULL), "1500M");
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(32ULL << 30), "32.0 GiB");
}

// Prose beside a quantity that has no unit: 1.1Gi is 1181116007 bytes.
TEST(Format, QuantityWordsGiveABareByteCountItsSize) {
  EXPECT_EQ(quantity_words(1181116007ULL), "1181116007 (1.1 GiB)");
  EXPECT_EQ(quantity_words(512ULL << 20), "512Mi");
  EXPECT_EQ(quantity_words(1001), "1001");
}

TEST(Format, RoundTripsThroughTheParser) {
  for (uint64_t v : {1ULL, 1000ULL, 1024ULL, 3ULL << 20, 48ULL << 30, 17179869185ULL, 32'000'000'000ULL}) {
    auto back = parse_k8s_quantity(format_k8s_quantity(v));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back.value(), v);
  }
}

}  // namespace
}  // namespace redisfit
