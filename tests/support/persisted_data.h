// Test support: persisted data written by a real redis-server, for the tests
// that hand a dump or an appendonlydir to `rescue` and `stress --rdb`.
#pragma once

#include <string>

namespace redisfit::testing {

// Writes `keys` strings of 1000 B (k:<i>) through a redis-server running
// appendonly yes, then, when `kept_after_flush` >= 0, a FLUSHALL and that
// many keys again: an AOF whose load peaks at all `keys` and ends with the
// few kept (`redisfit rdb`'s "load peak"). The server's appendonlydir is
// copied to `to`. Fails the test (fatally) when the server does not start.
// With `rdb_preamble` false the server runs aof-use-rdb-preamble no: its
// base is an AOF of commands, the legacy form.
void write_appendonlydir(const std::string& to, int keys, int kept_after_flush = -1, bool rdb_preamble = true);

// Writes `keys` strings of `value_bytes` random bytes through a redis-server
// with persistence off, then SAVE: its dump.rdb is copied to `to`.
void write_dump_rdb(const std::string& to, int keys, int value_bytes = 1000);

}  // namespace redisfit::testing
