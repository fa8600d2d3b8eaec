#include "sources/manifests/manifest_source.h"

namespace redisfit::manifests {

Status read_manifest_text(std::string_view text, const std::string& file, ManifestSet& set,
                          std::vector<Error>& errors, ReadStats& stats) {
  auto objects = parse_yaml_objects(text, file);
  if (!objects) return objects.error();
  for (const auto& obj : *objects) {
    ++stats.objects;
    // Each recogniser checks apiVersion/kind first and declines others.
    try {
      if (recognise_cluster(obj, set, errors) || recognise_opsrequest(obj, set, errors) ||
          recognise_parameters(obj, set, errors)) {
        ++stats.recognised;
      }
    } catch (const YAML::Exception& e) {
      // A field of an unexpected YAML type that a recogniser did not guard.
      errors.push_back({where(file, obj.node), std::string("unexpected object shape: ") + e.what()});
    }
  }
  return Ok{};
}

}  // namespace redisfit::manifests
