// Test support: a loopback TCP port that accepts connections in the kernel
// and never answers, to test timeouts (header-only).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace redisfit::testing {

// A TCP socket on loopback that listens but never accepts nor answers: the
// kernel completes the handshake (backlog), then nothing is ever read.
// A listening TCP socket on 127.0.0.1 with a port the kernel chose; returns
// the socket and stores the port.
inline int listen_on_loopback(int backlog, int& port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(fd, backlog);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

class SilentListener {
 public:
  SilentListener() { fd_ = listen_on_loopback(16, port_); }
  ~SilentListener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace redisfit::testing
