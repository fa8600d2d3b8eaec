// Durations on the command line: "500ms", "2s", "1m", or a bare number of
// seconds ("5", "0.5").
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.h"

namespace redisfit::live {

// `flag` names the option in the error ("--watch").
Result<std::chrono::milliseconds> parse_duration(std::string_view text, const std::string& flag);

}  // namespace redisfit::live
