// `redisfit guard`: the whole command once its flags are read. Two modes:
//
//  * sidecar (exec_argv empty): guards the server at options.endpoint until
//    SIGTERM/SIGINT; returns 0 then. Killing the guard touches nothing in
//    Redis: the server keeps the maxmemory last set.
//  * entrypoint wrapper (exec_argv = redis-server ...): starts the server as
//    its child (live/exec_wrapper.h), forwards signals to it, guards it, and
//    returns the child's exit status; never restarts it.
//
// Exit codes: 2 (bad input) when the first successful look at the server
// shows something the guard cannot work with (unreadable limit, CONFIG
// refused, authentication refused, a limit the data cannot fit in), or the
// server was not reachable within `wait`; in wrapper mode the server is then
// shut down with SIGTERM (so it saves) before exiting 2. Once guarding,
// problems are logged and shown on /metrics, and the guard keeps polling.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "app/guard_loop.h"

namespace redisfit::app {

struct GuardRunOptions {
  GuardOptions guard;
  std::chrono::milliseconds interval{5000};
  std::chrono::milliseconds wait{60000};  // to reach the server at start
  std::vector<std::string> exec_argv;     // empty = sidecar
  std::string listen;                     // /metrics address; empty = no HTTP server
  bool once = false;                      // one poll, then exit (0 ok, 2 bad input)
};

// Precondition: live::block_relayed_signals() was called before any thread
// was started (main() of the CLI does it for `guard`).
int run_guard(const GuardRunOptions& options, GuardLog& log);

}  // namespace redisfit::app
