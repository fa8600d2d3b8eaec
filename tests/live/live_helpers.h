// Helpers for the live tests (header-only; compiled into test_live).
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "platform/info.h"
#include "support/redis_server.h"
#include "support/silent_listener.h"

namespace redisfit::testing::live_helpers {

// used_memory less what is on its way out, not data: the AOF buffer
// (mem_aof_buffer) and client buffers (mem_clients_normal). With appendonly
// and appendfsync everysec, Redis postpones writing aof_buf for up to 2 s
// while a background fsync is slow (aof.c flushAppendOnlyFile), so on a busy
// disk used_memory right after a pipelined batch can count megabytes of
// commands twice: once as data, once in the buffer.
inline uint64_t held_memory(RedisServer& server) {
  auto r = server.command({"INFO", "memory"});
  if (!r || r->type != REDIS_REPLY_STRING) return 0;
  const auto info = redisfit::platform::parse_info(std::string(r->str, r->len));
  const uint64_t used = info.u64("used_memory").value_or(0);
  const uint64_t passing = info.u64("mem_aof_buffer").value_or(0) + info.u64("mem_clients_normal").value_or(0);
  return used - std::min(used, passing);
}

// Writes `value_bytes` values with pipelined SETs until the memory held
// (held_memory: used_memory less AOF and client buffers) reaches
// `target_bytes`. Bounded: at most 2 M keys and 20 s. Returns that figure.
inline uint64_t fill_to(RedisServer& server, uint64_t target_bytes, size_t value_bytes = 1000) {
  redisContext* c = server.connect();
  if (c == nullptr) return 0;
  const std::string value(value_bytes, 'v');
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  uint64_t used = held_memory(server);
  for (int batch = 0; used < target_bytes && batch < 2000 && std::chrono::steady_clock::now() < deadline; ++batch) {
    uint64_t missing = target_bytes - used;
    int n = static_cast<int>(std::min<uint64_t>(1000, missing / (value_bytes + 100) + 1));
    for (int i = 0; i < n; ++i) {
      std::string key = "k:" + std::to_string(batch) + ":" + std::to_string(i);
      redisAppendCommand(c, "SET %b %b", key.data(), key.size(), value.data(), value.size());
    }
    for (int i = 0; i < n; ++i) {
      void* reply = nullptr;
      if (redisGetReply(c, &reply) != REDIS_OK) break;
      freeReplyObject(reply);
    }
    used = held_memory(server);
  }
  redisFree(c);
  return used;
}

// A program under test in the background (the exporter, redis_exporter), its
// output in <dir>/child.out and <dir>/child.err; killed on destruction.
class Child : public BackgroundProcess {
 public:
  Child(const std::vector<std::string>& argv, const std::string& dir) : BackgroundProcess(argv, dir + "/child") {}
};

// GET http://127.0.0.1:port/path, retrying until the server is up (max ~5 s).
inline std::string http_get(int port, const std::string& path, int* status = nullptr) {
  for (int i = 0; i < 100; ++i) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(10, 0);
    if (auto res = client.Get(path.c_str())) {
      if (status) *status = res->status;
      return res->body;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return "";
}

// Value of the first sample of `metric` in an exposition text, or NaN.
inline double metric_value(const std::string& text, const std::string& metric) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::string name = line.substr(0, line.find_first_of("{ "));
    if (name != metric) continue;
    return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return std::nan("");
}

}  // namespace redisfit::testing::live_helpers
