// Pure pieces of the workload reader: image references, the server argv a
// container runs, the ConfigMap/Secret volume join, Bitnami env, and the
// effective configuration built from them.
#include <gtest/gtest.h>

#include "sources/workloads/bitnami_env.h"
#include "sources/workloads/image_ref.h"
#include "sources/workloads/pod_files.h"
#include "sources/workloads/server_argv.h"
#include "sources/workloads/workload_config.h"

namespace redisfit::workloads {
namespace {

TEST(ImageRef, ParsesRegistriesTagsAndDigests) {
  auto a = parse_image_ref("redis:7.2.4-alpine");
  EXPECT_EQ(a.registry, "");
  EXPECT_EQ(a.repository, "redis");
  EXPECT_EQ(a.tag, "7.2.4-alpine");
  auto b = parse_image_ref("docker.io/library/redis");
  EXPECT_EQ(b.repository, "redis");
  EXPECT_EQ(b.tag, "");
  auto c = parse_image_ref("registry.k8s.io/redis@sha256:cb111d1bd870a6a471385a4a69ad17469d326e9dd91e0e455350cacf36e1b3ee");
  EXPECT_EQ(c.registry, "registry.k8s.io");
  EXPECT_EQ(c.repository, "redis");
  EXPECT_EQ(c.digest.substr(0, 7), "sha256:");
  auto d = parse_image_ref("localhost:5000/bitnami/redis:7.2.4-debian-12-r0@sha256:abc");
  EXPECT_EQ(d.registry, "localhost:5000");
  EXPECT_EQ(d.repository, "bitnami/redis");
  EXPECT_EQ(d.tag, "7.2.4-debian-12-r0");
  EXPECT_EQ(d.digest, "sha256:abc");
}

TEST(ImageRef, ClassifiesRedisCompatibleImages) {
  auto family = [](const char* s) { return classify_image(parse_image_ref(s)).family; };
  EXPECT_EQ(family("redis:alpine"), ImageFamily::kOfficialRedis);
  EXPECT_EQ(family("registry.k8s.io/redis:e2e"), ImageFamily::kOfficialRedis);
  EXPECT_EQ(family("public.ecr.aws/docker/library/redis:7"), ImageFamily::kOfficialRedis);
  EXPECT_EQ(family("docker.io/bitnami/redis:7.2"), ImageFamily::kBitnamiRedis);
  EXPECT_EQ(family("bitnamilegacy/redis:8.0"), ImageFamily::kBitnamiRedis);
  EXPECT_EQ(family("valkey/valkey:8.1"), ImageFamily::kValkey);
  EXPECT_EQ(family("redis/redis-stack-server:7.2.0-v10"), ImageFamily::kRedisStack);
  EXPECT_EQ(family("quay.io/opstree/redis:v7.0.15"), ImageFamily::kOpstreeRedis);
  EXPECT_EQ(family("gcr.io/google_samples/gb-redisslave:v1"), ImageFamily::kOtherNamedRedis);
  EXPECT_EQ(family("nginx:1.27"), ImageFamily::kNone);
  EXPECT_TRUE(classify_image(parse_image_ref("oliver006/redis_exporter:v1.62")).exporter);
  EXPECT_TRUE(classify_image(parse_image_ref("bitnami/redis-sentinel:7.2")).sentinel);
  EXPECT_EQ(classify_image(parse_image_ref("redis:7.2.4-alpine")).version, "7.2.4");
  EXPECT_EQ(classify_image(parse_image_ref("redis:alpine")).version, "");
  // OT-CONTAINER-KIT tags its image "v6.2.14" (quay.io/opstree/redis); a bare
  // "v1" is no server release.
  EXPECT_EQ(classify_image(parse_image_ref("quay.io/opstree/redis:v6.2.14")).version, "6.2.14");
  EXPECT_EQ(classify_image(parse_image_ref("gcr.io/google_samples/gb-redisslave:v1")).version, "");
}

ServerLaunch launch(std::vector<std::string> command, std::vector<std::string> args, const char* image = "redis:7",
                    std::map<std::string, std::string> env = {}) {
  ContainerCommand c{command, args, !command.empty(), !args.empty(), std::move(env)};
  return find_server_launch(c, classify_image(parse_image_ref(image)));
}

TEST(ServerArgv, ImageDefaultArgsAndCommand) {
  auto plain = launch({}, {});
  EXPECT_EQ(plain.program, ServerProgram::kDataServer);
  EXPECT_FALSE(plain.config_file.has_value());
  // docker-entrypoint.sh puts redis-server in front of a .conf or a flag.
  auto conf = launch({}, {"/usr/local/etc/redis/redis.conf"});
  ASSERT_TRUE(conf.config_file.has_value());
  EXPECT_EQ(*conf.config_file, "/usr/local/etc/redis/redis.conf");
  auto flags = launch({}, {"--maxmemory", "200mb"});
  EXPECT_FALSE(flags.config_file.has_value());
  EXPECT_EQ(flags.overrides, (std::vector<std::string>{"--maxmemory", "200mb"}));
  auto full = launch({"redis-server"}, {"/etc/redis/redis.conf", "--maxmemory", "200mb"});
  EXPECT_EQ(*full.config_file, "/etc/redis/redis.conf");
  EXPECT_EQ(full.overrides.size(), 2u);
  EXPECT_EQ(launch({"redis-sentinel", "/etc/sentinel.conf"}, {}).program, ServerProgram::kSentinel);
  EXPECT_EQ(launch({"redis-server", "/data/sentinel.conf", "--sentinel"}, {}).program, ServerProgram::kSentinel);
  EXPECT_EQ(launch({}, {}, "valkey/valkey:8").binary, "valkey-server");
}

TEST(ServerArgv, ShellWrappersAndVariables) {
  auto sh = launch({"sh", "-c"}, {"mkdir -p /data && exec redis-server /etc/redis/redis.conf --maxmemory \"$MAXMEM\""},
                   "redis:7", {{"MAXMEM", "300mb"}});
  EXPECT_EQ(sh.program, ServerProgram::kDataServer);
  EXPECT_EQ(*sh.config_file, "/etc/redis/redis.conf");
  EXPECT_EQ(sh.overrides, (std::vector<std::string>{"--maxmemory", "300mb"}));
  EXPECT_TRUE(sh.unresolved_words.empty());
  auto unknown = launch({"/bin/bash", "-ec", "redis-server --maxmemory ${MAX} --save ''"}, {});
  EXPECT_EQ(unknown.overrides, (std::vector<std::string>{"--maxmemory", "$MAX", "--save", ""}));
  EXPECT_EQ(unknown.unresolved_words, (std::vector<std::string>{"$MAX"}));
  auto fallback = launch({"sh", "-c", "redis-server --maxmemory ${MAX:-100mb}"}, {});
  EXPECT_EQ(fallback.overrides[1], "100mb");
  // Kubernetes $(VAR) substitution in args.
  auto k8s = launch({}, {"--maxmemory", "$(MAXMEM)"}, "redis:7", {{"MAXMEM", "64mb"}});
  EXPECT_EQ(k8s.overrides[1], "64mb");
  auto script = launch({"/scripts/start.sh"}, {}, "redis:7");
  EXPECT_EQ(script.program, ServerProgram::kUnknown);
  EXPECT_FALSE(script.unknowns.empty());
  auto split = split_shell_script("a 'b c' \"d\\\"e\" f\\ g; h # comment\nredis-server", {});
  ASSERT_EQ(split.size(), 3u);
  EXPECT_EQ(split[0][1].text, "b c");
  EXPECT_EQ(split[0][2].text, "d\"e");
  EXPECT_EQ(split[0][3].text, "f g");
  EXPECT_EQ(split[2][0].text, "redis-server");
}

std::vector<ConfigData> config_maps() {
  ConfigData cm;
  cm.kind = "ConfigMap";
  cm.name = "redis-config";
  cm.entries["redis.conf"] = {"maxmemory 100mb\ninclude /etc/redis/extra/*.conf\n", "cm.yaml:8:3", "cm.yaml", 9};
  cm.entries["other"] = {"x", "cm.yaml:12:3", "cm.yaml", 0};
  ConfigData extra;
  extra.kind = "ConfigMap";
  extra.name = "extra";
  extra.entries["policy.conf"] = {"maxmemory-policy allkeys-lru\n", "cm.yaml:20:3", "cm.yaml", 21};
  return {cm, extra};
}

TEST(PodFiles, JoinsByMountPathSubPathAndItems) {
  const auto data = config_maps();
  std::vector<VolumeDecl> volumes{{"conf", {{"configMap", "redis-config", {}}}},
                                  {"items", {{"configMap", "redis-config", {{"redis.conf", "conf/redis.conf"}}}}},
                                  {"scratch", {{"emptyDir", "", {}}}},
                                  {"absent", {{"secret", "not-there", {}}}}};
  std::vector<MountDecl> mounts{{"conf", "/etc/redis", ""},
                                {"conf", "/usr/local/etc/redis.conf", "redis.conf"},
                                {"items", "/opt/items", ""},
                                {"scratch", "/data", ""},
                                {"absent", "/secret", ""}};
  PodFiles files(volumes, mounts, "", &data);
  EXPECT_EQ(files.resolve("/etc/redis/redis.conf").state, PodFile::State::kFound);
  EXPECT_EQ(files.resolve("/etc/redis//./redis.conf").state, PodFile::State::kFound);
  EXPECT_EQ(files.resolve("/usr/local/etc/redis.conf").data_key, "redis.conf");
  EXPECT_EQ(files.resolve("/opt/items/conf/redis.conf").state, PodFile::State::kFound);
  EXPECT_EQ(files.resolve("/opt/items/redis.conf").state, PodFile::State::kMissingData);  // items rename
  EXPECT_EQ(files.resolve("/data/redis.conf").state, PodFile::State::kRuntime);
  EXPECT_EQ(files.resolve("/secret/redis.conf").state, PodFile::State::kMissingData);
  EXPECT_EQ(files.resolve("/usr/local/etc/redis/redis.conf").state, PodFile::State::kNotMounted);
  EXPECT_EQ(normalize_path("a//b/../c/"), "/a/c");
}

TEST(BitnamiEnv, DefaultsAndVariables) {
  auto d = bitnami_config({}, false, false);
  ASSERT_EQ(d.conf_lines.size(), 1u);
  EXPECT_EQ(d.conf_lines[0].text, "appendonly yes");
  auto v = bitnami_config({{"REDIS_AOF_ENABLED", {"no", true, "x:1:1", {"x", 1, 1}}},
                           {"REDIS_RDB_POLICY_DISABLED", {"yes", true, "x:2:1", {"x", 2, 1}}},
                           {"REDIS_EXTRA_FLAGS", {"--maxmemory 100mb --maxmemory-policy allkeys-lru", true, "x:3:1", {"x", 3, 1}}}},
                          false, false);
  EXPECT_EQ(v.conf_lines[0].text, "appendonly no");
  EXPECT_EQ(v.conf_lines[1].text, "save \"\"");
  EXPECT_EQ(v.extra_flags.size(), 4u);
  auto mounted = bitnami_config({{"REDIS_AOF_ENABLED", {"no", true, "x:1:1", {"x", 1, 1}}}}, false, true);
  EXPECT_TRUE(mounted.conf_lines.empty());  // a mounted redis.conf is used as is
  auto secret = bitnami_config({{"REDIS_EXTRA_FLAGS", {"", false, "x:1:1", {"x", 1, 1}}}}, false, false);
  EXPECT_EQ(secret.unknowns.size(), 1u);
}

PodDecl pod_with(ContainerDecl c, std::vector<VolumeDecl> volumes = {}) {
  PodDecl p;
  p.kind = "Deployment";
  p.api_version = "apps/v1";
  p.name = "cache";
  p.file = "deploy.yaml";
  p.containers.push_back(std::move(c));
  p.volumes = std::move(volumes);
  return p;
}

TEST(WorkloadConfig, ConfigMapIncludesArgsOrder) {
  ContainerDecl c;
  c.name = "redis";
  c.image = "redis:7.2";
  c.has_command = true;
  c.command = {"redis-server", "/etc/redis/redis.conf", "--appendonly", "yes"};
  c.args_location = {"deploy.yaml", 20, 9};
  c.mounts = {{"conf", "/etc/redis", ""}, {"extra", "/etc/redis/extra", ""}};
  c.limit_bytes = Sourced<uint64_t>{256ULL << 20, Provenance::at(Location{"deploy.yaml", 30, 17})};
  auto readings = read_pod_redis(pod_with(c, {{"conf", {{"configMap", "redis-config", {}}}},
                                              {"extra", {{"configMap", "extra", {}}}}}),
                                 config_maps());
  ASSERT_EQ(readings.size(), 1u);
  const auto& r = readings[0];
  EXPECT_TRUE(r.unknowns.empty()) << r.unknowns[0];
  EXPECT_EQ(r.instance.maxmemory.bytes, 100ULL << 20);
  EXPECT_EQ(r.instance.maxmemory.source.describe(), "cm.yaml:9");
  EXPECT_EQ(r.instance.maxmemory_policy.value, "allkeys-lru");
  EXPECT_TRUE(r.instance.appendonly.value);
  EXPECT_EQ(r.config_map, "redis-config");
  EXPECT_EQ(r.instance.redis_version.value, "7.2");
}

// `--include FILE` among the args is read through the mounts in argv order:
// it was dropped, and a maxmemory set in the included ConfigMap read as
// unset. An argument after it overrides it; an include nothing mounts is
// an unknown, not a silent pass.
TEST(WorkloadConfig, AnIncludeInTheArgsIsReadInArgvOrder) {
  const auto data = config_maps();
  ContainerDecl c;
  c.name = "redis";
  c.image = "redis:7.2";
  c.has_args = true;
  c.args = {"--include", "/etc/redis/redis.conf", "--save", ""};
  c.args_location = {"deploy.yaml", 20, 9};
  c.mounts = {{"conf", "/etc/redis", ""}, {"extra", "/etc/redis/extra", ""}};
  const std::vector<VolumeDecl> volumes = {{"conf", {{"configMap", "redis-config", {}}}},
                                           {"extra", {{"configMap", "extra", {}}}}};
  auto included = read_pod_redis(pod_with(c, volumes), data);
  ASSERT_EQ(included.size(), 1u);
  EXPECT_TRUE(included[0].unknowns.empty()) << included[0].unknowns[0];
  EXPECT_EQ(included[0].instance.maxmemory.bytes, 100ULL << 20);
  EXPECT_EQ(included[0].instance.maxmemory.source.describe(), "cm.yaml:9");
  EXPECT_EQ(included[0].instance.maxmemory_policy.value, "allkeys-lru");  // the include's own include
  EXPECT_FALSE(included[0].maxmemory_in_argv);
  EXPECT_EQ(included[0].config_map, "redis-config");

  ContainerDecl overridden = c;
  overridden.args = {"--include", "/etc/redis/redis.conf", "--maxmemory", "300mb"};
  auto later = read_pod_redis(pod_with(overridden, volumes), data);
  EXPECT_EQ(later[0].instance.maxmemory.bytes, 300ULL << 20);
  EXPECT_TRUE(later[0].maxmemory_in_argv);

  ContainerDecl earlier = c;
  earlier.args = {"--maxmemory", "300mb", "--include", "/etc/redis/redis.conf"};
  EXPECT_EQ(read_pod_redis(pod_with(earlier, volumes), data)[0].instance.maxmemory.bytes, 100ULL << 20);

  ContainerDecl unmounted = c;
  unmounted.args = {"--include", "/nonexistent.conf"};
  auto none = read_pod_redis(pod_with(unmounted, volumes), data);
  ASSERT_EQ(none[0].unknowns.size(), 1u);
  EXPECT_NE(none[0].unknowns[0].find("/nonexistent.conf"), std::string::npos) << none[0].unknowns[0];
}

TEST(WorkloadConfig, UnknownsAreListedNotGuessed) {
  ContainerDecl c;
  c.name = "redis";
  c.image = "redis:7";
  c.has_args = true;
  c.args = {"/etc/redis/redis.conf"};
  c.mounts = {{"conf", "/etc/redis", ""}};
  PodDecl p = pod_with(c, {{"conf", {{"emptyDir", "", {}}}}});
  ContainerDecl init;
  init.name = "config";
  init.mounts = {{"conf", "/etc/redis", ""}};
  p.init_containers.push_back(init);
  auto r = read_pod_redis(p, {});
  ASSERT_EQ(r.size(), 1u);
  ASSERT_EQ(r[0].unknowns.size(), 1u);
  EXPECT_NE(r[0].unknowns[0].find("init container config"), std::string::npos) << r[0].unknowns[0];

  ContainerDecl missing = c;
  auto m = read_pod_redis(pod_with(missing, {{"conf", {{"configMap", "gone", {}}}}}), {});
  ASSERT_EQ(m[0].unknowns.size(), 1u);
  EXPECT_NE(m[0].unknowns[0].find("ConfigMap gone"), std::string::npos);

  ContainerDecl exporter;
  exporter.name = "metrics";
  exporter.image = "oliver006/redis_exporter:v1.62.0";
  auto e = read_pod_redis(pod_with(exporter), {});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, ContainerReading::Kind::kSidecar);
}

TEST(WorkloadConfig, BitnamiImageUsesItsEnv) {
  ContainerDecl c;
  c.name = "redis";
  c.image = "bitnami/redis:7.2";
  c.env["REDIS_AOF_ENABLED"] = {"no", true, "d.yaml:10:16", {"d.yaml", 10, 16}};
  c.env["REDIS_EXTRA_FLAGS"] = {"--maxmemory 200mb", true, "d.yaml:12:16", {"d.yaml", 12, 16}};
  auto r = read_pod_redis(pod_with(c), {});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].unknowns.empty());
  EXPECT_FALSE(r[0].instance.appendonly.value);
  EXPECT_EQ(r[0].instance.maxmemory.bytes, 200ULL << 20);
}

}  // namespace
}  // namespace redisfit::workloads
