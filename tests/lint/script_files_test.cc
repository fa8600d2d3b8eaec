// script_files.h: what a chart's shell script does to files, and the argv it
// starts a server with, read from the script text.
#include "sources/workloads/script_files.h"

#include <gtest/gtest.h>

namespace redisfit::workloads {
namespace {

TEST(ScriptFiles, CopiesAppendsAndEditsInTextOrderWithVariables) {
  const std::string script =
      "REDIS_CONF=/data/conf/redis.conf\n"
      "cp /readonly-config/redis.conf \"${REDIS_CONF}\"\n"
      "echo \"replica-priority 0\" >> ${REDIS_CONF}\n"
      "echo \"slaveof ${1} 6379\" >> \"$REDIS_CONF\"\n"
      "if [ -f /extra/redis.conf ]; then cat /extra/redis.conf >>$REDIS_CONF; fi\n"
      "sed -i \"s/^.*slaveof.*//\" \"${REDIS_CONF}\"\n";
  const ScriptReading r = read_script(script, {});
  ASSERT_EQ(r.ops.size(), 5u);
  EXPECT_EQ(r.ops[0].kind, ScriptFileOp::Kind::kCopy);
  EXPECT_EQ(r.ops[0].source, "/readonly-config/redis.conf");
  EXPECT_EQ(r.ops[0].target, "/data/conf/redis.conf");
  EXPECT_EQ(r.ops[1].kind, ScriptFileOp::Kind::kAppendLine);
  EXPECT_EQ(r.ops[1].source, "replica-priority 0");
  EXPECT_FALSE(r.ops[1].runtime);
  EXPECT_TRUE(r.ops[2].runtime);  // $1 is not known
  EXPECT_EQ(r.ops[3].kind, ScriptFileOp::Kind::kAppendFile);
  EXPECT_EQ(r.ops[3].target, "/data/conf/redis.conf");
  EXPECT_EQ(r.ops[4].kind, ScriptFileOp::Kind::kEdit);
  EXPECT_FALSE(r.starts_server);
}

TEST(ScriptFiles, AFunctionsFileOperationsHappenWhereItIsCalled) {
  // The file is removed, then the function appends to it: the append counts.
  const std::string script =
      "configure() {\n"
      "  echo \"maxmemory 100mb\" >> /data/redis.conf\n"
      "}\n"
      "rm -f /data/redis.conf\n"
      "configure\n";
  const ScriptReading r = read_script(script, {});
  ASSERT_EQ(r.ops.size(), 2u);
  EXPECT_EQ(r.ops[0].kind, ScriptFileOp::Kind::kRemove);
  EXPECT_EQ(r.ops[1].kind, ScriptFileOp::Kind::kAppendLine);
  EXPECT_EQ(r.ops[1].source, "maxmemory 100mb");
}

TEST(ScriptFiles, CallsThatMultiplyRunInTimeLinearInTheScript) {
  // Seven levels of four calls each (calls are followed 8 deep): 16,384
  // runs of the innermost append from 30 written commands. The reader runs
  // at most 16 commands per written one (and one more), so hostile input
  // costs what its length does.
  std::string script = "f0() {\n  echo \"maxmemory 1mb\" >> /c\n}\n";
  for (int i = 1; i <= 7; ++i) {
    const std::string callee = "f" + std::to_string(i - 1);
    script += "f" + std::to_string(i) + "() {\n";
    for (int k = 0; k < 4; ++k) script += "  " + callee + "\n";
    script += "}\n";
  }
  script += "f7\n";
  const ScriptReading r = read_script(script, {});
  EXPECT_GT(r.ops.size(), 0u);
  EXPECT_LE(r.ops.size(), 16u * 31u);
}

TEST(ScriptFiles, ServerArgvFromABashArray) {
  const std::string script =
      "ARGS=(\"--port\" \"${REDIS_PORT}\")\n"
      "ARGS+=(\"--include\" \"/opt/bitnami/redis/etc/redis.conf\")\n"
      "ARGS+=(\"--maxmemory 100mb\")\n"
      "exec redis-server \"${ARGS[@]}\"\n";
  const ScriptReading r = read_script(script, {{"REDIS_PORT", "6379"}});
  ASSERT_TRUE(r.starts_server);
  const std::vector<std::string> argv = {"redis-server", "--port", "6379", "--include",
                                         "/opt/bitnami/redis/etc/redis.conf", "--maxmemory 100mb"};
  EXPECT_EQ(r.server_argv, argv);
  EXPECT_TRUE(r.unresolved_words.empty());
}

TEST(ScriptFiles, ScriptPathOfAContainer) {
  ContainerDecl c;
  c.has_command = true;
  c.command = {"sh"};
  c.args = {"/readonly-config/init.sh"};
  EXPECT_EQ(script_path_of(c).value_or(""), "/readonly-config/init.sh");
  c.command = {"/bin/bash", "-c", "/opt/bitnami/scripts/start-scripts/start-master.sh"};
  c.args.clear();
  EXPECT_EQ(script_path_of(c).value_or(""), "/opt/bitnami/scripts/start-scripts/start-master.sh");
  c.command = {"/scripts/init.sh"};
  EXPECT_EQ(script_path_of(c).value_or(""), "/scripts/init.sh");
  c.command = {"sh", "-c", "redis-server /etc/redis.conf"};
  EXPECT_FALSE(script_path_of(c).has_value());
}

}  // namespace
}  // namespace redisfit::workloads
