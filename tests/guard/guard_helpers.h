// Helpers for the guard tests (header-only; compiled into test_guard): a
// memory cgroup the test owns and changes the limit of, a child process with
// its output in files, and "the model's value" computed from the server the
// way the issue defines it (solver over the live facts, dataset filling
// maxmemory).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "live/live_facts.h"
#include "live/server_snapshot.h"
#include "model/solver.h"
#include "platform/redis_client.h"
#include "platform/redis_url.h"

namespace redisfit::testing::guard_helpers {

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A memory cgroup of the test's own, named redisfit-guard-test-<pid>-<n>, v1
// at /sys/fs/cgroup/memory or v2 at /sys/fs/cgroup. The destructor SIGKILLs
// what is still inside (only processes this test put there) and removes it.
class GuardCgroup {
 public:
  explicit GuardCgroup(uint64_t limit_bytes) {
    static std::atomic<int> counter{0};
    const std::string name = "redisfit-guard-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
    namespace fs = std::filesystem;
    if (fs::exists("/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
      dir_ = "/sys/fs/cgroup/memory/" + name;
      limit_file_ = "memory.limit_in_bytes";
    } else if (fs::exists("/sys/fs/cgroup/cgroup.controllers")) {
      dir_ = "/sys/fs/cgroup/" + name;
      limit_file_ = "memory.max";
    } else {
      why_ = "no memory cgroup hierarchy at /sys/fs/cgroup (v1 memory controller or v2)";
      return;
    }
    std::error_code ec;
    if (!fs::create_directory(dir_, ec)) {
      why_ = "cannot create " + dir_ + ": " + ec.message() + " (needs root and a writable cgroup fs)";
      dir_.clear();
      return;
    }
    if (!set_limit(limit_bytes)) why_ = "cannot set " + limit_file_ + " in " + dir_ + " (memory controller not enabled?)";
  }
  ~GuardCgroup() {
    if (dir_.empty()) return;
    for (int round = 0; round < 100; ++round) {
      std::istringstream procs(slurp(dir_ + "/cgroup.procs"));
      bool any = false;
      for (pid_t pid; procs >> pid;) {
        kill(pid, SIGKILL);
        any = true;
      }
      if (!any && rmdir(dir_.c_str()) == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  bool ok() const { return why_.empty(); }
  const std::string& why() const { return why_; }
  const std::string& dir() const { return dir_; }
  bool set_limit(uint64_t bytes) {
    { std::ofstream(dir_ + "/" + limit_file_) << bytes; }
    std::istringstream in(slurp(dir_ + "/" + limit_file_));
    uint64_t got = 0;
    in >> got;
    return got == bytes;
  }

 private:
  std::string dir_, limit_file_, why_;
};

// A process with stdout/stderr in files; SIGKILLed on destruction if alive.
class Process {
 public:
  Process(const std::vector<std::string>& argv, const std::string& dir, const std::string& name)
      : out_(dir + "/" + name + ".out"), err_(dir + "/" + name + ".err") {
    pid_ = fork();
    if (pid_ == 0) {
      int o = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(o, 1);
      dup2(e, 2);
      std::vector<std::string> copy = argv;
      std::vector<char*> args;
      for (auto& a : copy) args.push_back(a.data());
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~Process() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  std::string err() const { return slurp(err_); }
  // Waits up to `timeout` for the exit; the wait status, or nullopt.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (pid_ > 0) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
      if (std::chrono::steady_clock::now() > end) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }

 private:
  pid_t pid_ = -1;
  std::string out_, err_;
};

// Polls `ok` every 20 ms until it holds or `timeout` passes; true when it held.
inline bool eventually(std::chrono::milliseconds timeout, const std::function<bool()>& ok) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ok();
}

// The model's safe maxmemory for `limit_bytes`, from the server's live facts:
// solve_max_maxmemory with the dataset filling maxmemory (`plan --limit`'s
// question, asked with what the server shows).
inline uint64_t model_maxmemory(int port, uint64_t limit_bytes) {
  auto ep = platform::parse_redis_url("redis://127.0.0.1:" + std::to_string(port), std::nullopt);
  if (!ep) return 0;
  auto conn = platform::connect_redis(*ep, {});
  if (!conn) return 0;
  auto snap = live::read_snapshot(**conn);
  if (!snap) return 0;
  live::LiveFacts facts = live::facts_from_snapshot(*snap, Sourced<uint64_t>{limit_bytes, Provenance::given("test")});
  facts.workload.dataset_bytes.reset();
  auto solved = solve_max_maxmemory(facts.instance, facts.workload, limit_bytes);
  return solved ? *solved : 0;
}

// Within the guard's default threshold (2 %, at least 1 MiB) of `expected`:
// the write rate moves between the guard's read and the test's (the test
// takes INFO instantaneous_ops_per_sec, the guard its commandstats
// measurement; on these idle test servers both are near 0).
inline bool near_model(uint64_t value, uint64_t expected) {
  const uint64_t tolerance = std::max<uint64_t>(1ULL << 20, expected / 50);
  return value + tolerance >= expected && value <= expected + tolerance;
}

}  // namespace redisfit::testing::guard_helpers
