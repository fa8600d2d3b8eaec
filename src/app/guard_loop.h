// `redisfit guard`: the polling loop. Every interval it reads the container
// limit (a cgroup's memory.max / memory.limit_in_bytes, or a Downward API
// file), reads the server (INFO + CONFIG GET, the same reads as `probe` and
// the exporter), builds the live facts (live/live_facts.h), asks the decision
// (app/guard.h) and applies it with CONFIG SET maxmemory.
//
// Contract:
//  * the only write it ever sends is CONFIG SET maxmemory <bytes>, with a
//    value decide_maxmemory() produced (never 0, never above the model's safe
//    value for the limit just read), and none at all with dry_run;
//  * every decision that changes something (or would, with dry_run), every
//    refusal and every error is one JSON line on the log, and the state for
//    /metrics (GuardState) is updated after each poll;
//  * problems are classified: kUnreachable (server down or restarting: try
//    again next poll) versus kBadInput (unreadable limit, CONFIG renamed or
//    refused, authentication refused, a limit the data cannot fit in): the
//    CLI exits 2 on a kBadInput at start, and logs it while running.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/guard.h"
#include "live/write_rate_meter.h"
#include "core/result.h"
#include "platform/cgroup.h"
#include "platform/redis_client.h"
#include "platform/redis_url.h"

namespace redisfit::app {

// Where the container limit is read.
struct LimitSource {
  enum class Kind { kFile, kCgroup, kFixed };
  Kind kind = Kind::kCgroup;
  std::string file;                 // kFile: Downward API file (bytes, or a Kubernetes quantity)
  platform::CgroupLocation cgroup;  // kCgroup
  uint64_t fixed_bytes = 0;         // kFixed: --limit, for pods restarted on every resize
  std::string describe() const;     // "file <path>", "cgroup v2 <dir>", "flag --limit"
};

struct LimitReading {
  uint64_t limit_bytes = 0;
  std::string source;                          // "cgroup v1 <dir>/memory.limit_in_bytes", "file <path>"
  std::optional<uint64_t> working_set_bytes;   // cgroup sources only
};

// Reads the limit now. Error (naming the file) when it cannot be read, is
// not a quantity, is 0, or the cgroup has no limit.
Result<LimitReading> read_limit(const LimitSource& source);

// One JSON object per line, to `out` (stderr in the CLI). Thread-safe.
class GuardLog {
 public:
  explicit GuardLog(std::FILE* out) : out_(out) {}
  // Adds "time" (UTC, RFC 3339), "level" and "event" to `fields`.
  void write(const char* level, const char* event, nlohmann::json fields = nlohmann::json::object());

 private:
  std::FILE* out_;
  std::mutex mutex_;
};

struct GuardOptions {
  platform::RedisEndpoint endpoint;
  platform::ConnectOptions connect;
  LimitSource limit;
  GuardSettings settings;
  bool dry_run = false;
  // Warn when a fork child is alive and the working set is at or above this
  // share of the limit.
  double fork_warn_fraction = 0.9;
  // How long the measured write rate remembers a burst, and how long the
  // guard judges with the rate unknown after it starts (live/write_rate_meter.h).
  double rate_window_seconds = live::WriteRateMeter::kDefaultWindowSeconds;
  // A server not reached yet since the guard started (a wrapper's child
  // still binding its port, a sidecar started before Redis) is "waiting", an
  // info line, for this long; after it, or once the server has been read,
  // not reaching it is "unreachable", a warning.
  std::chrono::milliseconds startup_grace{30000};
};

// What /metrics shows: the outcome of the last poll and of the last change.
struct GuardState {
  bool dry_run = false;
  bool redis_up = false;
  uint64_t polls = 0;
  uint64_t errors = 0;
  std::optional<uint64_t> limit_bytes;
  std::string limit_source;
  std::optional<uint64_t> working_set_bytes;  // cgroup working set, or RSS + child's COW
  std::optional<uint64_t> maxmemory_bytes;    // on the server after the last poll
  uint64_t model_bytes = 0;
  uint64_t target_bytes = 0;
  std::string action;       // last decision: keep / set / refuse ("" before the first)
  std::string reason_code;  // of the last decision
  std::string error;        // last problem, "" when the last poll was clean
  // The last poll could not check the server or keep its maxmemory (limit
  // unreadable, server unreachable, CONFIG refused): poll_outcome_name(),
  // "" when it could (a refusal to set an unsafe value is `action`'s).
  std::string failed_as;
  uint64_t changes = 0;     // CONFIG SETs applied (dry_run: that would have been)
  double last_change_unix_seconds = 0;
  std::string last_change_reason_code;
  uint64_t last_change_from_bytes = 0, last_change_to_bytes = 0;
  bool fork_in_progress = false;
  bool fork_near_limit = false;
  uint64_t fork_warnings = 0;
};

enum class PollOutcome { kOk, kRefused, kUnreachable, kBadInput };
const char* poll_outcome_name(PollOutcome outcome);

struct PollResult {
  PollOutcome outcome = PollOutcome::kOk;
  std::string message;  // kRefused / kUnreachable / kBadInput: what is wrong
};

class Guard {
 public:
  Guard(GuardOptions options, GuardLog& log);
  ~Guard();
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

  // One poll: limit, server, decision, CONFIG SET.
  PollResult poll();
  GuardState state() const;

 private:
  PollResult poll_locked(GuardState& next);
  // Replaces `fragmentation` by the highest one applied to this server
  // before, when that is higher. A server filling up measures ~1.0 mid-import
  // and 1.1-1.2 once full (and churn only raises it: redis-memory.md §6), so
  // following each poll's figure raised maxmemory mid-import to a value the
  // next polls called unsafe, which under noeviction cannot be undone. A new
  // run_id (a restart) starts again.
  void hold_highest_fragmentation(const std::string& run_id, Sourced<double>& fragmentation);
  GuardOptions options_;
  GuardLog& log_;
  std::unique_ptr<platform::RedisConnection> conn_;
  mutable std::mutex state_mutex_;
  GuardState state_;
  std::string last_logged_;  // action/code/target of the last decision logged, to log changes only
  std::optional<uint64_t> last_limit_;
  bool reached_ = false;  // the server has been read once
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  live::WriteRateMeter write_rate_;
  // The highest fragmentation the model has applied to this server (by
  // run_id) since the guard started: the figure is never lowered, see
  // hold_highest_fragmentation.
  std::string fragmentation_run_id_;
  std::optional<Sourced<double>> fragmentation_high_;
};

}  // namespace redisfit::app
