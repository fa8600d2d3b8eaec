// Listpack, ziplist and intset blobs as Redis serializes them inside RDB
// strings. Layouts (listpack.c, ziplist.c, intset.c): all integers little
// endian; every length is checked against the blob before it is used.
#include <cstring>
#include <string>

#include "sources/rdb/value_reader.h"

namespace redisfit::rdb {
namespace {

class Cursor {
 public:
  Cursor(std::string_view blob, uint64_t base, const char* kind) : blob_(blob), base_(base), kind_(kind) {}
  [[noreturn]] void fail(const std::string& what) const {
    throw RdbFormatError(base_, std::string(kind_) + " blob is corrupt: " + what + " at blob byte " +
                                    std::to_string(pos_));
  }
  void need(uint64_t n) const {
    if (n > blob_.size() - pos_) fail("entry runs past the end");
  }
  uint8_t u8() { need(1); return static_cast<uint8_t>(blob_[pos_++]); }
  uint64_t le(unsigned n) {
    need(n);
    uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(blob_[pos_ + i])) << (8 * i);
    pos_ += n;
    return v;
  }
  uint64_t be(unsigned n) {
    need(n);
    uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(blob_[pos_ + i]);
    pos_ += n;
    return v;
  }
  std::string_view take(uint64_t n) { need(n); auto s = blob_.substr(pos_, n); pos_ += n; return s; }
  uint64_t pos() const { return pos_; }
  uint64_t size() const { return blob_.size(); }

 private:
  std::string_view blob_;
  uint64_t base_;
  const char* kind_;
  uint64_t pos_ = 0;
};

int64_t sign_extend(uint64_t v, unsigned bits) {
  uint64_t m = 1ULL << (bits - 1);
  return static_cast<int64_t>((v ^ m) - m);
}

}  // namespace

void read_listpack(std::string_view blob, uint64_t base, const ElementFn& each) {
  Cursor c(blob, base, "listpack");
  uint64_t total = c.le(4);
  uint64_t declared = c.le(2);
  if (total != blob.size()) c.fail("header says " + std::to_string(total) + " bytes, blob has " + std::to_string(blob.size()));
  uint64_t count = 0;
  while (true) {
    uint64_t start = c.pos();
    uint8_t b = c.u8();
    if (b == 0xFF) break;
    if ((b & 0x80) == 0) {
      each(element_of_integer(b & 0x7F));
    } else if ((b & 0xC0) == 0x80) {
      each(element_of(c.take(b & 0x3F)));
    } else if ((b & 0xE0) == 0xC0) {
      each(element_of_integer(sign_extend(((b & 0x1FULL) << 8) | c.u8(), 13)));
    } else if ((b & 0xF0) == 0xE0) {
      each(element_of(c.take(((b & 0x0FULL) << 8) | c.u8())));
    } else if (b == 0xF0) {
      each(element_of(c.take(c.le(4))));
    } else if (b == 0xF1) {
      each(element_of_integer(sign_extend(c.le(2), 16)));
    } else if (b == 0xF2) {
      each(element_of_integer(sign_extend(c.le(3), 24)));
    } else if (b == 0xF3) {
      each(element_of_integer(sign_extend(c.le(4), 32)));
    } else if (b == 0xF4) {
      each(element_of_integer(static_cast<int64_t>(c.le(8))));
    } else {
      c.fail("unknown entry encoding " + std::to_string(b));
    }
    c.take(listpack_backlen_bytes(c.pos() - start));
    ++count;
  }
  if (c.pos() != c.size()) c.fail("bytes after the end marker");
  if (declared != 65535 && declared != count)
    c.fail("header counts " + std::to_string(declared) + " entries, found " + std::to_string(count));
}

void read_ziplist(std::string_view blob, uint64_t base, const ElementFn& each) {
  Cursor c(blob, base, "ziplist");
  uint64_t total = c.le(4);
  c.le(4);  // offset of the tail entry
  uint64_t declared = c.le(2);
  if (total != blob.size()) c.fail("header says " + std::to_string(total) + " bytes, blob has " + std::to_string(blob.size()));
  uint64_t count = 0;
  while (true) {
    uint8_t prev = c.u8();
    if (prev == 0xFF) break;
    if (prev == 0xFE) c.le(4);
    uint8_t b = c.u8();
    switch (b >> 6) {
      case 0: each(element_of(c.take(b & 0x3F))); break;
      case 1: each(element_of(c.take(((b & 0x3FULL) << 8) | c.u8()))); break;
      case 2:
        if (b != 0x80) c.fail("unknown string encoding " + std::to_string(b));
        each(element_of(c.take(c.be(4))));
        break;
      default:
        if (b == 0xC0) each(element_of_integer(sign_extend(c.le(2), 16)));
        else if (b == 0xD0) each(element_of_integer(sign_extend(c.le(4), 32)));
        else if (b == 0xE0) each(element_of_integer(static_cast<int64_t>(c.le(8))));
        else if (b == 0xF0) each(element_of_integer(sign_extend(c.le(3), 24)));
        else if (b == 0xFE) each(element_of_integer(sign_extend(c.le(1), 8)));
        else if (b >= 0xF1 && b <= 0xFD) each(element_of_integer((b & 0x0F) - 1));
        else c.fail("unknown entry encoding " + std::to_string(b));
    }
    ++count;
  }
  if (c.pos() != c.size()) c.fail("bytes after the end marker");
  if (declared != 65535 && declared != count)
    c.fail("header counts " + std::to_string(declared) + " entries, found " + std::to_string(count));
}

uint8_t read_intset(std::string_view blob, uint64_t base, const ElementFn& each) {
  Cursor c(blob, base, "intset");
  uint64_t width = c.le(4);
  uint64_t length = c.le(4);
  if (width != 2 && width != 4 && width != 8) c.fail("integer width " + std::to_string(width));
  if (length * width != blob.size() - 8) c.fail("length " + std::to_string(length) + " does not match its size");
  for (uint64_t i = 0; i < length; ++i) {
    each(element_of_integer(sign_extend(c.le(static_cast<unsigned>(width)), static_cast<unsigned>(width * 8))));
  }
  return static_cast<uint8_t>(width);
}

}  // namespace redisfit::rdb
