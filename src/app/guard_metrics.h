// `guard`'s /metrics: the state of the last poll and of the last change, in
// the exporter's exposition format (live/exposition.h). Every sample carries
// target="host:port" like the exporter's. Names and meaning: docs/guard.md.
#pragma once

#include <string>

#include "app/guard_loop.h"

namespace redisfit::app {

std::string render_guard_metrics(const GuardState& state, const std::string& target);

}  // namespace redisfit::app
