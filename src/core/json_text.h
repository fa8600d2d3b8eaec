// The one way a report's JSON tree becomes text. Its strings may come from
// outside (a redis.conf value, a server's CONFIG GET reply, a file name) and
// hold bytes that are not UTF-8; nlohmann's dump() throws on those, which
// would turn a finding about a bad file into an internal error. Each invalid
// byte is written as U+FFFD instead (core/utf8.h does the same for the
// outputs that are not JSON). Every JSON output (reports, guard's log
// lines) goes through it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace redisfit {

// `indent` as nlohmann's dump(): -1 for one line, 2 for the reports.
inline std::string dump_json(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace redisfit
