// libFuzzer target for the RDB reader and the load cost model: any byte
// string must end in a value or an Error, never a crash, a sanitizer report
// or an allocation beyond what the input can justify.
//
// Built with the other targets (-DREDISFIT_FUZZ=ON, build-fuzz/fuzz/rdb_fuzz);
// docs/rdb.md records the last run, its seeds (RDB files a real server wrote)
// and its command.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/object_cost.h"
#include "sources/rdb/rdb_reader.h"

namespace {

class CostingVisitor : public redisfit::rdb::RdbVisitor {
 public:
  void on_key(const redisfit::rdb::RdbKey& key) override {
    for (const auto& target : {redisfit::LoadTarget{}, seven_two_}) {
      total_ += redisfit::object_cost(*key.value, target).value_bytes + key.name.size();
    }
  }
  // Lists are read as for a target that compresses them (the nodes' LZF
  // sizes), and costed with and without it.
  redisfit::ElementKeep element_keep(std::string_view) override {
    return redisfit::element_keep_for(seven_two_);
  }
  uint64_t total_ = 0;

 private:
  redisfit::LoadTarget seven_two_ = [] {
    redisfit::LoadTarget t;
    t.minor = 2;
    t.limits.hash_max_listpack_entries = 1;
    t.limits.list_max_listpack_size = 3;
    t.limits.list_compress_depth = 1;
    return t;
  }();
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CostingVisitor visitor;
  auto result = redisfit::rdb::read_rdb_buffer(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz", visitor);
  (void)result;
  return 0;
}
