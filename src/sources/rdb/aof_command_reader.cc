#include "sources/rdb/aof_command_reader.h"

#include <fmt/format.h>

#include <vector>

#include "sources/rdb/aof_transactions.h"

namespace redisfit::rdb {
namespace {

[[noreturn]] void fail(uint64_t at, const std::string& what) { throw RdbFormatError(at, what); }

// "<digits>\r\n" after a '*' or '$'.
uint64_t resp_number(ByteSource& in, const char* what) {
  uint64_t at = in.offset();
  uint64_t v = 0;
  int digits = 0;
  while (true) {
    uint8_t c = in.u8(what);
    if (c == '\r') break;
    if (c < '0' || c > '9' || ++digits > 18) fail(at, std::string("bad number in AOF ") + what);
    v = v * 10 + (c - '0');
  }
  if (in.u8(what) != '\n' || digits == 0) fail(at, std::string("bad line ending in AOF ") + what);
  return v;
}

// One command's arguments in one buffer that grows with what is read, never
// with the count a file claims: a lying "*19999900" costs nothing until its
// arguments are there (about 22 bytes of memory per argument read).
struct CommandBuffer {
  std::string bytes;
  std::vector<uint32_t> lengths;
  std::vector<std::string_view> argv;
};

// Reads one command into `b`; false for a 7.0 "#TS:..." annotation line.
bool read_command(ByteSource& in, CommandBuffer& b) {
  uint64_t at = in.offset();
  uint8_t c = in.u8("AOF command");
  if (c == '#') {
    while (in.u8("AOF annotation") != '\n') {}
    return false;
  }
  if (c != '*') fail(at, "not an AOF command: expected '*', found byte " + std::to_string(c));
  uint64_t argc = resp_number(in, "argument count");
  if (argc == 0) fail(at, "an AOF command with no arguments");
  b.bytes.clear();
  b.lengths.clear();
  for (uint64_t i = 0; i < argc; ++i) {
    uint64_t arg_at = in.offset();
    if (in.u8("AOF bulk string") != '$') fail(arg_at, "expected '$' for an AOF argument");
    uint64_t len = resp_number(in, "bulk length");
    if (len > UINT32_MAX) fail(arg_at, "an AOF argument of " + std::to_string(len) + " bytes (over 4 GiB)");
    in.require(len + 2, "AOF argument");
    b.bytes.append(in.bytes(len, "AOF argument"));
    b.lengths.push_back(static_cast<uint32_t>(len));
    if (in.bytes(2, "AOF argument end") != "\r\n") fail(in.offset() - 2, "AOF argument not followed by CRLF");
  }
  b.argv.clear();
  size_t offset = 0;
  for (uint32_t len : b.lengths) {
    b.argv.emplace_back(b.bytes.data() + offset, len);
    offset += len;
  }
  return true;
}

}  // namespace

bool is_truncation(const RdbFormatError& e) { return std::string_view(e.what()).rfind("truncated", 0) == 0; }

uint64_t read_aof_commands(ByteSource& in, AofCommandSink& sink, bool truncated_tail_ok, AofTail& tail) {
  tail.file_bytes = in.size();
  TransactionSink transactions(sink);
  CommandBuffer buffer;
  while (!in.at_end()) {
    uint64_t at = in.offset();
    try {
      if (!read_command(in, buffer)) continue;
    } catch (const RdbFormatError& e) {
      if (truncated_tail_ok && is_truncation(e)) {
        tail.dropped_at = at;
        break;
      }
      throw;
    }
    transactions.command_at(at, buffer.argv);
  }
  if (transactions.open()) {
    // aof.c handles a MULTI left open at the end "as it was a short read".
    if (!truncated_tail_ok) {
      fail(transactions.open_at(), "truncated inside a transaction: MULTI with no EXEC before the end of the file");
    }
    tail.reverted_at = transactions.open_at();
    tail.reverted_commands = transactions.held_commands();
    tail.reverted_overrun = transactions.overrun();
  }
  return transactions.forwarded();
}

void add_tail_notes(const std::string& file, const AofTail& tail, std::vector<std::string>& notes) {
  if (tail.dropped_at != AofTail::kNone) {
    notes.push_back(fmt::format("the last command of {} (from byte {}, {} bytes) is cut short: Redis drops it and "
                                "loads the rest (aof-load-truncated yes, the default)",
                                file, tail.dropped_at, tail.file_bytes - tail.dropped_at));
  }
  if (tail.reverted_at == AofTail::kNone) return;
  if (tail.reverted_overrun) {
    notes.push_back(fmt::format("{} ends inside a transaction (MULTI at byte {}) too large to hold back: Redis "
                                "reverts it, this estimate counts it as applied (high)",
                                file, tail.reverted_at));
  } else {
    notes.push_back(fmt::format("{} ends inside a transaction (MULTI at byte {}, {} command{} queued, no EXEC): "
                                "Redis reverts it (\"Revert incomplete MULTI/EXEC transaction\") and loads the "
                                "rest, and so does this estimate",
                                file, tail.reverted_at, tail.reverted_commands,
                                tail.reverted_commands == 1 ? "" : "s"));
  }
}

}  // namespace redisfit::rdb
