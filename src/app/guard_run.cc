#include "app/guard_run.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "app/guard_metrics.h"
#include "core/quantity.h"
#include "live/exec_wrapper.h"
#include "live/metrics_http.h"

namespace redisfit::app {
namespace {

constexpr int kExitBadInput = 2;
// `--once --dry-run` that would have changed maxmemory: a finding, as lint's.
constexpr int kExitWouldChange = 1;

using Clock = std::chrono::steady_clock;

nlohmann::json describe_start(const GuardRunOptions& o, const std::string& mode) {
  const GuardOptions& g = o.guard;
  nlohmann::json j = {{"mode", mode},
                      {"redis", g.endpoint.display()},
                      {"interval_ms", o.interval.count()},
                      {"dry_run", g.dry_run},
                      {"allow_evict", g.settings.allow_evict},
                      {"threshold_fraction", g.settings.threshold_fraction}};
  j["limit_from"] = g.limit.describe();
  if (g.settings.min_bytes) j["min_bytes"] = *g.settings.min_bytes;
  if (g.settings.max_bytes) j["max_bytes"] = *g.settings.max_bytes;
  if (!o.exec_argv.empty()) j["exec"] = o.exec_argv;
  if (!o.listen.empty()) j["listen"] = o.listen;
  return j;
}

// Why the wrapped server ended, for a status other than 0. exit_code_of
// (live/exec_wrapper.h) gives 128 + N for a server killed by signal N, as a
// shell does. SIGKILL is what the kernel's OOM killer sends at the cgroup's
// limit, and what kubelet sends once a stop outlives its grace period.
std::string server_end_words(int code) {
  if (code <= 128) return fmt::format("the server exited with status {}", code);
  const int sig = code - 128;
  return fmt::format("the server was killed by signal {} ({}){}", sig, strsignal(sig),
                     sig == SIGKILL ? ": the OOM killer at the memory limit (see the cgroup's oom_kill count), or a "
                                      "stop that outlived its grace period"
                                    : "");
}

}  // namespace

int run_guard(const GuardRunOptions& o, GuardLog& log) {
  const bool wrapper = !o.exec_argv.empty();
  std::optional<pid_t> child;
  if (wrapper) {
    auto pid = live::spawn_child(o.exec_argv);
    if (!pid) {
      log.write("error", "exec-failed", {{"message", pid.error().describe()}});
      return kExitBadInput;
    }
    child = *pid;
  }
  // Set by the relay thread on SIGTERM/SIGINT/SIGQUIT: from then on the
  // server is shutting down (wrapper) or the guard is asked to stop (sidecar),
  // and no further CONFIG SET is sent.
  std::atomic<bool> stopping{false};
  live::SignalRelay relay(child, [&](int sig) {
    stopping = true;
    log.write("info", "signal", {{"signal", strsignal(sig)}, {"forwarded", wrapper}});
  });
  log.write("info", "start", describe_start(o, wrapper ? "exec" : "sidecar"));

  // The grace for a server not yet reached is at most the wait for it.
  GuardOptions guard_options = o.guard;
  guard_options.startup_grace = std::min(guard_options.startup_grace, o.wait);
  Guard guard(std::move(guard_options), log);
  std::unique_ptr<live::MetricsHttpServer> http;
  if (!o.listen.empty()) {
    auto bound = live::MetricsHttpServer::bind(o.listen, "--listen", "redisfit guard",
                                               [&guard, target = o.guard.endpoint.display()] {
                                                 return render_guard_metrics(guard.state(), target);
                                               });
    if (!bound) {
      log.write("error", "bad-input", {{"message", bound.error().describe()}});
      if (child) {
        kill(*child, SIGTERM);
        relay.wait_for_end(std::chrono::minutes(10));
      }
      return kExitBadInput;
    }
    http = std::move(bound).value();
    http->serve_in_background();
    log.write("info", "metrics", {{"listen", o.listen}, {"port", http->port()}});
  }

  // The wrapper's answer once its child is gone: the child's own status.
  auto finish = [&](int sidecar_code) {
    if (http) http->stop();
    if (!child) {
      // The Log section's last line, in sidecar mode too (it logged only
      // `signal` and stopped).
      log.write("info", "exit", {{"exit_code", sidecar_code}});
      return sidecar_code;
    }
    relay.wait_for_end(std::chrono::hours(24 * 365));
    int code = relay.child_exit_code().value_or(1);
    if (code == 0) {
      log.write("info", "exit", {{"child_exit_code", code}});
    } else {
      log.write("error", "exit", {{"child_exit_code", code}, {"message", server_end_words(code)}});
    }
    return code;
  };
  // A guard that cannot work stops at once, loudly: in wrapper mode the
  // server is shut down the way kubelet would (SIGTERM: Redis saves).
  auto give_up = [&](const std::string& message) {
    log.write("error", "exit", {{"message", message}, {"exit_code", kExitBadInput}});
    if (http) http->stop();
    if (child) {
      kill(*child, SIGTERM);
      relay.wait_for_end(std::chrono::hours(24 * 365));
    }
    return kExitBadInput;
  };

  // Start: until the first poll reads the server (or `wait` passes).
  const auto deadline = Clock::now() + o.wait;
  while (true) {
    if (stopping || relay.wait_for_end(std::chrono::milliseconds(0))) return finish(0);
    PollResult r = guard.poll();
    if (r.outcome == PollOutcome::kOk) break;
    if (r.outcome == PollOutcome::kBadInput || r.outcome == PollOutcome::kRefused) return give_up(r.message);
    if (Clock::now() >= deadline) {
      return give_up(o.wait.count() == 0 ? "the server did not answer: " + r.message
                                         : fmt::format("the server did not answer within --wait {} ms: {}",
                                                       o.wait.count(), r.message));
    }
    // A server starting (or a wrapper's child still binding) is retried
    // sooner than the poll interval, and the relay wakes us if it exits.
    relay.wait_for_end(std::min<std::chrono::milliseconds>(o.interval, std::chrono::milliseconds(200)));
  }
  // One look: safe now, or (dry run) a change it would have made.
  if (o.once) return finish(o.guard.dry_run && guard.state().changes > 0 ? kExitWouldChange : 0);
  while (!stopping) {
    if (relay.wait_for_end(o.interval)) break;
    if (stopping) break;
    guard.poll();
  }
  return finish(0);
}

}  // namespace redisfit::app
