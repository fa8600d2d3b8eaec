// Terminal colour for the text renderers, in one place so every command
// paints a verdict or a level the same way. Renderers take `color` from the
// CLI (cli/terminal.h use_color(): a TTY, and NO_COLOR unset) and never decide
// it themselves; with `color` false the text is returned unchanged, so piped
// and CI output is byte-for-byte the plain text.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "model/budget.h"
#include "rules/rule.h"

namespace redisfit::render {

// SGR codes: the verdict (safe green, thin/unbounded yellow, unsafe bold
// red) and the finding level (error bold red, warning bold yellow, note bold
// cyan; no finding green).
const char* verdict_sgr(Verdict verdict);
const char* level_sgr(std::optional<rules::Level> level);

// `text` wrapped in the SGR code when `color`.
std::string paint(bool color, const char* sgr, std::string_view text);

// `text` left-aligned in `width` columns, the padding outside the colour so
// columns line up with or without it.
std::string paint_padded(bool color, const char* sgr, std::string_view text, size_t width);

}  // namespace redisfit::render
