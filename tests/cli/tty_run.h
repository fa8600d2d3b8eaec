// Runs a program with a pseudo-terminal as its stdin, stdout and stderr, the
// way a user at a terminal runs redisfit: what colour and progress lines need
// to be tested (isatty() is true only on a real terminal device).
#pragma once

#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "support/process.h"

namespace redisfit::testing {

struct TtyResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr as the terminal showed them (one stream)
};

// `env`: variables set (name, value) or, with an empty value, unset in the child.
inline TtyResult run_on_tty(const std::vector<std::string>& argv,
                            const std::vector<std::pair<std::string, std::string>>& env = {}) {
  TtyResult result;
  int master = -1;
  struct winsize size {};
  size.ws_col = 200;
  size.ws_row = 50;
  const pid_t pid = forkpty(&master, nullptr, nullptr, &size);
  if (pid < 0) return result;
  if (pid == 0) {
    for (const auto& [name, value] : env) {
      if (value.empty()) unsetenv(name.c_str());
      else setenv(name.c_str(), value.c_str(), 1);
    }
    exec_argv(argv);
  }
  char buf[4096];
  for (;;) {
    const ssize_t n = read(master, buf, sizeof buf);
    if (n > 0) {
      result.output.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;  // EIO once the child and its terminal are gone
  }
  close(master);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace redisfit::testing
