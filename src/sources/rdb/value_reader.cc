// RDB lengths, strings and object values (rdb.c's rdbLoadLen,
// rdbGenericLoadStringObject and rdbLoadObject, restated).
#include "sources/rdb/value_reader.h"

#include <liblzf/lzf.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "sources/rdb/rdb_format.h"

namespace redisfit::rdb {
namespace {

// LZF can at best turn 3 bytes into a 264-byte back-reference; a declared
// uncompressed size beyond ~90x the compressed one is a lie.
constexpr uint64_t kLzfMaxRatio = 100;

// The length LZF data decompresses to, found by walking its control bytes
// without writing the output (liblzf's format: a control byte < 32 starts a
// literal run of ctrl + 1 bytes; otherwise a back-reference of
// (ctrl >> 5) + 2 bytes, 7 meaning "plus the next byte", at a distance of
// ((ctrl & 31) << 8) + next byte + 1 that must stay inside what was output).
// Returns false when the data is inconsistent or passes `limit`.
bool lzf_walk(std::string_view in, uint64_t limit, uint64_t* out_length) {
  const auto* ip = reinterpret_cast<const unsigned char*>(in.data());
  const unsigned char* end = ip + in.size();
  uint64_t out = 0;
  while (ip < end) {
    unsigned ctrl = *ip++;
    if (ctrl < 32) {
      uint64_t run = ctrl + 1;
      if (static_cast<uint64_t>(end - ip) < run || out + run > limit) return false;
      ip += run;
      out += run;
      continue;
    }
    uint64_t len = ctrl >> 5;
    uint64_t distance = static_cast<uint64_t>(ctrl & 31) << 8;
    if (ip >= end) return false;
    if (len == 7) {
      len += *ip++;
      if (ip >= end) return false;
    }
    distance += *ip++ + 1;
    if (distance > out || out + len + 2 > limit) return false;
    out += len + 2;
  }
  *out_length = out;
  return true;
}

unsigned decimal_digits(int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return static_cast<unsigned>(res.ptr - buf);
}

}  // namespace

bool parse_canonical_int64(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  if (s.size() == 1 && s[0] == '0') { *out = 0; return true; }
  size_t i = 0;
  bool negative = s[0] == '-';
  if (negative) i = 1;
  if (i >= s.size() || s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    v = v * 10 + digit;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

RdbElement element_of(std::string_view s) {
  RdbElement e;
  e.length = s.size();
  e.is_integer = parse_canonical_int64(s, &e.integer);
  return e;
}

RdbElement element_of_integer(int64_t v) {
  return RdbElement{decimal_digits(v), true, v};
}

uint64_t ValueReader::length(const char* what, bool* encoded) {
  uint64_t at = in_.offset();
  uint8_t b = in_.u8(what);
  if (encoded != nullptr) *encoded = false;
  switch (b >> 6) {
    case 0: return b & 0x3F;
    case 1: return ((b & 0x3FULL) << 8) | in_.u8(what);
    case 2:
      if (b == 0x80) return in_.be(4, what);
      if (b == 0x81) return in_.be(8, what);
      throw RdbFormatError(at, std::string("unknown length encoding byte ") + std::to_string(b) + " in " + what);
    default:
      if (encoded == nullptr)
        throw RdbFormatError(at, std::string("an encoded string where a length was expected in ") + what);
      *encoded = true;
      return b & 0x3F;
  }
}

uint64_t ValueReader::count(const char* what) {
  uint64_t at = in_.offset();
  uint64_t n = length(what);
  if (n > in_.remaining())
    throw RdbFormatError(at, std::string("length overflow: ") + what + " counts " + std::to_string(n) +
                                 " items but only " + std::to_string(in_.remaining()) + " bytes remain");
  return n;
}

// An LZF string's two lengths, refused when the plain one is more than LZF
// can expand the compressed one to (a lie that would size a huge buffer).
std::pair<uint64_t, uint64_t> ValueReader::lzf_lengths(const char* what, uint64_t at) {
  uint64_t compressed = count(what);
  uint64_t plain = length(what);
  if (compressed == 0 || plain == 0 || plain > compressed * kLzfMaxRatio + 64)
    throw RdbFormatError(at, std::string("LZF lengths lie in ") + what + ": " + std::to_string(compressed) +
                                 " compressed bytes cannot hold " + std::to_string(plain));
  return {compressed, plain};
}

uint64_t ValueReader::lzf_node_bytes(std::string_view blob) {
  // lzf_compress takes unsigned lengths, as quicklist.c passes node->sz.
  if (blob.size() < 48 || blob.size() > std::numeric_limits<unsigned>::max()) return 0;
  node_lzf_.resize(blob.size());
  const unsigned got = lzf_compress(blob.data(), static_cast<unsigned>(blob.size()), node_lzf_.data(),
                                    static_cast<unsigned>(blob.size()));
  return lzf_keeps(blob.size(), got) ? got : 0;
}

std::string_view ValueReader::lzf(const char* what, uint64_t at) {
  const auto [compressed, plain] = lzf_lengths(what, at);
  std::string_view packed = in_.bytes(compressed, what);
  if (lzf_out_.size() < plain) lzf_out_.resize(plain);
  unsigned got = lzf_decompress(packed.data(), static_cast<unsigned>(compressed), lzf_out_.data(),
                                static_cast<unsigned>(plain));
  if (got != plain)
    throw RdbFormatError(at, std::string("LZF data does not decompress to its stated ") + std::to_string(plain) +
                                 " bytes in " + what);
  return {lzf_out_.data(), plain};
}

std::string_view ValueReader::string(const char* what) {
  uint64_t at = in_.offset();
  bool encoded = false;
  uint64_t n = length(what, &encoded);
  if (!encoded) {
    in_.require(n, what);
    return in_.bytes(n, what);
  }
  int64_t v = 0;
  switch (n) {
    case 0: v = static_cast<int8_t>(in_.u8(what)); break;
    case 1: v = static_cast<int16_t>(in_.le(2, what)); break;
    case 2: v = static_cast<int32_t>(in_.le(4, what)); break;
    case 3: return lzf(what, at);
    default:
      throw RdbFormatError(at, std::string("unknown string encoding ") + std::to_string(n) + " in " + what);
  }
  blob_copy_.resize(24);
  auto end = std::to_chars(blob_copy_.data(), blob_copy_.data() + blob_copy_.size(), v).ptr;
  return {blob_copy_.data(), static_cast<size_t>(end - blob_copy_.data())};
}

RdbElement ValueReader::element(const char* what) {
  uint64_t at = in_.offset();
  bool encoded = false;
  uint64_t n = length(what, &encoded);
  if (!encoded) {
    in_.require(n, what);
    if (n <= 20) return element_of(in_.bytes(n, what));
    in_.skip(n, what);
    return RdbElement{n, false, 0};
  }
  switch (n) {
    case 0: return element_of_integer(static_cast<int8_t>(in_.u8(what)));
    case 1: return element_of_integer(static_cast<int16_t>(in_.le(2, what)));
    case 2: return element_of_integer(static_cast<int32_t>(in_.le(4, what)));
    case 3: return lzf_element(what, at);
    default:
      throw RdbFormatError(at, std::string("unknown string encoding ") + std::to_string(n) + " in " + what);
  }
}

// An LZF string's shape. Only a string of at most 20 bytes can be an integer
// (util.c:string2ll), so a longer one is checked by walking its LZF data,
// never decompressed: a 128 MB value costs its compressed bytes, not 128 MB.
RdbElement ValueReader::lzf_element(const char* what, uint64_t at) {
  const auto [compressed, plain] = lzf_lengths(what, at);
  std::string_view packed = in_.bytes(compressed, what);
  if (plain <= 20) {
    char small[20];
    unsigned got = lzf_decompress(packed.data(), static_cast<unsigned>(compressed), small, static_cast<unsigned>(plain));
    if (got == plain) return element_of(std::string_view(small, plain));
  } else if (uint64_t walked = 0; lzf_walk(packed, plain, &walked) && walked == plain) {
    return RdbElement{plain, false, 0};
  }
  throw RdbFormatError(at, std::string("LZF data does not decompress to its stated ") + std::to_string(plain) +
                               " bytes in " + what);
}

void ValueReader::skip_string(const char* what) { element(what); }

double ValueReader::binary_double(const char* what) {
  uint64_t bits = in_.le(8, what);
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

double ValueReader::ascii_double(const char* what) {
  uint64_t at = in_.offset();
  uint8_t n = in_.u8(what);
  if (n == 253) return std::numeric_limits<double>::quiet_NaN();
  if (n == 254) return std::numeric_limits<double>::infinity();
  if (n == 255) return -std::numeric_limits<double>::infinity();
  std::string text(in_.bytes(n, what));
  char* end = nullptr;
  double d = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) throw RdbFormatError(at, std::string("bad double '") + text + "' in " + what);
  return d;
}

void ValueReader::skip_module_value() {
  while (true) {
    uint64_t at = in_.offset();
    uint64_t op = length("module value opcode");
    switch (op) {
      case kModuleEof: return;
      case kModuleSint:
      case kModuleUint: length("module integer"); break;
      case kModuleFloat: in_.skip(4, "module float"); break;
      case kModuleDouble: in_.skip(8, "module double"); break;
      case kModuleString: skip_string("module string"); break;
      default:
        throw RdbFormatError(at, "unknown module value opcode " + std::to_string(op));
    }
  }
}

}  // namespace redisfit::rdb
