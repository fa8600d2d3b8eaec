#include "sources/rdb/aof_transactions.h"

#include <strings.h>

namespace redisfit::rdb {
namespace {

bool named(std::string_view arg, const char* name) {
  return arg.size() == std::char_traits<char>::length(name) && strncasecmp(arg.data(), name, arg.size()) == 0;
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
    open_ = false;
    overrun_ = false;
    return;
  }
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
