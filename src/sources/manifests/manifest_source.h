// Entry point of the manifest source: YAML text -> KubeBlocks declarations.
// Recognisers are tried in turn on each object; objects of other kinds
// (Deployments, Services, ...) are counted and ignored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "sources/manifests/kb_objects.h"

namespace redisfit::manifests {

struct ReadStats {
  int objects = 0;     // Kubernetes objects seen (List items counted one by one)
  int recognised = 0;  // of which KubeBlocks objects a recogniser consumed
};

// Parses one file's text and adds what it declares to `set`, document by
// document. The first malformed document is returned as the error (later
// ones are appended to `errors`); the well-formed documents are still read.
// An invalid field inside a recognised object is appended to `errors` and
// that object is skipped.
Status read_manifest_text(std::string_view text, const std::string& file, ManifestSet& set,
                          std::vector<Error>& errors, ReadStats& stats);

}  // namespace redisfit::manifests
