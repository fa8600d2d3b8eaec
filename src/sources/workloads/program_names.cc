// The program names server_argv.h classifies: the words that name a shell, a
// Redis data server or a Redis client tool in a container's command.
#include "sources/workloads/server_argv.h"

namespace redisfit::workloads {

std::string path_basename(const std::string& word) {
  const size_t slash = word.rfind('/');
  return slash == std::string::npos ? word : word.substr(slash + 1);
}

bool is_shell_program(const std::string& word) {
  const std::string b = path_basename(word);
  return b == "sh" || b == "bash" || b == "ash" || b == "dash" || b == "zsh";
}

bool is_shell_command_option(const std::string& word) {
  return word.size() >= 2 && word[0] == '-' && word.find('c') != std::string::npos;
}

bool is_data_server_program(const std::string& word) {
  const std::string b = path_basename(word);
  return b == "redis-server" || b == "valkey-server" || b == "redis-stack-server" || b == "keydb-server";
}

bool is_client_program(const std::string& word) {
  const std::string b = path_basename(word);
  for (const char* prefix : {"redis-", "valkey-", "keydb-"}) {
    if (!b.starts_with(prefix)) continue;
    const std::string_view tool = std::string_view(b).substr(std::string_view(prefix).size());
    return tool == "cli" || tool == "benchmark" || tool == "check-rdb" || tool == "check-aof";
  }
  return false;
}

}  // namespace redisfit::workloads
