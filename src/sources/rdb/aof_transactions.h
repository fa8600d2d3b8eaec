// Internal to src/sources/rdb: MULTI/EXEC in an AOF, applied as Redis loads
// them.
//
// Redis' AOF loader runs each command through a fake client, which queues a
// MULTI's commands and executes them at its EXEC (aof.c:loadSingleAppendOnlyFile,
// queueMultiCommand). A file that ends before the EXEC is reverted to the
// point before the MULTI ("Revert incomplete MULTI/EXEC transaction in AOF
// file") and handled as a cut-short tail: with aof-load-truncated yes, and
// in the last file, the load goes on without it; otherwise Redis refuses to
// start. A tail cut short inside a transaction leaves it unexecuted too.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sources/rdb/aof_command_keys.h"

namespace redisfit::rdb {

// Holds a transaction's commands until its EXEC, then forwards them to
// `next` in order; a transaction never closed is never forwarded. After the
// EXEC, tells `next` what Redis held for the queue (transaction_applied):
// the queued commands stay in the loading client until EXEC has applied them
// all, so the load stands that much above the data there (a 7.0 AOF wraps
// each script's writes in MULTI/EXEC: one EVAL of 300,000 SETs held ~38 MB).
// Memory: the held transaction's argument bytes, up to `max_held_bytes`. A
// transaction larger than that is forwarded as it comes (it errs high if the
// file then ends inside it: overrun() says so).
class TransactionSink : public AofCommandSink {
 public:
  static constexpr uint64_t kDefaultMaxHeldBytes = 64ULL << 20;

  explicit TransactionSink(AofCommandSink& next, uint64_t max_held_bytes = kDefaultMaxHeldBytes)
      : next_(next), max_held_bytes_(max_held_bytes) {}

  // `at` is the command's offset in its file, for open_at().
  void command_at(uint64_t at, const std::vector<std::string_view>& argv);
  void command(const std::vector<std::string_view>& argv) override { command_at(0, argv); }

  // Commands forwarded to `next` (MULTI and EXEC included, as they came).
  uint64_t forwarded() const { return forwarded_; }
  // After the file's last command: whether it ended inside a MULTI, the
  // MULTI's offset, and how many commands the transaction held back.
  bool open() const { return open_; }
  uint64_t open_at() const { return open_at_; }
  uint64_t held_commands() const { return held_lengths_.empty() ? 0 : held_lengths_.size() - 1; }  // after MULTI
  // The open transaction outgrew max_held_bytes and was forwarded anyway.
  bool overrun() const { return overrun_; }

 private:
  void forward(const std::vector<std::string_view>& argv);
  void release_held();

  AofCommandSink& next_;
  uint64_t max_held_bytes_;
  bool open_ = false;
  bool overrun_ = false;
  uint64_t open_at_ = 0;
  uint64_t forwarded_ = 0;
  uint64_t queue_bytes_ = 0;  // what Redis holds for the open transaction's queued commands
  uint64_t queued_ = 0;       // and how many
  std::string held_bytes_;                         // every held argument, back to back
  std::vector<std::vector<uint32_t>> held_lengths_;  // per held command, its arguments' lengths
};

}  // namespace redisfit::rdb
