#include "stress/loader.h"

#include <hiredis/hiredis.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <chrono>
#include <cstring>
#include <random>

#include <fmt/format.h>

#include "stress/sandbox.h"

namespace redisfit::stress {
namespace {

// SplitMix64: a cheap, well-mixed hash of the key index.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

redisContext* connect_to(int port) {
  timeval connect_timeout{2, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, connect_timeout);
  if (!c || c->err) {
    if (c) redisFree(c);
    return nullptr;
  }
  // A fork of a large parent or memory reclaim near the limit can stall the
  // server for seconds; a dead server resets the socket at once.
  timeval io_timeout{15, 0};
  redisSetTimeout(c, io_timeout);
  return c;
}

void append_bulk(std::string& buf, const char* data, size_t len) {
  char head[32];
  int n = std::snprintf(head, sizeof head, "$%zu\r\n", len);
  buf.append(head, static_cast<size_t>(n));
  buf.append(data, len);
  buf.append("\r\n", 2);
}

constexpr size_t kRandomBufferBytes = 1 << 20;

// The most value bytes one connection's batch holds: a batch is built whole
// in memory before it is sent, so 64 commands of 64 MiB values were 4 GiB a
// connection (a flat-out writer OOM-killed the host, not the sandbox).
// Large values are pipelined fewer at a time instead; a batch still holds
// at least one command.
constexpr uint64_t kMaxBatchValueBytes = 4 << 20;

}  // namespace

Loader::Loader(LoaderOptions options) : opt_(std::move(options)) {
  if (opt_.value_max_bytes < opt_.value_min_bytes) opt_.value_max_bytes = opt_.value_min_bytes;
  if (opt_.connections < 1) opt_.connections = 1;
  if (opt_.pipeline < 1) opt_.pipeline = 1;
  opt_.pipeline = static_cast<int>(std::clamp<uint64_t>(kMaxBatchValueBytes / std::max<uint32_t>(opt_.value_max_bytes, 1),
                                                        1, static_cast<uint64_t>(opt_.pipeline)));
  // Printable random bytes: LZF in RDB cannot shrink them much, like real data.
  std::mt19937_64 rng(42);
  random_bytes_.resize(kRandomBufferBytes + opt_.value_max_bytes);
  for (auto& ch : random_bytes_) ch = static_cast<char>('!' + rng() % 90);
}

Loader::~Loader() { stop(); }

uint32_t Loader::value_size(uint64_t index) const {
  uint32_t span = opt_.value_max_bytes - opt_.value_min_bytes + 1;
  return opt_.value_min_bytes + static_cast<uint32_t>(mix(index) % span);
}

bool Loader::has_ttl(uint64_t index) const {
  if (opt_.ttl_share <= 0) return false;
  return static_cast<double>(mix(index ^ 0x5bd1e995ULL) % 1000000) < opt_.ttl_share * 1e6;
}

size_t Loader::append_set(std::string& buf, uint64_t index) const {
  char key[64];
  int klen = std::snprintf(key, sizeof key, "%s%llu", opt_.key_prefix.c_str(),
                           static_cast<unsigned long long>(index));
  uint32_t vlen = value_size(index);
  const char* value = random_bytes_.data() + mix(index + 1) % kRandomBufferBytes;
  bool ttl = has_ttl(index);
  buf.append(ttl ? "*5\r\n$3\r\nSET\r\n" : "*3\r\n$3\r\nSET\r\n");
  append_bulk(buf, key, static_cast<size_t>(klen));
  append_bulk(buf, value, vlen);
  if (ttl) {
    buf.append("$2\r\nPX\r\n");
    std::string ms = std::to_string(opt_.ttl_ms);
    append_bulk(buf, ms.data(), ms.size());
  }
  return static_cast<size_t>(klen) + vlen;
}

void Loader::reset_counters() {
  for (auto* a : {&counters_.commands_ok, &counters_.oom_errors, &counters_.other_errors,
                  &counters_.payload_bytes, &counters_.keys_written}) {
    a->store(0);
  }
  counters_.connection_lost = false;
  counters_.writes_refused = false;
}

void Loader::start_import(uint64_t target_payload_bytes) {
  stop();
  reset_counters();
  next_index_ = 0;
  claimed_payload_ = 0;
  stop_ = false;
  running_threads_ = opt_.connections;
  for (int i = 0; i < opt_.connections; ++i) {
    threads_.emplace_back([this, i, target_payload_bytes] { import_thread(i, target_payload_bytes); });
  }
}

void Loader::start_overwrite(uint64_t keyspace, double rate_per_sec) { start_paced(keyspace, rate_per_sec, false); }

void Loader::start_insert(uint64_t keyspace, double rate_per_sec) { start_paced(keyspace, rate_per_sec, true); }

void Loader::start_paced(uint64_t keyspace, double rate_per_sec, bool insert) {
  stop();
  reset_counters();
  next_index_ = keyspace;
  stop_ = false;
  running_threads_ = opt_.connections;
  for (int i = 0; i < opt_.connections; ++i) {
    threads_.emplace_back(
        [this, i, keyspace, rate_per_sec, insert] { paced_thread(i, keyspace, rate_per_sec, insert); });
  }
}

void Loader::stop() {
  stop_ = true;
  join();
}

void Loader::join() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

namespace {
// Sends the batch in `buf` (n commands) and counts n replies straight off the
// socket. SET answers with one line ("+OK" or "-OOM ..."/"-ERR ..."), so a
// reply is a line; skipping hiredis's reply objects saves an allocation per
// command, which is what lets one loader thread keep redis-server busy.
// Returns the number of OOM errors, or -1 when the connection broke.
int send_batch(redisContext* c, const std::string& buf, int n, std::string& rbuf, int& other_errors) {
  size_t off = 0;
  while (off < buf.size()) {
    ssize_t w = write(c->fd, buf.data() + off, buf.size() - off);
    if (w <= 0) {
      if (w < 0 && errno == EINTR) continue;
      return -1;
    }
    off += static_cast<size_t>(w);
  }
  int oom = 0, seen = 0;
  size_t line_start = 0, search_from = 0;
  rbuf.clear();
  char chunk[65536];
  while (seen < n) {
    size_t eol = rbuf.find('\n', search_from);
    if (eol == std::string::npos) {
      search_from = rbuf.size();
      ssize_t r = read(c->fd, chunk, sizeof chunk);
      if (r <= 0) {
        if (r < 0 && errno == EINTR) continue;
        return -1;  // closed, reset or timed out (SO_RCVTIMEO)
      }
      rbuf.append(chunk, static_cast<size_t>(r));
      continue;
    }
    if (rbuf[line_start] == '-') {
      if (rbuf.compare(line_start, 4, "-OOM") == 0) {
        ++oom;
      } else {
        ++other_errors;
      }
    }
    ++seen;
    line_start = search_from = eol + 1;
  }
  return oom;
}
}  // namespace

void Loader::import_thread(int id, uint64_t target_payload_bytes) {
  (void)id;
  redisContext* c = connect_to(opt_.port);
  if (!c) counters_.connection_lost = true;
  std::string buf, rbuf;
  // A key's payload as the claims count it: the mean value and the shortest
  // key name (prefix + one digit). Counting low claims a few keys more than
  // the target needs, never fewer: the fill is reached, by a few per cent more.
  const uint64_t key_payload =
      opt_.key_prefix.size() + 1 + (static_cast<uint64_t>(opt_.value_min_bytes) + opt_.value_max_bytes) / 2;
  while (c && !stop_ && !g_stop_requested && counters_.payload_bytes < target_payload_bytes &&
         !counters_.writes_refused) {
    // Claim the batch's share of the target before sending it: batches sent
    // before any connection sees the target reached would overshoot it by
    // connections x pipeline keys (64 x 2000 x 8 KB wrote 1 GiB for a 64 MiB
    // fill). The last claim is cut to what is left of the target.
    const uint64_t before = claimed_payload_.fetch_add(static_cast<uint64_t>(opt_.pipeline) * key_payload);
    if (before >= target_payload_bytes) break;
    const int batch = static_cast<int>(std::min<uint64_t>(
        static_cast<uint64_t>(opt_.pipeline), (target_payload_bytes - before + key_payload - 1) / key_payload));
    uint64_t first = next_index_.fetch_add(static_cast<uint64_t>(batch));
    buf.clear();
    size_t batch_payload = 0;
    for (int i = 0; i < batch; ++i) batch_payload += append_set(buf, first + static_cast<uint64_t>(i));
    int other = 0;
    int oom = send_batch(c, buf, batch, rbuf, other);
    if (oom < 0) {
      counters_.connection_lost = true;
      break;
    }
    counters_.oom_errors += static_cast<uint64_t>(oom);
    counters_.other_errors += static_cast<uint64_t>(other);
    int ok = batch - oom - other;
    counters_.commands_ok += static_cast<uint64_t>(ok);
    if (oom == 0 && other == 0) {
      counters_.payload_bytes += batch_payload;
      counters_.keys_written += static_cast<uint64_t>(batch);
    } else {
      // Mixed batch: count the accepted share approximately, and hand the
      // refused share of the claim back (it wrote nothing).
      counters_.payload_bytes += batch_payload * static_cast<uint64_t>(ok) / static_cast<uint64_t>(batch);
      counters_.keys_written += static_cast<uint64_t>(ok);
      claimed_payload_ -= static_cast<uint64_t>(oom + other) * key_payload;
    }
    // The claim beyond the batch sent (a cut last batch) is not returned:
    // the target is reached once this batch is acknowledged.
    // Any -OOM says maxmemory is reached: with few large values to a batch
    // every batch could be partly accepted, and an import refused short of
    // its target was reported completed.
    if (oom > 0) counters_.writes_refused = true;
  }
  if (c) redisFree(c);
  --running_threads_;
}

void Loader::paced_thread(int id, uint64_t keyspace, double rate_per_sec, bool insert) {
  redisContext* c = connect_to(opt_.port);
  if (!c) counters_.connection_lost = true;
  std::mt19937_64 rng(mix(static_cast<uint64_t>(id) + 7));
  if (keyspace == 0) keyspace = 1;
  double per_thread_rate = rate_per_sec / opt_.connections;
  // With a rate, batches shrink so the pacing stays smooth (~100 batches/s
  // per connection): the rate holds over any window of a few tens of ms.
  int batch = opt_.pipeline;
  if (per_thread_rate > 0) batch = std::max(1, std::min(opt_.pipeline, static_cast<int>(per_thread_rate / 100)));
  auto start = std::chrono::steady_clock::now();
  uint64_t sent = 0;
  std::string buf, rbuf;
  while (c && !stop_ && !g_stop_requested) {
    buf.clear();
    uint64_t first = insert ? next_index_.fetch_add(static_cast<uint64_t>(batch)) : 0;
    for (int i = 0; i < batch; ++i) append_set(buf, insert ? first + static_cast<uint64_t>(i) : rng() % keyspace);
    int other = 0;
    int oom = send_batch(c, buf, batch, rbuf, other);
    if (oom < 0) {
      counters_.connection_lost = true;
      break;
    }
    counters_.oom_errors += static_cast<uint64_t>(oom);
    counters_.other_errors += static_cast<uint64_t>(other);
    counters_.commands_ok += static_cast<uint64_t>(batch - oom - other);
    if (insert) counters_.keys_written += static_cast<uint64_t>(batch - oom - other);
    sent += static_cast<uint64_t>(batch);
    if (per_thread_rate > 0) {
      // Paced against the start, so a stall is made up afterwards (as a
      // client queue drains), never exceeding the rate on average.
      auto due = start + std::chrono::microseconds(static_cast<int64_t>(sent * 1e6 / per_thread_rate));
      while (!stop_ && !g_stop_requested && std::chrono::steady_clock::now() < due) {
        std::this_thread::sleep_until(std::min(due, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
      }
    }
  }
  if (c) redisFree(c);
  --running_threads_;
}

}  // namespace redisfit::stress
