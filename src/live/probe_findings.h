// Internal to src/live: the probe's findings, one small function per concern.
#pragma once

#include "live/live_facts.h"
#include "live/probe.h"

namespace redisfit::live::detail {

// Appends findings to `report`, whose observed figures and projections are
// already filled in.
void add_findings(ProbeReport& report, const LiveFacts& facts);

// safe / thin / unsafe of `bytes` against `limit` (the model's safety factor).
Verdict judge(uint64_t bytes, std::optional<uint64_t> limit);

}  // namespace redisfit::live::detail
