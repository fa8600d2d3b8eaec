#include "core/utf8.h"

#include <cstddef>

namespace redisfit {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed sequence at text[i], or 0 when the byte there
// does not start one. The second byte's range rules out overlong forms,
// surrogates (ED A0..BF) and code points above U+10FFFF (F4 90..).
size_t sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = sequence_length(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string valid_utf8(std::string_view text) {
  if (is_valid_utf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size();) {
    const size_t n = sequence_length(text, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

namespace {

// The code point of the well-formed `length`-byte sequence at text[i].
char32_t code_point(std::string_view text, size_t i, size_t length) {
  static const unsigned char kLeadBits[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  char32_t cp = static_cast<unsigned char>(text[i]) & kLeadBits[length];
  for (size_t k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  return cp;
}

// The Unicode bidirectional controls (UAX #9: embeddings and overrides
// U+202A..U+202E, isolates U+2066..U+2069, the marks U+200E, U+200F and
// U+061C): printed raw, a terminal reorders the rest of the line around them
// (a key named U+202E "RTL" showed the report's line backwards, the
// "Trojan Source" trick, CVE-2021-42574).
bool bidi_control(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
         cp == 0x061C;
}

std::string escaped(std::string_view text, bool for_message) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t n = sequence_length(text, i);
    // U+0080..U+009F (C2 80..9F) are the C1 controls: escaped as the C0 ones.
    const bool c1_control = n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
    if (n > 1 && !c1_control && !bidi_control(code_point(text, i, n))) {  // a well-formed multi-byte character
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    if (n > 1) {  // a C1 or bidi control: each of its bytes as \xHH, as a stray byte
      for (size_t k = 0; k < n; ++k) {
        const auto b = static_cast<unsigned char>(text[i + k]);
        out += "\\x";
        out += kHex[b >> 4];
        out += kHex[b & 15];
      }
      i += n;
      continue;
    }
    // In a message a backslash is text (a path, a quoted escape); in a
    // name it would make the escapes ambiguous.
    const bool plain = c >= 0x20 && c != 0x7f && (c != '\\' || for_message);
    if (n == 1 && (plain || (for_message && (c == '\n' || c == '\t')))) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    ++i;
  }
  return out;
}

}  // namespace

std::string escaped_for_text(std::string_view text) { return escaped(text, false); }

std::string escaped_for_message(std::string_view text) { return escaped(text, true); }

}  // namespace redisfit
