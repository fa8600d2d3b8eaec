// Terminal conventions shared by the commands.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace redisfit::cli {

// Colour only on a TTY, and never when NO_COLOR is set (no-color.org).
inline bool use_color(FILE* stream = stdout) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  return isatty(fileno(stream)) != 0;
}

}  // namespace redisfit::cli
