// Quoting a word for a command line the user pastes into a shell.
#pragma once

#include <string>
#include <string_view>

namespace redisfit {

// `text` as the inside of a single-quoted sh word: each ' becomes '\''
// (close, escaped quote, reopen). The caller writes the outer quotes.
std::string single_quote_body(std::string_view text);

// `text` as one single-quoted sh word: '...' (fish reads it alike as long as
// it holds no backslash).
inline std::string single_quoted(std::string_view text) { return "'" + single_quote_body(text) + "'"; }

}  // namespace redisfit
