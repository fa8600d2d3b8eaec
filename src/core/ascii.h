// ASCII case for names that Redis, Kubernetes and the shell compare without
// case (directive names, commands, image repositories). Not for text in a
// locale: std::tolower of an unsigned char, byte by byte.
#pragma once

#include <string>
#include <string_view>

namespace redisfit {

std::string ascii_lower(std::string_view text);

}  // namespace redisfit
