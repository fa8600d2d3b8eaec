// The entrypoint wrapper of `redisfit guard --exec -- redis-server ...`: runs
// the server as our child in the same container (so the same cgroup and the
// same limit), forwards the signals kubelet and the runtime send, and ends
// with the child's exit status.
//
// Why it forwards rather than handles: Redis's own SIGTERM/SIGINT handler
// (server.c:sigShutdownHandler) is what performs a clean shutdown, including
// the final RDB save when save points are configured and the AOF fsync; a
// wrapper that stopped the server any other way could lose data. So every
// forwarded signal reaches redis-server unchanged, and the wrapper never
// restarts it: kubelet owns restarts (restartPolicy, CrashLoopBackOff).
//
// As PID 1 of a container the wrapper is also the reaper of orphans (a
// BGSAVE child whose parent died), so it reaps every child, not only its own.
//
// Usage contract: call block_signals() in main() before any thread exists, so
// every thread inherits the mask and the signals are taken only by the relay
// thread (sigwait); spawn() restores the default mask in the child.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace redisfit::live {

// SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 (forwarded) and SIGCHLD.
void block_relayed_signals();

// Exit code for a wait status: the child's exit code, or 128 + signal number
// when a signal ended it (the shell's and kubelet's convention).
int exit_code_of(int wait_status);

// A child process started with fork + execvp. Error when the program cannot
// be executed (reported by the child through a close-on-exec pipe, so a
// missing redis-server is an error here, not a mysterious exit 127).
Result<pid_t> spawn_child(const std::vector<std::string>& argv);

// Where execvp would find `program`: a name with a slash is a path, any other
// is looked up in each directory of PATH (glibc's "/bin:/usr/bin" when PATH is
// unset). Checked before anything else, so a mistyped server is the error
// named, not a later one; spawn_child still reports what exec itself says.
Result<std::string> find_executable(const std::string& program);

// Waits in its own thread for the relayed signals.
//  * with a child: forwards SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2
//    to it; on_terminate(sig) is called for SIGTERM, SIGINT and SIGQUIT (the
//    guard stops changing maxmemory while the server shuts down); when the
//    child exits its status is kept and the relay ends;
//  * without a child (sidecar): the first SIGTERM, SIGINT or SIGQUIT calls
//    on_terminate and ends the relay.
class SignalRelay {
 public:
  SignalRelay(std::optional<pid_t> child, std::function<void(int)> on_terminate);
  ~SignalRelay();  // detaches: a relay still in sigwait ends with the process
  SignalRelay(const SignalRelay&) = delete;
  SignalRelay& operator=(const SignalRelay&) = delete;

  // Blocks until the relay ended (child exited, or a terminating signal
  // without a child) or `timeout` passed. True when ended.
  bool wait_for_end(std::chrono::milliseconds timeout);
  // The child's exit code (exit_code_of) once it exited.
  std::optional<int> child_exit_code() const;

 private:
  void run();
  std::optional<pid_t> child_;
  std::function<void(int)> on_terminate_;
  mutable std::mutex mutex_;
  std::condition_variable ended_cv_;
  bool ended_ = false;
  std::optional<int> exit_code_;
};

}  // namespace redisfit::live
