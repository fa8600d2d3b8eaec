// Entry point of the manifest source: YAML text -> KubeBlocks declarations.
// Recognisers are tried in turn on each object; objects of other kinds
// (Deployments, Services, ...) are counted and ignored.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "sources/manifests/kb_objects.h"
#include "sources/manifests/yaml_stream.h"

namespace redisfit::manifests {

struct ReadStats {
  int objects = 0;     // Kubernetes objects seen (List items counted one by one)
  int recognised = 0;  // of which KubeBlocks objects a recogniser consumed
  // The others, by "Kind (apiVersion)", for the message when nothing in the
  // inputs is a Redis redisfit can read.
  std::map<std::string, int> ignored_kinds;
};

// Redis custom resources of other operators, which this version recognises
// by kind but does not read: "RedisReplication (OT-CONTAINER-KIT ...)" etc.
// Empty if `kind` is not one. (spotahome's RedisFailover is read.)
std::string other_redis_operator(std::string_view api_version, std::string_view kind);

// Parses one file's text and adds what it declares to `set`, document by
// document. The first malformed document is returned as the error (later
// ones are appended to `errors`); the well-formed documents are still read.
// An invalid field inside a recognised object is appended to `errors` and
// that object is skipped.
Status read_manifest_text(std::string_view text, const std::string& file, ManifestSet& set,
                          std::vector<Error>& errors, ReadStats& stats);

// The same over a stream, a batch of documents at a time (yaml_stream.h):
// memory holds one batch and what the documents declare, never the whole
// input. A read error is appended to `errors` naming `file`.
// `on_batch` (may be empty) hears the bytes and documents of each batch read.
Status read_manifest_stream(DocumentStream& stream, const std::string& file, ManifestSet& set,
                            std::vector<Error>& errors, ReadStats& stats,
                            const std::function<void(size_t bytes, size_t documents)>& on_batch = {});

}  // namespace redisfit::manifests
