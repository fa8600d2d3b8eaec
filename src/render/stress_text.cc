#include <fmt/format.h>

#include "core/quantity.h"
#include "render/stress_render.h"
#include "render/style.h"

namespace redisfit::render {
namespace {

// "CrashLoopBackOff -> rescue -> Running" after a rescue, else the final state.
std::string state_story(const stress::StressResult& r) {
  if (!r.rescue.attempted) return r.final_state;
  return r.rescue.state_before + " -> rescue -> " + r.final_state;
}

const char* outcome_sgr(stress::PhaseOutcome o) {
  switch (o) {
    case stress::PhaseOutcome::kCompleted: return "32";
    case stress::PhaseOutcome::kOomKilled:
    case stress::PhaseOutcome::kExited:
    case stress::PhaseOutcome::kFailed: return "31;1";
    default: return "33";
  }
}

std::string pct(uint64_t part, uint64_t whole) {
  return whole ? fmt::format("{:.0f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole)) : "-";
}

// The rescue as applied: the plan's numbers and what it cost in keys.
std::string rescue_block(const stress::RescueResult& x) {
  if (!x.attempted) return "";
  // The clients are named: `redisfit rescue` assumes 100 unless told, and
  // gives these numbers with --clients set to the sandbox's.
  std::string out = fmt::format(
      "  rescue from {}: data loaded {} ({}); temporary limit {}, maxmemory {} ({}), final limit {} (the model "
      "with the sandbox's {} clients: redisfit rescue --clients {})\n",
      x.state_before, format_bytes(x.loaded_bytes), x.loaded_source, format_k8s_quantity(x.temporary_limit_bytes),
      format_bytes(x.maxmemory_bytes), x.policy, format_k8s_quantity(x.final_limit_bytes), x.clients, x.clients);
  // A signal stopped the steps: nothing failed, and nothing was shown.
  if (x.interrupted) return out + "    rescue interrupted before its steps ended: proves nothing either way\n";
  if (!x.rescued) return out + "    rescue failed: " + x.detail + "\n";
  const uint64_t lost = x.keys_before > x.keys_after ? x.keys_before - x.keys_after : 0;
  out += fmt::format("    keys: {} before, {} after: {}\n", x.keys_before, x.keys_after,
                     lost == 0 ? std::string("0 lost")
                               : fmt::format("{} evicted by {} (the price of the eviction policy)", x.evicted_keys,
                                             x.policy));
  out += fmt::format("    used_memory {} loaded, {} after; {}\n", format_bytes(x.used_memory_loaded_bytes),
                     format_bytes(x.used_memory_after_bytes), x.detail);
  return out;
}

// --rdb: `redisfit rdb`'s estimate against what the run measured.
std::string estimate_block(const stress::StressResult& r) {
  if (!r.load_estimate) return "";
  const auto& e = *r.load_estimate;
  const stress::PhaseResult* load = nullptr;
  for (const auto& p : r.phases) if (p.phase == stress::RunPhase::kLoad) load = &p;
  const stress::PhaseOutcome expected = stress::expected_load_outcome(e);
  std::string out = fmt::format(
      "  rdb estimate ({}): used_memory {} after loading {} keys{}; measured {} (loaded with room); a start needs "
      "{}: {} the limit, so the load should be {}\n",
      e.target, format_bytes(e.used_memory_bytes), e.keys,
      e.load_peak_used_memory_bytes
          ? fmt::format(" ({} at the peak of the load)", format_bytes(e.load_peak_used_memory_bytes))
          : "",
      format_bytes(r.preload_used_memory_bytes),
      format_bytes(e.reload_bytes), e.verdict == Verdict::kUnsafe ? "over" : "within", stress::phase_outcome_name(expected));
  if (load) {
    out += fmt::format("    load under the limit: {}, peak working set {}: {}\n", stress::phase_outcome_name(load->outcome),
                       format_bytes(load->peak_working_set_bytes),
                       !stress::load_outcome_judged(load->outcome)
                           ? "stopped before the load ended, which proves nothing either way"
                       : load->outcome == expected ? "as estimated"
                                                   : "NOT as estimated");
  }
  return out;
}

std::string one_run(const stress::StressResult& r, bool color) {
  std::string out;
  out += fmt::format("== {}: limit {}{}, maxmemory {} ({}), policy {}, appendonly {}, save \"{}\"\n", r.label,
                     format_k8s_quantity(r.limit_bytes),
                     r.cpu_limit_cores > 0 ? fmt::format(", CPU limit {:g}", r.cpu_limit_cores) : "",
                     r.maxmemory_bytes ? format_bytes(r.maxmemory_bytes) : "0 (unlimited)",
                     pct(r.maxmemory_bytes, r.limit_bytes) + " of limit", r.maxmemory_policy, r.appendonly, r.save);
  for (const auto& p : r.phases) {
    out += fmt::format("  {:<8} {} peak working set {:>10}  used_memory {:>10}", stress::run_phase_name(p.phase),
                       render::paint_padded(color, outcome_sgr(p.outcome), stress::phase_outcome_name(p.outcome), 15),
                       format_bytes(p.peak_working_set_bytes), format_bytes(p.peak_used_memory_bytes));
    if (p.phase == stress::RunPhase::kImport) {
      // The furthest attempt's figures (run_phases.cc keeps them): after a
      // kill the import starts again from nothing.
      out += fmt::format("  {} keys, {} at {}/s{}", p.keys_written, format_bytes(p.payload_bytes),
                         format_bytes(static_cast<uint64_t>(p.fill_bytes_per_sec)),
                         p.attempts > 1 ? fmt::format(" in the furthest of {} attempts", p.attempts) : "");
    }
    // Two of Redis' own copy-on-write figures: the largest current_cow_size
    // sampled while a child lived (Redis refreshes it about once a second,
    // so a short child's is low), and the child's own total at its end
    // (rdb_last_cow_size / aof_last_cow_size).
    if (p.peak_cow_bytes) out += fmt::format("  current_cow_size up to {}", format_bytes(p.peak_cow_bytes));
    if (p.fork_child_sec > 0) {
      // Executed writes are what copy pages (the model's write rate); the
      // refused, answered -OOM before they ran, are named apart.
      out += fmt::format("  child {:.1f} s, {:.0f} writes/s executed", p.fork_child_sec, p.fork_write_rate);
      if (p.fork_refused_write_rate >= 0.5) out += fmt::format(" ({:.0f}/s refused)", p.fork_refused_write_rate);
      out += fmt::format(", COW at its end {}", format_bytes(p.redis_last_cow_bytes));
    }
    if (p.client_oom_errors) out += fmt::format("  {} writes refused (-OOM)", p.client_oom_errors);
    if (p.attempts > 1) out += fmt::format("  ({} attempts)", p.attempts);
    if (!p.detail.empty()) out += "  [" + p.detail + "]";
    out += "\n";
  }
  out += estimate_block(r);
  out += rescue_block(r.rescue);
  out += fmt::format("  outcome: {}   final state: {}   OOM kills: {}   restarts: {}\n",
                     render::paint(color, run_outcome_sgr(r.outcome), stress::run_outcome_name(r.outcome)),
                     state_story(r),
                     r.oom_kills, r.restarts);
  out += fmt::format("  peak working set {} = {} of limit, {} of maxmemory (cgroup usage incl. cache peaked at {})\n",
                     format_bytes(r.peak_working_set_bytes), pct(r.peak_working_set_bytes, r.limit_bytes),
                     pct(r.peak_working_set_bytes, r.maxmemory_bytes), format_bytes(r.peak_usage_bytes));
  if (r.prediction.available) {
    // The model predicts memory the kernel cannot reclaim: the cgroup's
    // anonymous pages. The working set also counts active page cache (an
    // AOF's, an RDB's), which is reclaimed before the OOM killer acts.
    const bool expected_apart = !prints_as_same_size(r.prediction.expected_peak_bytes, r.prediction.peak_bytes);
    out += fmt::format("  model: predicted peak {} in phase {} ({}{}), measured {} anonymous{}\n",
                       format_bytes(r.prediction.peak_bytes), phase_id_name(r.prediction.peak_id), r.prediction.verdict,
                       expected_apart ? "; expected " + format_bytes(r.prediction.expected_peak_bytes)
                                      : std::string(),
                       format_bytes(r.peak_rss_bytes),
                       r.oom_kills > 0 ? " (capped: the OOM killer acts at the limit)" : "");
    if (r.peak_working_set_bytes > r.peak_rss_bytes + r.limit_bytes / 20) {
      out += fmt::format("  model: the working set peaked higher, at {} ({} of the limit): page cache of the AOF/RDB "
                         "files, which the kernel reclaims before it OOM-kills (kubectl top counts it)\n",
                         format_bytes(r.peak_working_set_bytes), pct(r.peak_working_set_bytes, r.limit_bytes));
    }
    if (!r.prediction.note.empty()) out += "  model: " + r.prediction.note + "\n";
    if (r.prediction.measured_facts_peak_bytes) {
      out += fmt::format("  model with this run's child life and write rate: predicted peak {}\n",
                         format_bytes(r.prediction.measured_facts_peak_bytes));
    }
    if (r.prediction.probe_facts_peak_bytes) {
      out += fmt::format("  model also with the fragmentation measured before the fork: predicted peak {}\n",
                         format_bytes(r.prediction.probe_facts_peak_bytes));
    }
  } else {
    out += "  model: " + r.prediction.note + "\n";
  }
  for (const auto& e : r.events) {
    using stress::EventKind;
    if (e.kind == EventKind::kOomKill || e.kind == EventKind::kExit || e.kind == EventKind::kCrashLoopBackoff ||
        e.kind == EventKind::kOomGroupKill) {
      out += fmt::format("  t={:6.1f}s {:<18} {}\n", e.t_sec, stress::event_kind_name(e.kind), e.detail);
    }
  }
  out += fmt::format("  host: {}, cgroup {}, vm.overcommit_memory={}, THP={}, redis {}; back-off time scale x{}\n",
                     r.host.kernel, r.host.cgroup_version, r.host.overcommit_memory, r.host.transparent_hugepage,
                     r.host.redis_version, r.time_scale);
  return out;
}

}  // namespace

const char* run_outcome_sgr(stress::RunOutcome outcome) {
  if (outcome == stress::RunOutcome::kInterrupted || outcome == stress::RunOutcome::kIncomplete) return "33";
  return outcome == stress::RunOutcome::kSurvived ? "32" : "31;1";
}

std::string stress_to_text(const std::vector<stress::StressResult>& runs, bool color) {
  std::string out;
  if (runs.size() == 2) {
    const auto& a = runs[0];
    const auto& b = runs[1];
    out += fmt::format("{:<24} {:>36} {:>22}\n", "", a.label, b.label);
    auto row = [&](const std::string& name, const std::string& x, const std::string& y) {
      out += fmt::format("{:<24} {:>36} {:>22}\n", name, x, y);
    };
    row("limit", format_k8s_quantity(a.limit_bytes), format_k8s_quantity(b.limit_bytes));
    row("maxmemory", format_bytes(a.maxmemory_bytes), format_bytes(b.maxmemory_bytes));
    row("policy", a.maxmemory_policy, b.maxmemory_policy);
    row("outcome", stress::run_outcome_name(a.outcome), stress::run_outcome_name(b.outcome));
    row("final state", state_story(a), state_story(b));
    row("OOM kills", std::to_string(a.oom_kills), std::to_string(b.oom_kills));
    row("restarts", std::to_string(a.restarts), std::to_string(b.restarts));
    row("peak working set", format_bytes(a.peak_working_set_bytes), format_bytes(b.peak_working_set_bytes));
    row("predicted peak", a.prediction.available ? format_bytes(a.prediction.peak_bytes) : "-",
        b.prediction.available ? format_bytes(b.prediction.peak_bytes) : "-");
    out += "\n";
  }
  for (const auto& r : runs) out += one_run(r, color) + "\n";
  return out;
}

}  // namespace redisfit::render
