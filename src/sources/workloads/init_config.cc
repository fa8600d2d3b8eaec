#include "sources/workloads/init_config.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "core/ascii.h"
#include "sources/redis_conf.h"
#include "sources/redis_directive_values.h"
#include "sources/redis_directives.h"
#include "sources/workloads/script_files.h"

namespace redisfit::workloads {
namespace {

const MountDecl* mount_covering(const ContainerDecl& c, const std::string& path) {
  const MountDecl* best = nullptr;
  size_t best_len = 0;
  for (const auto& m : c.mounts) {
    const std::string mp = normalize_path(m.mount_path);
    if ((path == mp || path.rfind(mp + "/", 0) == 0) && (best == nullptr || mp.size() >= best_len)) {
      best = &m;
      best_len = mp.size();
    }
  }
  return best;
}

// The directive a written line sets: its first word ("" when that word
// expands at run time). Only the name matters here; the value may be any
// shell text (`replica-announce-ip $(get_full_hostname "$HOSTNAME")`).
std::string directive_of(const std::string& line) {
  const size_t start = line.find_first_not_of(" \t");
  if (start == std::string::npos) return "";
  const std::string first = line.substr(start, line.find_first_of(" \t", start) - start);
  return first.find('$') != std::string::npos ? "" : ascii_lower(first);
}

// True when `line` sets a directive of the value table
// (sources/redis_directive_values.h) to a value redis-server refuses.
bool value_refused(const std::string& lower_name, const std::string& line) {
  if (lower_name.empty()) return false;
  auto words = split_redis_args(line);
  if (!words.ok() || words->empty()) return false;
  const std::vector<std::string> args(words->begin() + 1, words->end());
  return check_directive_value(lower_name, args).has_value();
}

// Names a `sed -i` expression touches that are memory directives.
std::string memory_names_in(const std::string& expression) {
  std::string found, token;
  auto flush = [&] {
    if (!token.empty() && is_memory_directive(ascii_lower(token))) found += (found.empty() ? "" : ", ") + token;
    token.clear();
  };
  for (const char c : expression) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') token += c;
    else flush();
  }
  flush();
  return found;
}

// replicaof/slaveof written at run time: the script picks each pod's master
// (Sentinel charts make pod 0 the master and the others its replicas, and a
// failover moves the role), so each pod is judged as the master it can become.
bool is_role_directive(const std::string& name) { return name == "slaveof" || name == "replicaof"; }

std::map<std::string, std::string> literal_env(const ContainerDecl& c) {
  std::map<std::string, std::string> env;
  for (const auto& [k, v] : c.env) {
    if (v.known) env[k] = v.value;
  }
  return env;
}

struct Assembler {
  const PodFiles& files;  // as the init container sees them
  std::string who;
  const PodFile& script;  // the script the operations were read from
  InitWrittenConfig& out;
  std::vector<std::string> left_out;  // run-time lines and edits that set no memory directive

  // Each once: a function called from several places writes the same line each time.
  void leave_out(std::string what) {
    if (std::find(left_out.begin(), left_out.end(), what) == left_out.end()) left_out.push_back(std::move(what));
  }

  // A written line has no place of its own: it sits where the script's
  // command that writes it does (its line and column in the YAML file), so
  // a finding on it lands on that `echo` (SARIF needs a real place).
  void place_at_command(PodFile& line, size_t offset) const {
    const TextPlacement& at = script.placement;
    if (at.first_line <= 0 || script.file.empty() || offset > script.text.size()) return;
    line.file = script.file;
    if (at.encoded) {
      line.placement = at;
      return;
    }
    const std::string_view before = std::string_view(script.text).substr(0, offset);
    const size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
    line.placement.first_line = at.first_line + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    line.placement.column_offset = at.column_offset + static_cast<int>(offset - line_start);
  }

  void take(PodFile f, const std::string& how) {
    f.explanation += ", " + how + " by " + who;
    out.parts.push_back(std::move(f));
  }

  void copy(const ScriptFileOp& op) {
    out.parts.clear();
    if (op.runtime) return out.unknowns.push_back(fmt::format("{} copies `{}` (a path set at run time)", who, op.source));
    const PodFile f = files.resolve(op.source);
    if (f.state == PodFile::State::kFound) return take(f, "copied");
    out.unknowns.push_back(fmt::format("{} copies {}: {}", who, op.source, f.explanation));
  }

  void append_file(const ScriptFileOp& op) {
    if (op.runtime) return out.unknowns.push_back(fmt::format("{} appends `{}` (a path set at run time)", who, op.source));
    if (op.source.find_first_of("*?[") != std::string::npos) {
      const size_t slash = op.source.rfind('/');
      const std::string dir = slash == std::string::npos ? "/" : op.source.substr(0, slash);
      for (const auto& [p, f] : files.list_dir(dir)) {
        if (fnmatch(op.source.c_str(), p.c_str(), FNM_PATHNAME) != 0) continue;
        if (f.state == PodFile::State::kFound) take(f, "appended");
        else out.unknowns.push_back(fmt::format("{} appends {}: {}", who, p, f.explanation));
      }
      return;
    }
    const PodFile f = files.resolve(op.source);
    if (f.state == PodFile::State::kFound) return take(f, "appended");
    if (f.state == PodFile::State::kNotMounted) {
      // Chart scripts test for the optional file first (`if [ -f ... ]`).
      out.notes.push_back(fmt::format("{} appends {} when it exists; it is not mounted, so nothing", who, op.source));
      return;
    }
    out.unknowns.push_back(fmt::format("{} appends {}: {}", who, op.source, f.explanation));
  }

  void append_line(const ScriptFileOp& op) {
    const std::string name = directive_of(op.source);
    if (op.runtime && is_role_directive(name)) {
      out.replication_at_runtime = true;
      leave_out("`" + op.source + "`");
      return;
    }
    if (op.runtime) {
      if (name.empty() || is_memory_directive(name)) {
        out.unknowns.push_back(fmt::format("{} writes `{}`, set at run time", who, op.source));
      } else {
        leave_out("`" + op.source + "`");
      }
      return;
    }
    // The script is read without its conditions (both branches of an `if`),
    // so a line with a value Redis refuses may be one no run writes
    // (argo-cd's redis-ha writes `slave-announce-port ${REDIS_TLS_PORT}`, with
    // REDIS_TLS_PORT empty, only when TLS replication is on): it is left out,
    // not judged (RF015).
    if (value_refused(name, op.source)) {
      leave_out("`" + op.source + "`");
      return;
    }
    PodFile line;
    line.state = PodFile::State::kFound;
    line.text = op.source + "\n";
    line.where = script.where;
    line.explanation = "a line written by " + who;
    place_at_command(line, op.offset);
    out.parts.push_back(std::move(line));
  }

  void edit(const ScriptFileOp& op) {
    if (const std::string names = memory_names_in(op.source);
        !names.empty() && !is_role_directive(ascii_lower(names))) {
      out.unknowns.push_back(fmt::format("{} edits the file with `sed -i {}` ({}) at run time", who, op.source, names));
    } else {
      leave_out("`sed -i " + op.source + "`");
    }
  }
};

}  // namespace

InitWrittenConfig file_from_script_ops(const std::vector<ScriptFileOp>& ops, const PodFiles& files,
                                       const std::string& path, const std::string& who,
                                       const PodFile& script) {
  InitWrittenConfig out;
  Assembler a{files, who, script, out, {}};
  for (const auto& op : ops) {
    if (normalize_path(op.target) != path) continue;
    out.written = true;
    out.writer = who;
    switch (op.kind) {
      case ScriptFileOp::Kind::kRemove: out.parts.clear(); break;
      case ScriptFileOp::Kind::kCopy: a.copy(op); break;
      case ScriptFileOp::Kind::kAppendFile: a.append_file(op); break;
      case ScriptFileOp::Kind::kAppendLine: a.append_line(op); break;
      case ScriptFileOp::Kind::kEdit: a.edit(op); break;
    }
  }
  if (!a.left_out.empty()) {
    out.notes.push_back(fmt::format("{} also writes, at run time, lines that set no memory directive: {}", who,
                                    fmt::join(a.left_out, ", ")));
  }
  return out;
}

InitWrittenConfig config_from_init_scripts(const PodDecl& pod, const ContainerDecl& server, const std::string& path,
                                           const std::vector<ConfigData>& data) {
  InitWrittenConfig out;
  const MountDecl* m = mount_covering(server, path);
  if (m == nullptr) return out;
  const std::string relative = path.substr(normalize_path(m->mount_path).size());
  for (const auto& init : pod.init_containers) {
    std::string init_path;
    for (const auto& im : init.mounts) {
      if (im.volume == m->volume && im.sub_path == m->sub_path) init_path = normalize_path(im.mount_path + relative);
    }
    if (init_path.empty()) continue;
    const auto script = script_path_of(init);
    if (!script) continue;
    const PodFiles files(pod.volumes, init.mounts, pod.namespace_name, &data);
    const PodFile text = files.resolve(*script);
    const std::string who = fmt::format("init container {} ({})", init.name, *script);
    if (text.state != PodFile::State::kFound) {
      out.written = true;
      out.writer = who;
      out.unknowns.push_back(fmt::format("config file {}: written by {}, whose script is not visible: {}", path, who,
                                         text.explanation));
      continue;
    }
    const ScriptReading reading = read_script(text.text, literal_env(init));
    InitWrittenConfig one = file_from_script_ops(reading.ops, files, init_path, who, text);
    if (!one.written) continue;
    one.notes.insert(one.notes.begin(), out.notes.begin(), out.notes.end());
    one.unknowns.insert(one.unknowns.begin(), out.unknowns.begin(), out.unknowns.end());
    out = std::move(one);
  }
  return out;
}

}  // namespace redisfit::workloads
