#include "facts/rdb_elements.h"

#include <algorithm>

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

uint64_t ziplist_entry_bytes(const RdbElement& e, uint64_t previous_entry_bytes) {
  uint64_t body;
  if (e.is_integer) {
    // zipTryEncoding: 4-bit immediate 0..12, then 8/16/24/32/64-bit signed.
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
  return (previous_entry_bytes < 254 ? 1 : 5) + body;
}

void PackedSizes::add(const RdbElement& e) {
  ++entries_;
  listpack_entries_bytes_ += listpack_entry_bytes(e);
  last_ziplist_entry_bytes_ = ziplist_entry_bytes(e, last_ziplist_entry_bytes_);
  ziplist_entries_bytes_ += last_ziplist_entry_bytes_;
}

void SizeCounts::add(uint64_t size, uint64_t times) {
  total_ += times;
  if (size < kInPlace) {
    if (size >= small_.size()) small_.resize(size + 1, 0);
    small_[size] += times;
  } else {
    large_[size] += times;
  }
}

void SizeCounts::clear() {
  small_.clear();  // keeps its capacity (at most kInPlace counts)
  large_.clear();
  total_ = 0;
}

void ElementSummary::add(const RdbElement& e, bool becomes_sds) {
  ++count;
  if (e.is_integer) {
    ++integers;
    min_integer = std::min(min_integer, e.integer);
    max_integer = std::max(max_integer, e.integer);
  }
  max_length = std::max(max_length, e.length);
  packed.add(e);
  if (becomes_sds) sds_lengths.add(e.length);
}

void ElementSummary::clear() {
  count = 0;
  integers = 0;
  min_integer = std::numeric_limits<int64_t>::max();
  max_integer = std::numeric_limits<int64_t>::min();
  max_length = 0;
  packed = PackedSizes{};
  sds_lengths.clear();
}

void ListNodePacker::reset(ListNodeRule rule) {
  rule_ = rule;
  closed_.clear();
  first_closed_bytes_ = open_bytes_ = open_entries_ = 0;
}

void ListNodePacker::push(const RdbElement& e) {
  uint64_t entry = listpack_entry_bytes(e) + (rule_.listpack ? 0 : 1);
  if (open_entries_ > 0 && (open_bytes_ + entry > rule_.size_limit_bytes || open_entries_ + 1 > rule_.count_limit)) {
    if (closed_.total() == 0) first_closed_bytes_ = open_bytes_;
    closed_.add(open_bytes_);
    open_entries_ = 0;
  }
  if (open_entries_ == 0) open_bytes_ = rule_.listpack ? 7 : 11;  // header + end marker
  open_bytes_ += entry;
  ++open_entries_;
}

void QuicklistNodes::add_loaded(uint64_t as_listpack, uint64_t as_ziplist) {
  loaded_as_listpack.add(as_listpack);
  loaded_as_ziplist.add(as_ziplist);
  last_as_listpack = as_listpack;
  last_as_ziplist = as_ziplist;
}

void QuicklistNodes::clear() {
  serialized = packed = last_as_listpack = last_as_ziplist = 0;
  loaded_as_listpack.clear();
  loaded_as_ziplist.clear();
  in_order.clear();
}

}  // namespace redisfit
