// redis-server argv words (a chart's extraFlags) -> configuration directives,
// the way redis-server itself turns argv into config text (server.c main,
// Redis 6.2-8.2): a word starting with "--" begins a new line holding the rest
// of the word as written, so "--maxmemory-policy allkeys-lru" as ONE word is
// the line `maxmemory-policy allkeys-lru`; any other word is appended to the
// current line as one quoted argument (sdscatrepr). The lines are then split
// like redis.conf lines (sdssplitargs).
//
// The Bitnami start scripts pass each extraFlags item as one double-quoted
// bash word (`ARGS+=({{ . | quote }})`), so `$`, backquotes and `\` in an item
// are expanded by bash first: such an item is reported, not applied.
#pragma once

#include <string>
#include <vector>

#include "core/location.h"

namespace redisfit::charts {

struct ArgvWord {
  std::string text;
  Location where;  // the list item in the values file
};

struct ArgvDirective {
  std::string name;  // lower case
  std::vector<std::string> args;
  Location where;    // the word that started it
  // The words it was read from: [first_word, end_word) of the input, the
  // `--name` word and the value words after it (a fix that replaces the
  // directive drops them all).
  size_t first_word = 0, end_word = 0;
};

struct ArgvReading {
  std::vector<ArgvDirective> directives;
  std::vector<std::string> unknowns;  // words that could not be read, and why
};

ArgvReading directives_from_argv(const std::vector<ArgvWord>& words);

}  // namespace redisfit::charts
