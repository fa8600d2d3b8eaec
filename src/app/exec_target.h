// Where the server `guard --exec -- redis-server ...` starts will listen, read
// from the command the way redis-server reads it (server.c main): the first
// argument is the config file when it does not start with "--", the
// `--name value` words after it override the file, and the last `port` /
// `unixsocket` wins. A config file it cannot read is an error here, as it is
// for redis-server, which would not start either.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace redisfit::app {

// redis://127.0.0.1:PORT, or unix:///path when the server has `port 0` and a
// `unixsocket`. A command that does not start redis-server (a script we
// cannot read) guards the default redis://127.0.0.1:6379. Error when the
// server would listen nowhere guard can reach (port 0, no unixsocket) or
// its config file or overrides cannot be read.
Result<std::string> url_of_exec_command(const std::vector<std::string>& command);

}  // namespace redisfit::app
