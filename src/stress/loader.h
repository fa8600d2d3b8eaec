// The stress loader: fills a real redis-server over several pipelined
// connections (one thread each) and overwrites existing keys during a fork.
//
// Contract: commands are raw RESP built in one buffer per batch (no per-command
// allocation), `pipeline` commands in flight per connection. Keys are
// "<prefix><index>"; the value size of key i is a pure function of i (uniform
// in [min, max]), and so is whether it carries a TTL, so a re-run after a
// restart rewrites the same keys with the same sizes. Every loop is bounded by
// a byte target or a deadline and by the abort flag; a dead server (connection
// reset) ends the threads instead of hanging them.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace redisfit::stress {

struct LoaderOptions {
  int port = 0;
  int connections = 4;
  int pipeline = 64;                // commands in flight per connection (fewer for large values: 4 MiB a batch)
  uint32_t value_min_bytes = 1024;
  uint32_t value_max_bytes = 1024;
  double ttl_share = 0;             // fraction of keys written with PX ttl_ms
  uint64_t ttl_ms = 3600 * 1000;    // long enough not to expire during a run
  std::string key_prefix = "rf:";
};

// Counters shared by the connection threads; read any time.
struct LoaderCounters {
  std::atomic<uint64_t> commands_ok{0};
  std::atomic<uint64_t> oom_errors{0};     // "-OOM command not allowed when used memory > 'maxmemory'"
  std::atomic<uint64_t> other_errors{0};
  std::atomic<uint64_t> payload_bytes{0};  // key + value bytes acknowledged
  std::atomic<uint64_t> keys_written{0};   // import: distinct keys acknowledged
  std::atomic<bool> connection_lost{false};
  std::atomic<bool> writes_refused{false}; // an import write answered -OOM: maxmemory reached
};

class Loader {
 public:
  explicit Loader(LoaderOptions options);
  ~Loader();  // stop() + join
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  // Counters restart from zero at each start_*().
  // Starts writing new keys 0, 1, 2, ... until `target_payload_bytes` are
  // acknowledged, writes are refused (noeviction at maxmemory), the server
  // goes away, or stop(). Returns at once; poll done().
  void start_import(uint64_t target_payload_bytes);
  // Starts overwriting random keys in [0, keyspace) at `rate_per_sec` in total
  // (0 = as fast as possible) until stop().
  void start_overwrite(uint64_t keyspace, double rate_per_sec);
  // Starts writing new keys keyspace, keyspace + 1, ... at `rate_per_sec` in
  // total (0 = as fast as possible) until stop(): an import that goes on
  // during a fork. -OOM replies are counted, not fatal.
  void start_insert(uint64_t keyspace, double rate_per_sec);
  // Writes answered so far (acknowledged or refused with -OOM): what the
  // server has processed, for the rate achieved over a window.
  uint64_t writes_answered() const {
    return counters_.commands_ok.load() + counters_.oom_errors.load() + counters_.other_errors.load();
  }
  // Writes the server executed so far (acknowledged): the ones that can copy
  // a page under a fork. A write refused with -OOM is rejected before it runs
  // (server.c processCommand), so it copies none.
  uint64_t writes_acknowledged() const { return counters_.commands_ok.load(); }
  // Writes answered with an error (-OOM, or another): none of them ran.
  uint64_t writes_refused() const { return counters_.oom_errors.load() + counters_.other_errors.load(); }

  bool done() const { return running_threads_.load() == 0; }
  void stop();  // asks threads to end and joins them
  const LoaderCounters& counters() const { return counters_; }
  // Value size and TTL choice of key i (exposed for tests).
  uint32_t value_size(uint64_t index) const;
  bool has_ttl(uint64_t index) const;

 private:
  void import_thread(int id, uint64_t target_payload_bytes);
  // Paced writer: overwrites of random keys in [0, keyspace), or inserts of
  // new keys from next_index_ on.
  void paced_thread(int id, uint64_t keyspace, double rate_per_sec, bool insert);
  void start_paced(uint64_t keyspace, double rate_per_sec, bool insert);
  // Appends one SET to `buf`; returns payload bytes (key + value).
  size_t append_set(std::string& buf, uint64_t index) const;
  void join();
  void reset_counters();

  LoaderOptions opt_;
  std::string random_bytes_;  // value bytes are slices of this buffer
  LoaderCounters counters_;
  std::atomic<uint64_t> next_index_{0};
  // Payload an import's connections have sent or are about to send: each
  // claims its batch before it sends it (import_thread).
  std::atomic<uint64_t> claimed_payload_{0};
  std::atomic<bool> stop_{false};
  std::atomic<int> running_threads_{0};
  std::vector<std::thread> threads_;
};

}  // namespace redisfit::stress
