// The effective Redis configuration of each container of a pod template,
// built the way the container builds it at start:
//   1. the config file named on redis-server's command line (or the image's
//      own: Bitnami), read from the ConfigMap / Secret mounted at that path,
//      its `include`s resolved through the same mounts;
//   2. what the image's entrypoint adds from env (Bitnami, bitnami_env.h);
//   3. the `--name value` arguments after the file (server.c: applied last).
// A container is a Redis data node when its image is a Redis/Valkey image or
// its command runs redis-server/valkey-server; Sentinels and exporters are
// recognised and are not data nodes. What cannot be known from the manifests
// (a ConfigMap not in the inputs, a file an init container writes, a value
// from a Secret or a shell variable) is listed in `unknowns`: the caller
// reports the node as unreadable rather than guess.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "facts/redis_instance.h"
#include "sources/workloads/image_ref.h"
#include "sources/workloads/pod_decl.h"
#include "sources/workloads/server_argv.h"

namespace redisfit::workloads {

struct ContainerReading {
  enum class Kind { kData, kSentinel, kSidecar };
  Kind kind = Kind::kData;
  RedisInstance instance;             // request/limit, config facts, identity
  std::string object;                 // "Deployment default/redis-cart"
  std::string container;              // container name
  ImageKind image;
  ServerLaunch launch;
  std::vector<std::string> unknowns;  // empty = fully read
  // Directives with a value redis-server refuses at start (`--maxmemory 1Gi`,
  // `maxmemory 50%` in a mounted redis.conf): input errors, as the same value
  // in a .conf file given to lint is. Each is also in `unknowns`.
  std::vector<Error> invalid;
  std::vector<std::string> notes;     // how the config was assembled, what was left out and why
  std::string sidecar_reason;
  // The host of a `replicaof HOST PORT` the server starts with, when known:
  // lint counts this node's pods as replicas of the workload it names.
  std::string replicaof_host;
  std::string replicaof_where;         // kSidecar: "an exporter", "a script that starts no server"
  std::string config_file;            // path of the config file, "" when none
  std::string config_source;          // "ConfigMap redis-config key redis.conf", for fixes
  std::string config_map;             // ConfigMap name holding the config file, when one does
  std::string config_key;             // its key
  // The maxmemory in effect is an argv word (`--maxmemory 3gb` in args, the
  // command or REDIS_EXTRA_FLAGS), which overrides any config file: a fix
  // must change the argv, not the ConfigMap.
  bool maxmemory_in_argv = false;
  // The env variable the image's own entrypoint reads server flags from,
  // when it starts the server: Bitnami's run.sh REDIS_EXTRA_FLAGS
  // (VALKEY_EXTRA_FLAGS for bitnami/valkey), redis-stack's entrypoint.sh
  // REDIS_ARGS (without command or args); "" otherwise. Its words as set
  // today, so a fix that sets the variable keeps the others.
  std::string flags_env;
  std::vector<std::string> flags_env_words;
  // Where that variable's value comes from when the manifest does not write
  // it (valueFrom: "ConfigMap NAME key KEY", "Secret NAME key KEY", or "a
  // valueFrom reference"); "" for a literal value or no variable. A fix
  // then edits that source: `kubectl set env` would replace the reference
  // with a literal of the words it knows.
  std::string flags_env_ref;
};

// Reads every Redis-looking container of `pod` (init containers are not
// servers; they only explain unknowns). `data` is every ConfigMap/Secret of
// the inputs.
std::vector<ContainerReading> read_pod_redis(const PodDecl& pod, const std::vector<ConfigData>& data);

}  // namespace redisfit::workloads
