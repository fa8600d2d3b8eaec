#include "sources/workloads/pod_files.h"

#include <vector>

namespace redisfit::workloads {
namespace {

// "a/b" under "a" -> "b"; "a" under "a" -> ""; nullopt when not under.
std::optional<std::string> relative_to(const std::string& path, const std::string& dir) {
  if (dir == "/") return path.substr(1);
  if (path == dir) return std::string();
  if (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/') {
    return path.substr(dir.size() + 1);
  }
  return std::nullopt;
}

bool is_config_source(const VolumeSource& s) { return s.kind == "configMap" || s.kind == "secret"; }

}  // namespace

std::string normalize_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

const ConfigData* find_config_data(const std::vector<ConfigData>& data, std::string_view kind, std::string_view name,
                                   std::string_view namespace_name) {
  const ConfigData* any_ns = nullptr;
  for (const auto& d : data) {
    if (d.kind != kind || d.name != name) continue;
    if (d.namespace_name == namespace_name) return &d;
    if (d.namespace_name.empty() || namespace_name.empty()) any_ns = &d;
  }
  return any_ns;
}

const ConfigData* PodFiles::find_data(const std::string& kind, const std::string& name) const {
  if (!data_) return nullptr;
  return find_config_data(*data_, kind == "configMap" ? "ConfigMap" : "Secret", name, ns_);
}

PodFile PodFiles::from_volume(const VolumeDecl& v, const std::string& relative) const {
  PodFile out;
  bool any_config = false;
  for (const auto& src : v.sources) {
    if (!is_config_source(src)) continue;
    any_config = true;
    // The file name inside the volume: the item's path, or the key itself.
    std::optional<std::string> key;
    if (src.items.empty()) {
      if (relative.find('/') == std::string::npos) key = relative;
    } else {
      for (const auto& it : src.items) {
        if (normalize_path(it.path) == normalize_path(relative)) key = it.key;
      }
    }
    if (!key) continue;
    const std::string label = (src.kind == "configMap" ? "ConfigMap " : "Secret ") + src.name;
    const ConfigData* d = find_data(src.kind, src.name);
    if (!d) {
      out.state = PodFile::State::kMissingData;
      out.explanation = label + " (volume " + v.name + ") is not in the inputs";
      return out;
    }
    auto it = d->entries.find(*key);
    if (it == d->entries.end()) {
      // An items-less volume simply has no such file; that is only "missing" if items named it.
      out.state = PodFile::State::kMissingData;
      out.explanation = label + " has no key " + *key;
      if (src.items.empty()) continue;
      return out;
    }
    out.state = PodFile::State::kFound;
    out.text = it->second.text;
    out.where = it->second.where;
    out.file = it->second.file;
    out.placement = it->second.placement;
    out.data_name = src.name;
    out.data_key = *key;
    out.secret = src.kind == "secret";
    out.explanation = label + " key " + *key;
    return out;
  }
  if (out.state == PodFile::State::kMissingData) return out;
  if (any_config) {
    out.state = PodFile::State::kMissingData;
    out.explanation = "volume " + v.name + " has no file " + relative;
    return out;
  }
  out.state = PodFile::State::kRuntime;
  out.explanation = "volume " + v.name + " (" + (v.sources.empty() ? std::string("unknown") : v.sources[0].kind) +
                    ") is written at run time";
  return out;
}

PodFile PodFiles::resolve(const std::string& raw_path) const {
  const std::string path = normalize_path(raw_path);
  const MountDecl* best = nullptr;
  std::string best_relative;
  for (const auto& m : mounts_) {
    const std::string mp = normalize_path(m.mount_path);
    auto rel = relative_to(path, mp);
    if (!rel) continue;
    if (!m.sub_path.empty() && !rel->empty()) continue;  // a subPath mount is one file (or dir) at mountPath
    if (!best || mp.size() > normalize_path(best->mount_path).size()) {
      best = &m;
      best_relative = *rel;
    }
  }
  if (!best) {
    PodFile out;
    out.explanation = path + " is not mounted from a volume: it comes from the image";
    return out;
  }
  std::string relative = best_relative;
  if (!best->sub_path.empty()) relative = normalize_path(best->sub_path).substr(1);
  for (const auto& v : volumes_) {
    if (v.name == best->volume) return from_volume(v, relative);
  }
  PodFile out;
  out.state = PodFile::State::kMissingData;
  out.explanation = "mount " + best->mount_path + " names volume " + best->volume + ", which the pod does not declare";
  return out;
}

std::map<std::string, PodFile> PodFiles::list_dir(const std::string& raw_dir) const {
  std::map<std::string, PodFile> out;
  const std::string dir = normalize_path(raw_dir);
  for (const auto& m : mounts_) {
    if (normalize_path(m.mount_path) != dir || !m.sub_path.empty()) continue;
    for (const auto& v : volumes_) {
      if (v.name != m.volume) continue;
      for (const auto& src : v.sources) {
        if (!is_config_source(src)) continue;
        std::vector<std::string> names;
        if (!src.items.empty()) {
          for (const auto& it : src.items) names.push_back(it.path);
        } else if (const ConfigData* d = find_data(src.kind, src.name)) {
          for (const auto& [k, e] : d->entries) names.push_back(k);
        }
        for (const auto& n : names) out[dir + "/" + n] = resolve(dir + "/" + n);
      }
    }
  }
  return out;
}

TextInFile::TextInFile(std::string_view text, TextPlacement placement) : text_(text), placement_(placement) {}

bool TextInFile::place(int& line, int& column) const {
  if (placement_.first_line <= 0) return false;
  if (placement_.encoded) {
    // docs/lint.md: such findings point at the key's value, its column too.
    line = placement_.first_line;
    column = placement_.value_column;
    return true;
  }
  const int text_line = line;
  line += placement_.first_line - 1;
  if (placement_.column_offset <= 0 || text_line <= 0) return true;
  if (line_starts_.empty()) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text_.size(); ++i) {
      if (text_[i] == '\n') line_starts_.push_back(i + 1);
    }
  }
  if (static_cast<size_t>(text_line) > line_starts_.size()) return true;
  const size_t start = line_starts_[static_cast<size_t>(text_line) - 1];
  const size_t first = text_.find_first_not_of(" \t", start);
  const size_t blanks = (first == std::string_view::npos ? text_.size() : first) - start;
  column = placement_.column_offset + 1 + static_cast<int>(blanks);
  return true;
}

}  // namespace redisfit::workloads
