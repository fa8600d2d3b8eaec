// Test support: a real redis-server (Debian package) on 127.0.0.1 and a free
// port, in a private temporary directory. No mocks: tests talk to this.
#pragma once

#include <hiredis/hiredis.h>
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/process.h"  // run_process, run_redisfit: most tests that start a server run the binary too

namespace redisfit::testing {

// Path to redis-server, or empty when it is not installed.
std::string find_redis_server();

// A free TCP port on 127.0.0.1 (bound and released; a tiny race is accepted).
int free_loopback_port();

// A fresh directory under $TMPDIR, removed recursively on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::string write_file(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

struct RedisReplyDeleter {
  void operator()(redisReply* r) const { if (r) freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, RedisReplyDeleter>;

// SET key:%08d `value` for keys [0, keys), `pipeline` commands per round
// trip: the fill the real-server model tests measure. False when a reply
// cannot be read.
bool set_keys(redisContext* c, int keys, const std::string& value, int pipeline);

class RedisServer {
 public:
  // Starts redis-server with `config_file` (may be empty) followed by extra
  // command-line arguments ("--maxmemory", "100mb", ...). Port, bind, dir,
  // daemonize no, and logfile are forced by the fixture. Waits until PING
  // answers (max ~5 s). On failure ok() is false and error() says why,
  // including redis-server's own log.
  // Files in `seed_files` are copied into dir() (by base name) before the
  // server starts, e.g. a dump.rdb for it to load.
  explicit RedisServer(const std::string& config_file = "",
                       const std::vector<std::string>& extra_args = {},
                       const std::vector<std::string>& seed_files = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  bool ok() const { return pid_ > 0; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string url() const;
  const std::string& dir() const { return dir_.path(); }

  // A new connection (caller frees with redisFree). Null on failure.
  redisContext* connect() const;
  // Runs a command on a cached connection. Null on connection failure.
  ReplyPtr command(const std::vector<std::string>& argv);
  // CONFIG GET name -> value, or nullopt.
  std::optional<std::string> config_get(const std::string& name);

  void stop();

 private:
  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::string error_;
  redisContext* conn_ = nullptr;
};

// Absolute path of a file in the source tree (REDISFIT_SOURCE_DIR).
std::string source_path(const std::string& relative);

}  // namespace redisfit::testing
