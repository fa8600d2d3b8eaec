// Test support: the programs a test runs as child processes, never through a
// shell: to completion with their output captured (run_process,
// run_redisfit), or in the background with their output in files
// (BackgroundProcess), killed with the test.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace redisfit::testing {

// Result of running a program to completion.
struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// Runs argv[0] with argv (no shell), feeding `stdin_data`, capturing stdout and
// stderr. Used to test the built redisfit binary end to end.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdin_data = "");

// Runs the built redisfit binary with `args`.
ProcessResult run_redisfit(const std::vector<std::string>& args, const std::string& stdin_data = "");

// The result's stdout parsed as JSON; when it is not JSON, a test failure
// showing stdout and stderr, and an empty object (so that the test's lookups
// fail as assertions, not as exceptions).
nlohmann::json json_of(const ProcessResult& result);

// For a forked child: replaces the process with argv[0] run with argv (the
// path as given, PATH not searched). Exits 127, as a shell does, when the
// program cannot be run.
[[noreturn]] void exec_argv(const std::vector<std::string>& argv);

// The whole content of a file; empty when it cannot be read.
std::string read_file(const std::string& path);

// A program running in the background, stdout in `<output_prefix>.out` and
// stderr in `<output_prefix>.err`. SIGKILLed and reaped on destruction if it
// still runs.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& output_prefix);
  ~BackgroundProcess() { kill_and_reap(); }
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const { return pid_; }
  std::string out() const { return read_file(out_); }
  std::string err() const { return read_file(err_); }
  // Waits up to `timeout` for the exit: its wait status, or nullopt when it
  // still runs (or was already reaped).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // SIGTERM, up to `grace` for the exit, then SIGKILL; reaped either way.
  void terminate(std::chrono::milliseconds grace);
  void kill_and_reap();

 private:
  pid_t pid_ = -1;
  std::string out_, err_;
};

}  // namespace redisfit::testing
