// Text layout shared by the text renderers.
#pragma once

#include <string>

namespace redisfit::render {

// Every line of `text` with `prefix` in front, each ending in a newline
// (a missing final newline is added; an empty text gives an empty result).
std::string indent(const std::string& text, const std::string& prefix);

}  // namespace redisfit::render
