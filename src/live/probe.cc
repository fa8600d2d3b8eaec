#include "live/probe.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/quantity.h"
#include "model/verdict.h"

namespace redisfit::live {
namespace {

bool is_local(const platform::RedisEndpoint& ep) {
  if (ep.transport == platform::Transport::kUnix) return true;
  return ep.host == "localhost" || ep.host == "::1" || ep.host.rfind("127.", 0) == 0;
}

Verdict worse(Verdict a, Verdict b) {
  auto rank = [](Verdict v) { return v == Verdict::kUnsafe ? 3 : v == Verdict::kThin ? 2 : v == Verdict::kSafe ? 1 : 0; };
  return rank(a) >= rank(b) ? a : b;
}

}  // namespace

Level ProbeReport::worst_level() const {
  Level worst = Level::kNote;
  for (const auto& f : findings) worst = std::max(worst, f.level);
  return worst;
}

ProbeReport assess(const ServerSnapshot& s, const LimitInfo& limit, const WorkloadOverride& override_workload) {
  ProbeReport r;
  std::optional<Sourced<uint64_t>> sourced_limit;
  if (limit.limit_bytes) sourced_limit = Sourced<uint64_t>{*limit.limit_bytes, limit.source};
  LiveFacts facts = facts_from_snapshot(s, sourced_limit);
  facts.instance.cpu_limit_cores = limit.cpu_limit_cores;
  apply_workload_flags(facts, override_workload);
  if (!facts.workload.write_rate_per_sec && !facts.workload.cow_fraction && facts.momentary_ops_per_sec &&
      instance_forks(facts.instance)) {
    facts.notes.push_back(fmt::format(
        "INFO instantaneous_ops_per_sec {:.0f}/s (every command of the last ~2 s) is one moment, not the rate a "
        "fork meets: the fork is sized for the worst case until `--sample 60s` measures the writes over a "
        "window (at the busiest hour) or --write-rate gives them",
        *facts.momentary_ops_per_sec));
  }
  const platform::InfoFields& info = s.info;

  r.target = s.where;
  r.redis_version = info.text("redis_version").value_or("?");
  r.role = info.text("role").value_or("?");
  if (auto primary = primary_of_replica_ignoring_maxmemory(s)) {
    r.replica_ignores_maxmemory = true;
    r.primary = *primary;
  }
  r.loading = s.loading;
  r.loading_percent = info.number("loading_loaded_perc").value_or(0);
  if (r.role == "slave" && info.text("master_link_status").value_or("") != "up") {
    r.replica_not_in_sync = true;
    r.replica_sync_in_progress = info.u64("master_sync_in_progress").value_or(0) == 1;
    r.replica_sync_total_bytes = static_cast<int64_t>(info.number("master_sync_total_bytes").value_or(0));
    r.primary_link = fmt::format("{}:{}", info.text("master_host").value_or("?"), info.text("master_port").value_or("?"));
  }
  r.used_memory_bytes = info.u64("used_memory").value_or(0);
  r.used_memory_rss_bytes = facts.rss_bytes;
  r.used_memory_peak_bytes = info.u64("used_memory_peak").value_or(0);
  r.maxmemory_bytes = facts.instance.maxmemory.bytes;
  r.maxmemory_policy = facts.instance.maxmemory_policy.value;
  r.fragmentation_ratio = info.number("mem_fragmentation_ratio").value_or(0);
  r.connected_clients = info.u64("connected_clients").value_or(0);
  r.maxclients = facts.instance.maxclients.value;
  r.clients_normal_bytes = info.u64("mem_clients_normal").value_or(0);
  r.replica_buffers_bytes = info.u64("mem_clients_slaves").value_or(0);
  r.not_counted_for_evict_bytes = info.u64("mem_not_counted_for_evict").value_or(0);
  r.connected_replicas = facts.instance.replicas.value;

  r.limit_bytes = limit.limit_bytes;
  r.limit_source = limit.source.describe();
  r.now_bytes = r.used_memory_rss_bytes;
  r.now_source = "INFO used_memory_rss";
  // A fork child's copied pages are charged to the same cgroup but are not in
  // the parent's RSS (childinfo.c reports them as current_cow_size).
  r.fork_in_progress = info.u64("rdb_bgsave_in_progress").value_or(0) == 1 ||
                       info.u64("aof_rewrite_in_progress").value_or(0) == 1;
  if (r.fork_in_progress) {
    // The child reports its copies about once a second (childinfo.c,
    // current_cow_size_age): a 0 right after the fork is not yet measured.
    const auto cow = info.u64("current_cow_size");
    r.fork_cow_bytes = cow.value_or(0);
    r.now_bytes += r.fork_cow_bytes;
    r.now_source = r.fork_cow_bytes > 0 ? "INFO used_memory_rss + current_cow_size (a fork child is alive)"
                   : cow ? "INFO used_memory_rss (a fork child is alive; current_cow_size 0: its copies not yet "
                           "measured by the child, so not counted)"
                         : "INFO used_memory_rss (a fork child is alive; current_cow_size not reported, so its "
                           "copies are not counted)";
  }
  if (limit.cgroup) {
    r.working_set_bytes = limit.cgroup->working_set_bytes;
    if (limit.cgroup->working_set_bytes > r.now_bytes) {
      r.now_bytes = limit.cgroup->working_set_bytes;
      r.now_source = "cgroup working set (usage - inactive_file)";
    }
  }

  r.budget = compute_budget(facts.instance, facts.workload);
  r.steady_bytes = r.budget.phase_total(PhaseId::kSteady);
  r.cow_fraction = r.budget.cow_fraction;
  for (const auto& a : r.budget.assumptions)
    if (a.name == "cow_fraction") r.cow_source = a.source;
  r.fork_configured = instance_forks(facts.instance);
  r.config_read = !s.config.empty();
  // A server loading now (a file at start, or a replica's full sync) loads
  // it again at its next restart: the reload is not a what-if.
  r.reload_configured = persistence_forks(facts.instance) || r.loading;
  r.fork_peak_bytes = r.budget.phase_total(PhaseId::kFork);
  if (r.budget.phase_total(PhaseId::kFullSync) > r.fork_peak_bytes) {
    r.fork_peak_bytes = r.budget.phase_total(PhaseId::kFullSync);
    r.fork_peak_phase = "full_sync";
  }
  r.reload_peak_bytes = r.budget.phase_total(PhaseId::kReload);
  if (!persistence_forks(facts.instance)) {
    // No save points and no AOF: the model has no fork or reload phase. A
    // manual BGSAVE, a replica attaching, or a leftover dump.rdb (loaded
    // whenever it exists, server.c:loadDataFromDisk) still bring them back,
    // so project them as a what-if.
    RedisInstance what_if = facts.instance;
    what_if.save_points = {{{3600, 1}}, Provenance::computed("what-if: a BGSAVE started now")};
    MemoryBudget b = compute_budget(what_if, facts.workload);
    if (b.phase_total(PhaseId::kFork) > r.fork_peak_bytes) {
      r.fork_peak_bytes = b.phase_total(PhaseId::kFork);
      r.fork_peak_phase = "fork";
    }
    r.reload_peak_bytes = b.phase_total(PhaseId::kReload);
    r.cow_fraction = b.cow_fraction;
    // The assumption lines print the what-if fork's copy-on-write, the one
    // the figures above use (they printed the budget without forks', 5 %
    // beside a headline of 100 %).
    for (const auto& a : b.assumptions) {
      if (a.name != "cow_fraction") continue;
      r.cow_source = a.source;
      for (auto& mine : r.budget.assumptions)
        if (mine.name == "cow_fraction") mine = a;
    }
  }

  if (r.replica_ignores_maxmemory) {
    r.notes.push_back(fmt::format(
        "a replica that ignores its maxmemory (replica-ignore-maxmemory yes): it holds what {} sends, so the "
        "primary's maxmemory bounds its data, not its own (which applies only once a failover promotes it); "
        "probe the primary for the dataset this replica grows to",
        r.primary));
  } else if (facts.instance.maxmemory.origin != MaxmemoryOrigin::kUnset || r.limit_bytes) {
    // The same server once the dataset reaches maxmemory (the model's
    // default when no dataset is given); with maxmemory 0 nothing stops it
    // before the limit (the model's dataset is then the limit), as plan,
    // explain and lint (RF005) judge it.
    // Data already above maxmemory stays held (noeviction never drops it; an
    // evicting policy evicts it at once, but its RSS stays), so it is the floor.
    Workload full = facts.workload;
    const uint64_t maxmemory = facts.instance.maxmemory.bytes;
    if (maxmemory == 0 || (full.dataset_bytes && full.dataset_bytes->value <= maxmemory)) full.dataset_bytes.reset();
    MemoryBudget b = compute_budget(facts.instance, full);
    r.full_peak_bytes = b.peak_bytes;
    r.full_peak_phase = b.peak_phase;
    r.full_budget = std::move(b);
  }

  // A projection never falls below what is charged now: the model's terms
  // estimate, the cgroup and RSS measure. A live child's copies are the fork
  // phase's, not the steady state's: they are freed when it exits.
  const uint64_t without_child = r.now_bytes - std::min(r.now_bytes, r.fork_cow_bytes);
  if (without_child > r.steady_bytes) {
    r.steady_bytes = without_child;
    r.steady_measured = true;
  }
  if (r.now_bytes > r.fork_peak_bytes) {
    r.fork_peak_bytes = r.now_bytes;
    r.fork_peak_phase = "now";
  }

  // An AOF replays what was appended since its last rewrite: commands that
  // wrote data later overwritten or deleted load it first, so the replay can
  // peak above today's used_memory, which the reload figure assumes. probe
  // sees only the sizes (INFO aof_base_size, aof_current_size), not the
  // commands, so it says so and what measures the peak (a server that had
  // deleted 97 % of its keys, its AOF under the 64mb rewrite minimum, was
  // OOM-killed on restart where the figure said 20 % of the limit).
  const uint64_t aof_base = info.u64("aof_base_size").value_or(0);
  const uint64_t aof_now = info.u64("aof_current_size").value_or(0);
  if (facts.instance.appendonly.value && !r.loading && aof_now > aof_base &&
      aof_now - aof_base >= std::max<uint64_t>(1 << 20, r.used_memory_bytes / 4)) {
    r.notes.push_back(fmt::format(
        "the AOF holds {} of commands appended since its last rewrite (aof_current_size {} - aof_base_size {}), "
        "which the next start replays: where they wrote data later overwritten or deleted, the replay peaks above "
        "today's used_memory, which the reload figure assumes. `redisfit rdb` on the copied appendonlydir gives "
        "the replay's peak; BGREWRITEAOF now makes the file today's data",
        format_bytes(aof_now - aof_base), aof_now, aof_base));
  }
  if (r.loading) {
    // An RDB carries the used_memory it was saved at (aux field used-mem,
    // INFO loading_rdb_used_mem): the reload figure is then the whole
    // load's. An AOF's RDB preamble carries its base's only, which the
    // incremental commands load on top of; without either only what is
    // loaded so far is known.
    const uint64_t total = info.u64("loading_total_bytes").value_or(0);
    const bool saved_figure = info.u64("loading_rdb_used_mem").value_or(0) > 0;
    const bool whole_known = saved_figure && !facts.instance.appendonly.value;
    r.notes.push_back(fmt::format(
        "loading now ({:.0f}% of {} of file): {}; `redisfit rdb` on the copied file (dump.rdb or appendonlydir) "
        "gives the whole load, and `redisfit rescue` the steps if it does not fit",
        r.loading_percent, total ? format_bytes(total) : std::string("an unknown size"),
        whole_known    ? "the reload figure is of the whole file, from the used_memory it was saved at "
                         "(INFO loading_rdb_used_mem)"
        : saved_figure ? "the reload figure is the AOF's RDB preamble's (INFO loading_rdb_used_mem); its "
                         "incremental commands load on top of it, so it is a floor of where the load ends"
                       : "the reload figure counts what is loaded so far, a floor of where the load ends"));
  }
  for (const auto& n : limit.notes) r.notes.push_back(n);
  for (const auto& n : facts.notes) r.notes.push_back(n);
  const rules::MaxmemoryDerivation no_derivation;  // a live server's maxmemory is what CONFIG GET says
  r.findings = rules::check_all({facts.instance, r.budget, facts.workload, no_derivation, &r}, rules::probe_rules());
  if (r.limit_bytes) {
    // Projections keep the live budget's margin (5 % once its fork and
    // fragmentation are measured); what is charged now keeps the a-priori one, as RP003 does.
    auto judge = [&](uint64_t bytes) { return judge_against_limit(bytes, *r.limit_bytes, r.budget.safety_factor); };
    r.verdict = worse(judge_against_limit(r.now_bytes, *r.limit_bytes), judge(r.steady_bytes));
    if (r.fork_configured) r.verdict = worse(r.verdict, judge(r.fork_peak_bytes));
    if (r.reload_configured) r.verdict = worse(r.verdict, judge(r.reload_peak_bytes));
    if (r.full_budget && r.full_peak_bytes > 0)
      r.verdict = worse(r.verdict, judge_against_limit(r.full_peak_bytes, *r.limit_bytes, r.full_budget->safety_factor));
  }
  return r;
}

LimitInfo resolve_limit(const platform::RedisEndpoint& endpoint, std::optional<uint64_t> flag_limit_bytes) {
  LimitInfo info;
  if (flag_limit_bytes) {
    info.limit_bytes = flag_limit_bytes;
    info.source = Provenance::flag("--limit");
    return info;
  }
  if (!is_local(endpoint)) {
    info.notes.push_back(endpoint.display() + " is not local, so this process's cgroup says nothing about "
                         "its limit: give --limit");
    return info;
  }
  auto cg = platform::detect_own_memory_cgroup();
  if (!cg) {
    info.notes.push_back("limit not detected: " + cg.error().describe());
    return info;
  }
  std::string file = cg->directory + "/" + platform::memory_file_names(cg->version).limit;
  if (!cg->limit_bytes) {
    info.notes.push_back("this process's memory cgroup has no limit (" + file + ")");
    return info;
  }
  info.limit_bytes = cg->limit_bytes;
  info.source = Provenance::live(fmt::format("cgroup {} {}", platform::cgroup_version_name(cg->version), file));
  info.cgroup = std::move(cg).value();
  return info;
}

void resolve_cpu_limit(const platform::RedisEndpoint& endpoint, std::optional<Sourced<double>> flag_cores,
                       LimitInfo& info) {
  if (flag_cores) {
    info.cpu_limit_cores = flag_cores;
    return;
  }
  if (!is_local(endpoint)) return;
  auto reading = platform::read_own_cpu_limit();
  if (!reading) {
    info.notes.push_back("CPU limit not detected: " + reading.error().describe());
    return;
  }
  if (reading->cores) info.cpu_limit_cores = Sourced<double>{*reading->cores, Provenance::live("cgroup " + reading->file)};
}

Result<ProbeReport> probe(const platform::RedisEndpoint& endpoint, const ProbeOptions& options) {
  auto conn = platform::connect_redis(endpoint, options.connect);
  if (!conn) return conn.error();
  auto snapshot = read_snapshot(*conn.value());
  if (!snapshot) return snapshot.error();
  LimitInfo limit = resolve_limit(endpoint, options.limit_bytes);
  resolve_cpu_limit(endpoint, options.cpu_limit_cores, limit);
  return assess(*snapshot, limit, options.override_workload);
}

std::vector<Assumption> ProbeReport::assumptions_at_full() const {
  std::vector<Assumption> out;
  if (!full_budget) return out;
  for (const auto& a : full_budget->assumptions) {
    const bool same_today = std::any_of(budget.assumptions.begin(), budget.assumptions.end(), [&](const Assumption& t) {
      return t.name == a.name && t.value == a.value && t.source == a.source;
    });
    if (!same_today) out.push_back(a);
  }
  return out;
}

bool action_needed(const ProbeReport& report, rules::Level fail_on) {
  const bool sounds_fine = report.verdict == Verdict::kSafe || report.verdict == Verdict::kUnbounded;
  return sounds_fine && report.worst_level() >= fail_on;
}

std::string shown_verdict(const ProbeReport& report, rules::Level fail_on) {
  if (action_needed(report, fail_on))
    return fmt::format("action needed (memory alone: {})", verdict_name(report.verdict));
  return verdict_name(report.verdict);
}

std::vector<std::string> describe_changes(const ProbeReport& a, const ProbeReport& b, rules::Level fail_on) {
  std::vector<std::string> out;
  auto moved = [&](const char* what, uint64_t x, uint64_t y) {
    uint64_t diff = x > y ? x - y : y - x;
    if (diff * 100 >= std::max<uint64_t>(x, 1))
      out.push_back(fmt::format("{}: {} -> {}", what, format_bytes(x), format_bytes(y)));
  };
  moved("used_memory", a.used_memory_bytes, b.used_memory_bytes);
  moved("used_memory_rss", a.used_memory_rss_bytes, b.used_memory_rss_bytes);
  moved("projected fork peak", a.fork_peak_bytes, b.fork_peak_bytes);
  moved("projected reload peak", a.reload_peak_bytes, b.reload_peak_bytes);
  moved("projected peak at maxmemory", a.full_peak_bytes, b.full_peak_bytes);
  if (const std::string was = shown_verdict(a, fail_on), now = shown_verdict(b, fail_on); was != now)
    out.push_back(fmt::format("verdict: {} -> {}", was, now));
  if (a.loading != b.loading) out.push_back(b.loading ? "started LOADING" : "finished LOADING");
  for (const auto& fb : b.findings) {
    auto it = std::find_if(a.findings.begin(), a.findings.end(),
                           [&](const Finding& fa) { return fa.rule_id == fb.rule_id; });
    if (it == a.findings.end()) {
      out.push_back(fmt::format("new {} [{}]: {}", rules::level_name(fb.level), fb.rule_name, fb.message));
    } else if (it->level != fb.level) {
      out.push_back(fmt::format("[{}] {} -> {}: {}", fb.rule_name, rules::level_name(it->level),
                                rules::level_name(fb.level), fb.message));
    }
  }
  for (const auto& fa : a.findings) {
    bool gone = std::none_of(b.findings.begin(), b.findings.end(),
                             [&](const Finding& fb) { return fb.rule_id == fa.rule_id; });
    if (gone) out.push_back(fmt::format("cleared [{}]", fa.rule_name));
  }
  return out;
}

}  // namespace redisfit::live
