#include "sources/rdb/duplicate_keys.h"

#include <algorithm>
#include <functional>
#include <string>
#include <unordered_map>

#include "sources/rdb/byte_source.h"
#include "sources/rdb/value_reader.h"

namespace redisfit::rdb {
namespace {

// The name as an error shows it: at most 256 bytes, other bytes than
// printable ASCII as \xHH (a key name is binary).
std::string shown_name(std::string_view name) {
  constexpr size_t kShown = 256;
  std::string out;
  for (unsigned char c : name.substr(0, kShown)) {
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out += static_cast<char>(c);
    } else {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (name.size() > kShown) out += "... (" + std::to_string(name.size()) + " bytes)";
  return out;
}

// Reads again the name of the key whose type byte is at `offset`.
std::string name_at(const RdbReopen& reopen, int version, uint64_t offset) {
  std::unique_ptr<ByteSource> in = reopen();
  in->seek_forward(offset + 1, "a key read again to compare it");
  ValueReader reader(*in, version);
  return std::string(reader.string("key name"));
}

// The second read's visitor: the keys whose hash repeats, compared by bytes.
class DuplicateConfirm : public RdbVisitor {
 public:
  DuplicateConfirm(const RdbReopen& reopen, int version, const KeyHashes& hashes,
                   const std::vector<uint64_t>& repeated, int64_t dropped_expired_before_ms)
      : reopen_(reopen), version_(version), hashes_(hashes), repeated_(repeated),
        dropped_before_ms_(dropped_expired_before_ms) {}

  ElementKeep element_keep(std::string_view) override { return ElementKeep{2, {}}; }

  void on_key(const RdbKey& key) override {
    if (!added_by_load(key.expire_ms, dropped_before_ms_)) return;
    const uint64_t h = hashes_.hash(key.db, key.name);
    if (!std::binary_search(repeated_.begin(), repeated_.end(), h)) return;
    std::vector<uint64_t>& earlier = offsets_[h];
    for (uint64_t first : earlier) {
      if (name_at(reopen_, version_, first) != key.name) continue;
      throw RdbFormatError(
          key.offset, "duplicated key '" + shown_name(key.name) + "' in DB " + std::to_string(key.db) +
                          " (its first copy at byte " + std::to_string(first) +
                          "): Redis panics loading this file (rdb.c:rdbLoadRioWithLoadingCtx, \"RDB has duplicated "
                          "key\"), at a restart and at a replica's full sync alike");
    }
    earlier.push_back(key.offset);
  }

 private:
  const RdbReopen& reopen_;
  int version_;
  const KeyHashes& hashes_;
  const std::vector<uint64_t>& repeated_;
  int64_t dropped_before_ms_;
  std::unordered_map<uint64_t, std::vector<uint64_t>> offsets_;  // hash -> offsets of distinct names
};

}  // namespace

bool added_by_load(int64_t expire_ms, int64_t dropped_expired_before_ms) {
  return dropped_expired_before_ms <= 0 || expire_ms == -1 || expire_ms >= dropped_expired_before_ms;
}

KeyHashes::KeyHashes(uint64_t max_keys) : max_keys_(max_keys) {}

void KeyHashes::expect(uint64_t keys) {
  if (skipped_ || max_keys_ == 0) return;
  const uint64_t want = std::min(max_keys_, hashes_.size() + std::min<uint64_t>(keys, max_keys_));
  if (want > hashes_.capacity()) hashes_.reserve(want);
}

void KeyHashes::add(uint64_t db, std::string_view name) {
  if (skipped_ || max_keys_ == 0) return;
  if (hashes_.size() >= max_keys_) {
    skipped_ = true;
    std::vector<uint64_t>().swap(hashes_);
    return;
  }
  hashes_.push_back(hash(db, name));
}

std::vector<uint64_t> KeyHashes::repeated() {
  std::vector<uint64_t> out;
  if (skipped_) return out;
  std::sort(hashes_.begin(), hashes_.end());
  for (size_t i = 1; i < hashes_.size(); ++i)
    if (hashes_[i] == hashes_[i - 1] && (out.empty() || out.back() != hashes_[i])) out.push_back(hashes_[i]);
  return out;
}

uint64_t KeyHashes::hash(uint64_t db, std::string_view name) const {
  // The standard library's hash of the bytes (libstdc++: MurmurHash2 of 64
  // bits), the db mixed in. Not keyed: an equal hash is only a suspect that
  // the second read settles by comparing bytes, so a file built to collide
  // costs that read, never a wrong answer.
  const uint64_t h = std::hash<std::string_view>{}(name);
  return h ^ (db * 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

void confirm_duplicate_keys(const RdbReopen& reopen, int version, const KeyHashes& hashes,
                            const std::vector<uint64_t>& repeated, const RdbLoadRules& rules) {
  std::unique_ptr<ByteSource> in = reopen();
  DuplicateConfirm confirm(reopen, version, hashes, repeated, rules.dropped_expired_before_ms);
  RdbLoadRules again = rules;
  again.duplicate_check_max_keys = 0;
  read_rdb_from(*in, confirm, again);
}

}  // namespace redisfit::rdb
