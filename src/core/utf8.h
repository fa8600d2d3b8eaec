// Text from outside (a redis.conf line, a server's CONFIG GET value or INFO
// field, a file name) may hold bytes that are not UTF-8. JSON and SARIF
// require UTF-8, and Prometheus refuses a whole scrape whose label values are
// not. Every output that carries such text makes it valid the same way: each
// byte that does not start or continue a well-formed sequence becomes U+FFFD,
// as nlohmann::json's error_handler_t::replace does for the JSON outputs.
#pragma once

#include <string>
#include <string_view>

namespace redisfit {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

// `text` with each byte outside a well-formed sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

// Binary text (a key name from an RDB, a file name from a manifest) for a
// line of text output: control bytes (C0, DEL, C1: a NUL cut the report short,
// an ESC moved the cursor or recoloured the terminal, a newline broke the
// table), the Unicode bidirectional controls (U+202A..U+202E, U+2066..U+2069,
// U+200E, U+200F, U+061C: they reorder the rest of the line as shown),
// backslashes and bytes outside a well-formed UTF-8 sequence become \xHH,
// byte by byte (U+202E is \xe2\x80\xae); printable ASCII and other
// well-formed UTF-8 stay as they are.
std::string escaped_for_text(std::string_view text);

// The same for a message of several lines: newlines, tabs and
// backslashes stay (bidi controls are escaped here too).
std::string escaped_for_message(std::string_view text);

}  // namespace redisfit
