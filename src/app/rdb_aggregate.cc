#include "app/rdb_aggregate.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/saturate.h"
#include "core/utf8.h"
#include "model/object_cost.h"

namespace redisfit {
namespace {

constexpr size_t kMaxPrefixesTracked = 100000;

// used_memory a loaded function library adds: its code (kept as an sds),
// the library and function records, and what its Lua compile keeps.
// Measured on Redis 7.0.15 (docs/rdb.md): 1.87 KB for 1 KB of code, 33-34 KB
// for 30 KB, 115.5 KB for 100 KB, 4.2 KB for 3.1 KB of real Lua; 1.2 x code
// + 700 B errs high by 4-10 % on each.
constexpr double kFunctionBytesPerCodeByte = 1.2;
constexpr uint64_t kFunctionLibraryBytes = 700;
const char* const kOtherPrefixes = "(other prefixes)";
const char* const kNoPrefix = "(no prefix)";

}  // namespace

RdbAggregator::RdbAggregator(const RdbAnalysisOptions& options, RdbReport& report)
    : options_(options), report_(report), keep_(element_keep_for(options.target)) {}

RdbDbStats& RdbAggregator::db(uint64_t number) {
  RdbDbStats& s = dbs_[number];
  s.db = number;
  return s;
}

void RdbAggregator::on_header(int version) { report_.rdb_version = version; }

void RdbAggregator::on_aux(std::string_view key, std::string_view value) {
  report_.aux.emplace_back(std::string(key), std::string(value));
  if (key == "used-mem") {
    uint64_t v = 0;
    if (std::from_chars(value.data(), value.data() + value.size(), v).ec == std::errc()) report_.aux_used_mem = v;
  }
}

void RdbAggregator::on_resize_db(uint64_t number, uint64_t keys, uint64_t expires) {
  RdbDbStats& s = db(number);
  s.resize_keys_hint = keys;
  s.resize_expires_hint = expires;
}

void RdbAggregator::on_dict_buckets(uint64_t number, uint64_t main_buckets, uint64_t expires_buckets) {
  RdbDbStats& d = db(number);
  d.dict_buckets_followed = true;
  d.main_dict_buckets = main_buckets;
  d.expires_dict_buckets = expires_buckets;
}

void RdbAggregator::on_progress(uint64_t offset, uint64_t size, uint64_t keys) {
  if (options_.progress) options_.progress(progress_base_ + offset, progress_total_ ? progress_total_ : size, keys);
}

void RdbAggregator::on_key(const rdb::RdbKey& key) {
  bool has_expire = key.expire_ms >= 0;
  // rdb.c:rdbLoadRioWithLoadingCtx skips a key already expired only when a
  // master loads a plain RDB, not with RDBFLAGS_AOF_PREAMBLE (set_drop_expired).
  if (has_expire && drop_expired_ && options_.now_ms > 0 && key.expire_ms < options_.now_ms) {
    ++report_.already_expired;
    return;
  }
  add_key(key.db, key.name, has_expire, *key.value);
}

void RdbAggregator::add_function_libraries(uint64_t count, uint64_t code_bytes) {
  report_.function_libraries += count;
  report_.function_code_bytes += code_bytes;
}

void RdbAggregator::add_key(uint64_t number, std::string_view name, bool has_expire, const RdbValue& value) {
  const LoadTarget& target = options_.target;
  ObjectCost cost = object_cost(value, target);
  uint64_t bytes = key_entry_bytes(name.size(), target) + cost.value_bytes +
                   (has_expire ? expire_entry_bytes(target) : 0);
  uint64_t elements = value.count();

  ++report_.keys;
  report_.resident_beyond_class_bytes += cost.resident_beyond_class_bytes;
  // A string's value is its length; another type's, what it costs in memory.
  const bool is_string = value.type == RdbValueType::kString && !value.elements.empty();
  report_.value_bytes += is_string ? value.elements.front().length : cost.value_bytes;
  if (has_expire) ++report_.expires;
  if (!cost.costed) ++report_.module_keys;
  if (value.type == RdbValueType::kList && target.limits.list_compress_depth > 0 && value.quicklist.in_order.empty() &&
      cost.encoding == "quicklist")
    ++lists_costed_raw_;
  RdbDbStats& d = db(number);
  ++d.keys;
  d.expires += has_expire ? 1 : 0;
  d.serialized_bytes += value.serialized_bytes;
  d.estimated_bytes += bytes;

  const char* type = rdb_value_type_name(value.type);
  std::string type_key = std::string(type) + "/" + value.rdb_encoding + "/" + cost.encoding;
  auto [it, fresh] = types_.try_emplace(type_key);
  RdbTypeStats& t = it->second;
  if (fresh) {
    t.type = type;
    t.file_encoding = value.rdb_encoding;
    t.loaded_encoding = cost.encoding;
  }
  ++t.keys;
  t.elements += elements;
  t.serialized_bytes += value.serialized_bytes;
  t.estimated_bytes += bytes;

  if (options_.top_keys > 0 &&
      (largest_.size() < options_.top_keys || bytes > largest_.top().estimated_bytes)) {
    // Only the part of the name the report shows is kept (a 600 MB name was
    // copied whole, then printed whole).
    largest_.push(RdbKeyStats{std::string(key_name_head(name)), number, type, cost.encoding, elements,
                              value.serialized_bytes, bytes, has_expire, name.size()});
    if (largest_.size() > options_.top_keys) largest_.pop();
  }

  if (!options_.prefix_separator.empty()) {
    size_t cut = name.find(options_.prefix_separator);
    std::string prefix = cut == std::string_view::npos ? kNoPrefix
                         : cut <= kKeyNameShownBytes
                             ? std::string(name.substr(0, cut))
                             : fmt::format("{}... ({} bytes)", key_name_head(name.substr(0, cut)), cut);
    auto p = prefixes_.find(prefix);
    if (p == prefixes_.end()) {
      if (prefixes_.size() >= kMaxPrefixesTracked) prefix = kOtherPrefixes;
      p = prefixes_.try_emplace(prefix).first;
      p->second.prefix = prefix;
    }
    ++p->second.keys;
    p->second.serialized_bytes += value.serialized_bytes;
    p->second.estimated_bytes += bytes;
  }
}

std::string shown_key_name(const RdbKeyStats& key) {
  if (key.name.size() >= key.name_bytes) return escaped_for_text(key.name);
  return fmt::format("{}... ({} bytes)", escaped_for_text(key.name), key.name_bytes);
}

void RdbAggregator::finish() {
  const LoadTarget& target = options_.target;
  uint64_t dataset = 0;
  for (auto& [number, d] : dbs_) {
    // rdb.c: RESIZEDB presizes both dicts (but dictExpand skips a hint too
    // big for size_t: dict_presized_keys); dicts then grow by doubling. An
    // AOF replay says what its growth left, a rehash's two tables included.
    d.estimated_bytes = saturating_add(
        d.estimated_bytes,
        d.dict_buckets_followed
            ? (d.main_dict_buckets + d.expires_dict_buckets) * sizeof(void*)
            : saturating_add(dict_buckets_bytes(std::max(d.keys, dict_presized_keys(d.resize_keys_hint))),
                             dict_buckets_bytes(std::max(d.expires, dict_presized_keys(d.resize_expires_hint)))));
    dataset = saturating_add(dataset, d.estimated_bytes);
    report_.dbs.push_back(d);
  }
  for (auto& [name, t] : types_) report_.types.push_back(t);
  std::sort(report_.types.begin(), report_.types.end(),
            [](const RdbTypeStats& a, const RdbTypeStats& b) { return a.estimated_bytes > b.estimated_bytes; });
  while (!largest_.empty()) {
    report_.largest.push_back(largest_.top());
    largest_.pop();
  }
  std::reverse(report_.largest.begin(), report_.largest.end());
  report_.prefix_groups_total = prefixes_.size();
  for (auto& [name, p] : prefixes_) report_.prefixes.push_back(p);
  std::sort(report_.prefixes.begin(), report_.prefixes.end(),
            [](const RdbPrefixStats& a, const RdbPrefixStats& b) { return a.estimated_bytes > b.estimated_bytes; });
  if (report_.prefixes.size() > options_.max_prefix_groups) report_.prefixes.resize(options_.max_prefix_groups);
  report_.functions_bytes =
      static_cast<uint64_t>(kFunctionBytesPerCodeByte * static_cast<double>(report_.function_code_bytes)) +
      kFunctionLibraryBytes * report_.function_libraries;
  dataset = saturating_add(dataset, report_.functions_bytes);
  report_.target = target;
  report_.startup_bytes = startup_used_memory(target);
  report_.dataset_bytes = dataset;
  report_.estimated_used_memory = saturating_add(report_.startup_bytes, dataset);
  if (report_.module_keys > 0)
    report_.notes.push_back(std::to_string(report_.module_keys) +
                            " module keys are counted but their values are not costed (only the module knows their size)");
  if (report_.function_libraries > 0)
    report_.notes.push_back(std::to_string(report_.function_libraries) + " function libraries (" +
                            std::to_string(report_.function_code_bytes) + " bytes of code) add an estimated " +
                            std::to_string(report_.functions_bytes) +
                            " bytes (used_memory_functions; measured: 1.2 x code + 700 B per library)");
  if (lists_costed_raw_ > 0)
    report_.notes.push_back(std::to_string(lists_costed_raw_) +
                            " lists built element by element (AOF commands, or a pre-3.2 encoding) are costed "
                            "uncompressed: list-compress-depth " + std::to_string(target.limits.list_compress_depth) +
                            " keeps their interior nodes LZF-compressed, so their estimate is high");
  if (report_.already_expired > 0)
    report_.notes.push_back(std::to_string(report_.already_expired) +
                            " keys had already expired: a master drops them while loading (a replica keeps them)");
}

}  // namespace redisfit
