// A forward-only byte stream over an RDB/AOF file (or a buffer, for the fuzz
// target) that knows its offset and keeps the file's CRC-64 as it goes.
//
// Memory: one read buffer (1 MiB) that grows only when a single read needs
// more, i.e. to the largest single string of the file.
//
// Errors: every failure (short file, I/O) throws RdbFormatError with the byte
// offset where the read began; the public reader API turns it into an Error
// value, so no exception leaves src/sources/rdb.
#pragma once

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace redisfit::rdb {

struct RdbFormatError : std::runtime_error {
  RdbFormatError(uint64_t at, const std::string& message) : std::runtime_error(message), offset(at) {}
  uint64_t offset;
};

class ByteSource {
 public:
  // Reads `path`; throws RdbFormatError (offset 0) when it cannot be opened
  // or is not a regular file ("not a regular file": a FIFO, a directory).
  explicit ByteSource(const std::string& path);
  // Reads an in-memory buffer that outlives this object.
  explicit ByteSource(std::string_view data);
  ~ByteSource();
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  uint64_t offset() const { return consumed_base_ + pos_; }
  uint64_t size() const { return size_; }
  uint64_t remaining() const { return size_ - offset(); }
  bool at_end() const { return offset() >= size_; }

  uint8_t u8(const char* what);
  // Little-endian fixed-width integers.
  uint64_t le(unsigned bytes, const char* what);
  // Big-endian (RDB 32/64-bit lengths).
  uint64_t be(unsigned bytes, const char* what);
  // The next `n` bytes; valid until the next call on this source.
  std::string_view bytes(uint64_t n, const char* what);
  void skip(uint64_t n, const char* what);
  // Moves to `offset` (>= offset()) without reading what lies between;
  // crc64_so_far() is meaningless afterwards.
  void seek_forward(uint64_t offset, const char* what);
  // Up to `n` next bytes (fewer at the end), without consuming them.
  std::string_view peek(uint64_t n);

  // CRC-64 (Jones, reflected, the one rdb.c and redis-check-rdb use) of every
  // byte before offset().
  uint64_t crc64_so_far();

  // Fails with "truncated" unless `n` more bytes exist.
  void require(uint64_t n, const char* what) const;

 private:
  void fill(uint64_t need, const char* what);  // makes pos_+need <= end_
  void fold_crc();                             // crc over [crc_pos_, pos_)

  std::FILE* file_ = nullptr;
  std::vector<unsigned char> owned_;
  const unsigned char* data_ = nullptr;  // buffer start
  uint64_t end_ = 0;                     // valid bytes in buffer
  uint64_t pos_ = 0;                     // read position in buffer
  uint64_t crc_pos_ = 0;                 // bytes of the buffer already in crc_
  uint64_t consumed_base_ = 0;           // file offset of data_[0]
  uint64_t size_ = 0;
  uint64_t crc_ = 0;
};

}  // namespace redisfit::rdb
