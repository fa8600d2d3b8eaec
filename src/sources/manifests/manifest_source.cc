#include "sources/manifests/manifest_source.h"

#include <optional>

namespace redisfit::manifests {
namespace {

void recognise_all(const std::vector<YamlObject>& objects, ManifestSet& set, std::vector<Error>& errors,
                   ReadStats& stats) {
  for (const auto& obj : objects) {
    ++stats.objects;
    // Each recogniser checks apiVersion/kind first and declines others.
    try {
      if (recognise_cluster(obj, set, errors) || recognise_opsrequest(obj, set, errors) ||
          recognise_parameters(obj, set, errors)) {
        ++stats.recognised;
      }
    } catch (const YAML::Exception& e) {
      // A field of an unexpected YAML type that a recogniser did not guard.
      errors.push_back({where(obj.file, obj.node), std::string("unexpected object shape: ") + e.what()});
    }
  }
}

}  // namespace

Status read_manifest_text(std::string_view text, const std::string& file, ManifestSet& set,
                          std::vector<Error>& errors, ReadStats& stats) {
  // One document at a time: parse, recognise, drop. Keeps memory flat on
  // large streams, and a broken document does not hide the ones after it.
  std::optional<Error> first_error;
  std::vector<YamlObject> objects;
  for (const auto& chunk : split_yaml_documents(text)) {
    objects.clear();
    if (auto st = parse_yaml_document(chunk, file, objects); !st) {
      if (!first_error) first_error = st.error();
      else errors.push_back(st.error());
      continue;
    }
    recognise_all(objects, set, errors, stats);
  }
  if (first_error) return *first_error;
  return Ok{};
}

}  // namespace redisfit::manifests
