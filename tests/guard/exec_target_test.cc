// url_of_exec_command: where the server `guard --exec` starts will listen.
#include "app/exec_target.h"

#include <gtest/gtest.h>

#include "support/redis_server.h"

namespace redisfit::testing {
namespace {

TEST(ExecTarget, TheCommandLineOverridesTheConfigFile) {
  TempDir dir;
  const std::string conf = dir.write_file("redis.conf", "port 7001\n");
  EXPECT_EQ(app::url_of_exec_command({"redis-server", conf}).value(), "redis://127.0.0.1:7001");
  EXPECT_EQ(app::url_of_exec_command({"/usr/bin/redis-server", conf, "--port", "7002"}).value(),
            "redis://127.0.0.1:7002");
  EXPECT_EQ(app::url_of_exec_command({"redis-server", "--port", "7003"}).value(), "redis://127.0.0.1:7003");
  EXPECT_EQ(app::url_of_exec_command({"redis-server"}).value(), "redis://127.0.0.1:6379");
}

TEST(ExecTarget, PortZeroMeansTheUnixSocketOrAnError) {
  TempDir dir;
  const std::string conf = dir.write_file("redis.conf", "port 0\nunixsocket /run/redis.sock\n");
  EXPECT_EQ(app::url_of_exec_command({"redis-server", conf}).value(), "unix:///run/redis.sock");
  auto nowhere = app::url_of_exec_command({"redis-server", "--port", "0"});
  ASSERT_FALSE(nowhere.ok());
  EXPECT_NE(nowhere.error().message.find("--redis"), std::string::npos) << nowhere.error().message;
}

// redis-server would not start on a config file it cannot read; neither
// does the guard guess a port for it.
TEST(ExecTarget, AnUnreadableConfigFileIsAnError) {
  auto missing = app::url_of_exec_command({"redis-server", "/nonexistent/redis.conf"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().describe().find("/nonexistent/redis.conf"), std::string::npos)
      << missing.error().describe();
}

// A script or another program: nothing to read, the default port.
TEST(ExecTarget, AnotherProgramGuardsTheDefaultPort) {
  EXPECT_EQ(app::url_of_exec_command({"sh", "-c", "exec redis-server --port 7004"}).value(), "redis://127.0.0.1:7004");
  EXPECT_EQ(app::url_of_exec_command({"/entrypoint.sh", "--port", "7000"}).value(), "redis://127.0.0.1:6379");
}

}  // namespace
}  // namespace redisfit::testing
