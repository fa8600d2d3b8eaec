// TransactionSink: a MULTI's commands reach the replay at its EXEC, a
// transaction never closed never does, and one too large to hold is
// forwarded as it comes (the estimate's high side) and says so.
#include "sources/rdb/aof_transactions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace redisfit::rdb {
namespace {

struct Recorder : AofCommandSink {
  std::vector<std::string> names;
  void command(const std::vector<std::string_view>& argv) override {
    std::string joined;
    for (std::string_view a : argv) joined += std::string(a) + " ";
    names.push_back(joined);
  }
};

TEST(TransactionSink, AppliesAtExecAndRevertsAnOpenOne) {
  Recorder out;
  TransactionSink tx(out);
  tx.command_at(0, {"SET", "a", "1"});
  tx.command_at(10, {"multi"});
  tx.command_at(20, {"SET", "b", "2"});
  EXPECT_EQ(out.names.size(), 1u);  // held until EXEC
  tx.command_at(30, {"EXEC"});
  EXPECT_EQ(out.names, (std::vector<std::string>{"SET a 1 ", "multi ", "SET b 2 ", "EXEC "}));
  EXPECT_FALSE(tx.open());
  tx.command_at(40, {"MULTI"});
  tx.command_at(50, {"SET", "c", "3"});
  tx.command_at(60, {"SET", "d", "4"});
  EXPECT_TRUE(tx.open());
  EXPECT_EQ(tx.open_at(), 40u);
  EXPECT_EQ(tx.held_commands(), 2u);
  EXPECT_FALSE(tx.overrun());
  EXPECT_EQ(out.names.size(), 4u);
  EXPECT_EQ(tx.forwarded(), 4u);
}

TEST(TransactionSink, ATransactionTooLargeToHoldIsForwardedAndSaysSo) {
  Recorder out;
  TransactionSink tx(out, 20);
  tx.command_at(0, {"MULTI"});
  tx.command_at(5, {"SET", "k", "0123456789"});  // 14 bytes, 19 with MULTI: held
  EXPECT_EQ(out.names.size(), 0u);
  tx.command_at(9, {"SET", "l", "0123456789"});  // 33, past 20: everything goes
  EXPECT_EQ(out.names.size(), 3u);
  EXPECT_TRUE(tx.open());
  EXPECT_TRUE(tx.overrun());
  EXPECT_EQ(tx.held_commands(), 0u);
  tx.command_at(20, {"EXEC"});
  EXPECT_FALSE(tx.overrun());
  EXPECT_EQ(out.names.size(), 4u);
}

}  // namespace
}  // namespace redisfit::rdb
