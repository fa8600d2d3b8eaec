// The value table of the non-memory directives (sources/redis_directive_values.h):
// what each kind accepts and refuses, with redis-server's words, and how the
// DirectiveApplier records a refused value without failing the read.
#include <gtest/gtest.h>

#include <limits>
#include <set>

#include "sources/redis_conf.h"
#include "sources/redis_directive_names.h"
#include "sources/redis_directive_values.h"
#include "sources/redis_directives.h"

namespace redisfit {
namespace {

bool accepted(std::string_view name, const std::string& value) { return !check_directive_value(name, {value}); }

std::string reason(std::string_view name, const std::string& value) {
  auto refusal = check_directive_value(name, {value});
  return refusal ? refusal->reason : "";
}

TEST(DirectiveValues, YesNoIsCaseInsensitiveAndNothingElse) {
  for (const char* v : {"yes", "no", "YES", "No", "yEs"}) EXPECT_TRUE(accepted("daemonize", v)) << v;
  for (const char* v : {"maybe", "1", "0", "true", "", "yes ", " no", "y"}) {
    EXPECT_EQ(reason("protected-mode", v), "argument must be 'yes' or 'no'") << v;
  }
  EXPECT_TRUE(accepted("slave-read-only", "no"));  // aliases are rows of their own
}

TEST(DirectiveValues, EnumsAreCaseInsensitiveAndListTheirNames) {
  for (const char* v : {"everysec", "always", "no", "ALWAYS", "EverySec"}) EXPECT_TRUE(accepted("appendfsync", v)) << v;
  EXPECT_EQ(reason("appendfsync", "sometimes"), "argument(s) must be one of the following: everysec, always, no");
  EXPECT_FALSE(accepted("loglevel", "loud"));
  EXPECT_TRUE(accepted("loglevel", "WARNING"));
  EXPECT_TRUE(accepted("loglevel", "nothing"));  // 7.2's name: the table accepts what any release accepts
  EXPECT_TRUE(accepted("supervised", "auto"));
  EXPECT_FALSE(accepted("supervised", "yes"));
  auto refusal = check_directive_value("loglevel", {"loud"});
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->accepted, "one of: debug, verbose, notice, warning, nothing");
}

TEST(DirectiveValues, BoundedIntegersUseConfigCsBoundsAndWords) {
  for (const char* v : {"0", "1", "500", "501", "2147483647"}) EXPECT_TRUE(accepted("hz", v)) << v;
  EXPECT_EQ(reason("hz", "999999999999"), "argument must be between 0 and 2147483647 inclusive");
  EXPECT_EQ(reason("hz", "2147483648"), "argument must be between 0 and 2147483647 inclusive");
  EXPECT_EQ(reason("hz", "-1"), "argument must be between 0 and 2147483647 inclusive");
  EXPECT_TRUE(accepted("port", "0"));
  EXPECT_TRUE(accepted("port", "65535"));
  EXPECT_FALSE(accepted("port", "65536"));
  EXPECT_FALSE(accepted("port", "70000"));
  EXPECT_FALSE(accepted("databases", "0"));
  EXPECT_FALSE(accepted("databases", "-1"));
  EXPECT_TRUE(accepted("databases", "1"));
  EXPECT_FALSE(accepted("io-threads", "129"));
  EXPECT_FALSE(accepted("active-expire-effort", "11"));
  EXPECT_FALSE(accepted("repl-timeout", "0"));
  EXPECT_FALSE(accepted("slowlog-max-len", "-1"));
  auto refusal = check_directive_value("timeout", {"-5"});
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->accepted, "an integer from 0 to 2147483647");
}

// config.c numericParseString reads a plain integer with util.c:string2ll.
TEST(DirectiveValues, IntegersAreDigitsOnlyAsString2llReadsThem) {
  for (const char* v : {"+5", "05", " 5", "5 ", "5k", "5kb", "1e3", "1.0", "abc", "", "-", "-0", "0x10"}) {
    EXPECT_EQ(reason("tcp-backlog", v), "argument couldn't be parsed into an integer") << v;
  }
  EXPECT_EQ(parse_redis_integer("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(parse_redis_integer("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(parse_redis_integer("9223372036854775808"));
  EXPECT_FALSE(parse_redis_integer("-9223372036854775809"));
  EXPECT_FALSE(parse_redis_integer("99999999999999999999999"));
  EXPECT_EQ(parse_redis_integer("0"), 0);
  EXPECT_EQ(parse_redis_integer("-17"), -17);
}

TEST(DirectiveValues, SignedIntegersTakeTheirNegativeRange) {
  EXPECT_TRUE(accepted("slowlog-log-slower-than", "-1"));
  EXPECT_EQ(reason("slowlog-log-slower-than", "-2"),
            "argument must be between -1 and 9223372036854775807 inclusive");
  EXPECT_TRUE(accepted("list-max-listpack-size", "-2"));
  EXPECT_TRUE(accepted("list-max-ziplist-size", "-2147483648"));
  EXPECT_FALSE(accepted("list-max-ziplist-size", "-2147483649"));
}

TEST(DirectiveValues, MemoryValuesTakeMemtoullUnits) {
  for (const char* v : {"64", "1kb", "1KB", "2k", "1mb", "1gb", "0"}) {
    EXPECT_TRUE(accepted("hash-max-listpack-value", v)) << v;
  }
  for (const char* v : {"-1", "1.5kb", "1tb", "64 kb", "+64", "-"}) {
    EXPECT_EQ(reason("hash-max-listpack-value", v), "argument must be a memory value") << v;
  }
  EXPECT_EQ(reason("active-defrag-ignore-bytes", "0"), "argument must be between 1 and 9223372036854775807 inclusive");
  EXPECT_TRUE(accepted("active-defrag-ignore-bytes", "100mb"));
  EXPECT_TRUE(accepted("stream-node-max-bytes", "-0"));  // 6.2's memtoll reads it as 0
}

TEST(DirectiveValues, OneArgumentOnly) {
  auto refusal = check_directive_value("hz", {"10", "20"});
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason, "wrong number of arguments");
}

TEST(DirectiveValues, NamesOutsideTheTableAreNotJudged) {
  EXPECT_FALSE(check_directive_value("notify-keyspace-events", {"Ex"}));
  EXPECT_FALSE(check_directive_value("bind", {"0.0.0.0", "::"}));
  EXPECT_FALSE(check_directive_value("no-such-directive", {"x"}));
  EXPECT_FALSE(has_value_rule("maxmemory"));  // redis_directives.cc's
}

TEST(DirectiveValues, EveryRowIsADirectiveNameOnce) {
  auto names = value_rule_names();
  EXPECT_GE(names.size(), 100u);
  std::set<std::string_view> seen;
  for (std::string_view n : names) {
    EXPECT_TRUE(is_known_directive_name(n)) << n;
    EXPECT_TRUE(seen.insert(n).second) << n << " twice";
  }
}

TEST(DirectiveValues, TheApplierRecordsARefusedValueAndReadsOn) {
  RedisInstance r;
  DirectiveApplier applier(r, DirectiveMode::kConfigFile);
  const Provenance line2 = Provenance::at(Location{"redis.conf", 2, 0});
  ASSERT_TRUE(applier.apply("maxmemory", {"1gb"}, Provenance::at(Location{"redis.conf", 1, 0})).ok());
  ASSERT_TRUE(applier.apply("HZ", {"999999999999"}, line2).ok());
  ASSERT_TRUE(applier.apply("appendfsync", {"sometimes"}, Provenance::at(Location{"redis.conf", 3, 0})).ok());
  ASSERT_TRUE(applier.apply("maxmemory-policy", {"allkeys-lru"}, Provenance::at(Location{"redis.conf", 4, 0})).ok());
  ASSERT_EQ(r.refused_values.size(), 2u);
  EXPECT_EQ(r.refused_values[0].name, "HZ");
  EXPECT_EQ(r.refused_values[0].value, "999999999999");
  EXPECT_EQ(r.refused_values[0].reason, "argument must be between 0 and 2147483647 inclusive");
  EXPECT_EQ(r.refused_values[0].where.location.line, 2);
  EXPECT_EQ(r.refused_values[1].name, "appendfsync");  // a recognised row of redis_directives.cc is checked too
  EXPECT_EQ(r.maxmemory.bytes, 1ULL << 30);
  EXPECT_EQ(r.maxmemory_policy.value, "allkeys-lru");
}

TEST(DirectiveValues, AParameterMapValueIsCheckedToo) {
  RedisInstance r;
  DirectiveApplier applier(r, DirectiveMode::kReplace);
  ASSERT_TRUE(applier.apply_value("tcp-backlog", "abc", Provenance::at(Location{"c.yaml", 9, 11})).ok());
  ASSERT_EQ(r.refused_values.size(), 1u);
  EXPECT_EQ(r.refused_values[0].reason, "argument couldn't be parsed into an integer");
}

// A running server reports values it accepted (CONFIG GET): nothing to judge.
TEST(DirectiveValues, ALiveServersValuesAreNotRecorded) {
  RedisInstance r;
  DirectiveApplier applier(r, DirectiveMode::kReplace, UnknownNames::kIgnore);
  ASSERT_TRUE(applier.apply_value("hz", "-1", Provenance::live("CONFIG GET")).ok());
  EXPECT_TRUE(r.refused_values.empty());
}

TEST(DirectiveValues, ManyRefusedValuesAreBoundedToAFew) {
  RedisInstance r;
  DirectiveApplier applier(r, DirectiveMode::kConfigFile);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(applier.apply("hz", {"x"}, Provenance::at(Location{"r.conf", i + 1, 0})).ok());
  }
  EXPECT_EQ(r.refused_values.size(), 4u);
}

}  // namespace
}  // namespace redisfit

namespace redisfit {
namespace {

// The values only some releases refuse, with the releases that do; a value
// every release refuses is check_directive_value's, not this one's.
TEST(DirectiveValuesByRelease, NameTheReleasesThatRefuse) {
  auto by_release = [](const char* name, const char* value) {
    return check_directive_value_by_release(name, {value});
  };
  const auto nothing = by_release("loglevel", "NOTHING");
  ASSERT_TRUE(nothing.has_value());
  EXPECT_EQ(nothing->refused_from, "");
  EXPECT_EQ(nothing->accepted_from, "7.2");
  const auto samples = by_release("maxmemory-samples", "65");
  ASSERT_TRUE(samples.has_value());
  EXPECT_EQ(samples->refused_from, "7.4");
  EXPECT_EQ(samples->accepted_from, "");
  EXPECT_FALSE(by_release("maxmemory-samples", "64").has_value());
  const auto minus_zero = by_release("hash-max-listpack-value", "-0");
  ASSERT_TRUE(minus_zero.has_value());
  EXPECT_EQ(minus_zero->refused_from, "7.0");
  EXPECT_FALSE(by_release("hash-max-listpack-value", "-1").has_value());  // every release refuses it
  EXPECT_FALSE(by_release("loglevel", "loud").has_value());
  EXPECT_FALSE(by_release("hz", "10").has_value());
  EXPECT_FALSE(by_release("no-such-directive", "1").has_value());
}

}  // namespace
}  // namespace redisfit
