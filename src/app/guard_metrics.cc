#include "app/guard_metrics.h"

#include <fmt/format.h>

#include "live/exposition.h"

namespace redisfit::app {

std::string render_guard_metrics(const GuardState& s, const std::string& target) {
  live::Exposition x;
  const std::string labels = fmt::format("target=\"{}\"", live::escape_label_value(target));
  auto gauge = [&](const char* name, const char* help, double v) { x.add(name, "gauge", help, labels, v); };
  auto counter = [&](const char* name, const char* help, double v) { x.add(name, "counter", help, labels, v); };
  auto bytes = [](uint64_t v) { return static_cast<double>(v); };

  gauge("redisfit_guard_up", "1 when the last poll read the server.", s.redis_up ? 1 : 0);
  gauge("redisfit_guard_dry_run", "1 when the guard only logs what it would set (--dry-run).", s.dry_run ? 1 : 0);
  counter("redisfit_guard_polls_total", "Polls of the limit and the server.", static_cast<double>(s.polls));
  counter("redisfit_guard_errors_total", "Polls that failed: limit unreadable, server unreachable, CONFIG refused.",
          static_cast<double>(s.errors));
  // The values below are the last good poll's while this is 1: a guard that
  // lost CONFIG (an ACL change) or its limit file keeps showing them.
  gauge("redisfit_guard_failing",
        "1 when the last poll could not check or keep maxmemory (see the log and decision_info's failure); the "
        "other values are from the last poll that could.",
        s.failed_as.empty() ? 0 : 1);
  if (!s.failed_as.empty()) {
    x.add("redisfit_guard_failure_info", "gauge", "Why the last poll failed: unreachable or bad-input.",
          fmt::format("{},failure=\"{}\"", labels, live::escape_label_value(s.failed_as)), 1);
  }
  if (s.limit_bytes) gauge("redisfit_guard_limit_bytes", "Container memory limit read at the last poll.", bytes(*s.limit_bytes));
  if (s.maxmemory_bytes)
    gauge("redisfit_guard_maxmemory_bytes", "maxmemory on the server after the last poll (0 = unbounded).",
          bytes(*s.maxmemory_bytes));
  if (!s.action.empty()) {
    gauge("redisfit_guard_model_maxmemory_bytes", "The model's safe maxmemory for the limit (0 = none fits).",
          bytes(s.model_bytes));
    gauge("redisfit_guard_target_maxmemory_bytes", "The safe maxmemory within --min/--max the guard aims at.",
          bytes(s.target_bytes));
    x.add("redisfit_guard_decision_info", "gauge", "The last decision: action keep/set/refuse and its reason code.",
          fmt::format("{},action=\"{}\",reason=\"{}\"", labels, s.action, live::escape_label_value(s.reason_code)), 1);
    gauge("redisfit_guard_refused", "1 when the last decision refused to set the safe value (see the log).",
          s.action == "refuse" ? 1 : 0);
  }
  if (s.working_set_bytes)
    gauge("redisfit_guard_working_set_bytes",
          "Memory charged to the container: cgroup working set, or used_memory_rss + a fork child's COW.",
          bytes(*s.working_set_bytes));
  counter("redisfit_guard_changes_total", "maxmemory changes applied (with --dry-run: that would have been).",
          static_cast<double>(s.changes));
  if (s.changes > 0) {
    gauge("redisfit_guard_last_change_timestamp_seconds", "Unix time of the last change.", s.last_change_unix_seconds);
    gauge("redisfit_guard_last_change_from_bytes", "maxmemory before the last change.", bytes(s.last_change_from_bytes));
    gauge("redisfit_guard_last_change_to_bytes", "maxmemory set by the last change.", bytes(s.last_change_to_bytes));
    x.add("redisfit_guard_last_change_info", "gauge", "The reason code of the last change.",
          fmt::format("{},reason=\"{}\"", labels, live::escape_label_value(s.last_change_reason_code)), 1);
  }
  gauge("redisfit_guard_fork_in_progress", "1 while a BGSAVE or AOF rewrite child is alive.", s.fork_in_progress ? 1 : 0);
  gauge("redisfit_guard_fork_near_limit",
        "1 while a fork child is alive and the working set is at or above the warning share of the limit.",
        s.fork_near_limit ? 1 : 0);
  counter("redisfit_guard_fork_warnings_total", "Forks that came near the limit.", static_cast<double>(s.fork_warnings));
  return x.str();
}

}  // namespace redisfit::app
