#include "support/rdb_scenarios.h"

#include <gtest/gtest.h>

#include <random>

namespace redisfit::testing {
namespace {

std::string text(std::mt19937& rng, size_t n) {
  static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string s(n, 'x');
  for (auto& ch : s) ch = kAlphabet[rng() % 62];
  return s;
}

std::string key(const char* prefix, int i) { return std::string(prefix) + ":" + std::to_string(i); }

}  // namespace

void pipeline_commands(redisContext* c, int count, const std::function<std::vector<std::string>(int)>& make) {
  int queued = 0;
  for (int i = 0; i < count; ++i) {
    std::vector<std::string> argv = make(i);
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    for (const auto& a : argv) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
    redisAppendCommandArgv(c, static_cast<int>(argv.size()), ptrs.data(), lens.data());
    if (++queued == 1000) {
      drain_replies(c, queued);
      queued = 0;
    }
  }
  drain_replies(c, queued);
}

void drain_replies(redisContext* c, int count) {
  for (int i = 0; i < count; ++i) {
    void* reply = nullptr;
    ASSERT_EQ(redisGetReply(c, &reply), REDIS_OK) << c->errstr;
    auto* r = static_cast<redisReply*>(reply);
    EXPECT_NE(r->type, REDIS_REPLY_ERROR) << r->str;
    freeReplyObject(r);
  }
}

uint64_t info_used_memory(RedisServer& server) {
  redisContext* c = server.connect();
  if (c == nullptr) return 0;
  auto* r = static_cast<redisReply*>(redisCommand(c, "INFO memory"));
  std::string info = r && r->str ? r->str : "";
  if (r) freeReplyObject(r);
  redisFree(c);
  auto at = info.find("used_memory:");
  return at == std::string::npos ? 0 : std::stoull(info.substr(at + 12));
}

std::vector<RdbScenario> rdb_scenarios() {
  std::vector<RdbScenario> s;
  s.push_back({"strings-embstr", "60k strings of 1-44 bytes (embstr)", [](redisContext* c) {
    std::mt19937 rng(1);
    pipeline_commands(c, 60000, [&](int i) { return std::vector<std::string>{"SET", key("s", i), text(rng, 1 + i % 44)}; });
  }});
  s.push_back({"strings-raw", "1500 strings of 45 B-20 KiB, a third compressible (LZF)", [](redisContext* c) {
    std::mt19937 rng(2);
    pipeline_commands(c, 1500, [&](int i) {
      size_t n = 45 + (static_cast<size_t>(i) * 7919) % 20000;
      return std::vector<std::string>{"SET", key("raw", i), i % 3 == 0 ? std::string(n, 'z') : text(rng, n)};
    });
  }});
  s.push_back({"strings-int", "60k integer strings: shared 0-9999, 32- and 64-bit, negative", [](redisContext* c) {
    pipeline_commands(c, 60000, [&](int i) {
      long long v = i % 4 == 0 ? i % 10000 : i % 4 == 1 ? 100000LL + i : i % 4 == 2 ? -7LL * i : 9000000000000LL + i;
      return std::vector<std::string>{"SET", key("int", i), std::to_string(v)};
    });
  }});
  s.push_back({"hashes-listpack", "8k hashes of 12 fields (listpack)", [](redisContext* c) {
    std::mt19937 rng(3);
    pipeline_commands(c, 8000, [&](int i) {
      std::vector<std::string> argv{"HSET", key("h", i)};
      for (int f = 0; f < 12; ++f) { argv.push_back("field" + std::to_string(f)); argv.push_back(text(rng, 4 + f * 3)); }
      return argv;
    });
  }});
  s.push_back({"hashes-hashtable", "40 hashes of 3000 fields, 300 hashes with one 100-byte value (hashtable)", [](redisContext* c) {
    std::mt19937 rng(4);
    pipeline_commands(c, 40 * 30, [&](int i) {
      std::vector<std::string> argv{"HSET", key("bigh", i / 30)};
      for (int f = 0; f < 100; ++f) { argv.push_back("f" + std::to_string(i % 30 * 100 + f)); argv.push_back(text(rng, 20)); }
      return argv;
    });
    pipeline_commands(c, 300, [&](int i) {
      return std::vector<std::string>{"HSET", key("wideh", i), "a", "1", "b", text(rng, 100), "c", text(rng, 10)};
    });
  }});
  s.push_back({"sets", "3k intsets of 60, 30 sets of 2000 strings, 20 sets of 1000 ints (hashtable)", [](redisContext* c) {
    std::mt19937 rng(5);
    pipeline_commands(c, 3000, [&](int i) {
      std::vector<std::string> argv{"SADD", key("iset", i)};
      for (int m = 0; m < 60; ++m) argv.push_back(std::to_string(static_cast<long long>(rng() % 100000) * (i % 2 ? 1 : 70000)));
      return argv;
    });
    pipeline_commands(c, 30 * 20, [&](int i) {
      std::vector<std::string> argv{"SADD", key("sset", i / 20)};
      for (int m = 0; m < 100; ++m) argv.push_back(text(rng, 8 + m % 30));
      return argv;
    });
    pipeline_commands(c, 20 * 10, [&](int i) {
      std::vector<std::string> argv{"SADD", key("bigiset", i / 10)};
      for (int m = 0; m < 100; ++m) argv.push_back(std::to_string(i % 10 * 100 + m));
      return argv;
    });
  }});
  s.push_back({"zsets", "5k zsets of 20 (listpack, fractional scores), 20 zsets of 4000 (skiplist)", [](redisContext* c) {
    std::mt19937 rng(6);
    pipeline_commands(c, 5000, [&](int i) {
      std::vector<std::string> argv{"ZADD", key("z", i)};
      for (int m = 0; m < 20; ++m) { argv.push_back(std::to_string(m * 1.25 + i)); argv.push_back(text(rng, 6 + m)); }
      return argv;
    });
    pipeline_commands(c, 20 * 40, [&](int i) {
      std::vector<std::string> argv{"ZADD", key("bigz", i / 40)};
      for (int m = 0; m < 100; ++m) { argv.push_back(std::to_string(rng() % 1000000)); argv.push_back(text(rng, 12)); }
      return argv;
    });
  }});
  s.push_back({"lists", "4k lists of 30 items, 10 lists of 30000 items (multi-node quicklists)", [](redisContext* c) {
    std::mt19937 rng(7);
    pipeline_commands(c, 4000, [&](int i) {
      std::vector<std::string> argv{"RPUSH", key("l", i)};
      for (int m = 0; m < 30; ++m) argv.push_back(m % 3 ? text(rng, 5 + m) : std::to_string(m * 1000));
      return argv;
    });
    pipeline_commands(c, 10 * 300, [&](int i) {
      std::vector<std::string> argv{"RPUSH", key("bigl", i / 300)};
      for (int m = 0; m < 100; ++m) argv.push_back(text(rng, 10 + m % 40));
      return argv;
    });
  }});
  s.push_back({"streams", "40 streams of 2000 entries, a group with 500 pending entries and 3 consumers each", [](redisContext* c) {
    std::mt19937 rng(8);
    pipeline_commands(c, 40 * 2000, [&](int i) {
      return std::vector<std::string>{"XADD", key("x", i / 2000), "*", "sensor", std::to_string(i % 97), "reading",
                                      text(rng, 20)};
    });
    pipeline_commands(c, 40, [&](int i) { return std::vector<std::string>{"XGROUP", "CREATE", key("x", i), "g", "0"}; });
    pipeline_commands(c, 40 * 3, [&](int i) {
      return std::vector<std::string>{"XREADGROUP", "GROUP", "g", "consumer-" + std::to_string(i % 3), "COUNT",
                                      "167", "STREAMS", key("x", i / 3), ">"};
    });
  }});
  s.push_back({"expires", "50k strings of 30 bytes with TTLs", [](redisContext* c) {
    std::mt19937 rng(9);
    pipeline_commands(c, 50000, [&](int i) {
      return std::vector<std::string>{"SET", key("ttl", i), text(rng, 30), "EX", std::to_string(3600 + i)};
    });
  }});
  return s;
}

}  // namespace redisfit::testing
