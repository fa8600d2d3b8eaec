// JsonOut (src/render/json_out.h) writes the bytes nlohmann::json::dump(2)
// writes for the same value: checked on values built to cover every token,
// and on lint's JSON of every fixture (the streamed output must be nlohmann's
// own serialisation of what it parses to, so key order and layout match).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/json_text.h"
#include "lint_test_support.h"
#include "render/json_out.h"
#include "support/process.h"

namespace redisfit {
namespace {

// Writes `j` through JsonOut, keys in the order nlohmann's map keeps them.
void write(render::JsonOut& o, const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object:
      o.begin_object();
      for (const auto& [k, v] : j.items()) {
        o.key(k);
        write(o, v);
      }
      o.end_object();
      break;
    case nlohmann::json::value_t::array:
      o.begin_array();
      for (const auto& v : j) write(o, v);
      o.end_array();
      break;
    case nlohmann::json::value_t::string: o.value(j.get_ref<const std::string&>()); break;
    case nlohmann::json::value_t::boolean: o.value(j.get<bool>()); break;
    case nlohmann::json::value_t::number_integer: o.value(j.get<int64_t>()); break;
    case nlohmann::json::value_t::number_unsigned: o.value(j.get<uint64_t>()); break;
    case nlohmann::json::value_t::number_float: o.value(j.get<double>()); break;
    default: o.null();
  }
}

std::string all_control_bytes() {
  std::string s;
  for (int c = 0; c < 0x20; ++c) s += static_cast<char>(c);
  return s + "\x7f\"\\/ plain";
}

TEST(JsonOut, SameBytesAsNlohmannDump) {
  const nlohmann::json j = {
      {"zeta", nlohmann::json::object()},
      {"alpha", nlohmann::json::array()},
      {"nested", {{"b", {1, -2, 3.5, 0.1, 1e-7, 1e300, true, false, nullptr}}, {"a", {{"x", "y"}}}}},
      {"text", all_control_bytes()},
      {"utf8", "grüße ✓ 数据"},
      {"max", UINT64_MAX},
      {"min", INT64_MIN},
      {"whole", 2.0},
      {"list", {nlohmann::json::object(), nlohmann::json::array(), {{"k", nlohmann::json::array({"v"})}}}},
      {"key \"quoted\"\n", "v"}};
  render::JsonOut o;
  write(o, j);
  EXPECT_EQ(o.text(), j.dump(2));
  // Nested 4 deep: every line after the first shifted by 4, as an array item.
  render::JsonOut item(4);
  write(item, j);
  std::string shifted;
  for (const char c : j.dump(2)) {
    shifted += c;
    if (c == '\n') shifted += "    ";
  }
  EXPECT_EQ(item.text(), shifted);
}

// Text that is not UTF-8 (a byte of a redis.conf) is written with U+FFFD
// in place of each bad byte, as dump_json writes a tree holding it.
TEST(JsonOut, InvalidUtf8IsReplacedAsDumpJsonDoes) {
  const std::string bad = "a\xff" "b";
  render::JsonOut o;
  o.value(bad);
  EXPECT_EQ(o.text(), dump_json(nlohmann::json(bad)));
  EXPECT_EQ(o.text(), "\"a\xEF\xBF\xBD" "b\"");
}

// lint -o json over every fixture (text, unreadable, Sentinels, suppressed
// findings): the streamed bytes are nlohmann's dump(2) of their own parse.
TEST(JsonOut, LintJsonIsNlohmannsSerialisation) {
  for (const char* dir : {"", "real", "rendered"}) {
    auto r = testing::run_redisfit({"lint", "--fail-on", "never", "-o", "json", lint_test::fixture(dir)});
    const auto parsed = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << dir;
    EXPECT_GT(parsed["components"].size(), 2u) << dir;
    EXPECT_EQ(r.out, parsed.dump(2) + "\n") << dir;
  }
  // No component: the envelope alone, "components": [].
  auto empty = testing::run_redisfit({"lint", "-o", "json", lint_test::fixture("broken.yaml")});
  const auto parsed = nlohmann::json::parse(empty.out, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << empty.out;
  EXPECT_EQ(empty.out, parsed.dump(2) + "\n");
}

}  // namespace
}  // namespace redisfit
