// INFO's memory figures (server.c:genRedisInfoString, "# Memory" and
// "# Clients" sections) into facts/server_memory.h. A field the server did not
// print reads as 0, as an empty server's would.
#pragma once

#include "facts/server_memory.h"
#include "platform/info.h"

namespace redisfit {

ServerMemory server_memory_from_info(const platform::InfoFields& info);

}  // namespace redisfit
