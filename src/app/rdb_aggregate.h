// Internal to the rdb use case: turns decoded keys into the report's totals,
// per-db and per-type tables, largest keys and prefix groups. Holds O(top-N
// + prefix groups + types) memory, never per-key state.
#pragma once

#include <queue>
#include <string_view>
#include <unordered_map>

#include "app/rdb_analysis.h"
#include "facts/rdb_value.h"
#include "sources/rdb/rdb_reader.h"

namespace redisfit {

class RdbAggregator : public rdb::RdbVisitor {
 public:
  RdbAggregator(const RdbAnalysisOptions& options, RdbReport& report);

  void on_header(int version) override;
  void on_aux(std::string_view key, std::string_view value) override;
  void on_resize_db(uint64_t db, uint64_t keys, uint64_t expires) override;
  void on_dict_buckets(uint64_t db, uint64_t main_buckets, uint64_t expires_buckets) override;
  // What costing a key for options.target needs (model/object_cost.h element_keep_for).
  ElementKeep element_keep(std::string_view) override { return keep_; }
  void on_key(const rdb::RdbKey& key) override;
  void on_module_aux(std::string_view) override { ++report_.module_aux; }
  void on_function_library(uint64_t code_bytes) override { add_function_libraries(1, code_bytes); }
  // Function libraries (an RDB's FUNCTION2 records, an AOF's FUNCTION LOAD).
  void add_function_libraries(uint64_t count, uint64_t code_bytes);
  void on_progress(uint64_t offset, uint64_t size, uint64_t keys) override;

  // Adds a key costed elsewhere (AOF replay) or removes one (negative = no).
  void add_key(uint64_t db, std::string_view name, bool has_expire, const RdbValue& value);
  // Fills the report's tables; call once at the end.
  void finish();

  // Whether keys whose expire time is before options.now_ms are dropped (a
  // master loading a plain RDB) or kept (an AOF's preamble, base or commands).
  void set_drop_expired(bool drop) { drop_expired_ = drop; }

  // Offset of the progress callback: bytes read before the current file.
  void set_progress_base(uint64_t base, uint64_t total) { progress_base_ = base; progress_total_ = total; }

 private:
  RdbDbStats& db(uint64_t number);

  const RdbAnalysisOptions& options_;
  RdbReport& report_;
  ElementKeep keep_;
  std::map<uint64_t, RdbDbStats> dbs_;
  std::map<std::string, RdbTypeStats> types_;
  struct Larger {
    bool operator()(const RdbKeyStats& a, const RdbKeyStats& b) const { return a.estimated_bytes > b.estimated_bytes; }
  };
  std::priority_queue<RdbKeyStats, std::vector<RdbKeyStats>, Larger> largest_;
  std::unordered_map<std::string, RdbPrefixStats> prefixes_;
  uint64_t progress_base_ = 0, progress_total_ = 0;
  bool drop_expired_ = true;
  // Lists of several nodes built element by element (an AOF's commands, a
  // pre-3.2 linkedlist or ziplist): their nodes' bytes are not read, so with
  // list-compress-depth on they are costed raw (high).
  uint64_t lists_costed_raw_ = 0;
};

}  // namespace redisfit
