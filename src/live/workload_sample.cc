#include "live/workload_sample.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include <fmt/format.h>

#include "live/commandstats.h"
#include "platform/info.h"
#include "model/key_size.h"

namespace redisfit::live {
namespace {

using Clock = std::chrono::steady_clock;

// One reading of the counters: INFO all carries commandstats, persistence,
// stats and keyspace in one reply, so they describe the same instant.
struct CounterReading {
  Clock::time_point at;
  platform::InfoFields info;
  CommandCalls calls;
};

Result<CounterReading> read_counters(platform::RedisConnection& conn) {
  auto reply = conn.command({"INFO", "all"});
  if (!reply) return reply.error();
  if (reply->is_error()) return Error{conn.where(), "INFO all refused: " + reply->str};
  CounterReading r;
  r.at = Clock::now();
  r.info = platform::parse_info(reply->str);
  auto calls = parse_commandstats(reply->str, conn.where());
  if (!calls) return calls.error();
  r.calls = std::move(calls).value();
  if (r.calls.empty() && r.info.u64("total_commands_processed").value_or(0) > 0) {
    return Error{conn.where(),
                 "INFO all has no cmdstat_ lines although the server has processed commands: "
                 "its commandstats are renamed or filtered (a proxy?), so the write rate cannot be "
                 "measured; give --write-rate to plan instead"};
  }
  return r;
}

// A reply that is an error means the server refuses what the sampler needs.
Error refused(const platform::RedisConnection& conn, const std::string& what, const std::string& words) {
  return Error{conn.where(), fmt::format("{} refused: \"{}\". probe --sample needs it (ACL: +{}); "
                                         "nothing was written to the server",
                                         what, words, what == "MEMORY USAGE" ? "memory|usage" : "@read")};
}

// used_memory MEMORY USAGE charges a key beyond its value: the dictEntry
// (24 B, counted unrounded by object.c:memoryCommand), the robj (16 B) and
// the key's sds (type5 header below 32 bytes, type8 above, plus NUL).
uint64_t key_overhead_bytes(size_t key_length) {
  return 24 + 16 + jemalloc_size_class(key_length + (key_length < 32 ? 2 : 4));
}

// Sends one sampler command, keeping the pace at or under the cap.
class PacedSampler {
 public:
  PacedSampler(platform::RedisConnection& conn, double per_sec) : conn_(conn), per_sec_(per_sec), start_(Clock::now()) {}
  Result<platform::RespValue> send(const std::vector<std::string>& argv) {
    auto due = start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(sent_ / per_sec_));
    std::this_thread::sleep_until(due);
    ++sent_;
    return conn_.command(argv);
  }
  uint64_t sent() const { return sent_; }
  // When the next command may go.
  Clock::time_point next_due() const {
    return start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(sent_ / per_sec_));
  }

 private:
  platform::RedisConnection& conn_;
  double per_sec_;
  Clock::time_point start_;
  uint64_t sent_ = 0;
};

// Samples keys until the window ends or max_keys. A key that vanished between
// RANDOMKEY and the next command (expired, deleted) is skipped.
Status sample_keys(platform::RedisConnection& conn, const SampleOptions& o, Clock::time_point end, WorkloadSample& s) {
  PacedSampler pace(conn, o.max_commands_per_sec);
  std::vector<uint64_t> values, usages;
  // Each key costs up to 4 commands; stop when the next key could not finish in time.
  const auto per_key = std::chrono::duration<double>(4.0 / o.max_commands_per_sec);
  while (values.size() < o.max_keys && pace.next_due() + per_key < end) {
    auto key = pace.send({"RANDOMKEY"});
    if (!key) return key.error();
    if (key->is_error()) return refused(conn, "RANDOMKEY", key->str);
    if (key->type == platform::RespValue::Type::kNil) {
      s.notes.push_back("the database is empty: no value sizes to sample");
      break;
    }
    auto type = pace.send({"TYPE", key->str});
    if (!type) return type.error();
    if (type->is_error()) return refused(conn, "TYPE", type->str);
    if (type->str == "none") continue;
    auto usage = pace.send({"MEMORY", "USAGE", key->str, "SAMPLES", "5"});
    if (!usage) return usage.error();
    if (usage->is_error()) return refused(conn, "MEMORY USAGE", usage->str);
    if (usage->type != platform::RespValue::Type::kInteger) continue;
    uint64_t bytes = static_cast<uint64_t>(std::max<long long>(0, usage->integer));
    uint64_t value = 0;
    if (type->str == "string") {
      auto len = pace.send({"STRLEN", key->str});
      if (!len) return len.error();
      if (len->is_error()) return refused(conn, "STRLEN", len->str);
      value = static_cast<uint64_t>(std::max<long long>(0, len->integer));
    } else {
      uint64_t overhead = key_overhead_bytes(key->str.size());
      value = bytes > overhead ? bytes - overhead : 0;
    }
    values.push_back(value);
    usages.push_back(bytes);
    ++s.types[type->str];
  }
  s.sampler_commands = pace.sent();
  s.value_bytes = distribution_of(values);
  s.memory_usage_bytes = distribution_of(usages);
  return Ok{};
}

// Write calls between two readings. Counters that went backwards mean the
// server restarted or CONFIG RESETSTAT ran: no delta is meaningful then.
Status count_writes(platform::RedisConnection& conn, const CounterReading& a, const CounterReading& b, WorkloadSample& s) {
  if (a.info.text("run_id") != b.info.text("run_id")) {
    return Error{conn.where(), "the server restarted during the sample (run_id changed); sample again"};
  }
  if (b.info.u64("total_commands_processed").value_or(0) < a.info.u64("total_commands_processed").value_or(0)) {
    return Error{conn.where(), "the server's counters went backwards during the sample (CONFIG RESETSTAT?); sample again"};
  }
  std::set<std::string> called;
  for (const auto& [name, calls] : b.calls) {
    auto it = a.calls.find(name);
    uint64_t before = it == a.calls.end() ? 0 : it->second;
    if (calls < before) {
      return Error{conn.where(), fmt::format("commandstats of {} went backwards during the sample "
                                             "(CONFIG RESETSTAT?); sample again", name)};
    }
    if (calls > before) called.insert(name);
  }
  std::set<std::string> writes = write_commands(conn, called, s.unclassified_commands);
  for (const auto& name : writes) {
    auto it = a.calls.find(name);
    uint64_t delta = b.calls.at(name) - (it == a.calls.end() ? 0 : it->second);
    s.writes_by_command[name] = delta;
    s.write_calls += delta;
  }
  s.write_rate_per_sec = static_cast<double>(s.write_calls) / s.window_seconds;
  if (!s.unclassified_commands.empty()) {
    std::string names;
    for (const auto& n : s.unclassified_commands) names += (names.empty() ? "" : ", ") + n;
    s.notes.push_back("commands neither COMMAND INFO nor redisfit could classify were not counted as writes: " + names);
  }

  auto dirty_a = a.info.u64("rdb_changes_since_last_save"), dirty_b = b.info.u64("rdb_changes_since_last_save");
  if (!dirty_a || !dirty_b) {
    s.changes_note = "rdb_changes_since_last_save missing from INFO";
  } else if (a.info.text("rdb_last_save_time") != b.info.text("rdb_last_save_time") || *dirty_b < *dirty_a) {
    s.changes_note = "a save finished during the window and reset rdb_changes_since_last_save";
  } else {
    s.changes_rate_per_sec = static_cast<double>(*dirty_b - *dirty_a) / s.window_seconds;
  }
  s.keys_delta = static_cast<int64_t>(b.info.total_keys()) - static_cast<int64_t>(a.info.total_keys());
  return Ok{};
}

}  // namespace

SizeDistribution distribution_of(std::vector<uint64_t> v) {
  SizeDistribution d;
  if (v.empty()) return d;
  std::sort(v.begin(), v.end());
  d.count = v.size();
  double sum = 0;
  for (uint64_t x : v) sum += static_cast<double>(x);
  d.mean = sum / static_cast<double>(v.size());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<size_t>(std::ceil(q * v.size())) - 1)]; };
  d.p50 = at(0.50);
  d.p90 = at(0.90);
  d.p99 = at(0.99);
  d.max = v.back();
  return d;
}

Result<WorkloadSample> sample_workload(platform::RedisConnection& conn, const SampleOptions& o) {
  WorkloadSample s;
  s.where = conn.where();
  auto first = read_counters(conn);
  if (!first) return first.error();
  const auto end = first->at + o.window;
  if (auto st = sample_keys(conn, o, end, s); !st) return st.error();
  std::this_thread::sleep_until(end);
  auto second = read_counters(conn);
  if (!second) return second.error();
  s.window_seconds = std::chrono::duration<double>(second->at - first->at).count();
  s.sampler_commands_per_sec = static_cast<double>(s.sampler_commands) / s.window_seconds;
  if (auto st = count_writes(conn, *first, *second, s); !st) return st.error();
  auto snapshot = read_snapshot(conn);
  if (!snapshot) return snapshot.error();
  s.snapshot = std::move(snapshot).value();
  return s;
}

}  // namespace redisfit::live
