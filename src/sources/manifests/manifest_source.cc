#include "sources/manifests/manifest_source.h"

#include <algorithm>
#include <optional>
#include <thread>

namespace redisfit::manifests {
namespace {

// Below this many documents a second thread costs more than it saves.
constexpr size_t kParallelMinDocuments = 512;

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

// What one slice of the documents produced, merged in document order afterwards.
struct SliceResult {
  ManifestSet set;
  std::vector<Error> errors;  // parse errors and recogniser errors, in order
  ReadStats stats;
};

void read_slice(const std::vector<DocChunk>& chunks, size_t begin, size_t end, const std::string& file,
                SliceResult& out) {
  std::vector<YamlObject> objects;
  for (size_t i = begin; i < end; ++i) {
    objects.clear();
    if (auto st = parse_yaml_document(chunks[i], file, objects); !st) {
      out.errors.push_back(st.error());
      continue;
    }
    recognise_all(objects, out.set, out.errors, out.stats);
  }
}

template <class T>
void append(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

}  // namespace

Status read_manifest_text(std::string_view text, const std::string& file, ManifestSet& set,
                          std::vector<Error>& errors, ReadStats& stats) {
  // One document at a time: parse, recognise, drop. Keeps memory flat on
  // large streams, and a broken document does not hide the ones after it.
  // Documents are independent (anchors do not cross them), so a large stream
  // is read in two halves on two threads and merged in document order.
  const std::vector<DocChunk> chunks = split_yaml_documents(text);
  const bool parallel = chunks.size() >= kParallelMinDocuments && std::thread::hardware_concurrency() > 1;
  std::vector<SliceResult> slices(parallel ? 2 : 1);
  if (parallel) {
    const size_t mid = chunks.size() / 2;
    std::thread second([&] { read_slice(chunks, mid, chunks.size(), file, slices[1]); });
    read_slice(chunks, 0, mid, file, slices[0]);
    second.join();
  } else {
    read_slice(chunks, 0, chunks.size(), file, slices[0]);
  }

  std::optional<Error> first_parse_error;
  for (auto& s : slices) {
    append(set.clusters, s.set.clusters);
    append(set.params, s.set.params);
    append(set.vscales, s.set.vscales);
    append(set.notes, s.set.notes);
    for (auto& e : s.errors) {
      if (!first_parse_error && e.message.rfind("invalid YAML", 0) == 0) first_parse_error = std::move(e);
      else errors.push_back(std::move(e));
    }
    stats.objects += s.stats.objects;
    stats.recognised += s.stats.recognised;
  }
  if (first_parse_error) return *first_parse_error;
  return Ok{};
}

}  // namespace redisfit::manifests
