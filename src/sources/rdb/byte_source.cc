#include "sources/rdb/byte_source.h"

#include "platform/input_file.h"

#include <isa-l/crc64.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace redisfit::rdb {
namespace {

constexpr uint64_t kChunkBytes = 1 << 20;

// ISA-L's reflected CRC-64 inverts the register on entry and exit; Redis's
// crc64.c does neither (init 0, no final xor). Undo both inversions.
uint64_t redis_crc64(uint64_t crc, const unsigned char* data, uint64_t n) {
  return ~crc64_jones_refl(~crc, data, n);
}

std::string missing_message(const char* what, uint64_t need, uint64_t have) {
  return std::string("truncated: ") + what + " needs " + std::to_string(need) + " bytes but the file ends after " +
         std::to_string(have) + (have == 1 ? " byte" : " bytes");
}

}  // namespace

ByteSource::ByteSource(const std::string& path) {
  // The shared opener (platform/input_file.h) refuses a FIFO, socket or
  // device without waiting or reading: they have no size and may never end.
  auto opened = platform::open_input_fd(path, platform::InputFileRules{});
  if (!opened) throw RdbFormatError(0, opened.error().message);
  struct stat st {};
  if (fstat(opened->get(), &st) != 0) throw RdbFormatError(0, "cannot stat: " + std::string(std::strerror(errno)));
  int fd = opened.value().release();
  file_ = fdopen(fd, "rb");
  if (file_ == nullptr) {
    ::close(fd);
    throw RdbFormatError(0, "cannot open: " + std::string(std::strerror(errno)));
  }
  size_ = static_cast<uint64_t>(st.st_size);
  owned_.resize(kChunkBytes);
  data_ = owned_.data();
}

ByteSource::ByteSource(std::string_view data)
    : data_(reinterpret_cast<const unsigned char*>(data.data())), end_(data.size()), size_(data.size()) {}

ByteSource::~ByteSource() {
  if (file_ != nullptr) std::fclose(file_);
}

void ByteSource::require(uint64_t n, const char* what) const {
  if (n > remaining()) throw RdbFormatError(offset(), missing_message(what, n, remaining()));
}

void ByteSource::fold_crc() {
  if (pos_ > crc_pos_) crc_ = redis_crc64(crc_, data_ + crc_pos_, pos_ - crc_pos_);
  crc_pos_ = pos_;
}

uint64_t ByteSource::crc64_so_far() {
  fold_crc();
  return crc_;
}

void ByteSource::fill(uint64_t need, const char* what) {
  if (end_ - pos_ >= need) return;
  require(need, what);
  // A buffer source holds the whole input: require() already proved it.
  fold_crc();
  uint64_t keep = end_ - pos_;
  if (owned_.size() < need) owned_.resize(std::max<uint64_t>(need, owned_.size() * 2));
  std::memmove(owned_.data(), owned_.data() + pos_, keep);
  consumed_base_ += pos_;
  pos_ = 0;
  crc_pos_ = 0;
  end_ = keep;
  data_ = owned_.data();
  while (end_ < need) {
    size_t got = std::fread(owned_.data() + end_, 1, owned_.size() - end_, file_);
    if (got == 0) throw RdbFormatError(offset(), std::string("read error or file shrank while reading ") + what);
    end_ += got;
  }
}

uint8_t ByteSource::u8(const char* what) {
  fill(1, what);
  return data_[pos_++];
}

uint64_t ByteSource::le(unsigned bytes, const char* what) {
  fill(bytes, what);
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
  pos_ += bytes;
  return v;
}

uint64_t ByteSource::be(unsigned bytes, const char* what) {
  fill(bytes, what);
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += bytes;
  return v;
}

void ByteSource::seek_forward(uint64_t to, const char* what) {
  if (to < offset()) throw RdbFormatError(offset(), std::string("cannot seek back for ") + what);
  require(to - offset(), what);
  if (file_ == nullptr || to - offset() <= end_ - pos_) {
    pos_ += to - offset();
    crc_pos_ = pos_;
    return;
  }
  if (std::fseek(file_, static_cast<long>(to), SEEK_SET) != 0)
    throw RdbFormatError(offset(), std::string("cannot seek to ") + what);
  consumed_base_ = to;
  pos_ = end_ = crc_pos_ = 0;
}

std::string_view ByteSource::peek(uint64_t n) {
  n = std::min(n, remaining());
  fill(n, "peek");
  return {reinterpret_cast<const char*>(data_ + pos_), n};
}

std::string_view ByteSource::bytes(uint64_t n, const char* what) {
  fill(n, what);
  std::string_view view(reinterpret_cast<const char*>(data_ + pos_), n);
  pos_ += n;
  return view;
}

void ByteSource::skip(uint64_t n, const char* what) {
  require(n, what);
  // Large skips stream through the buffer so the CRC still sees every byte.
  while (n > 0) {
    uint64_t step = std::min<uint64_t>(n, std::max<uint64_t>(end_ - pos_, 1));
    if (end_ - pos_ == 0) step = std::min<uint64_t>(n, kChunkBytes);
    fill(step, what);
    pos_ += step;
    n -= step;
  }
}

}  // namespace redisfit::rdb
