#include "sources/workloads/bitnami_env.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "core/ascii.h"

namespace redisfit::workloads {
namespace {

bool is_yes(std::string_view written) {
  const std::string v = ascii_lower(written);
  return v == "yes" || v == "true" || v == "1";
}

}  // namespace

BitnamiConfig bitnami_config(const std::map<std::string, EnvValue>& env, bool valkey, bool mounted_conf) {
  BitnamiConfig out;
  const std::string prefix = valkey ? "VALKEY_" : "REDIS_";
  if (valkey) {
    out.conf_path = "/opt/bitnami/valkey/etc/valkey.conf";
    out.mounted_conf_path = "/opt/bitnami/valkey/mounted-etc/valkey.conf";
  }
  auto get = [&](const std::string& name) -> const EnvValue* {
    auto it = env.find(prefix + name);
    if (it == env.end()) return nullptr;
    if (!it->second.known) {
      out.unknowns.push_back(prefix + name + " comes from a reference (valueFrom) whose value is not in the inputs");
      return nullptr;
    }
    return &it->second;
  };

  if (const EnvValue* flags = get("EXTRA_FLAGS")) {
    std::istringstream words(flags->value);  // bash `read -r -a`: split on blanks, no quote handling
    for (std::string w; words >> w;) out.extra_flags.push_back(w);
    out.extra_flags_location = flags->location;
  }
  if (mounted_conf) return out;

  const std::string image_default = std::string("Bitnami ") + (valkey ? "valkey" : "redis") + " image default";
  if (const EnvValue* aof = get("AOF_ENABLED")) {
    out.conf_lines.push_back({std::string("appendonly ") + (is_yes(aof->value) ? "yes" : "no"),
                              aof->where + " (" + prefix + "AOF_ENABLED)"});
  } else {
    out.conf_lines.push_back({"appendonly yes", image_default + " (" + prefix + "AOF_ENABLED=yes)"});
  }
  const EnvValue* policy = get("RDB_POLICY");
  if (policy && !policy->value.empty()) {
    std::istringstream words(policy->value);
    for (std::string w; words >> w;) {
      std::replace(w.begin(), w.end(), '#', ' ');
      out.conf_lines.push_back({"save " + w, policy->where + " (" + prefix + "RDB_POLICY)"});
    }
  } else if (const EnvValue* disabled = get("RDB_POLICY_DISABLED"); disabled && is_yes(disabled->value)) {
    out.conf_lines.push_back({"save \"\"", disabled->where + " (" + prefix + "RDB_POLICY_DISABLED)"});
  }
  return out;
}

}  // namespace redisfit::workloads
