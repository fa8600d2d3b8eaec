// The list of rules. Explicit (not static self-registration) because rules
// live in a static library, where unreferenced objects would be dropped.
#include "rules/rule.h"

namespace redisfit::rules {

std::unique_ptr<Rule> make_rf000_unreadable();
std::unique_ptr<Rule> make_rf001_maxmemory_at_limit();
std::unique_ptr<Rule> make_rf002_phase_over_limit();
std::unique_ptr<Rule> make_rf003_thin_headroom();
std::unique_ptr<Rule> make_rf004_no_memory_limit();
std::unique_ptr<Rule> make_rf005_unbounded_maxmemory();
std::unique_ptr<Rule> make_rf006_maxmemory_from_request();
std::unique_ptr<Rule> make_rf007_reload_over_limit();
std::unique_ptr<Rule> make_rf008_evicting_policy_with_forks();
std::unique_ptr<Rule> make_rf009_replica_buffer_large();
std::unique_ptr<Rule> make_rf010_volatile_policy_without_ttl();
std::unique_ptr<Rule> make_rf011_clients_unbounded();
std::unique_ptr<Rule> make_rf012_repl_backlog_small();

const std::vector<std::unique_ptr<Rule>>& all_rules() {
  static const std::vector<std::unique_ptr<Rule>> rules = [] {
    std::vector<std::unique_ptr<Rule>> v;
    v.push_back(make_rf000_unreadable());
    v.push_back(make_rf001_maxmemory_at_limit());
    v.push_back(make_rf002_phase_over_limit());
    v.push_back(make_rf003_thin_headroom());
    v.push_back(make_rf004_no_memory_limit());
    v.push_back(make_rf005_unbounded_maxmemory());
    v.push_back(make_rf006_maxmemory_from_request());
    v.push_back(make_rf007_reload_over_limit());
    v.push_back(make_rf008_evicting_policy_with_forks());
    v.push_back(make_rf009_replica_buffer_large());
    v.push_back(make_rf010_volatile_policy_without_ttl());
    v.push_back(make_rf011_clients_unbounded());
    v.push_back(make_rf012_repl_backlog_small());
    return v;
  }();
  return rules;
}

const Rule* find_rule(const std::string& id_or_name) {
  for (const auto& r : all_rules()) {
    if (r->info().id == id_or_name || r->info().name == id_or_name) return r.get();
  }
  return nullptr;
}

std::vector<Finding> check_all(const RuleContext& ctx) {
  std::vector<Finding> out;
  if (ctx.instance.role != InstanceRole::kData) return out;
  // An instance that was not fully read is reported by RF000 alone.
  if (!ctx.instance.unknowns.empty()) {
    all_rules().front()->check(ctx, out);
    return out;
  }
  for (const auto& r : all_rules()) r->check(ctx, out);
  return out;
}

}  // namespace redisfit::rules
