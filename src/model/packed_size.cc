// Sizes of listpacks and ziplists built entry by entry, as the loader builds
// them when it converts a key into a packed encoding (entry sizes:
// facts/rdb_elements.cc, shared with the reader's summaries).
#include "model/object_cost.h"

namespace redisfit {
namespace {

PackedSizes packed_sizes(const std::vector<RdbElement>& elements, size_t first, size_t count) {
  PackedSizes sizes;
  for (size_t i = first; i < first + count; ++i) sizes.add(elements[i]);
  return sizes;
}

}  // namespace

uint64_t listpack_bytes(const std::vector<RdbElement>& elements, size_t first, size_t count) {
  return packed_sizes(elements, first, count).listpack_bytes();
}

uint64_t ziplist_bytes(const std::vector<RdbElement>& elements, size_t first, size_t count) {
  return packed_sizes(elements, first, count).ziplist_bytes();
}

}  // namespace redisfit
