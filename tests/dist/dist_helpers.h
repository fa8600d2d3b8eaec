// Helpers for the distribution tests (header-only; compiled into test_dist).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "support/redis_server.h"

namespace redisfit::testing::dist_helpers {

inline bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// `redisfit probe` run from inside `root` (chroot, so the binary finds nothing
// of this machine's but what the root holds) against a real server: the
// process shares this machine's loopback, so 127.0.0.1 reaches the server.
inline void expect_probe_from_chroot(const std::string& root, const std::string& binary_in_root) {
  RedisServer server("", {"--maxmemory", "64mb"});
  ASSERT_TRUE(server.ok()) << server.error();
  const std::string url = "redis://127.0.0.1:" + std::to_string(server.port());
  auto probe = run_process({"/usr/sbin/chroot", root, binary_in_root, "probe", url, "--limit", "256Mi"});
  EXPECT_EQ(probe.exit_code, 0) << probe.out << probe.err;
  EXPECT_TRUE(has(probe.out, "127.0.0.1:" + std::to_string(server.port()) + "  redis ")) << probe.out;
  EXPECT_TRUE(has(probe.out, "maxmemory    64.0 MiB")) << probe.out;
}

}  // namespace redisfit::testing::dist_helpers
