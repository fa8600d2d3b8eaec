// redis.conf text (sources/redis_conf.h): the sdssplitargs-style splitter,
// the directive reader and applying directives onto an instance. `include`
// lines are kept as directives (as for text from a manifest): following them
// globs and reads this machine's files, so the fuzzer explores the host's
// filesystem (patterns such as `include .***/.*.***/***r` reach it through
// `..`: executions of up to 121 ms, RSS 834 MB). Following includes is covered by the unit tests
// (tests/sources/redis_conf_test.cc: relative paths, depth, missing, too long
// a name, devices, the size bound).
#include <cstdint>
#include <string_view>

#include "facts/redis_instance.h"
#include "sources/redis_conf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto directives = redisfit::parse_redis_conf_text(text, "fuzz.conf", redisfit::ConfIncludes::kKeep);
  if (!directives) return 0;
  redisfit::RedisInstance instance;
  (void)redisfit::apply_conf(*directives, instance);
  // The same directives as redis-server command-line overrides.
  std::vector<std::string> argv;
  for (const auto& d : *directives) {
    argv.push_back("--" + d.name);
    argv.insert(argv.end(), d.args.begin(), d.args.end());
  }
  if (auto overrides = redisfit::parse_command_line_overrides(argv)) {
    redisfit::RedisInstance again;
    (void)redisfit::apply_conf(*overrides, again);
  }
  return 0;
}
