#include "sources/rdb/duplicate_keys.h"

#include <algorithm>
#include <random>
#include <string>
#include <unordered_map>

#include "sources/rdb/byte_source.h"
#include "sources/rdb/value_reader.h"

namespace redisfit::rdb {
namespace {

constexpr uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

struct SipState {
  uint64_t v0, v1, v2, v3;
  void round() {
    v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
    v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
  }
  void absorb(uint64_t m) {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
};

uint64_t load_le64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

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

KeyHashes::KeyHashes(uint64_t max_keys) : max_keys_(max_keys) {
  if (max_keys == 0) return;
  std::random_device random;
  k0_ = (uint64_t{random()} << 32) | random();
  k1_ = (uint64_t{random()} << 32) | random();
}

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

uint64_t KeyHashes::hash(uint64_t db, std::string_view name) const { return siphash(k0_, k1_, db, name); }

uint64_t KeyHashes::siphash(uint64_t k0, uint64_t k1, uint64_t db, std::string_view name) {
  SipState s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
             k1 ^ 0x7465646279746573ULL};
  s.absorb(db);
  const char* p = name.data();
  size_t left = name.size();
  for (; left >= 8; left -= 8, p += 8) s.absorb(load_le64(p));
  uint64_t last = static_cast<uint64_t>(8 + name.size()) << 56;
  for (size_t i = 0; i < left; ++i) last |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  s.absorb(last);
  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
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
