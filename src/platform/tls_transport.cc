// rediss:// transport. Debian's hiredis 0.14 has no TLS, so we open the TCP
// socket ourselves (non-blocking connect bounded by connect_timeout), run the
// OpenSSL handshake (SNI, verification against the system CA store or
// --tls-ca, host/IP name check), write commands formatted by
// redisFormatCommandArgv and parse replies with hiredis's reader. After the
// TCP connect the socket does not block: the handshake, and each command's
// write and reply (read_one_reply: at most kMaxReplyBytes), are bounded as a
// whole by read_timeout, every wait a poll (wait_until).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "platform/input_file.h"
#include "platform/redis_transport.h"

namespace redisfit::platform::detail {
namespace {

// The CA bundle, client certificate and key are read by the bounded input
// reader (input_file.h) and handed to OpenSSL from memory, never opened by
// OpenSSL from their paths: its fopen of a FIFO waits for a writer forever,
// and /dev/zero would be read until memory ran out. A system CA bundle is
// about 200 KiB; 4 MiB is room for any real one.
constexpr size_t kMaxPemFileBytes = 4u << 20;

Result<std::string> read_pem_file(const std::string& path) {
  return read_input_file(path, InputFileRules{.max_bytes = kMaxPemFileBytes});
}

BIO* pem_bio(const std::string& pem) { return BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())); }

// Every certificate (and CRL) of a PEM bundle into the context's store, as
// SSL_CTX_load_verify_locations(file) does; false when it holds none.
bool add_ca_bundle(SSL_CTX* ctx, const std::string& pem) {
  BIO* bio = pem_bio(pem);
  STACK_OF(X509_INFO)* infos = bio ? PEM_X509_INFO_read_bio(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (infos == nullptr) return false;
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  int added = 0;
  for (int i = 0; i < sk_X509_INFO_num(infos); ++i) {
    X509_INFO* info = sk_X509_INFO_value(infos, i);
    if (info->x509 != nullptr && X509_STORE_add_cert(store, info->x509) == 1) ++added;
    if (info->crl != nullptr) X509_STORE_add_crl(store, info->crl);
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  return added > 0;
}

// The first certificate as the client's, the rest as its chain, as
// SSL_CTX_use_certificate_chain_file does.
bool use_certificate_chain(SSL_CTX* ctx, const std::string& pem) {
  BIO* bio = pem_bio(pem);
  if (bio == nullptr) return false;
  X509* leaf = PEM_read_bio_X509_AUX(bio, nullptr, nullptr, nullptr);
  bool ok = leaf != nullptr && SSL_CTX_use_certificate(ctx, leaf) == 1;
  X509_free(leaf);
  if (ok) {
    SSL_CTX_clear_chain_certs(ctx);
    while (X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
      if (SSL_CTX_add0_chain_cert(ctx, ca) != 1) {
        X509_free(ca);
        ok = false;
        break;
      }
    }
    if (ok) ERR_clear_error();  // the end of the bundle leaves a "no start line" error
  }
  BIO_free(bio);
  return ok;
}

bool use_private_key(SSL_CTX* ctx, const std::string& pem) {
  BIO* bio = pem_bio(pem);
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  const bool ok = key != nullptr && SSL_CTX_use_PrivateKey(ctx, key) == 1;
  EVP_PKEY_free(key);
  return ok;
}

std::string openssl_error() {
  unsigned long e = ERR_get_error();
  if (e == 0) return std::strerror(errno);
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// Connects a TCP socket to host:port within `timeout`, trying each address.
Result<int> tcp_connect(const std::string& host, int port, std::chrono::milliseconds timeout,
                        const std::string& where) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
  if (rc != 0) return Error{where, "cannot resolve host: " + std::string(gai_strerror(rc))};
  std::string last = "no address";
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    int r = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (r != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      r = poll(&p, 1, static_cast<int>(timeout.count()));
      if (r == 0) {
        last = "no answer within " + describe_ms(timeout);
        close(fd);
        continue;
      }
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      r = err == 0 ? 0 : -1;
      errno = err;
    }
    if (r != 0) {
      last = std::strerror(errno);
      close(fd);
      continue;
    }
    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    freeaddrinfo(res);
    return fd;
  }
  freeaddrinfo(res);
  return Error{where, "cannot connect: " + last};
}

class TlsConnection final : public RedisConnection {
 public:
  TlsConnection(int fd, SSL_CTX* ctx, SSL* ssl, std::string where, std::chrono::milliseconds read_timeout)
      : fd_(fd), ctx_(ctx), ssl_(ssl), reader_(redisReaderCreate()), where_(std::move(where)),
        read_timeout_(read_timeout) {
    if (reader_) bound_reply_size(reader_);
  }
  ~TlsConnection() override {
    if (ssl_) {
      SSL_shutdown(ssl_);
      SSL_free(ssl_);
    }
    if (ctx_) SSL_CTX_free(ctx_);
    if (fd_ >= 0) close(fd_);
    if (reader_) redisReaderFree(reader_);
  }
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  Result<RespValue> command(const std::vector<std::string>& argv) override {
    if (broken_) return Error{where_, "connection already failed"};
    detail::HiredisArgv args(argv);
    char* buf = nullptr;
    int n = redisFormatCommandArgv(&buf, args.count(), args.pointers.data(), args.lengths.data());
    if (n < 0) return Error{where_, "cannot format " + argv.at(0)};
    std::string out(buf, static_cast<size_t>(n));
    redisFreeCommand(buf);
    const auto deadline = std::chrono::steady_clock::now() + read_timeout_;
    // The socket is non-blocking (see open_tls): OpenSSL says what it waits
    // for, and every wait is a poll bounded by the deadline.
    for (size_t off = 0; off < out.size();) {
      int w = SSL_write(ssl_, out.data() + off, static_cast<int>(out.size() - off));
      if (w > 0) {
        off += static_cast<size_t>(w);
        continue;
      }
      const int e = SSL_get_error(ssl_, w);
      if (e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ) return fail(argv.at(0), w);
      if (wait_until(fd_, e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, deadline) != Wait::kReady) {
        broken_ = true;
        return Error{where_, "cannot send " + argv.at(0) + " within " + describe_ms(read_timeout_)};
      }
    }
    int last = 0;  // SSL_read's last result, for fail()
    void* reply = nullptr;
    const ReplyStatus status = read_one_reply(
        reader_, fd_, deadline,
        [&](char* buf, size_t len) {
          last = SSL_read(ssl_, buf, static_cast<int>(len));
          if (last > 0) return static_cast<long>(last);
          const int e = SSL_get_error(ssl_, last);
          if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return kWouldBlock;
          return e == SSL_ERROR_ZERO_RETURN ? 0L : -1L;
        },
        [this] { return SSL_pending(ssl_) > 0; }, &reply);
    switch (status) {
      case ReplyStatus::kReply: {
        RespValue v = to_resp_value(static_cast<redisReply*>(reply));
        freeReplyObject(reply);
        return v;
      }
      case ReplyStatus::kTimeout:
        broken_ = true;
        return Error{where_, "no reply to " + argv.at(0) + " within " + describe_ms(read_timeout_) +
                                 " (server stopped, overloaded, or not Redis)"};
      case ReplyStatus::kTooLarge:
        broken_ = true;
        return Error{where_, too_large_reply(argv.at(0))};
      case ReplyStatus::kReaderError:
        broken_ = true;
        if (auto refused = take_refused_reply()) return Error{where_, *refused + " in reply to " + argv.at(0)};
        return Error{where_, "protocol error in reply to " + argv.at(0) + ": " + std::string(reader_->errstr)};
      default: return fail(argv.at(0), last);
    }
  }

  const std::string& where() const override { return where_; }
  bool closed_while_idle() const override {
    return broken_ || SSL_pending(ssl_) > 0 || detail::idle_socket_closed(fd_);
  }

 private:
  Error fail(const std::string& cmd, int rc) {
    broken_ = true;
    int e = SSL_get_error(ssl_, rc);
    if (e == SSL_ERROR_ZERO_RETURN) return Error{where_, "server closed the TLS connection during " + cmd};
    return Error{where_, cmd + " failed over TLS: " + openssl_error()};
  }

  int fd_;
  SSL_CTX* ctx_;
  SSL* ssl_;
  redisReader* reader_;
  std::string where_;
  std::chrono::milliseconds read_timeout_;
  bool broken_ = false;
};

// After a failed handshake, why? A plaintext Redis port reads the
// ClientHello as an unfinished inline command and never answers, so the
// handshake only times out. Asked a plaintext "PING\r\n" on a fresh
// connection, Redis answers "+PONG" or "-NOAUTH ..." (RESP), an HTTP server
// "HTTP/1.1 400". Empty when the port says neither.
std::string plaintext_diagnosis(const RedisEndpoint& endpoint, const ConnectOptions& options) {
  // A plaintext Redis answers PING at once; the TLS handshake before this has
  // already spent the whole read_timeout, so this look is short (a silent
  // listener took twice the timeout when it waited as long again).
  const auto wait = std::min(options.read_timeout, std::chrono::milliseconds(300));
  auto fd = tcp_connect(endpoint.host, endpoint.port, std::min(options.connect_timeout, wait), endpoint.display());
  if (!fd) return "";
  timeval tv{static_cast<time_t>(wait.count() / 1000), static_cast<suseconds_t>((wait.count() % 1000) * 1000)};
  setsockopt(*fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char first = 0;
  const bool answered = send(*fd, "PING\r\n", 6, MSG_NOSIGNAL) == 6 && recv(*fd, &first, 1, 0) == 1;
  close(*fd);
  if (answered && (first == '+' || first == '-'))
    return "the port speaks plaintext Redis, not TLS: use redis:// instead of rediss://";
  if (answered && first == 'H') return "not a Redis server: got an HTTP reply (a web or /metrics port?)";
  return "";
}

// The CA bundle (or the system store), the client certificate and its key
// into `ctx`; the message of an error names the file and what is wrong.
Status load_tls_files(SSL_CTX* ctx, const ConnectOptions& options) {
  if (!options.tls_ca_file.empty()) {
    auto pem = read_pem_file(options.tls_ca_file);
    if (!pem) return Error{"--tls-ca", "cannot read CA file " + options.tls_ca_file + ": " + pem.error().message};
    if (!add_ca_bundle(ctx, *pem))
      return Error{"--tls-ca", "cannot read CA file " + options.tls_ca_file + ": no PEM certificate in it"};
  } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
    return Error{"TLS", "cannot load the system CA store: " + openssl_error()};
  }
  if (!options.tls_cert_file.empty()) {
    auto cert = read_pem_file(options.tls_cert_file);
    if (!cert)
      return Error{"--tls-cert", "cannot read client certificate " + options.tls_cert_file + ": " + cert.error().message};
    if (!use_certificate_chain(ctx, *cert))
      return Error{"--tls-cert", "cannot read client certificate " + options.tls_cert_file + ": " + openssl_error()};
    const std::string& key = options.tls_key_file.empty() ? options.tls_cert_file : options.tls_key_file;
    auto key_pem = read_pem_file(key);
    if (!key_pem) return Error{"--tls-key", "cannot read client key " + key + ": " + key_pem.error().message};
    if (!use_private_key(ctx, *key_pem)) return Error{"--tls-key", "cannot read client key " + key + ": " + openssl_error()};
  } else if (!options.tls_key_file.empty()) {
    return Error{"--tls-key", "a client key needs its certificate: give --tls-cert too"};
  }
  return Ok{};
}

}  // namespace

Result<std::unique_ptr<RedisConnection>> open_tls(const RedisEndpoint& endpoint, const ConnectOptions& options) {
  const std::string where = endpoint.display();
  auto fd = tcp_connect(endpoint.host, endpoint.port, options.connect_timeout, where);
  if (!fd) return fd.error();

  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = nullptr;
  auto give_up = [&](const std::string& msg) {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
    close(*fd);
    return Error{where, msg};
  };
  if (ctx == nullptr) return give_up("cannot create a TLS context: " + openssl_error());
  if (Status st = load_tls_files(ctx, options); !st) return give_up(st.error().message);
  SSL_CTX_set_verify(ctx, options.tls_insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);

  ssl = SSL_new(ctx);
  if (ssl == nullptr) return give_up("cannot create a TLS session: " + openssl_error());
  const std::string name = options.tls_server_name.empty() ? endpoint.host : options.tls_server_name;
  const bool ip = is_ip_literal(name);
  if (!ip) SSL_set_tlsext_host_name(ssl, name.c_str());  // SNI is for DNS names only (RFC 6066)
  if (!options.tls_insecure) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str()) : X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0);
    if (ok != 1) return give_up("cannot set the name to verify: " + openssl_error());
  }
  SSL_set_fd(ssl, *fd);
  // The socket does not block from here on: the handshake, as every reply
  // after it, is bounded by one deadline for all of it, not per read (a
  // server trickling its records a byte at a time would hold a blocking
  // SSL_connect for as long as it kept sending).
  if (const int flags = fcntl(*fd, F_GETFL); flags < 0 || fcntl(*fd, F_SETFL, flags | O_NONBLOCK) < 0)
    return give_up(std::string("cannot make the socket non-blocking: ") + std::strerror(errno));
  const auto deadline = std::chrono::steady_clock::now() + options.read_timeout;
  int rc = 0;
  bool timed_out = false;
  for (;;) {
    rc = SSL_connect(ssl);
    if (rc == 1) break;
    const int want = SSL_get_error(ssl, rc);
    if (want != SSL_ERROR_WANT_READ && want != SSL_ERROR_WANT_WRITE) break;
    const Wait w = wait_until(*fd, want == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, deadline);
    timed_out = w == Wait::kTimeout;
    if (w != Wait::kReady) break;
  }
  if (rc != 1) {
    long verify = SSL_get_verify_result(ssl);
    int e = SSL_get_error(ssl, rc);
    if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH)
      return give_up(std::string("TLS certificate not for this name: ") + X509_verify_cert_error_string(verify) +
                     " (give the name it was issued for with --tls-server-name, or --insecure to skip verification)");
    if (verify != X509_V_OK)
      return give_up(std::string("TLS certificate not trusted: ") + X509_verify_cert_error_string(verify) +
                     " (use --tls-ca FILE, or --insecure to skip verification)");
    const std::string ssl_reason = openssl_error();
    if (std::string plain = plaintext_diagnosis(endpoint, options); !plain.empty())
      return give_up("TLS handshake failed: " + plain);
    if (timed_out) return give_up("TLS handshake: no answer within " + describe_ms(options.read_timeout));
    if (e == SSL_ERROR_SYSCALL || e == SSL_ERROR_ZERO_RETURN)
      return give_up("TLS handshake failed: the server closed the connection (is this a TLS port?)");
    return give_up("TLS handshake failed: " + ssl_reason);
  }
  return std::unique_ptr<RedisConnection>(new TlsConnection(*fd, ctx, ssl, where, options.read_timeout));
}

}  // namespace redisfit::platform::detail

namespace redisfit::platform {

Status check_tls_files(const ConnectOptions& options) {
  if (options.tls_ca_file.empty() && options.tls_cert_file.empty() && options.tls_key_file.empty()) return Ok{};
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return Error{"TLS", "cannot create a TLS context: " + detail::openssl_error()};
  Status st = detail::load_tls_files(ctx, options);
  SSL_CTX_free(ctx);
  return st;
}

}  // namespace redisfit::platform
