#include "sources/manifests/manifest_source.h"

#include <algorithm>
#include <optional>
#include <thread>

#include "sources/manifests/ignore_annotations.h"

namespace redisfit::manifests {
namespace {

// Below this many documents a second thread costs more than it saves.
constexpr size_t kParallelMinDocuments = 512;

// How many declarations of each kind `set` holds: what one object added is
// what lies past these marks afterwards.
struct Marks {
  size_t clusters, standalone, pods, ot, unreadable;
  explicit Marks(const ManifestSet& s)
      : clusters(s.clusters.size()), standalone(s.standalone.size()), pods(s.pods.size()), ot(s.ot.size()),
        unreadable(s.unreadable.size()) {}
};

// Hands the object's ignore annotations to every declaration it made, so
// each Redis read from it carries them (facts/rule_ignore.h).
void attach_ignores(const YamlObject& obj, const Marks& before, ManifestSet& set, std::vector<Error>& errors) {
  const Marks after(set);
  if (after.clusters == before.clusters && after.standalone == before.standalone && after.pods == before.pods &&
      after.ot == before.ot && after.unreadable == before.unreadable) {
    return;
  }
  std::vector<RuleIgnore> ignores;
  read_ignore_annotations(obj, ignores, errors);
  if (ignores.empty()) return;
  auto give = [&](auto& decls, size_t from, auto member) {
    for (size_t i = from; i < decls.size(); ++i) {
      auto& to = decls[i].*member;
      to.insert(to.end(), ignores.begin(), ignores.end());
    }
  };
  give(set.clusters, before.clusters, &ClusterDecl::ignored_rules);
  give(set.pods, before.pods, &workloads::PodDecl::ignored_rules);
  give(set.ot, before.ot, &OtRedisDecl::ignored_rules);
  give(set.unreadable, before.unreadable, &UnreadableDecl::ignored_rules);
  for (size_t i = before.standalone; i < set.standalone.size(); ++i) {
    auto& to = set.standalone[i].instance.ignored_rules;
    to.insert(to.end(), ignores.begin(), ignores.end());
  }
}

void recognise_all(const std::vector<YamlObject>& objects, ManifestSet& set, std::vector<Error>& errors,
                   ReadStats& stats) {
  for (const auto& obj : objects) {
    ++stats.objects;
    // Each recogniser checks apiVersion/kind first and declines others. The
    // node API never throws: a field of an unexpected type reads as absent.
    // ConfigMaps and Secrets are kept for the volume join but are no Redis.
    const Marks before(set);
    if (recognise_cluster(obj, set, errors) || recognise_opsrequest(obj, set, errors) ||
        recognise_parameters(obj, set, errors) || recognise_redisfailover(obj, set, errors) ||
        recognise_workload(obj, set, errors) || recognise_ot_redis(obj, set, errors) ||
        (!recognise_config_data(obj, set, errors) && recognise_other_redis(obj, set, errors))) {
      ++stats.recognised;
      attach_ignores(obj, before, set, errors);
    } else {
      std::string kind = scalar_or_empty(obj.node, "kind");
      std::string api = scalar_or_empty(obj.node, "apiVersion");
      ++stats.ignored_kinds[(kind.empty() ? "(no kind)" : kind) + (api.empty() ? "" : " (" + api + ")")];
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

std::string other_redis_operator(std::string_view api_version, std::string_view kind) {
  auto group_is = [&](std::string_view group) {
    return api_version.substr(0, api_version.find('/')) == group;
  };
  if (group_is("redis.redis.opstreelabs.in")) return std::string(kind) + " (OT-CONTAINER-KIT redis-operator)";
  return "";
}

namespace {

// Reads one run of whole documents into `set`, keeping the first parse error
// apart (read_manifest_text's contract returns it).
void read_chunks(const std::vector<DocChunk>& chunks, const std::string& file, ManifestSet& set,
                 std::vector<Error>& errors, std::optional<Error>& first_parse_error, ReadStats& stats) {
  // Documents are independent (anchors do not cross them), so a large run is
  // read in two halves on two threads and merged in document order.
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
  for (auto& s : slices) {
    append(set.clusters, s.set.clusters);
    append(set.params, s.set.params);
    append(set.vscales, s.set.vscales);
    append(set.hscales, s.set.hscales);
    append(set.standalone, s.set.standalone);
    append(set.pods, s.set.pods);
    append(set.config_data, s.set.config_data);
    append(set.ot, s.set.ot);
    append(set.unreadable, s.set.unreadable);
    append(set.notes, s.set.notes);
    for (auto& e : s.errors) {
      if (!first_parse_error && e.code == ErrorCode::kParse) first_parse_error = std::move(e);
      else errors.push_back(std::move(e));
    }
    stats.objects += s.stats.objects;
    stats.recognised += s.stats.recognised;
    for (const auto& [kind, n] : s.stats.ignored_kinds) stats.ignored_kinds[kind] += n;
  }
}

}  // namespace

Status read_manifest_text(std::string_view text, const std::string& file, ManifestSet& set,
                          std::vector<Error>& errors, ReadStats& stats) {
  // One document at a time: parse, recognise, drop. Keeps memory flat on
  // large streams, and a broken document does not hide the ones after it.
  std::optional<Error> first_parse_error;
  read_chunks(split_yaml_documents(text), file, set, errors, first_parse_error, stats);
  if (first_parse_error) return *first_parse_error;
  return Ok{};
}

Status read_manifest_stream(DocumentStream& stream, const std::string& file, ManifestSet& set,
                            std::vector<Error>& errors, ReadStats& stats,
                            const std::function<void(size_t bytes, size_t documents)>& on_batch) {
  std::optional<Error> first_parse_error;
  DocBatch batch;
  for (;;) {
    auto more = stream.next(batch);
    if (!more) {
      Error e = more.error();
      e.where = e.where.empty() ? file : file + ":" + e.where;  // the stream names the line
      errors.push_back(std::move(e));
      break;
    }
    if (!*more) break;
    read_chunks(batch.chunks, file, set, errors, first_parse_error, stats);
    if (on_batch) on_batch(batch.text.size(), batch.chunks.size());
  }
  if (first_parse_error) return *first_parse_error;
  return Ok{};
}

}  // namespace redisfit::manifests
