#include "core/shell_quote.h"

namespace redisfit {

std::string single_quote_body(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    if (ch == '\'') {
      out += "'\\''";
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace redisfit
