// redisfit's own containers in a Redis pod (deploy/kubernetes/): its image is
// a sidecar, not a Redis, and `redisfit guard --exec -- redis-server ...`
// starts the server lint must judge (issue 15: lint flagged its own examples
// RF000 three times).
#include <gtest/gtest.h>

#include "sources/workloads/image_ref.h"
#include "sources/workloads/server_argv.h"

namespace redisfit::workloads {
namespace {

ServerLaunch launch(std::vector<std::string> command, const char* image) {
  ContainerCommand c{command, {}, !command.empty(), false, {}};
  return find_server_launch(c, classify_image(parse_image_ref(image)));
}

TEST(RedisfitContainers, TheRedisfitImageIsNoRedis) {
  for (const char* image : {"redisfit:0.1.0", "ghcr.io/example/redisfit:latest", "redisfit"}) {
    const ImageKind kind = classify_image(parse_image_ref(image));
    EXPECT_TRUE(kind.redisfit) << image;
    EXPECT_EQ(kind.family, ImageFamily::kNone) << image;
  }
  // A Redis image that merely has redisfit added stays a Redis image.
  EXPECT_EQ(classify_image(parse_image_ref("redis-redisfit:7.0")).family, ImageFamily::kOtherNamedRedis);
  EXPECT_FALSE(classify_image(parse_image_ref("redis:7.0")).redisfit);
}

TEST(RedisfitContainers, GuardExecStartsTheServerAfterTheDashes) {
  auto l = launch({"redisfit", "guard", "--exec", "--interval", "5s", "--", "redis-server", "/etc/redis/redis.conf",
                   "--maxmemory", "1gb"},
                  "redis-redisfit:7.0");
  EXPECT_EQ(l.program, ServerProgram::kDataServer);
  ASSERT_TRUE(l.config_file.has_value());
  EXPECT_EQ(*l.config_file, "/etc/redis/redis.conf");
  EXPECT_EQ(l.overrides, (std::vector<std::string>{"--maxmemory", "1gb"}));
  EXPECT_NE(l.how.find("redisfit guard --exec"), std::string::npos) << l.how;
  EXPECT_EQ(launch({"/usr/local/bin/kubectl-redisfit", "guard", "--exec", "--", "valkey-server"}, "valkey/valkey:8").program,
            ServerProgram::kDataServer);
}

TEST(RedisfitContainers, OtherRedisfitCommandsStartNoServer) {
  // The guard as a sidecar, the exporter: they talk to Redis, they are not it.
  EXPECT_NE(launch({"redisfit", "guard", "--redis", "redis://127.0.0.1:6379"}, "redisfit:0.1.0").program,
            ServerProgram::kDataServer);
  EXPECT_NE(launch({"redisfit", "exporter", "--", "redis-server"}, "redisfit:0.1.0").program,
            ServerProgram::kDataServer);  // "--" without guard --exec is not a launch
}

}  // namespace
}  // namespace redisfit::workloads
