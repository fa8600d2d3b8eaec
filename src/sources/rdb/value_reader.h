// Internal to src/sources/rdb: decoding of RDB lengths, strings and values.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "facts/rdb_value.h"
#include "sources/rdb/byte_source.h"

namespace redisfit::rdb {

// string2ll semantics: the string is the canonical decimal form of an int64.
bool parse_canonical_int64(std::string_view s, int64_t* out);
RdbElement element_of(std::string_view s);
RdbElement element_of_integer(int64_t v);

class ValueReader {
 public:
  ValueReader(ByteSource& in, int version) : in_(in), version_(version) {}

  // An RDB length; `encoded` is set when the 11xxxxxx form was used (then the
  // low 6 bits are the encoding). Fails on an unknown 10xxxxxx form.
  uint64_t length(const char* what, bool* encoded = nullptr);
  // A length counting items of at least one byte each: bounded by the rest.
  uint64_t count(const char* what);

  // A string with its bytes (keys, aux fields, blobs). Valid until the next read.
  std::string_view string(const char* what);
  // A string whose bytes are not needed, only its Redis element shape.
  RdbElement element(const char* what);
  void skip_string(const char* what);

  double binary_double(const char* what);
  double ascii_double(const char* what);  // RDB_TYPE_ZSET's length-prefixed text
  uint64_t millis(const char* what) { return in_.le(8, what); }

  // Decodes the value of RDB type `type` into `out` (cleared first),
  // keeping elements one by one as `keep` says and summarizing all of them.
  void value(uint8_t type, RdbValue& out, const ElementKeep& keep = {});
  // Skips one module value (RDB_TYPE_MODULE_2 body after the id, module aux).
  void skip_module_value();

  ByteSource& in() { return in_; }

 private:
  std::pair<uint64_t, uint64_t> lzf_lengths(const char* what, uint64_t at);  // {compressed, plain}
  std::string_view lzf(const char* what, uint64_t at);  // `at`: the string's offset
  RdbElement lzf_element(const char* what, uint64_t at);
  void string_set(RdbValue& out, bool zset, bool binary_scores);
  void hash_pairs(RdbValue& out);
  void hash_with_ttls(RdbValue& out, bool relative);
  void quicklist(RdbValue& out, bool v2);
  // The bytes LZF compresses a quicklist node's `blob` to, 0 when Redis
  // would keep the node raw (lzf_keeps).
  uint64_t lzf_node_bytes(std::string_view blob);
  void hash_listpack_with_ttls(RdbValue& out, uint64_t at);
  void stream(RdbValue& out, uint8_t type);

  ByteSource& in_;
  int version_;
  std::vector<char> lzf_out_;
  std::vector<char> node_lzf_;  // lzf_node_bytes' output (blobs may live in lzf_out_)
  std::string blob_copy_;
};

// Packed blobs (listpack.c, ziplist.c, intset.c layouts). Each hands the
// elements it holds, in order, to `each` (nothing is collected: a blob of
// 100M entries costs its own bytes only) and throws RdbFormatError (at
// `base`, the blob's file offset) when the blob is inconsistent.
using ElementFn = std::function<void(const RdbElement&)>;
void read_listpack(std::string_view blob, uint64_t base, const ElementFn& each);
void read_ziplist(std::string_view blob, uint64_t base, const ElementFn& each);
// Returns the integer width (2, 4 or 8).
uint8_t read_intset(std::string_view blob, uint64_t base, const ElementFn& each);

}  // namespace redisfit::rdb
