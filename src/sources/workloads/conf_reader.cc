#include "sources/workloads/conf_reader.h"

#include <fnmatch.h>

#include <algorithm>

#include "core/ascii.h"

namespace redisfit::workloads {
namespace {

constexpr int kMaxIncludeDepth = 8;

// First word of a config line, lower-cased ("" for blank / comment lines).
std::string first_word(std::string_view line) {
  auto args = split_redis_args(line);
  if (!args || args->empty()) return "";
  return ascii_lower((*args)[0]);
}

}  // namespace

void ConfReader::read(const PodFile& file, const std::string& path, int depth, std::vector<ConfDirective>& out) {
  const std::string name = file.file.empty() ? path : file.file;
  const std::string_view text = file.text;
  const TextInFile in_file(text, file.placement);
  size_t segment_start = 0;
  int segment_first_line = 1;
  int line_no = 0;
  auto flush = [&](size_t end) {
    if (end <= segment_start) return;
    auto directives = parse_redis_conf_text(text.substr(segment_start, end - segment_start), name);
    if (!directives) {
      errors.push_back({file.where, directives.error().message + " (in " + file.explanation + ")"});
      return;
    }
    for (auto& d : directives.value()) {
      d.location.line += segment_first_line - 1;
      if (!in_file.place(d.location.line, d.location.column)) {
        d.location.file = file.explanation.empty() ? path : name + " (" + file.explanation + ")";
      }
      if (ascii_lower(d.name) == "maxmemory") {
        maxmemory_file = Origin{file.data_name, file.data_key, file.secret};
        ++maxmemory_lines;
      }
      out.push_back(std::move(d));
    }
  };
  for (size_t pos = 0; pos <= text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    ++line_no;
    const std::string_view line = text.substr(pos, end - pos);
    if (first_word(line) == "include") {
      flush(pos);
      auto args = split_redis_args(line);
      if (args && args->size() == 2) include((*args)[1], depth, out);
      segment_start = end + 1;
      segment_first_line = line_no + 1;
    }
    if (end == text.size()) break;
    pos = end + 1;
  }
  flush(text.size());
}

void ConfReader::include(const std::string& pattern, int depth, std::vector<ConfDirective>& out) {
  if (depth >= kMaxIncludeDepth) {
    unknowns.push_back("include nesting too deep at " + pattern);
    return;
  }
  if (pattern.find_first_of("*?[") != std::string::npos) {
    const size_t slash = pattern.rfind('/');
    const std::string dir = slash == std::string::npos ? "/" : pattern.substr(0, slash);
    // config.c: a pattern matching nothing is skipped; files sorted by glob().
    for (const auto& [path, f] : files.list_dir(dir)) {
      if (fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME) != 0) continue;
      if (f.state == PodFile::State::kFound) read(f, path, depth + 1, out);
      else unknowns.push_back("include " + path + ": " + f.explanation);
    }
    return;
  }
  const PodFile f = files.resolve(pattern);
  if (f.state == PodFile::State::kFound) return read(f, pattern, depth + 1, out);
  unknowns.push_back("include " + pattern + ": " + f.explanation);
}

void record_replicaof(const std::vector<ConfDirective>& directives, ContainerReading& r) {
  for (const auto& d : directives) {
    const std::string name = ascii_lower(d.name);
    if ((name == "replicaof" || name == "slaveof") && d.args.size() == 2) {
      r.replicaof_host = d.args[0];
      r.replicaof_where = d.where();
    }
  }
}

void point_fix_at_maxmemory_file(const ConfReader& reader, ContainerReading& r) {
  if (!reader.maxmemory_file) return;
  const auto& from = *reader.maxmemory_file;
  const bool editable = !from.data_name.empty() && !from.secret;
  r.config_map = editable ? from.data_name : "";
  r.config_key = editable ? from.data_key : "";
}

void apply_directives(const std::vector<ConfDirective>& directives, ContainerReading& r) {
  record_replicaof(directives, r);
  if (auto st = apply_conf(directives, r.instance); !st) {
    r.unknowns.push_back(st.error().describe());
    r.invalid.push_back(st.error());
  }
}

std::string join_explanations(const std::vector<PodFile>& parts) {
  std::string from, last;
  for (const auto& part : parts) {
    if (part.explanation != last) from += (from.empty() ? "" : "; ") + part.explanation;
    last = part.explanation;
  }
  return from;
}

}  // namespace redisfit::workloads
