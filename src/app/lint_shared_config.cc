#include "app/lint_shared_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/quantity.h"

namespace redisfit::app {
namespace {

bool is_plain_workload(const SubjectReport& s) {
  return s.workload && s.workload->shape == fix::WorkloadTarget::Shape::kWorkload && !s.workload->config_map.empty() &&
         !s.workload->maxmemory_in_argv;
}

std::string who(const SubjectReport& s) { return s.workload->kind + " " + s.workload->name; }

}  // namespace

SharedConfigFixes::SharedConfigFixes(const manifests::ManifestSet& set) {
  for (const auto& pod : set.pods) {
    std::set<std::string> maps;  // one pod template counts once per ConfigMap
    for (const auto& volume : pod.volumes) {
      for (const auto& source : volume.sources) {
        if (source.kind == "configMap" && !source.name.empty()) maps.insert(source.name);
      }
    }
    for (const auto& name : maps) ++mounts_[{pod.namespace_name, name}];
  }
}

bool SharedConfigFixes::hold(SubjectReport& s) {
  if (!is_plain_workload(s)) return false;
  const auto it = mounts_.find({s.workload->namespace_name, s.workload->config_map});
  if (it == mounts_.end() || it->second < 2) return false;
  held_.push_back(std::move(s));
  return true;
}

void SharedConfigFixes::flush(const std::function<void(SubjectReport&&)>& keep) {
  std::map<Key, std::vector<size_t>> groups;
  for (size_t i = 0; i < held_.size(); ++i) {
    const fix::WorkloadTarget& t = *held_[i].workload;
    groups[{t.namespace_name, t.config_map, t.config_key}].push_back(i);
  }
  for (const auto& [key, members] : groups) {
    if (members.size() < 2) continue;
    // One value for all: the smallest fix, and no more than what a member
    // without a fix runs safely with today.
    uint64_t shared = UINT64_MAX;
    const SubjectReport* decided_by = nullptr;
    for (size_t i : members) {
      const SubjectReport& s = held_[i];
      const bool bounded = s.instance.maxmemory.origin != MaxmemoryOrigin::kUnset && s.instance.maxmemory.bytes > 0;
      const uint64_t value = s.fix ? s.fix->maxmemory_bytes : bounded ? s.instance.maxmemory.bytes : UINT64_MAX;
      if (value < shared) shared = value, decided_by = &s;
    }
    if (decided_by == nullptr) continue;
    for (size_t i : members) {
      SubjectReport& s = held_[i];
      std::string others;
      for (size_t j : members) {
        if (j != i) others += (others.empty() ? "" : ", ") + who(held_[j]);
      }
      const std::string origin = &s == decided_by     ? "this fix's"
                                 : decided_by->fix ? who(*decided_by) + "'s fix"
                                                   : "what " + who(*decided_by) + " runs with now";
      const std::string note = fmt::format(
          "ConfigMap {} key {} is read by {} too: one maxmemory serves them all, the smallest, {} ({}), {}{}",
          std::get<1>(key), std::get<2>(key), others, shared, format_bytes(shared), origin,
          s.fix && s.fix->maxmemory_bytes != shared
              ? fmt::format("; this fix's own {} is not applied", format_bytes(s.fix->maxmemory_bytes))
              : "");
      if (!s.fix) {
        if (shared < s.instance.maxmemory.bytes) s.notes.push_back(note + ": lower than it runs with now, and safe");
        continue;
      }
      FixReport& f = *s.fix;
      if (f.maxmemory_bytes != shared) {
        const std::string label = fix::config_map_form_label(*s.workload);
        for (auto& form : f.forms) {
          if (form.label == label) form.text = fmt::format("maxmemory {}\n", shared);
        }
        // The summary keeps what else the fix does (a resize), with the value.
        const std::string from = fmt::format("{} ({})", f.maxmemory_bytes, format_bytes(f.maxmemory_bytes));
        const std::string to = fmt::format("{} ({})", shared, format_bytes(shared));
        for (size_t at = f.summary.find(from); at != std::string::npos; at = f.summary.find(from, at + to.size())) {
          f.summary.replace(at, from.size(), to);
        }
        f.summary += ", shared with " + others;
        f.maxmemory_bytes = shared;
      }
      f.notes.insert(f.notes.begin(), note);
    }
  }
  for (auto& s : held_) keep(std::move(s));
  held_.clear();
}

}  // namespace redisfit::app
