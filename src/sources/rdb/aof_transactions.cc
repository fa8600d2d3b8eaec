#include "sources/rdb/aof_transactions.h"

#include <strings.h>

#include <bit>

#include "facts/allocator.h"

namespace redisfit::rdb {
namespace {

bool named(std::string_view arg, const char* name) {
  return arg.size() == std::char_traits<char>::length(name) && strncasecmp(arg.data(), name, arg.size()) == 0;
}

constexpr uint64_t kMultiCmdBytes = 24;  // multi.c multiCmd: argv, argv_len, argc, cmd

// What Redis holds for one queued command until EXEC: the argv array, and per
// argument a robj and an sds of its length (aof.c builds each with
// createObject over sdsnewlen: raw, not embstr), kept by
// multi.c:queueMultiCommand (its multiCmd entry: queue_array_bytes). A
// SET-family value over OBJ_ENCODING_EMBSTR_SIZE_LIMIT (44) goes into the
// keyspace as that same object (t_string.c setKey), so it is the data's, not
// the queue's.
uint64_t queued_command_bytes(const std::vector<std::string_view>& argv) {
  constexpr uint64_t kRobjBytes = 16, kEmbstrLimit = 44;
  auto value_at = [&](size_t i) {
    if (argv.empty()) return false;
    if (named(argv[0], "set") || named(argv[0], "setnx") || named(argv[0], "getset")) return i == 2;
    if (named(argv[0], "setex") || named(argv[0], "psetex")) return i == 3;
    if (named(argv[0], "mset") || named(argv[0], "msetnx")) return i >= 2 && i % 2 == 0;
    return false;
  };
  uint64_t bytes = jemalloc_size_class(argv.size() * sizeof(void*));
  for (size_t i = 0; i < argv.size(); ++i) {
    if (value_at(i) && argv[i].size() > kEmbstrLimit) continue;
    bytes += kRobjBytes + jemalloc_size_class(sds_header_bytes(argv[i].size(), true) + argv[i].size() + 1);
  }
  return bytes;
}

// The commands array of `count` queued commands: one multiCmd each, the array
// doubled as it fills (multi.c:queueMultiCommand, alloc_count). Measured on
// 7.0.15, with queued_command_bytes: 200,000 `SET m:N <100 B>` in one MULTI
// held 119 B each (here 120), a script's 300,000 SETs 130 B each (here 130:
// the array doubled to 524,288 entries).
uint64_t queue_array_bytes(uint64_t count) {
  return count == 0 ? 0 : jemalloc_size_class(kMultiCmdBytes * std::bit_ceil(count));
}

}  // namespace

void TransactionSink::forward(const std::vector<std::string_view>& argv) {
  next_.command(argv);
  ++forwarded_;
}

void TransactionSink::release_held() {
  std::vector<std::string_view> argv;
  size_t offset = 0;
  for (const std::vector<uint32_t>& lengths : held_lengths_) {
    argv.clear();
    for (uint32_t len : lengths) {
      argv.emplace_back(held_bytes_.data() + offset, len);
      offset += len;
    }
    forward(argv);
  }
  held_bytes_.clear();
  held_lengths_.clear();
}

void TransactionSink::command_at(uint64_t at, const std::vector<std::string_view>& argv) {
  if (argv.empty()) return;
  if (!open_) {
    if (named(argv[0], "multi")) {
      open_ = true;
      overrun_ = false;
      open_at_ = at;
      queue_bytes_ = 0;
      queued_ = 0;
      held_lengths_.push_back({static_cast<uint32_t>(argv[0].size())});
      held_bytes_.append(argv[0]);
      return;
    }
    forward(argv);
    return;
  }
  // A MULTI inside one is queued like any command (the loader's fake client
  // skips processCommand's "nested" check), and EXEC's run refuses it:
  // nothing to apply either way.
  if (named(argv[0], "exec")) {
    release_held();
    forward(argv);
    next_.transaction_applied(queue_bytes_ + queue_array_bytes(queued_));
    open_ = false;
    overrun_ = false;
    return;
  }
  queue_bytes_ += queued_command_bytes(argv);
  ++queued_;
  if (overrun_) {
    forward(argv);
    return;
  }
  uint64_t bytes = 0;
  for (std::string_view a : argv) bytes += a.size();
  if (held_bytes_.size() + bytes > max_held_bytes_) {
    // Too large to hold: applied as it comes, the estimate's high side.
    release_held();
    overrun_ = true;
    forward(argv);
    return;
  }
  std::vector<uint32_t> lengths;
  lengths.reserve(argv.size());
  for (std::string_view a : argv) {
    lengths.push_back(static_cast<uint32_t>(a.size()));
    held_bytes_.append(a);
  }
  held_lengths_.push_back(std::move(lengths));
}

}  // namespace redisfit::rdb
