#include "sources/redis_conf.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "sources/redis_directives.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

std::vector<std::string> split(const char* line) {
  auto r = split_redis_args(line);
  EXPECT_TRUE(r.ok()) << line;
  return r.ok() ? r.value() : std::vector<std::string>{};
}

TEST(SplitArgs, QuotesAndEscapesAsSdssplitargs) {
  EXPECT_EQ(split("save 900 1"), (std::vector<std::string>{"save", "900", "1"}));
  EXPECT_EQ(split("save \"\""), (std::vector<std::string>{"save", ""}));
  EXPECT_EQ(split("x \"a b\\n\\x41\" 'it\\'s'"), (std::vector<std::string>{"x", "a b\nA", "it's"}));
  EXPECT_EQ(split("   maxmemory\t\t1gb   "), (std::vector<std::string>{"maxmemory", "1gb"}));
  EXPECT_EQ(split("x 'no \\n escape'"), (std::vector<std::string>{"x", "no \\n escape"}));
}

TEST(SplitArgs, UnbalancedQuotesFail) {
  EXPECT_FALSE(split_redis_args("maxmemory \"1gb").ok());
  EXPECT_FALSE(split_redis_args("maxmemory '1gb").ok());
  EXPECT_FALSE(split_redis_args("maxmemory \"1\"gb").ok());  // closing quote must be followed by space
}

RedisInstance apply_text(const std::string& text) {
  RedisInstance r;
  auto d = parse_redis_conf_text(text, "t.conf");
  EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().describe());
  if (d.ok()) {
    Status s = apply_conf(d.value(), r);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().describe());
  }
  return r;
}

TEST(RedisConf, LastDirectiveWinsAndSourcesPointAtLines) {
  RedisInstance r = apply_text("# comment\nmaxmemory 1gb\n\nMAXMEMORY 2gb\nmaxmemory-policy allkeys-lru\n");
  EXPECT_EQ(r.maxmemory.bytes, 2ULL << 30);
  EXPECT_EQ(r.maxmemory.origin, MaxmemoryOrigin::kExplicit);
  EXPECT_EQ(r.maxmemory.source.describe(), "t.conf:4");
  EXPECT_EQ(r.maxmemory_policy.value, "allkeys-lru");
}

TEST(RedisConf, SaveLinesAccumulateAndEmptyClears) {
  RedisInstance defaults;
  EXPECT_EQ(defaults.save_points.value.size(), 3u);  // Redis's built-in schedule
  RedisInstance r = apply_text("save 900 1\nsave 300 10\n");
  EXPECT_EQ(r.save_points.value, (std::vector<SavePoint>{{900, 1}, {300, 10}}));
  RedisInstance cleared = apply_text("save 900 1\nsave \"\"\n");
  EXPECT_TRUE(cleared.save_points.value.empty());
  RedisInstance cleared_then_set = apply_text("save \"\"\nsave 60 5\n");
  EXPECT_EQ(cleared_then_set.save_points.value, (std::vector<SavePoint>{{60, 5}}));
  RedisInstance one_arg = apply_text("save \"900 1 300 10\"\n");
  EXPECT_EQ(one_arg.save_points.value, (std::vector<SavePoint>{{900, 1}, {300, 10}}));
}

// replicaof/slaveof mark a replica (the model keeps its writes flowing past
// its own maxmemory); `replicaof no one` makes it a primary again; a line
// without host and port is an error, as it stops redis-server.
TEST(RedisConf, ReplicaofMarksAReplicaAndNoOneUndoesIt) {
  RedisInstance r = apply_text("maxmemory 1gb\nreplicaof redis-0.redis 6379\n");
  ASSERT_TRUE(r.replica_of.has_value());
  EXPECT_EQ(r.replica_of->value, "redis-0.redis 6379");
  EXPECT_EQ(r.replica_of->source.describe(), "t.conf:2");
  EXPECT_FALSE(apply_text("slaveof 10.0.0.1 6379\nREPLICAOF NO ONE\n").replica_of.has_value());
  EXPECT_TRUE(apply_text("slaveof 10.0.0.1 6379\n").replica_of.has_value());
  EXPECT_FALSE(RedisInstance{}.replica_of.has_value());

  RedisInstance broken;
  auto d = parse_redis_conf_text("replicaof onlyhost\n", "t.conf");
  ASSERT_TRUE(d.ok());
  Status st = apply_conf(d.value(), broken);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().describe().find("t.conf:1"), std::string::npos) << st.error().describe();
}

TEST(RedisConf, BufferLimitsAndPercentClients) {
  RedisInstance r = apply_text(
      "client-output-buffer-limit replica 512mb 128mb 30 pubsub 64mb 16mb 90\n"
      "client-output-buffer-limit slave 1gb 0 0\nmaxmemory-clients 5%\nrepl-backlog-size 64mb\n");
  EXPECT_EQ(r.replica_buffer_limit.value, (OutputBufferLimit{1ULL << 30, 0, 0}));
  EXPECT_EQ(r.pubsub_buffer_limit.value, (OutputBufferLimit{64ULL << 20, 16ULL << 20, 90}));
  EXPECT_TRUE(r.maxmemory_clients.value.is_percent);
  EXPECT_EQ(r.maxmemory_clients.value.percent, 5);
  EXPECT_EQ(r.repl_backlog_bytes.value, 64ULL << 20);
}

TEST(RedisConf, AutomaticAofRewriteSettingsAreReadWithConfigBounds) {
  RedisInstance defaults;
  EXPECT_EQ(defaults.auto_aof_rewrite_percentage.value, 100u);  // config.c defaults
  EXPECT_EQ(defaults.auto_aof_rewrite_min_size_bytes.value, 64ULL << 20);
  RedisInstance r = apply_text("auto-aof-rewrite-percentage 0\nauto-aof-rewrite-min-size 1gb\n");
  EXPECT_EQ(r.auto_aof_rewrite_percentage.value, 0u);
  EXPECT_EQ(r.auto_aof_rewrite_min_size_bytes.value, 1ULL << 30);
  EXPECT_EQ(r.auto_aof_rewrite_percentage.source.describe(), "t.conf:1");

  auto negative = parse_redis_conf_text("auto-aof-rewrite-percentage -1\n", "neg.conf");
  ASSERT_TRUE(negative.ok());
  RedisInstance n;
  Status s = apply_conf(negative.value(), n);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().where, "neg.conf:1");
  EXPECT_NE(s.error().message.find("between 0 and 2147483647"), std::string::npos) << s.error().message;
}

TEST(RedisConf, ErrorsNameFileAndLine) {
  RedisInstance r;
  auto d = parse_redis_conf_text("port 6379\nmaxmemory 1.5gb\n", "bad.conf");
  ASSERT_TRUE(d.ok());
  Status s = apply_conf(d.value(), r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().where, "bad.conf:2");
  EXPECT_NE(s.error().message.find("1.5gb"), std::string::npos);

  auto unbalanced = parse_redis_conf_text("maxmemory \"1gb\n", "q.conf");
  ASSERT_FALSE(unbalanced.ok());
  EXPECT_EQ(unbalanced.error().where, "q.conf:1");
}

// A near miss of a directive the model reads is an error at its line: Redis
// refuses to start on it, and read as absent it judged "maxmemroy 1gb" as no
// maxmemory at all. Real directives near those names pass.
TEST(RedisConf, ANearMissOfAMemoryDirectiveIsAnError) {
  for (const char* typo : {"maxmemroy 1gb", "maxmemory-polcy allkeys-lru", "apendonly yes", "repl-backlog-sise 1mb"}) {
    RedisInstance r;
    auto d = parse_redis_conf_text(std::string("port 6379\n") + typo + "\n", "typo.conf");
    ASSERT_TRUE(d.ok());
    Status s = apply_conf(d.value(), r);
    ASSERT_FALSE(s.ok()) << typo;
    EXPECT_EQ(s.error().where, "typo.conf:2") << typo;
    EXPECT_NE(s.error().message.find("did you mean"), std::string::npos) << s.error().message;
  }
  apply_text("maxmemory-samples 5\nrepl-backlog-ttl 3600\nappendfilename x.aof\nrepl-diskless-sync yes\n"
             "maxmemory-eviction-tenacity 10\nrdbchecksum yes\nappenddirname d\nreplica-read-only yes\n");
}

TEST(RedisConf, IncludeIsFollowedRelativeToTheIncludingFile) {
  testing::TempDir dir;
  dir.write_file("inc/memory.conf", "maxmemory 300mb\n");
  std::string main = dir.write_file("redis.conf", "maxmemory 100mb\ninclude inc/memory.conf\nappendonly yes\n");
  auto d = read_redis_conf(main);
  ASSERT_TRUE(d.ok()) << d.error().describe();
  RedisInstance r;
  ASSERT_TRUE(apply_conf(d.value(), r).ok());
  EXPECT_EQ(r.maxmemory.bytes, 300ULL << 20);
  EXPECT_NE(r.maxmemory.source.describe().find("memory.conf:1"), std::string::npos);
  EXPECT_TRUE(r.appendonly.value);

  std::string loop = dir.write_file("loop.conf", "include " + dir.path() + "/loop.conf\n");
  EXPECT_FALSE(read_redis_conf(loop).ok());
  std::string missing = dir.write_file("missing.conf", "include /nonexistent/x.conf\n");
  EXPECT_FALSE(read_redis_conf(missing).ok());
}

TEST(RedisConf, CommandLineOverridesFollowTheFile) {
  auto file = parse_redis_conf_text("maxmemory 100mb\nsave 900 1\n", "f.conf");
  auto cli = parse_command_line_overrides({"--maxmemory", "200mb", "--save", "", "--appendonly", "yes"});
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(cli.ok());
  auto all = file.value();
  all.insert(all.end(), cli->begin(), cli->end());
  RedisInstance r;
  ASSERT_TRUE(apply_conf(all, r).ok());
  EXPECT_EQ(r.maxmemory.bytes, 200ULL << 20);
  EXPECT_TRUE(r.save_points.value.empty());
  EXPECT_TRUE(r.appendonly.value);
  EXPECT_FALSE(parse_command_line_overrides({"maxmemory"}).ok());
  EXPECT_FALSE(parse_command_line_overrides({"--maxmemory"}).ok());
}

// server.c:main, as redis-server reads its argv: a name and its value in one
// argv item, a value that starts with "--" after a bare name, and "--save"
// followed by another directive or by nothing (save ""). The first was a
// false "unreadable" (RF000) for containers whose args list writes
// "--maxmemory 100mb" as one item.
TEST(RedisConf, CommandLineReadsArgvAsRedisServerDoes) {
  auto one_item = parse_command_line_overrides({"--maxmemory 100mb", "--maxmemory-policy", "allkeys-lru"});
  ASSERT_TRUE(one_item.ok()) << one_item.error().describe();
  ASSERT_EQ(one_item->size(), 2u);
  EXPECT_EQ((*one_item)[0].name, "maxmemory");
  EXPECT_EQ((*one_item)[0].args, std::vector<std::string>{"100mb"});
  EXPECT_EQ((*one_item)[1].args, std::vector<std::string>{"allkeys-lru"});

  auto quoted = parse_command_line_overrides({"--save \"900 1\" \"300 10\""});
  ASSERT_TRUE(quoted.ok()) << quoted.error().describe();
  EXPECT_EQ((*quoted)[0].args, (std::vector<std::string>{"900 1", "300 10"}));

  auto dashed_value = parse_command_line_overrides({"--requirepass", "--secret--"});
  ASSERT_TRUE(dashed_value.ok()) << dashed_value.error().describe();
  EXPECT_EQ((*dashed_value)[0].args, std::vector<std::string>{"--secret--"});

  for (const auto& argv : {std::vector<std::string>{"--save", "--appendonly", "yes"}, std::vector<std::string>{"--save"}}) {
    auto save = parse_command_line_overrides(argv);
    ASSERT_TRUE(save.ok()) << save.error().describe();
    EXPECT_EQ(save->front().name, "save");
    EXPECT_EQ(save->front().args, std::vector<std::string>{""});
    RedisInstance r;
    ASSERT_TRUE(apply_conf(*save, r).ok());
    EXPECT_TRUE(r.save_points.value.empty());
  }
  EXPECT_FALSE(parse_command_line_overrides({"--maxmemory \"100mb"}).ok());  // unbalanced quote
  EXPECT_FALSE(parse_command_line_overrides({"--appendonly"}).ok());
}

}  // namespace
}  // namespace redisfit

namespace redisfit {
namespace {

// Found by redis_conf_fuzz: an include whose file name is longer than NAME_MAX
// made std::filesystem::exists throw (ENAMETOOLONG) and terminated the process.
// It is an input error like any unreadable include.
TEST(RedisConf, IncludeWithANameTooLongIsAnInputErrorNotACrash) {
  const std::string conf = "maxmemory 1mb\ninclude " + std::string(300, 'a') + "\n";
  auto r = parse_redis_conf_text(conf, "t.conf");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().describe().find("t.conf:2"), std::string::npos) << r.error().describe();
}


// A redis.conf reads only regular files of bounded size: `include /dev/zero`
// read until memory ran out (std::bad_alloc under a 2 GB ulimit).
TEST(RedisConf, IncludeOfADeviceOrAHugeFileIsAnInputError) {
  auto dev = parse_redis_conf_text("maxmemory 1mb\ninclude /dev/zero\n", "d.conf");
  ASSERT_FALSE(dev.ok());
  EXPECT_EQ(dev.error().where, "d.conf:2");
  EXPECT_NE(dev.error().message.find("/dev/zero: not a regular file"), std::string::npos) << dev.error().message;

  testing::TempDir dir;
  std::string huge(kMaxConfFileBytes + 1, '#');
  const std::string big = dir.write_file("big.conf", huge);
  auto r = read_redis_conf(big);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().where, big);
  EXPECT_NE(r.error().message.find("larger than"), std::string::npos) << r.error().message;
  // At the bound it is read.
  huge.resize(kMaxConfFileBytes);
  EXPECT_TRUE(read_redis_conf(dir.write_file("edge.conf", huge)).ok());
  // A glob's directory matches read as empty, as in Redis (fgets: EISDIR).
  dir.write_file("conf.d/sub/x", "");
  dir.write_file("conf.d/a.conf", "maxmemory 2mb\n");
  auto globbed = read_redis_conf(dir.write_file("g.conf", "include " + dir.path() + "/conf.d/*\n"));
  ASSERT_TRUE(globbed.ok()) << globbed.error().describe();
  ASSERT_EQ(globbed->size(), 1u);
  EXPECT_EQ((*globbed)[0].name, "maxmemory");
}

// Following includes is bounded over the whole include tree: files, glob
// directory entries and bytes. An include glob with a wildcard in a directory
// part walked the whole filesystem for 38-50 s in redis_conf_fuzz.
TEST(RedisConf, IncludeTreesAreBoundedInFilesEntriesAndBytes) {
  testing::TempDir dir;
  for (int i = 0; i < 6; ++i) dir.write_file(fmt::format("d{}/part.conf", i), "maxmemory 1mb\n");
  const std::string text = "hz 10\ninclude " + dir.path() + "/d*/part.conf\n";

  auto all = parse_redis_conf_text(text, "t.conf");
  ASSERT_TRUE(all.ok()) << all.error().describe();
  EXPECT_EQ(all->size(), 7u);

  auto files = parse_redis_conf_text(text, "t.conf", ConfIncludes::kFollow, {.files = 5});
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().where, "t.conf:2");
  EXPECT_NE(files.error().message.find("more than 5 files"), std::string::npos) << files.error().message;

  // Six directories of one file each: the walk reads well over 8 entries.
  auto entries = parse_redis_conf_text(text, "t.conf", ConfIncludes::kFollow, {.glob_directory_entries = 8});
  ASSERT_FALSE(entries.ok());
  EXPECT_EQ(entries.error().where, "t.conf:2");
  EXPECT_NE(entries.error().message.find("more than 8 directory entries"), std::string::npos)
      << entries.error().message;

  auto bytes = parse_redis_conf_text(text, "t.conf", ConfIncludes::kFollow, {.bytes = 5 * 14});
  ASSERT_FALSE(bytes.ok());
  EXPECT_NE(bytes.error().message.find("d5/part.conf: the included files pass"), std::string::npos)
      << bytes.error().message;
}

// Text from a manifest or chart keeps its include lines: the file is in the
// container, never on the machine that lints.
TEST(RedisConf, KeptIncludesAreDirectivesNotReads) {
  auto r = parse_redis_conf_text("maxmemory 1mb\ninclude /etc/passwd\n", "cm.conf", ConfIncludes::kKeep);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1].name, "include");
  EXPECT_EQ((*r)[1].args, std::vector<std::string>{"/etc/passwd"});
  EXPECT_EQ((*r)[1].location.line, 2);
}

}  // namespace
}  // namespace redisfit

namespace redisfit {
namespace {

// A byte order mark makes redis-server refuse the first line; lint read the
// file without its first directive (RF005 "no maxmemory" for `maxmemory 1gb`).
TEST(RedisConf, AByteOrderMarkIsAnErrorAtLineOne) {
  auto parsed = parse_redis_conf_text("\xEF\xBB\xBFmaxmemory 1gb\n", "bom.conf");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().where, "bom.conf:1");
  EXPECT_NE(parsed.error().message.find("byte order mark"), std::string::npos);
}

}  // namespace
}  // namespace redisfit
