// Connections to real redis-server processes: plain TCP, unix socket, TLS,
// and every way connecting can fail, each with a clear error within the
// timeout.
#include <gtest/gtest.h>
#include <signal.h>

#include <sys/resource.h>

#include <chrono>

#include "platform/redis_client.h"
#include "platform/redis_url.h"
#include "support/scripted_listener.h"
#include "support/silent_listener.h"
#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

using namespace std::chrono_literals;
using platform::connect_redis;
using platform::ConnectOptions;
using platform::parse_redis_url;

platform::RedisEndpoint endpoint(const std::string& url) {
  auto ep = parse_redis_url(url, std::nullopt);
  EXPECT_TRUE(ep.ok()) << url;
  return *ep;
}

// The fixture waits for PING, which a password-protected server refuses, so
// the password is set once the server is up (existing connections stay
// authenticated).
void require_password(RedisServer& server, const std::string& password) {
  auto r = server.command({"CONFIG", "SET", "requirepass", password});
  ASSERT_TRUE(r && r->type == REDIS_REPLY_STATUS);
}

ConnectOptions fast() {
  ConnectOptions o;
  o.connect_timeout = 1000ms;
  o.read_timeout = 1000ms;
  return o;
}

TEST(Connection, ReadsInfoOverTcp) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  auto conn = connect_redis(endpoint(server.url()), fast());
  ASSERT_TRUE(conn.ok()) << conn.error().describe();
  auto reply = conn.value()->command({"INFO", "server"});
  ASSERT_TRUE(reply.ok());
  EXPECT_NE(reply->str.find("tcp_port:" + std::to_string(server.port())), std::string::npos);
  EXPECT_EQ(conn.value()->where(), "127.0.0.1:" + std::to_string(server.port()));
}

TEST(Connection, UnixSocketAndDatabase) {
  TempDir dir;
  std::string sock = dir.path() + "/redis.sock";
  RedisServer server("", {"--unixsocket", sock, "--unixsocketperm", "700"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto conn = connect_redis(endpoint("unix://" + sock + "?db=3"), fast());
  ASSERT_TRUE(conn.ok()) << conn.error().describe();
  ASSERT_TRUE(conn.value()->command({"SET", "in-db-3", "x"}).ok());
  auto db3 = server.command({"SELECT", "3"});
  auto got = server.command({"EXISTS", "in-db-3"});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->integer, 1);
}

TEST(Connection, PasswordFromUrlAndAclUser) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  require_password(server, "s3cret");
  const std::string port = std::to_string(server.port());
  EXPECT_TRUE(connect_redis(endpoint("redis://:s3cret@127.0.0.1:" + port), fast()).ok());
  // An ACL user (Redis 6+): AUTH user password.
  auto setuser = server.command({"ACL", "SETUSER", "watcher", "on", ">w@tch", "+info", "+ping", "+config|get", "+memory"});
  ASSERT_TRUE(setuser && setuser->type == REDIS_REPLY_STATUS);
  auto acl = connect_redis(endpoint("redis://watcher:w%40tch@127.0.0.1:" + port), fast());
  EXPECT_TRUE(acl.ok()) << acl.error().describe();
  // REDISCLI_AUTH-style password passed as the environment fallback.
  auto env = parse_redis_url("redis://127.0.0.1:" + port, std::string("s3cret"));
  ASSERT_TRUE(env.ok());
  EXPECT_TRUE(connect_redis(*env, fast()).ok());
}

TEST(Connection, WrongPasswordIsReportedPlainly) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  require_password(server, "s3cret");
  const std::string port = std::to_string(server.port());
  auto wrong = connect_redis(endpoint("redis://:nope@127.0.0.1:" + port), fast());
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("authentication failed"), std::string::npos) << wrong.error().describe();
  EXPECT_EQ(wrong.error().describe().find("nope"), std::string::npos) << "the password must never be echoed";
  auto missing = connect_redis(endpoint("redis://127.0.0.1:" + port), fast());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("requires a password"), std::string::npos) << missing.error().describe();
  EXPECT_EQ(wrong.error().message.find("REDISCLI_AUTH"), std::string::npos) << wrong.error().describe();
  // A wrong password from REDISCLI_AUTH (the URL gives none) says where it came from.
  auto from_env = parse_redis_url("redis://127.0.0.1:" + port, std::string("bad"));
  ASSERT_TRUE(from_env.ok());
  auto env_wrong = connect_redis(*from_env, fast());
  ASSERT_FALSE(env_wrong.ok());
  EXPECT_NE(env_wrong.error().message.find("the password is REDISCLI_AUTH's"), std::string::npos)
      << env_wrong.error().describe();
}

// REDISCLI_AUTH is the shell's, set for every server it reaches: a server
// without a password is read anyway (redis-cli warns and goes on). A
// password the URL gives to such a server is a mistake, said as one. A URL
// that names a user but no password is told to give that user's.
TEST(Connection, TheEnvironmentsPasswordDoesNotStopAServerWithoutOne) {
  RedisServer open_server;
  ASSERT_TRUE(open_server.ok()) << open_server.error();
  const std::string port = std::to_string(open_server.port());
  auto from_env = parse_redis_url("redis://127.0.0.1:" + port, std::string("env-secret"));
  ASSERT_TRUE(from_env.ok());
  EXPECT_TRUE(from_env->password_from_environment);
  auto conn = connect_redis(*from_env, fast());
  EXPECT_TRUE(conn.ok()) << conn.error().describe();
  auto in_url = connect_redis(endpoint("redis://:url-secret@127.0.0.1:" + port), fast());
  ASSERT_FALSE(in_url.ok());
  EXPECT_NE(in_url.error().message.find("no password set but the URL gives one"), std::string::npos)
      << in_url.error().describe();

  RedisServer locked;
  ASSERT_TRUE(locked.ok()) << locked.error();
  require_password(locked, "s3cret");
  auto user_only = connect_redis(endpoint("redis://mon@127.0.0.1:" + std::to_string(locked.port())), fast());
  ASSERT_FALSE(user_only.ok());
  EXPECT_NE(user_only.error().message.find("redis://mon:PASSWORD@"), std::string::npos) << user_only.error().describe();
}

// A URL that names a user but no password logs in as that user (AUTH user
// "": a nopass ACL user accepts it). It read the server as the default user
// and said nothing of the user named.
TEST(Connection, AUserNamedWithoutAPasswordIsTheUserLoggedIn) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  const std::string port = std::to_string(server.port());
  auto setuser = server.command({"ACL", "SETUSER", "mon", "on", "nopass", "+ping", "+info", "+acl|whoami"});
  ASSERT_TRUE(setuser && setuser->type == REDIS_REPLY_STATUS);
  auto as_mon = connect_redis(endpoint("redis://mon@127.0.0.1:" + port), fast());
  ASSERT_TRUE(as_mon.ok()) << as_mon.error().describe();
  auto who = as_mon.value()->command({"ACL", "WHOAMI"});
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->str, "mon");
  // A user the server does not have is refused, naming it.
  auto unknown = connect_redis(endpoint("redis://nobody@127.0.0.1:" + port), fast());
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("user 'nobody'"), std::string::npos) << unknown.error().describe();
}

TEST(Connection, ClosedPortFailsFast) {
  int port = free_loopback_port();
  auto start = std::chrono::steady_clock::now();
  auto conn = connect_redis(endpoint("redis://127.0.0.1:" + std::to_string(port)), fast());
  ASSERT_FALSE(conn.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_NE(conn.error().message.find("cannot connect"), std::string::npos) << conn.error().describe();
  EXPECT_NE(conn.error().message.find("refused"), std::string::npos) << conn.error().describe();
}

TEST(Connection, SilentListenerTimesOutWithinTheTimeout) {
  SilentListener silent;
  auto start = std::chrono::steady_clock::now();
  auto conn = connect_redis(endpoint("redis://127.0.0.1:" + std::to_string(silent.port())), fast());
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(conn.ok());
  EXPECT_NE(conn.error().message.find("no reply"), std::string::npos) << conn.error().describe();
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 2500ms);
}

// The read timeout bounds a whole reply, not each read: a reply that
// trickles in a byte every 100 ms kept a blocking hiredis call alive for as
// long as the endpoint kept sending.
TEST(Connection, ADrippingReplyTimesOutWithinTheTimeout) {
  ScriptedListener drip(ScriptedListener::Misbehaviour::kDrip);
  auto conn = connect_redis(endpoint("redis://127.0.0.1:" + std::to_string(drip.port())), fast());
  ASSERT_TRUE(conn.ok()) << conn.error().describe();
  auto start = std::chrono::steady_clock::now();
  auto info = conn.value()->command({"INFO", "memory"});
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.error().message.find("no reply to INFO within 1000 ms"), std::string::npos) << info.error().describe();
  EXPECT_LT(took, 2500ms);
}

// The TLS handshake too is bounded as a whole: a server that trickles its
// first record held a blocking SSL_connect for as long as it kept sending.
TEST(Connection, ATricklingTlsHandshakeTimesOutWithinTheTimeout) {
  ScriptedListener trickle(ScriptedListener::Misbehaviour::kTlsTrickle);
  ConnectOptions o = fast();
  o.tls_insecure = true;
  auto start = std::chrono::steady_clock::now();
  auto conn = connect_redis(endpoint("rediss://127.0.0.1:" + std::to_string(trickle.port())), o);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(conn.ok());
  EXPECT_NE(conn.error().message.find("TLS handshake"), std::string::npos) << conn.error().describe();
  // The handshake's 1 s, then one short plaintext PING (at most 300 ms) to
  // tell what the port speaks: it took twice the timeout when that PING
  // waited a whole read_timeout too.
  EXPECT_LT(took, 1800ms);
}

// A reply is read up to kMaxReplyBytes: an endpoint announcing a gigabyte
// made the reader buffer all of it (2.9 GB of RSS in probe and the exporter).
TEST(Connection, AGigabyteReplyIsRefusedAtTheBound) {
  ScriptedListener flood(ScriptedListener::Misbehaviour::kFlood);
  auto conn = connect_redis(endpoint("redis://127.0.0.1:" + std::to_string(flood.port())), fast());
  ASSERT_TRUE(conn.ok()) << conn.error().describe();
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  auto info = conn.value()->command({"INFO", "memory"});
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.error().message.find("larger than 8 MiB"), std::string::npos) << info.error().describe();
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 64 * 1024) << "KiB of peak RSS added";
}

// A bulk reply announcing more than the bound is refused at its header, not
// after the timeout while the rest never comes (docs/probe.md).
TEST(Connection, AnAnnouncedOversizedReplyIsRefusedAtItsHeader) {
  ScriptedListener announce(ScriptedListener::Misbehaviour::kAnnounce);
  auto conn = connect_redis(endpoint("redis://127.0.0.1:" + std::to_string(announce.port())), fast());
  ASSERT_TRUE(conn.ok()) << conn.error().describe();
  auto start = std::chrono::steady_clock::now();
  auto info = conn.value()->command({"INFO", "memory"});
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.error().message.find("larger than 8 MiB"), std::string::npos) << info.error().describe();
  EXPECT_LT(took, 500ms);
}

TEST(Connection, StoppedServerTimesOut) {
  RedisServer server;
  ASSERT_TRUE(server.ok()) << server.error();
  ASSERT_EQ(kill(server.pid(), SIGSTOP), 0);
  auto start = std::chrono::steady_clock::now();
  auto conn = connect_redis(endpoint(server.url()), fast());
  auto took = std::chrono::steady_clock::now() - start;
  kill(server.pid(), SIGCONT);
  ASSERT_FALSE(conn.ok());
  EXPECT_NE(conn.error().message.find("no reply to PING"), std::string::npos) << conn.error().describe();
  EXPECT_LT(took, 2500ms);
}

TEST(Connection, TlsAgainstRealServer) {
  TempDir dir;
  const std::string cert = dir.path() + "/cert.pem", key = dir.path() + "/key.pem";
  auto gen = run_process({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
                          cert, "-days", "1", "-subj", "/CN=localhost", "-addext",
                          "subjectAltName=IP:127.0.0.1,DNS:localhost"});
  if (gen.exit_code != 0) GTEST_SKIP() << "openssl CLI could not make a certificate: " << gen.err;
  const int tls_port = free_loopback_port();
  RedisServer server("", {"--tls-port", std::to_string(tls_port), "--tls-cert-file", cert, "--tls-key-file", key,
                          "--tls-ca-cert-file", cert, "--tls-auth-clients", "no"});
  if (!server.ok() && server.error().find("TLS") != std::string::npos)
    GTEST_SKIP() << "this redis-server has no TLS support: " << server.error();
  ASSERT_TRUE(server.ok()) << server.error();
  require_password(server, "pw");
  const std::string url = "rediss://:pw@127.0.0.1:" + std::to_string(tls_port);

  ConnectOptions verified = fast();
  verified.tls_ca_file = cert;
  auto conn = connect_redis(endpoint(url), verified);
  ASSERT_TRUE(conn.ok()) << conn.error().describe();
  auto info = conn.value()->command({"INFO", "server"});
  ASSERT_TRUE(info.ok());
  EXPECT_NE(info->str.find("redis_version:"), std::string::npos);
  // A large reply crosses many TLS records and reader feeds.
  std::string big(300000, 'x');
  ASSERT_TRUE(conn.value()->command({"SET", "big", big}).ok());
  auto back = conn.value()->command({"GET", "big"});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->str, big);

  // Self-signed and not trusted: refused unless --insecure.
  auto untrusted = connect_redis(endpoint(url), fast());
  ASSERT_FALSE(untrusted.ok());
  EXPECT_NE(untrusted.error().message.find("not trusted"), std::string::npos) << untrusted.error().describe();
  ConnectOptions insecure = fast();
  insecure.tls_insecure = true;
  EXPECT_TRUE(connect_redis(endpoint(url), insecure).ok());

  // The certificate names 127.0.0.1 and localhost, not other.example.
  ConnectOptions wrong_name = verified;
  wrong_name.tls_server_name = "other.example";
  auto mismatch = connect_redis(endpoint(url), wrong_name);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.error().message.find("--tls-server-name"), std::string::npos) << mismatch.error().describe();

  // TLS to the plain port: a clear handshake error, not a hang.
  auto plain = connect_redis(endpoint("rediss://:pw@127.0.0.1:" + std::to_string(server.port())), verified);
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.error().message.find("TLS"), std::string::npos) << plain.error().describe();
}

}  // namespace
}  // namespace redisfit::testing
