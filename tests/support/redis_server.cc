#include "support/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace redisfit::testing {
namespace fs = std::filesystem;

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
    std::vector<char*> cargv;
    for (auto& a : args) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::ifstream in(log);
      std::stringstream ss;
      ss << in.rdbuf();
      error_ = "redis-server exited at start-up: " + ss.str();
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

namespace {
// Drains both pipes concurrently so a chatty child cannot block on a full pipe.
void drain(int out_fd, int err_fd, std::string& out, std::string& err) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? out : err).append(buf, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
}
}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdin_data) {
  ProcessResult result;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) return result;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    std::vector<char*> cargv;
    std::vector<std::string> copy = argv;
    for (auto& a : copy) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  std::thread writer([&] {
    signal(SIGPIPE, SIG_IGN);
    size_t off = 0;
    while (off < stdin_data.size()) {
      ssize_t n = write(in_pipe[1], stdin_data.data() + off, stdin_data.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(in_pipe[1]);
  });
  drain(out_pipe[0], err_pipe[0], result.out, result.err);
  writer.join();
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

ProcessResult run_redisfit(const std::vector<std::string>& args, const std::string& stdin_data) {
  std::vector<std::string> argv = {REDISFIT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, stdin_data);
}

std::string source_path(const std::string& relative) {
  return std::string(REDISFIT_SOURCE_DIR) + "/" + relative;
}

}  // namespace redisfit::testing
