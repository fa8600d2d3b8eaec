// A small synchronous control connection to one sandbox redis-server on
// 127.0.0.1 (commands, INFO fields), reconnecting on demand: the sandbox
// restarts its server, and the orchestrator only needs "the answer, or
// unreachable". Built on the one Redis client (platform/redis_client.h) and
// INFO parser (platform/info.h). For the orchestrator, not the hot path.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform/redis_client.h"

namespace redisfit::stress {

class Control {
 public:
  explicit Control(int port, double timeout_sec = 5) : port_(port), timeout_sec_(timeout_sec) {}
  Control(const Control&) = delete;
  Control& operator=(const Control&) = delete;

  // The reply as text: status/string/error text ("ERR ..." for errors, with
  // `is_error` set), integers as decimal, the value of a [name, value] array
  // (CONFIG GET name). nullopt when the server is unreachable.
  std::optional<std::string> command(const std::vector<std::string>& argv, bool* is_error = nullptr);
  // One INFO field's value ("" when absent), nullopt when unreachable.
  std::optional<std::string> info_field(const std::string& section, const std::string& field);
  void close() { connection_.reset(); }

 private:
  bool ensure();
  int port_;
  double timeout_sec_;
  std::unique_ptr<platform::RedisConnection> connection_;
};

// A reply read as an unsigned number; 0 when the server was unreachable or
// answered something else (an error such as a renamed CONFIG's "ERR unknown
// command"): the orchestrator's figures are reports, never worth a crash.
uint64_t reply_u64(const std::optional<std::string>& reply);

// The sandbox server at 127.0.0.1:port, no password.
platform::RedisEndpoint sandbox_endpoint(int port);

}  // namespace redisfit::stress
