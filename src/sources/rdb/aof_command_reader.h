// Internal to src/sources/rdb: the commands of one AOF file, read as Redis'
// loader reads them (aof.c:loadSingleAppendOnlyFile): RESP arrays of bulk
// strings, 7.0 "#TS:" annotations skipped, a MULTI's commands applied at its
// EXEC (aof_transactions.h).
#pragma once

#include <cstdint>
#include <string>

#include "sources/rdb/aof_command_keys.h"
#include "sources/rdb/byte_source.h"

namespace redisfit::rdb {

// How a file's commands ended, where Redis' loader leaves something out.
struct AofTail {
  static constexpr uint64_t kNone = UINT64_MAX;
  uint64_t dropped_at = kNone;   // a last command cut short, from this byte
  uint64_t reverted_at = kNone;  // a MULTI with no EXEC after it, from this byte
  uint64_t reverted_commands = 0;  // the commands it held back
  bool reverted_overrun = false;   // it was too large to hold: forwarded all the same
  uint64_t file_bytes = 0;
};

// Whether `e` says the input ended too soon (what aof-load-truncated rules on).
bool is_truncation(const RdbFormatError& e);

// Reads AOF commands from the current offset of `in` to its end into `sink`,
// and returns how many it forwarded. With `truncated_tail_ok` (aof-load-truncated
// yes, the last file), a last command cut short and a transaction with no
// EXEC are left out and said in `tail`, as Redis leaves them; without, either
// throws a truncation (RdbFormatError whose message starts "truncated").
uint64_t read_aof_commands(ByteSource& in, AofCommandSink& sink, bool truncated_tail_ok, AofTail& tail);

// The notes a report gives for what `tail` says was left out of `file`.
void add_tail_notes(const std::string& file, const AofTail& tail, std::vector<std::string>& notes);

}  // namespace redisfit::rdb
