// redis.conf text (sources/redis_conf.h): the sdssplitargs-style splitter,
// the directive reader and applying directives onto an instance. `include`
// lines are followed on this machine's disk (as for a file the user names)
// when the input's first byte is even, kept as directives (as for text from a
// manifest) when it is odd: following them globs the filesystem, which is
// slow, so half the inputs exercise the parser alone.
#include <cstdint>
#include <string_view>

#include "facts/redis_instance.h"
#include "sources/redis_conf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto includes = size > 0 && (data[0] & 1) ? redisfit::ConfIncludes::kKeep : redisfit::ConfIncludes::kFollow;
  auto directives = redisfit::parse_redis_conf_text(text, "fuzz.conf", includes);
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
