#include "model/load_target.h"

#include <cstdio>
#include <limits>

namespace redisfit {

std::string LoadTarget::name() const {
  if (!label.empty()) return label;
  return std::string(valkey ? "Valkey " : "Redis ") + std::to_string(major) + "." + std::to_string(minor);
}

Result<LoadTarget> parse_load_target(const std::string& text) {
  LoadTarget t;
  std::string s = text;
  if (s.rfind("valkey-", 0) == 0 || s.rfind("valkey", 0) == 0) {
    t.valkey = true;
    s = s.substr(s.find_first_of("0123456789") == std::string::npos ? s.size() : s.find_first_of("0123456789"));
  }
  int major = 0, minor = 0;
  if (std::sscanf(s.c_str(), "%d.%d", &major, &minor) != 2)
    return Error{"--redis-version", "'" + text + "' is not a version like 7.2 or valkey-8.0"};
  // Valkey 7.2/8.x keep Redis 7.2's encodings; 8.0 embeds keys (not modelled:
  // docs/rdb.md says how far that moves the estimate).
  int effective_major = major, effective_minor = minor;
  if (t.valkey) {
    // Valkey's first release is 7.2.4 (forked from Redis 7.2.4): 7.0 and
    // 7.1 name no Valkey, and the major alone let them through.
    if (major < 7 || major > 8 || (major == 7 && minor < 2))
      return Error{"--redis-version", "Valkey " + s + " is outside 7.2 .. 8.x"};
    effective_major = 7;
    effective_minor = 2;
  } else if (major < 6 || (major == 6 && minor < 2) || major > 7 || (major == 7 && minor > 4)) {
    return Error{"--redis-version", "Redis " + s + " is outside what the model covers (6.2 .. 7.4)"};
  }
  t.major = effective_major;
  t.minor = effective_minor;
  t.version_source = "flag --redis-version " + text;
  if (t.valkey) t.label = "Valkey " + std::to_string(major) + "." + std::to_string(minor) + " (Redis 7.2 encodings)";
  return t;
}

uint64_t next_power_of_two(uint64_t n) {
  constexpr uint64_t kLargest = uint64_t{1} << 63;  // _dictNextExp's cap (sizes from LONG_MAX up)
  if (n > kLargest) return kLargest;
  uint64_t size = 4;  // DICT_HT_INITIAL_SIZE
  while (size < n) size *= 2;  // ends: size reaches n <= 2^63 without wrapping
  return size;
}

uint64_t dict_buckets_bytes(uint64_t entries) {
  if (entries == 0) return 0;
  uint64_t buckets = next_power_of_two(entries);
  if (buckets > std::numeric_limits<uint64_t>::max() / sizeof(void*)) return std::numeric_limits<uint64_t>::max();
  return sizeof(void*) * buckets;
}

uint64_t dict_presized_keys(uint64_t hint) {
  return next_power_of_two(hint) > kDictMaxExpandBuckets ? 0 : hint;
}

}  // namespace redisfit
