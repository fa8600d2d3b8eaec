// Reading the Prometheus HTTP API's JSON answers (docs: prometheus.io,
// "HTTP API"), from a server we cannot trust to be Prometheus at all.
//
// Contract: nothing here throws. Every member read is checked for its type
// first, and an answer of another shape is an Error whose `where` is the JSON
// path that differs ("data.result[3].value") and whose message says how
// ("is an object, not an array"); the client adds the URL. The parse itself
// refuses nesting deeper than kMaxReplyDepth as it meets it, before the
// document is built (64 MiB of '[' cost 2.3 GB and 9.5 s as a DOM).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/result.h"
#include "platform/prometheus_api.h"

namespace redisfit::platform {

// Prometheus answers nest 6 deep (envelope, data, result, series, values,
// point); 256 is the YAML reader's limit too (sources/manifests).
inline constexpr int kMaxReplyDepth = 256;

// The body as JSON: an object with a string "status", or an Error (its
// `where` empty; code kOutOfRange when nested too deep) when it is not.
Result<nlohmann::json> parse_reply(const std::string& body);

// The envelope's "errorType" and "error" texts, or defaults when absent or
// not strings (for a "status" other than "success").
std::string reply_error_type(const nlohmann::json& reply);
std::string reply_error_text(const nlohmann::json& reply);

// The "data" of a successful answer, read as each call expects it. A sample
// value is Prometheus's string ("1.5e9", "NaN", "+Inf"; a JSON number is
// taken too); a string that is no number reads as NaN, a broken series the
// callers leave out.
Result<std::vector<InstantSample>> read_instant_reply(const nlohmann::json& reply);  // vector or scalar
Result<std::vector<RangeSeries>> read_range_reply(const nlohmann::json& reply);      // matrix
Result<std::string> read_version_reply(const nlohmann::json& reply);                 // "unknown" when absent

}  // namespace redisfit::platform
