#include "render/style.h"

#include <fmt/format.h>

namespace redisfit::render {

const char* verdict_sgr(Verdict verdict) {
  switch (verdict) {
    case Verdict::kSafe: return "32";
    case Verdict::kThin: return "33";
    case Verdict::kUnsafe: return "31;1";
    case Verdict::kUnbounded: return "33";
  }
  return "0";
}

const char* level_sgr(std::optional<rules::Level> level) {
  if (!level) return "32";
  switch (*level) {
    case rules::Level::kError: return "1;31";
    case rules::Level::kWarning: return "1;33";
    case rules::Level::kNote: return "1;36";
  }
  return "0";
}

std::string paint(bool color, const char* sgr, std::string_view text) {
  return color ? fmt::format("\033[{}m{}\033[0m", sgr, text) : std::string(text);
}

std::string paint_padded(bool color, const char* sgr, std::string_view text, size_t width) {
  const std::string pad(text.size() < width ? width - text.size() : 0, ' ');
  return paint(color, sgr, text) + pad;
}

}  // namespace redisfit::render
