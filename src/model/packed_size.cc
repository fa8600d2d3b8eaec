// Sizes of listpacks and ziplists built entry by entry, as the loader builds
// them when it converts a key into a packed encoding.
#include "model/object_cost.h"

namespace redisfit {

uint64_t listpack_entry_bytes(const RdbElement& e) {
  uint64_t entry;
  if (e.is_integer) {
    // lpEncodeIntegerGetType: 7-bit uint, 13/16/24/32/64-bit signed.
    int64_t v = e.integer;
    if (v >= 0 && v <= 127) entry = 1;
    else if (v >= -4096 && v <= 4095) entry = 2;
    else if (v >= -32768 && v <= 32767) entry = 3;
    else if (v >= -8388608 && v <= 8388607) entry = 4;
    else if (v >= -2147483648LL && v <= 2147483647LL) entry = 5;
    else entry = 9;
  } else {
    uint64_t len = e.length;
    entry = (len < 64 ? 1 : len < 4096 ? 2 : 5) + len;
  }
  return entry + listpack_backlen_bytes(entry);
}

uint64_t listpack_bytes(const std::vector<RdbElement>& elements, size_t first, size_t count) {
  uint64_t total = 6 + 1;  // header (total bytes, count) + end marker
  for (size_t i = first; i < first + count; ++i) total += listpack_entry_bytes(elements[i]);
  return total;
}

uint64_t ziplist_bytes(const std::vector<RdbElement>& elements, size_t first, size_t count) {
  uint64_t total = 10 + 1;  // zlbytes, zltail, zllen + end marker
  uint64_t prev = 0;
  for (size_t i = first; i < first + count; ++i) {
    const RdbElement& e = elements[i];
    uint64_t body;
    if (e.is_integer) {
      int64_t v = e.integer;
      if (v >= 0 && v <= 12) body = 1;
      else if (v >= -128 && v <= 127) body = 2;
      else if (v >= -32768 && v <= 32767) body = 3;
      else if (v >= -8388608 && v <= 8388607) body = 4;
      else if (v >= -2147483648LL && v <= 2147483647LL) body = 5;
      else body = 9;
    } else {
      body = (e.length <= 63 ? 1 : e.length <= 16383 ? 2 : 5) + e.length;
    }
    uint64_t entry = (prev < 254 ? 1 : 5) + body;
    total += entry;
    prev = entry;
  }
  return total;
}

}  // namespace redisfit
