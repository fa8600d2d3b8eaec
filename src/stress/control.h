// A small synchronous control connection to one redis-server (commands,
// INFO fields), reconnecting on demand. For the orchestrator, not the hot path.
#pragma once

#include <hiredis/hiredis.h>

#include <optional>
#include <string>
#include <vector>

namespace redisfit::stress {

class Control {
 public:
  explicit Control(int port, double timeout_sec = 5) : port_(port), timeout_sec_(timeout_sec) {}
  ~Control() { close(); }
  Control(const Control&) = delete;
  Control& operator=(const Control&) = delete;

  // The reply as text: status/string/error text ("ERR ..." for errors, with
  // `is_error` set), integers as decimal. nullopt when the server is unreachable.
  std::optional<std::string> command(const std::vector<std::string>& argv, bool* is_error = nullptr);
  // One INFO field's value ("" when absent), nullopt when unreachable.
  std::optional<std::string> info_field(const std::string& section, const std::string& field);
  void close();

 private:
  bool ensure();
  int port_;
  double timeout_sec_;
  redisContext* c_ = nullptr;
};

// Value of `field` in INFO text, "" when absent.
std::string info_value(const std::string& info, const std::string& field);

}  // namespace redisfit::stress
