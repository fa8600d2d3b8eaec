// libFuzzer target for the AOF reader and its replay (sources/rdb/aof_reader.h,
// aof_replay.h): any byte string, read as a lone AOF file (commands, or an RDB
// preamble followed by commands), must end in a value or an Error, never a
// crash, a sanitizer report or an allocation beyond what the input justifies
// (a `*19999900` argument count cost 637 MB before arguments grew as read),
// also when read again up to one of its shrink points.
//
// The reader takes a path and refuses anything but a regular file, so each
// input is written to a memfd (a regular file in memory) and read through
// /proc/self/fd. Built with the other targets (scripts/fuzz.sh).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "model/object_cost.h"
#include "sources/rdb/aof_reader.h"

namespace {

class CostingVisitor : public redisfit::rdb::RdbVisitor {
 public:
  void on_key(const redisfit::rdb::RdbKey& key) override {
    total_ += redisfit::object_cost(*key.value, redisfit::LoadTarget{}).value_bytes + key.name.size();
  }
  uint64_t total_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const int fd = memfd_create("aof_fuzz", 0);
  if (fd < 0) return 0;
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) return 0;
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  for (bool as_aof : {true, false}) {
    CostingVisitor visitor;
    redisfit::rdb::AofReadOptions options;
    options.loaded_as_aof = as_aof;
    auto read = redisfit::rdb::read_rdb_or_aof_file(path, visitor, options);
    if (read.ok() && read.value().reread_from > 0) {
      CostingVisitor again;
      options.commands_at = read.value().reread_from;
      read = redisfit::rdb::read_rdb_or_aof_file(path, again, options);
    }
    // The load as it stood before a FLUSH or the commands' deletes (what
    // `rdb` reads again to find the load's peak), for the first two points.
    if (!read.ok()) continue;
    const auto points = read.value().shrink_points;
    for (size_t i = 0; i < points.size() && i < 2; ++i) {
      CostingVisitor before;
      options.replay_stop_before = points[i];
      (void)redisfit::rdb::read_rdb_or_aof_file(path, before, options);
    }
  }
  return 0;
}
