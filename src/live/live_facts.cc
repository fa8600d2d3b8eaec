#include "live/live_facts.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/quantity.h"
#include "core/saturate.h"
#include "model/budget.h"
#include "model/fragmentation.h"
#include "sources/info_memory.h"
#include "sources/redis_directives.h"

namespace redisfit::live {
namespace {

Provenance at(const std::string& what, const ServerSnapshot& s) { return Provenance::live(what + " @ " + s.where); }

// The dataset the server's last save (RDB) or rewrite (AOF) was of, as a
// lower bound, so that scaling its time to today's dataset errs long. INFO
// does not give it, but bounds it:
//  - RDB: rdb_changes_since_last_save writes came after the save, so at most
//    that many of today's keys are newer: it saved at least dataset x (keys -
//    changes) / keys. (A write that grew a value rather than adding a key is
//    not bounded; the bound is by keys.)
//  - AOF: aof_base_size is the file right after the last rewrite (or start),
//    aof_current_size now; what was appended since counts every write,
//    overwrites too, so dataset x base / current is at most the rewrite's.
// 0 when INFO gives no bound (as many changes as keys: the save may have been
// of an empty server), with the reason in `how`.
uint64_t saved_dataset_bytes(const platform::InfoFields& info, bool aof, uint64_t dataset, std::string& how) {
  double share = 0;
  if (aof) {
    const uint64_t base = info.u64("aof_base_size").value_or(0), current = info.u64("aof_current_size").value_or(0);
    if (base == 0 || current == 0) {
      how = "aof_base_size / aof_current_size absent, so the dataset it rewrote is unknown";
      return 0;
    }
    share = std::min(1.0, static_cast<double>(base) / static_cast<double>(current));
    how = fmt::format("of at least {:.0f}% of today's dataset: aof_base_size {} of aof_current_size {}", share * 100,
                      format_bytes(base), format_bytes(current));
  } else {
    const uint64_t keys = info.total_keys(), changes = info.u64("rdb_changes_since_last_save").value_or(0);
    if (keys == 0 || changes >= keys) {
      how = fmt::format("{} writes since that save against {} keys now, so the dataset it saved is unknown", changes, keys);
      return 0;
    }
    share = static_cast<double>(keys - changes) / static_cast<double>(keys);
    how = fmt::format("of at least {:.0f}% of today's keys: {} writes since, {} keys now", share * 100, changes, keys);
  }
  return std::min(dataset, saturating_u64(share * static_cast<double>(dataset)));
}

// CONFIG values first (DirectiveMode::kReplace: CONFIG GET save is the whole
// schedule); then the INFO fields that carry the same setting, over them: INFO
// is read at every look, CONFIG may be a cached copy (the exporter refreshes
// it every --config-refresh), and a CONFIG SET in between must not leave the
// verdict judging the old value.
void apply_config(const ServerSnapshot& s, LiveFacts& f) {
  DirectiveApplier applier(f.instance, DirectiveMode::kReplace, UnknownNames::kIgnore);
  for (const auto& [name, value] : s.config) {
    auto st = applier.apply_value(name, value, at("CONFIG GET " + name, s));
    if (!st) f.notes.push_back("could not use " + st.error().describe());
  }
  auto fallback = [&](const char* param, const char* info_field) {
    auto v = s.info.text(info_field);
    if (!v && s.config.count(param)) return;
    if (!v) {
      f.notes.push_back(fmt::format("{} unknown (neither CONFIG GET nor INFO gave it): Redis default assumed",
                                    param));
      return;
    }
    std::string value = *v;
    if (std::string(param) == "appendonly") value = value == "1" ? "yes" : "no";
    // The same value: CONFIG GET's reading stands, and is the source named.
    if (auto it = s.config.find(param); it != s.config.end() && it->second == value) return;
    auto st = applier.apply_value(param, value, at(std::string("INFO ") + info_field, s));
    if (!st) f.notes.push_back("could not use " + st.error().describe());
  };
  fallback("maxmemory", "maxmemory");
  fallback("maxmemory-policy", "maxmemory_policy");
  fallback("maxclients", "maxclients");
  fallback("appendonly", "aof_enabled");
  if (!s.config.count("save")) {
    f.notes.push_back("save schedule unknown without CONFIG GET: Redis default (3600 1 300 100 60 10000) assumed");
  }
}

// How long a fork child lives here: the server's own last BGSAVE / AOF
// rewrite time (INFO persistence, whole seconds, -1 = never; taken as the
// longest it can have been, kInfoSaveTimeResolutionSeconds), paired with the
// dataset that save was of (saved_dataset_bytes), so that the model scales the
// life to today's dataset and to any maxmemory it tries. Below 2 s the figure
// is too coarse to replace the model's save-speed default. Of the two, the one
// that gives today's dataset the longer life.
void read_last_save(const ServerSnapshot& s, uint64_t dataset, LiveFacts& f) {
  if (dataset == 0) return;
  Workload& w = f.workload;
  double longest = 0;
  for (const bool aof : {false, true}) {
    const char* field = aof ? "aof_last_rewrite_time_sec" : "rdb_last_bgsave_time_sec";
    auto seconds = s.info.number(field);
    if (!seconds || *seconds < ModelConstants::kMinMeasuredSaveSeconds) continue;
    std::string how;
    const uint64_t then = saved_dataset_bytes(s.info, aof, dataset, how);
    if (then == 0) {
      f.notes.push_back(fmt::format("{} {:.0f} not used: {}; the save time is estimated", field, *seconds, how));
      continue;
    }
    // Whole seconds of time(NULL): the save lasted under N + 1 s.
    const double lived = *seconds + ModelConstants::kInfoSaveTimeResolutionSeconds;
    const double today = lived * static_cast<double>(dataset) / static_cast<double>(then);
    if (today <= longest) continue;
    longest = today;
    w.fork_child_seconds =
        Sourced<double>{lived, at(fmt::format("INFO {} {:.0f}: under {:.0f} s, whole seconds ({})", field, *seconds,
                                              lived, how),
                                  s)};
    w.fork_child_dataset_bytes = then;
  }
}

void read_workload(const ServerSnapshot& s, LiveFacts& f) {
  const platform::InfoFields& info = s.info;
  Workload& w = f.workload;
  const ServerMemory memory = server_memory_from_info(info);
  f.rss_bytes = memory.rss_bytes;

  // The dataset as the model means it (model/fragmentation.h dataset_bytes):
  // client and replica buffers are terms of their own.
  const uint64_t held = dataset_bytes(memory);
  uint64_t dataset = held;
  Provenance dataset_source = at("INFO used_memory - used_memory_startup - client buffers", s);
  // While LOADING, used_memory is partial; the RDB's own used-mem aux field
  // (INFO loading_rdb_used_mem) says what the load will reach.
  if (s.loading) {
    if (auto target = info.u64("loading_rdb_used_mem"); target && *target > dataset) {
      dataset = *target;
      dataset_source = at("INFO loading_rdb_used_mem (dataset being loaded)", s);
    }
  }
  w.dataset_bytes = Sourced<uint64_t>{dataset, dataset_source};
  // What a restart would load beyond what memory holds now. Not the AOF on
  // disk: its replay applies every overwrite, DEL, expire and eviction it
  // logged (aof.c:loadSingleAppendOnlyFile), so it ends at today's dataset
  // whatever the file's size. Only while LOADING a file with no used-mem aux
  // field (an AOF) is the end unknown to INFO; then the file being loaded
  // (loading_total_bytes) stands for it, errs high for an AOF of overwrites
  // and low for one of many small keys, which the note says.
  // (INFO prints the field while loading, 0 when the file carries none.)
  if (s.loading && info.u64("loading_rdb_used_mem").value_or(0) == 0) {
    const uint64_t file = info.u64("loading_total_bytes").value_or(0);
    if (file > dataset) {
      w.loaded_bytes = Sourced<uint64_t>{file, at("INFO loading_total_bytes (size of the file being loaded)", s)};
      f.notes.push_back(fmt::format(
          "INFO gives no used-mem figure for the file being loaded ({}; an AOF, or Redis before 7.0): its size "
          "stands for the dataset it loads, more than the replay reaches when it logged overwrites, less for many "
          "small keys; `redisfit rdb <appendonlydir>` estimates it from the files",
          format_bytes(file)));
    }
  }

  // The fragmentation the model applies to the dataset, from the RSS the
  // server holds now over the data it holds now (while LOADING, the part
  // loaded so far): model/fragmentation.h, the base term and the client
  // buffers taken out, as the model counts them apart.
  if (auto ratio = info.number("mem_fragmentation_ratio"); ratio && f.rss_bytes > 0) {
    if (memory.used_bytes >= ModelConstants::kMinUsedForFragmentationBytes) {
      const double fragmentation = measured_fragmentation(memory);
      w.fragmentation = {fragmentation,
                         at(fmt::format("INFO used_memory_rss {} less the base and client buffers, over the dataset "
                                        "(mem_fragmentation_ratio {:.2f} counts the server's own RSS)",
                                        format_bytes(f.rss_bytes), *ratio),
                            s)};
    } else {
      f.notes.push_back(fmt::format(
          "mem_fragmentation_ratio {:.2f} not used: used_memory {} is too small for it to mean "
          "anything (an empty server's RSS dominates); model default {:.2f} kept",
          *ratio, format_bytes(memory.used_bytes), w.fragmentation.value));
    }
  }
  if (auto clients = info.u64("connected_clients")) w.clients = {*clients, at("INFO connected_clients", s)};
  w.keys_have_ttl = {info.total_expires() > 0,
                     at(fmt::format("INFO keyspace: {} of {} keys have a TTL", info.total_expires(),
                                    info.total_keys()),
                        s)};

  read_last_save(s, dataset, f);
  // Writes while a fork child lives decide its copy-on-write. INFO gives the
  // command rate of the last ~1.6 s, reads included: the writes of that
  // moment at most, and only of that moment. An idle moment says nothing of
  // the import that may follow (the seed's crash came from one), and a burst
  // starts an automatic fork at any other moment, so the reading is shown,
  // never taken for the rate a fork meets: the write rate stays unknown (the
  // worst case) until a window measures it (probe --sample, the guard's and
  // the exporter's meters) or a flag gives it.
  f.momentary_ops_per_sec = info.number("instantaneous_ops_per_sec");
  // The server's own copy-on-write measurement of its last fork (childinfo.c:
  // the child's peak Private_Dirty), relative to the parent's RSS now. A fork
  // in progress reports current_cow_peak. It describes that fork's traffic
  // only (an idle BGSAVE copies almost nothing), so it can raise the estimate
  // from the current write rate, never lower it.
  uint64_t cow = 0;
  std::string cow_field;
  for (const char* field : {"current_cow_peak", "rdb_last_cow_size", "aof_last_cow_size"}) {
    uint64_t v = info.u64(field).value_or(0);
    if (v > cow) {
      cow = v;
      cow_field = field;
    }
  }
  if (cow > 0 && f.rss_bytes > 0) {
    double observed = std::min(1.0, static_cast<double>(cow) / static_cast<double>(f.rss_bytes));
    f.observed_cow = Sourced<double>{
        observed, at(fmt::format("INFO {} {} / used_memory_rss {}", cow_field, format_bytes(cow), format_bytes(f.rss_bytes)), s)};
  }
  weigh_observed_cow(f);
}

}  // namespace

void weigh_observed_cow(LiveFacts& f) {
  Workload& w = f.workload;
  if (w.cow_fraction && w.cow_fraction->source.kind == ProvenanceKind::kFlag) return;
  w.cow_fraction.reset();
  if (!f.observed_cow) return;
  const uint64_t dataset = w.dataset_bytes ? w.dataset_bytes->value : 0;
  const CowEstimate from_rate = estimate_cow_fraction(f.instance, w, dataset);
  if (f.observed_cow->value <= from_rate.fraction) return;
  w.cow_fraction = f.observed_cow;
  w.cow_fraction->source = f.observed_cow->source.qualified(
      fmt::format("(the last fork copied more than the write rate predicts, {:.0f}%)", from_rate.fraction * 100));
}

void apply_workload_flags(LiveFacts& f, const std::function<void(Workload&)>& flags) {
  if (!flags) return;
  // --save-time without --save-time-of was measured on the dataset this
  // server holds now (docs/probe.md), whatever dataset the server's own last
  // save had: the flag replaces both, so each save time keeps its own size.
  const std::optional<uint64_t> server_save_dataset = f.workload.fork_child_dataset_bytes;
  const uint64_t read_dataset = f.workload.dataset_bytes ? f.workload.dataset_bytes->value : 0;
  f.workload.fork_child_dataset_bytes.reset();
  flags(f.workload);
  const bool save_time_given =
      f.workload.fork_child_seconds && f.workload.fork_child_seconds->source.kind == ProvenanceKind::kFlag;
  if (!save_time_given) {
    f.workload.fork_child_dataset_bytes = server_save_dataset;
  } else if (!f.workload.fork_child_dataset_bytes && read_dataset > 0) {
    f.workload.fork_child_dataset_bytes = read_dataset;
  }
  weigh_observed_cow(f);
}

LiveFacts facts_from_snapshot(const ServerSnapshot& s, std::optional<Sourced<uint64_t>> limit) {
  LiveFacts f;
  RedisInstance& r = f.instance;
  r.display_name = s.where;
  r.origin_kind = "live";
  r.limit_bytes = std::move(limit);
  for (const auto& problem : s.unreadable) f.notes.push_back(problem);
  apply_config(s, f);
  if (auto v = s.info.text("redis_version")) r.redis_version = {*v, at("INFO redis_version", s)};
  // The role INFO reports now (a CONFIG SET or failover since start moves it).
  if (s.info.text("role").value_or("") == "slave") {
    r.replica_of = Sourced<std::string>{fmt::format("{} {}", s.info.text("master_host").value_or("?"),
                                                    s.info.text("master_port").value_or("?")),
                                        at("INFO role:slave", s)};
  }
  if (auto n = s.info.u64("connected_slaves"))
    r.replicas = {static_cast<int>(*n), at("INFO connected_slaves", s)};
  read_workload(s, f);
  return f;
}

}  // namespace redisfit::live
