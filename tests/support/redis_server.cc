#include "support/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace redisfit::testing {
namespace fs = std::filesystem;

bool set_keys(redisContext* c, int keys, const std::string& value, int pipeline) {
  for (int i = 0; i < keys; i += pipeline) {
    const int end = std::min(keys, i + pipeline);
    for (int j = i; j < end; ++j) redisAppendCommand(c, "SET key:%08d %b", j, value.data(), value.size());
    for (int j = i; j < end; ++j) {
      void* reply = nullptr;
      if (redisGetReply(c, &reply) != REDIS_OK) return false;
      freeReplyObject(reply);
    }
  }
  return true;
}

std::string find_redis_server() {
  for (const char* candidate : {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
    if (access(candidate, X_OK) == 0) return candidate;
  }
  return "";
}

int free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    socklen_t len = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "redisfit-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::write_file(const std::string& name, const std::string& content) const {
  std::string full = path_ + "/" + name;
  fs::create_directories(fs::path(full).parent_path());
  std::ofstream(full, std::ios::binary) << content;
  return full;
}

RedisServer::RedisServer(const std::string& config_file, const std::vector<std::string>& extra_args,
                         const std::vector<std::string>& seed_files) {
  std::string binary = find_redis_server();
  if (binary.empty()) {
    error_ = "redis-server is not installed (apt-get install redis-server)";
    return;
  }
  for (const auto& file : seed_files) {
    std::error_code ec;
    fs::copy_file(file, fs::path(dir_.path()) / fs::path(file).filename(), ec);
    if (ec) {
      error_ = "cannot copy " + file + " into the server's directory: " + ec.message();
      return;
    }
  }
  port_ = free_loopback_port();
  std::string log = dir_.path() + "/redis.log";
  std::vector<std::string> args = {binary};
  if (!config_file.empty()) args.push_back(config_file);
  for (const auto& a : extra_args) args.push_back(a);
  for (const std::string& a : {std::string("--port"), std::to_string(port_), std::string("--bind"),
                               std::string("127.0.0.1"), std::string("--dir"), dir_.path(),
                               std::string("--daemonize"), std::string("no"), std::string("--logfile"),
                               log, std::string("--save"), std::string("")}) {
    args.push_back(a);
  }
  // The fixture disables RDB snapshots only when the caller did not ask for any.
  bool caller_sets_save = false;
  for (const auto& a : extra_args) caller_sets_save |= (a == "--save");
  if (caller_sets_save || !config_file.empty()) args.resize(args.size() - 2);

  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    exec_argv(args);
  }
  pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "redis-server exited at start-up: " + read_file(log);
      return;
    }
    if (redisContext* c = connect()) {
      redisReply* r = static_cast<redisReply*>(redisCommand(c, "PING"));
      bool up = r && r->type == REDIS_REPLY_STATUS;
      if (r) freeReplyObject(r);
      redisFree(c);
      if (up) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  error_ = "redis-server did not answer PING within 5 s";
  stop();
}

RedisServer::~RedisServer() { stop(); }

void RedisServer::stop() {
  if (conn_) {
    redisFree(conn_);
    conn_ = nullptr;
  }
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

std::string RedisServer::url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

redisContext* RedisServer::connect() const {
  timeval timeout{2, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, timeout);
  if (c == nullptr || c->err) {
    if (c) redisFree(c);
    return nullptr;
  }
  redisSetTimeout(c, timeout);
  return c;
}

ReplyPtr RedisServer::command(const std::vector<std::string>& argv) {
  if (!conn_) conn_ = connect();
  if (!conn_) return nullptr;
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(conn_, static_cast<int>(args.size()), args.data(), lens.data()));
  if (!reply) {
    redisFree(conn_);
    conn_ = nullptr;
  }
  return ReplyPtr(reply);
}

std::optional<std::string> RedisServer::config_get(const std::string& name) {
  auto reply = command({"CONFIG", "GET", name});
  if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) return std::nullopt;
  return std::string(reply->element[1]->str, reply->element[1]->len);
}

std::string source_path(const std::string& relative) {
  return std::string(REDISFIT_SOURCE_DIR) + "/" + relative;
}

}  // namespace redisfit::testing
