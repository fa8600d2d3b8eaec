#include "sources/rdb/dict_growth.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace redisfit::rdb {

void DictGrowth::step() {
  if (old_buckets_left_ > 0) old_buckets_left_ = std::max(0.0, old_buckets_left_ - 1);
}

void DictGrowth::added() {
  step();  // dictAddRaw steps the rehash before it finds the slot
  // _dictExpandIfNeeded: no expansion while a rehash is under way; else an
  // empty dict gets 4 buckets and a full one the next power of two above
  // its count.
  if (!rehashing()) {
    if (size_ == 0) {
      size_ = 4;
    } else if (used_ >= size_) {
      old_size_ = size_;
      size_ = std::bit_ceil(used_ + 1);
      // The old table's entries fall into its buckets as balls into bins:
      // size x (1 - e^(-used/size)) of them are non-empty, and each step
      // moves one (empty ones are skipped, up to ten a step).
      const double s = static_cast<double>(old_size_);
      old_buckets_left_ = s * (1.0 - std::exp(-static_cast<double>(used_) / s));
    }
  }
  ++used_;
}

void DictGrowth::removed() {
  step();
  if (used_ > 0) --used_;
}

}  // namespace redisfit::rdb
