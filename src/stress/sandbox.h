// The stress sandbox: a real redis-server (Debian package) started inside a
// memory cgroup, in a private temporary directory, on 127.0.0.1 and a free
// port, with a configuration generated from flags or from a user's redis.conf
// plus overrides.
//
// Cleanup contract: every process started here is SIGKILLed and reaped, and
// every directory removed, by the destructors; processes also get
// PR_SET_PDEATHSIG(SIGKILL) so a SIGKILLed redisfit leaves no server behind,
// and the next run removes stale cgroups/directories (see cgroup.h).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace redisfit::stress {

// Set by SIGINT/SIGTERM (install_stop_handlers); every loop of a run polls it.
extern std::atomic<bool> g_stop_requested;
// Installs SIGINT/SIGTERM handlers that set g_stop_requested, and ignores
// SIGPIPE (a client writing to an OOM-killed server must see EPIPE, not die).
void install_stop_handlers();

// What the generated redis.conf says. Directives given here come after the
// user's file (`include`), so they win, as command-line overrides do.
struct ServerConfig {
  std::string user_conf;                      // absolute path or empty
  std::optional<uint64_t> maxmemory_bytes;    // absent: keep the file's / Redis default
  std::string maxmemory_policy;               // empty: keep
  std::optional<bool> appendonly;             // absent: keep
  std::optional<std::string> save;            // "" disables snapshots; absent: keep
  std::vector<std::pair<std::string, std::string>> extra;  // more directives, in order
};

// True for a directive the sandbox sets itself (where the server listens,
// writes and is reached: port, bind, dir, logfile, ...): `--set` refuses it,
// and a --config file's line is left out of the copy the server reads.
bool is_sandbox_placement(const std::string& lower_name);

// `s` as one redis.conf argument: double quotes with backslash escapes, as
// config.c splits a line (sds.c:sdssplitargs).
std::string quote_conf_value(const std::string& s);

// Writes <dir>/redis.conf for `config` on `port` (bind 127.0.0.1, dir, logfile,
// daemonize no forced). The user's file is included as a copy in <dir>, its
// own includes inlined, without placement directives: config.c acts on some
// while it parses, before the generated lines after the include set them
// again (`logfile` opens the file, `dir` changes directory), so the
// original wrote outside the sandbox. Returns its path.
Result<std::string> write_server_config(const std::string& dir, int port, const ServerConfig& config);

// A private directory /tmp/redisfit-stress-<pid>-<n>.XXXXXX, removed on destruction.
class SandboxDir {
 public:
  SandboxDir();
  ~SandboxDir();
  SandboxDir(const SandboxDir&) = delete;
  SandboxDir& operator=(const SandboxDir&) = delete;
  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Removes /tmp/redisfit-stress-<pid>-* directories of runs that are gone.
int remove_stale_dirs();

// A free TCP port on 127.0.0.1.
int pick_free_port();

class RedisProcess {
 public:
  RedisProcess() = default;
  ~RedisProcess();  // kill_and_reap()
  RedisProcess(const RedisProcess&) = delete;
  RedisProcess& operator=(const RedisProcess&) = delete;

  // Forks redis-server `conf_path`; the child joins each cgroup of
  // `cgroup_procs` (their cgroup.procs files: the memory cgroup, and a v1 cpu
  // one) before exec, so every byte it allocates and every CPU second it and
  // its fork children use are charged there.
  Status start(const std::string& conf_path, const std::vector<std::string>& cgroup_procs, int port);
  // Waits until PING answers PONG (not -LOADING), the process exits, the
  // timeout passes, or a stop is requested. Error says which.
  Status wait_ready(double timeout_sec);

  // Non-blocking: the wait status once the process has exited (reaped here).
  std::optional<int> poll_exit();
  // Wait status of the last exit seen by poll_exit(), if any.
  std::optional<int> last_status() const { return last_status_; }
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  void kill_and_reap();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::optional<int> last_status_;
};

// "exit 0", "killed by SIGKILL", ... for a wait status.
std::string describe_wait_status(int status);
// Path of redis-server, or empty.
std::string redis_server_binary();
// The version the sandbox's redis-server reports (`redis-server --version`
// prints "Redis server v=7.0.15 sha=..."): "7.0.15". Error when it is not
// installed or prints no version.
Result<std::string> redis_server_version();

}  // namespace redisfit::stress
