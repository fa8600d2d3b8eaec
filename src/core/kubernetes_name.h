// Kubernetes object names, as the API server accepts them: a DNS-1123
// subdomain (lowercase letters, digits, '-' and '.', a letter or digit at
// each end, at most 253 characters). All a name printed into a kbcli,
// kubectl or YAML line may hold: anything else (a space, ';', '$', a
// newline) would change the command or the document it is pasted into.
#pragma once

#include <string_view>

namespace redisfit {

inline bool is_kubernetes_name(std::string_view name) {
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (name.empty() || name.size() > 253 || !alnum(name.front()) || !alnum(name.back())) return false;
  for (char c : name) {
    if (!alnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace redisfit
