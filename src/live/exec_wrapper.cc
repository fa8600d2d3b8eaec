#include "live/exec_wrapper.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace redisfit::live {
namespace {

sigset_t relayed_set() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD}) sigaddset(&set, sig);
  return set;
}

// A regular file we may execute (a directory has the x bit too).
bool runnable(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

bool terminates(int sig) { return sig == SIGTERM || sig == SIGINT || sig == SIGQUIT; }

}  // namespace

void block_relayed_signals() {
  sigset_t set = relayed_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

Result<std::string> find_executable(const std::string& program) {
  if (program.empty()) return Error{"--exec", "no program given after --"};
  if (program.find('/') != std::string::npos) {
    if (runnable(program)) return program;
    return Error{program, "cannot execute: not an executable file"};
  }
  const char* env = std::getenv("PATH");
  const std::string path = env ? env : "/bin:/usr/bin";
  for (size_t start = 0; start <= path.size();) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    // An empty PATH entry is the current directory, as for execvp.
    const std::string dir = end > start ? path.substr(start, end - start) : ".";
    if (runnable(dir + "/" + program)) return dir + "/" + program;
    start = end + 1;
  }
  return Error{program, "cannot execute: not found in PATH (" + path + ")"};
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

Result<pid_t> spawn_child(const std::vector<std::string>& argv) {
  if (argv.empty()) return Error{"--exec", "no program given after --"};
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Error{"--exec", std::string("pipe: ") + std::strerror(errno)};
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return Error{"--exec", std::string("fork: ") + std::strerror(errno)};
  }
  if (pid == 0) {
    // The child: default mask and dispositions, then the program. Only
    // async-signal-safe calls between fork and exec.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    close(fds[0]);
    execvp(args[0], args.data());
    int err = errno;
    (void)!write(fds[1], &err, sizeof err);
    _exit(127);
  }
  close(fds[1]);
  int err = 0;
  ssize_t n;
  do n = read(fds[0], &err, sizeof err);
  while (n < 0 && errno == EINTR);
  close(fds[0]);
  if (n == static_cast<ssize_t>(sizeof err)) {
    waitpid(pid, nullptr, 0);
    return Error{argv[0], std::string("cannot execute: ") + std::strerror(err)};
  }
  return pid;
}

SignalRelay::SignalRelay(std::optional<pid_t> child, std::function<void(int)> on_terminate)
    : child_(child), on_terminate_(std::move(on_terminate)) {
  std::thread([this] { run(); }).detach();
}

SignalRelay::~SignalRelay() {
  // The detached thread refers to this object: wait until it has ended when
  // it will end by itself (with a child), otherwise it stays in sigwait on a
  // set nobody else takes and ends with the process.
  if (child_) wait_for_end(std::chrono::hours(24 * 365));
}

void SignalRelay::run() {
  const sigset_t set = relayed_set();
  bool ended = false;
  while (!ended) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGCHLD) {
      // Reap everything (PID 1 duty); keep our child's status.
      int status = 0;
      pid_t pid;
      while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (child_ && pid == *child_) {
          std::lock_guard lock(mutex_);
          exit_code_ = exit_code_of(status);
          ended = true;
        }
      }
      continue;
    }
    if (child_) {
      kill(*child_, sig);
      if (terminates(sig) && on_terminate_) on_terminate_(sig);
    } else if (terminates(sig)) {
      if (on_terminate_) on_terminate_(sig);
      ended = true;
    }
  }
  std::lock_guard lock(mutex_);
  ended_ = true;
  ended_cv_.notify_all();
}

bool SignalRelay::wait_for_end(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return ended_cv_.wait_for(lock, timeout, [&] { return ended_; });
}

std::optional<int> SignalRelay::child_exit_code() const {
  std::lock_guard lock(mutex_);
  return exit_code_;
}

}  // namespace redisfit::live
