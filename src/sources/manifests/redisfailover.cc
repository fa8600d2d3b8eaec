// spotahome redis-operator RedisFailover (databases.spotahome.com/v1): one
// object declares the Redis pods (spec.redis) and the Sentinels
// (spec.sentinel). What the operator configures, read from its source
// (operator/redisfailover/service/generator.go, api/redisfailover/v1/defaults.go):
//  * redis.conf starts from a template with `save 900 1` and `save 300 10`;
//  * spec.redis.customConfig lines are then applied with CONFIG SET
//    (checker.go applyRedisCustomConfig), so each replaces the setting;
//  * spec.redis.replicas defaults to 3 (validate.go: also when <= 0): one
//    master, the rest replicas;
//  * spec.redis.image defaults to redis:6.2.6-alpine (defaults.go
//    defaultImage, set by validate.go when the field is empty): the release
//    the model costs, from the tag (operator_image.h).
#include <fmt/format.h>

#include <algorithm>

#include "core/ascii.h"
#include "sources/manifests/kb_objects.h"
#include "sources/manifests/operator_image.h"
#include "sources/redis_conf.h"
#include "sources/redis_directives.h"

namespace redisfit::manifests {
namespace {

constexpr int kDefaultRedisReplicas = 3;
constexpr const char* kOperatorTemplate = "spotahome redis-operator config template (generator.go)";
// spotahome/redis-operator api/redisfailover/v1/defaults.go (defaultImage, the
// same at 0e25badc and 461e6d78).
constexpr const char* kDefaultImage = "redis:6.2.6-alpine";
constexpr const char* kDefaultImageSource = "spotahome redis-operator api/redisfailover/v1/defaults.go";

// The flags of a `redis-server CONFIG [--flag value ...]` command, each
// placed at its item. A command that is not redis-server itself (a shell
// script) is not read, and said so (RF000).
Status apply_redis_command(const YamlNode& command, const YamlObject& obj, DirectiveApplier& applier, RedisInstance& r) {
  std::vector<std::string> words;
  std::vector<std::pair<std::string, Location>> items;  // each word at its item
  for (const YamlNode item : command.items()) {
    if (!item.is_scalar()) return Error{where(obj.file, item), "spec.redis.command must be a list of strings"};
    words.emplace_back(item.scalar());
    items.emplace_back(words.back(), location_at(obj.file, item));
  }
  if (words.empty()) return Ok{};
  const Location& program_at = items[0].second;
  const std::string program = words[0].substr(words[0].rfind('/') + 1);
  if (program != "redis-server" && program != "valkey-server") {
    r.unknowns.push_back(fmt::format("{}: spec.redis.command runs {}, not redis-server: its configuration is not read",
                                     program_at.describe(), words[0]));
    return Ok{};
  }
  // The config file is the first word after the program that is not a flag.
  size_t first_flag = 1;
  if (words.size() > 1 && words[1].rfind("--", 0) != 0) first_flag = 2;
  const std::vector<std::string> flags(words.begin() + static_cast<std::ptrdiff_t>(std::min(first_flag, words.size())),
                                       words.end());
  auto directives = parse_command_line_overrides(flags);
  if (!directives) return Error{program_at.describe(), "spec.redis.command: " + directives.error().message};
  // The program and the config file never start with "--": every item that
  // does is a flag's.
  const auto started_at = flag_item_locations(items);
  for (const auto& d : directives.value()) {
    const auto item = started_at.find(d.name);
    const Location place = item != started_at.end() ? item->second : program_at;
    if (auto st = applier.apply(d.name, d.args, Provenance::at(place)); !st) return st.error();
  }
  return Ok{};
}

}  // namespace

bool recognise_redisfailover(const YamlObject& obj, ManifestSet& set, std::vector<Error>& errors) {
  const std::string api = scalar_or_empty(obj.node, "apiVersion");
  if (scalar_or_empty(obj.node, "kind") != "RedisFailover") return false;
  if (api.rfind("databases.spotahome.com/", 0) != 0) return false;

  const YamlNode meta = child(obj.node, "metadata");
  const std::string name = scalar_or_empty(meta, "name");
  const std::string ns = scalar_or_empty(meta, "namespace");
  const YamlNode redis = obj.node["spec"]["redis"];

  StandaloneRedisDecl decl;
  decl.object = fmt::format("RedisFailover {}/{}", ns.empty() ? "default" : ns, name);
  RedisInstance& r = decl.instance;
  r.display_name = fmt::format("{}/redis", name);
  r.namespace_name = ns;
  r.cluster_name = name;
  r.component_name = "redis";
  r.origin_kind = "RedisFailover " + api;
  r.file = obj.file.name;
  r.line = obj.line;
  r.save_points = {{{900, 1}, {300, 10}}, Provenance::by_default(kOperatorTemplate)};
  r.maxmemory.source = Provenance::by_default("no maxmemory in spec.redis.customConfig (Redis default 0 = unlimited)");

  const YamlNode image = child(redis, "image");
  if (auto note = apply_operator_image({"spec.redis.image", image.is_scalar() ? std::string(image.scalar()) : "",
                                        location_at(obj.file, image), kDefaultImage, kDefaultImageSource},
                                       r)) {
    decl.notes.push_back(std::move(*note));
  }

  auto resources = read_memory_resources(child(redis, "resources"), obj.file);
  if (!resources) {
    errors.push_back(resources.error());
    return true;
  }
  // The operator copies spec.redis.resources into the redis container as is.
  default_request_to_limit(resources.value());
  r.request_bytes = resources->request_bytes;
  r.limit_bytes = resources->limit_bytes;
  r.cpu_limit_cores = resources->cpu_limit_cores;

  int replicas = kDefaultRedisReplicas;
  Provenance replicas_source = Provenance::by_default("spotahome default: 3 Redis pods");
  if (const YamlNode n = child(redis, "replicas"); n.is_scalar()) {
    const std::optional<int> value = n.as_int();
    if (!value) {
      errors.push_back({where(obj.file, n), "spec.redis.replicas must be an integer"});
      return true;
    }
    replicas = *value;
    replicas_source = Provenance::at(location_at(obj.file, n));
  }
  if (replicas <= 0) {
    // The operator's Validate() sets spec.redis.replicas <= 0 to its default
    // (defaultRedisNumber, 3) before it builds the StatefulSet: 0 or -1 runs
    // three pods, not none.
    replicas_source = replicas_source.qualified(
        fmt::format("({}: spotahome reads <= 0 as its default, 3 Redis pods)", replicas));
    replicas = kDefaultRedisReplicas;
  }
  r.replicas = {replicas > 1 ? replicas - 1 : 0, replicas_source.qualified("(one master, the rest replicas)")};

  DirectiveApplier applier(r, DirectiveMode::kReplace);
  // spec.redis.command replaces the container's command (generator.go uses
  // it when set): redis-server, its config file, then flags, which the
  // server applies at start, before customConfig's CONFIG SET lines.
  if (const YamlNode command = child(redis, "command"); command.is_seq()) {
    if (Status st = apply_redis_command(command, obj, applier, r); !st) {
      errors.push_back(st.error());
      return true;
    }
  }
  if (const YamlNode lines = child(redis, "customConfig"); lines.is_seq()) {
    for (const YamlNode line : lines.items()) {
      const Provenance at = Provenance::at(location_at(obj.file, line));
      if (!line.is_scalar()) {
        errors.push_back({at.describe(), "spec.redis.customConfig entries must be strings such as \"maxmemory 100mb\""});
        return true;
      }
      auto args = split_redis_args(line.scalar());
      if (!args) {
        errors.push_back({at.describe(), args.error().message});
        return true;
      }
      if (args->empty()) continue;
      const std::string name = ascii_lower((*args)[0]);
      decl.custom_config.emplace_back(std::string(line.scalar()), name == "maxmemory");
      std::vector<std::string> values(args->begin() + 1, args->end());
      if (auto st = applier.apply((*args)[0], values, at); !st) {
        errors.push_back(st.error());
        return true;
      }
    }
  }
  set.standalone.push_back(std::move(decl));
  return true;
}

}  // namespace redisfit::manifests
