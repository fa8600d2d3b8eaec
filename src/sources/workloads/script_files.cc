#include "sources/workloads/script_files.h"

#include <algorithm>
#include <cctype>

#include "sources/workloads/server_argv.h"

namespace redisfit::workloads {
namespace {

// "NAME" when `w` is NAME=value with a shell identifier; "" otherwise.
std::string assigned_name(const std::string& w) {
  const size_t eq = w.find('=');
  if (eq == std::string::npos || eq == 0) return "";
  for (size_t i = 0; i < eq; ++i) {
    const char c = w[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return "";
    if (i == 0 && std::isdigit(static_cast<unsigned char>(c))) return "";
  }
  return w.substr(0, eq);
}

bool is_prefix_word(const std::string& w) {
  static const char* const kPrefixes[] = {"exec", "then", "do", "else", "{", "(", "!", "nohup", "env", "command"};
  for (const char* p : kPrefixes) {
    if (w == p) return true;
  }
  return false;
}

// A single path: the whole `sh -c` script is one word naming a file.
bool is_single_path(const std::string& s) {
  if (s.empty() || (s[0] != '/' && s.rfind("./", 0) != 0)) return false;
  for (const char c : s) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == ';' || c == '&' || c == '|' || c == '$') return false;
  }
  return true;
}

struct Redirect {
  std::string target;
  bool append = false;
};

// Takes `>> FILE`, `>>FILE`, `> FILE` out of `words`; `2>&1` and /dev/null
// targets are dropped.
std::optional<Redirect> take_redirect(std::vector<ShellWord>& words, bool& runtime) {
  std::optional<Redirect> out;
  std::vector<ShellWord> kept;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string t = words[i].text;
    if (t.size() > 1 && std::isdigit(static_cast<unsigned char>(t[0])) && t[1] == '>') continue;  // 2>&1, 2>/dev/null
    if (t.empty() || t[0] != '>') {
      kept.push_back(words[i]);
      continue;
    }
    const bool append = t.rfind(">>", 0) == 0;
    std::string target = t.substr(append ? 2 : 1);
    bool unresolved = words[i].unresolved;
    if (target.empty() && i + 1 < words.size()) {
      target = words[i + 1].text;
      unresolved = words[i + 1].unresolved;
      ++i;
    }
    if (target == "/dev/null" || target.rfind("&", 0) == 0) continue;
    if (unresolved) runtime = true;
    out = Redirect{target, append};
  }
  words = std::move(kept);
  return out;
}

struct Reader {
  std::map<std::string, std::string> vars;
  std::map<std::string, std::vector<ShellWord>> arrays;
  ScriptReading out;

  // `NAME=(a b)` / `NAME+=(c)`: the POSIX splitter keeps the parentheses in
  // the first and last words.
  bool array_assignment(const std::vector<ShellWord>& words) {
    const std::string& first = words[0].text;
    const size_t open = first.find("=(");
    if (open == std::string::npos) return false;
    const bool add = open > 0 && first[open - 1] == '+';
    const std::string name = first.substr(0, add ? open - 1 : open);
    if (assigned_name(name + "=").empty()) return false;
    std::vector<ShellWord> items;
    ShellWord head{first.substr(open + 2), words[0].unresolved};
    if (!head.text.empty()) items.push_back(head);
    for (size_t i = 1; i < words.size(); ++i) items.push_back(words[i]);
    if (!items.empty() && items.back().text.ends_with(")")) {
      items.back().text.pop_back();
      if (items.back().text.empty()) items.pop_back();
    }
    auto& a = arrays[name];
    if (!add) a.clear();
    a.insert(a.end(), items.begin(), items.end());
    return true;
  }

  void server(const std::vector<ShellWord>& words) {
    out.starts_server = true;
    out.server_argv.clear();
    out.unresolved_words.clear();
    for (const auto& w : words) {
      // "${ARGS[@]}" comes out of the splitter as the unresolved word "$ARGS[@]".
      const size_t bracket = w.text.find("[@]");
      if (w.unresolved && w.text.size() > 1 && w.text[0] == '$' && bracket != std::string::npos) {
        if (auto it = arrays.find(w.text.substr(1, bracket - 1)); it != arrays.end()) {
          for (const auto& item : it->second) {
            out.server_argv.push_back(item.text);
            if (item.unresolved) out.unresolved_words.push_back(item.text);
          }
          continue;
        }
      }
      out.server_argv.push_back(w.text);
      if (w.unresolved) out.unresolved_words.push_back(w.text);
    }
  }

  // Reads one simple command; the file operations it adds carry where it
  // starts in the script, so a finding on a line it writes can point there.
  void command(std::vector<ShellWord> words) {
    if (words.empty()) return;
    const size_t first_op = out.ops.size();
    const size_t offset = words[0].offset;
    command_ops(std::move(words));
    for (size_t i = first_op; i < out.ops.size(); ++i) out.ops[i].offset = offset;
  }

  void command_ops(std::vector<ShellWord> words) {
    // `exec`, `then`, ... and `VAR=value` prefixes (not `NAME=(...)` arrays).
    size_t k = 0;
    while (k < words.size() &&
           (is_prefix_word(words[k].text) ||
            (!assigned_name(words[k].text).empty() && words[k].text.find("=(") == std::string::npos))) {
      ++k;
    }
    words.erase(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(k));
    if (words.empty()) return;
    if (array_assignment(words)) return;
    bool runtime = false;
    const auto redirect = take_redirect(words, runtime);
    if (words.empty()) {
      if (redirect && !redirect->append) out.ops.push_back({ScriptFileOp::Kind::kRemove, redirect->target, "", false});
      return;
    }
    const std::string cmd = path_basename(words[0].text);
    std::vector<const ShellWord*> operands;
    for (size_t i = 1; i < words.size(); ++i) {
      if (words[i].text.rfind("-", 0) != 0 || words[i].text == "-") operands.push_back(&words[i]);
    }
    // `exec "$@"` runs the script's own argv; any other program word that
    // expands at run time, `eval`, or another script hides what runs.
    if (words[0].unresolved) {
      if (words[0].text == "$@" || words[0].text == "$*") {
        out.execs_argv = true;
      } else {
        std::string text;
        for (const auto& w : words) text += (text.empty() ? "" : " ") + w.text;
        out.opaque_commands.push_back(text);
      }
      return;
    }
    if (std::find(out.programs.begin(), out.programs.end(), cmd) == out.programs.end()) out.programs.push_back(cmd);
    // `eval NAME=...` only assigns (redis-ha's init.sh picks its sentinel id so).
    const bool eval_assigns = cmd == "eval" && !operands.empty() &&
                              std::all_of(operands.begin(), operands.end(),
                                          [](const ShellWord* o) { return !assigned_name(o->text).empty(); });
    if ((cmd == "eval" && !eval_assigns) || cmd == "source" || cmd == "." || cmd.ends_with(".sh") ||
        (is_shell_program(cmd) && !operands.empty())) {
      std::string text;
      for (const auto& w : words) text += (text.empty() ? "" : " ") + w.text;
      out.opaque_commands.push_back(text);
      return;
    }
    if (is_data_server_program(words[0].text)) return server(words);
    if (cmd == "cp" && operands.size() == 2) {
      std::string target = operands[1]->text;
      if (target.ends_with("/")) target += path_basename(operands[0]->text);
      out.ops.push_back({ScriptFileOp::Kind::kCopy, target, operands[0]->text,
                         operands[0]->unresolved || operands[1]->unresolved});
      return;
    }
    if (cmd == "rm") {
      for (const auto* o : operands) out.ops.push_back({ScriptFileOp::Kind::kRemove, o->text, "", o->unresolved});
      return;
    }
    if (cmd == "sed") {
      bool in_place = false;
      for (size_t i = 1; i < words.size(); ++i) in_place |= words[i].text.rfind("-i", 0) == 0;
      if (!in_place || operands.size() < 2) return;
      for (size_t i = 1; i < operands.size(); ++i) {
        out.ops.push_back({ScriptFileOp::Kind::kEdit, operands[i]->text, operands[0]->text, operands[i]->unresolved});
      }
      return;
    }
    if (!redirect) return;
    if (!redirect->append) out.ops.push_back({ScriptFileOp::Kind::kRemove, redirect->target, "", runtime});
    if (cmd == "cat") {
      for (const auto* o : operands) {
        out.ops.push_back({ScriptFileOp::Kind::kAppendFile, redirect->target, o->text, o->unresolved || runtime});
      }
    } else if (cmd == "echo" || cmd == "printf") {
      std::string line;
      bool unresolved = runtime;
      for (const auto* o : operands) {
        line += (line.empty() ? "" : " ") + o->text;
        unresolved |= o->unresolved;
      }
      out.ops.push_back({ScriptFileOp::Kind::kAppendLine, redirect->target, line, unresolved});
    }
  }
};

}  // namespace

std::optional<std::string> script_path_of(const ContainerDecl& c) {
  std::vector<std::string> argv = c.has_command ? c.command : c.args;
  if (c.has_command) argv.insert(argv.end(), c.args.begin(), c.args.end());
  if (argv.empty()) return std::nullopt;
  if (is_shell_program(argv[0])) {
    for (size_t i = 1; i < argv.size(); ++i) {
      const std::string& a = argv[i];
      if (is_shell_command_option(a)) {
        if (i + 1 < argv.size() && is_single_path(argv[i + 1])) return argv[i + 1];
        return std::nullopt;
      }
      if (a.rfind("-", 0) != 0) return a;
    }
    return std::nullopt;
  }
  if (argv[0].ends_with(".sh")) return argv[0];
  return std::nullopt;
}

namespace {

// A script split into its function bodies (`name() {`, `name () {`,
// `function name {`, up to the matching `}`) and the commands outside them.
// Chart scripts define their steps as functions and call them at the end
// (groundhog2k/redis's init.sh: `rm -f $REDIS_CONFIG`, then
// `configure_redis_base`, `configure_redis_ext`, ...): what a function does
// to files happens where it is called, in call order.
struct Program {
  std::map<std::string, std::vector<std::vector<ShellWord>>> functions;
  std::vector<std::vector<ShellWord>> main;
  std::vector<std::string> uncalled;  // defined, never called as a command; in text order
};

// The function a command defines, and whether its `{` is on the same line.
std::optional<std::pair<std::string, bool>> function_header(const std::vector<ShellWord>& words) {
  if (words.empty() || words[0].unresolved) return std::nullopt;
  std::string name;
  size_t next = 1;
  if (words[0].text.size() > 2 && words[0].text.ends_with("()")) {
    name = words[0].text.substr(0, words[0].text.size() - 2);
  } else if (words.size() >= 2 && words[1].text == "()") {
    name = words[0].text, next = 2;
  } else if (words[0].text == "function" && words.size() >= 2) {
    name = words[1].text, next = 2;
    if (name.ends_with("()")) name.resize(name.size() - 2);
  } else {
    return std::nullopt;
  }
  if (name.empty() || assigned_name(name + "=").empty()) return std::nullopt;
  if (next == words.size()) return std::pair{name, false};
  if (next + 1 == words.size() && words[next].text == "{") return std::pair{name, true};
  return std::nullopt;  // a one-line body (`f() { ...; }`): read as plain commands
}

// The command's name once `exec`, `then`, ... and `VAR=value` prefixes are set aside.
std::string called_name(const std::vector<ShellWord>& words) {
  for (const auto& w : words) {
    if (is_prefix_word(w.text) || (!assigned_name(w.text).empty() && w.text.find("=(") == std::string::npos)) continue;
    return w.unresolved ? "" : w.text;
  }
  return "";
}

Program gather_functions(std::vector<std::vector<ShellWord>> commands) {
  Program p;
  std::string defining;
  int depth = 0;  // `{` groups open in the body being gathered
  bool awaiting_brace = false;
  std::vector<std::vector<ShellWord>> body;
  std::vector<std::string> order;  // function names in the order defined
  for (auto& words : commands) {
    if (words.empty()) continue;
    if (!defining.empty()) {
      if (awaiting_brace) {
        awaiting_brace = false;
        if (words.size() == 1 && words[0].text == "{") continue;
      }
      if (words[0].text == "}" && --depth == 0) {
        if (!p.functions.count(defining)) order.push_back(defining);
        p.functions[defining] = std::move(body);
        body.clear();
        defining.clear();
        continue;
      }
      if (words[0].text == "{") ++depth;
      body.push_back(std::move(words));
      continue;
    }
    if (const auto header = function_header(words)) {
      defining = header->first;
      awaiting_brace = !header->second;
      depth = 1;
      continue;
    }
    p.main.push_back(std::move(words));
  }
  // An unterminated body is read as plain commands, as before.
  if (!defining.empty()) p.main.insert(p.main.end(), body.begin(), body.end());
  std::map<std::string, bool> called;
  auto note_calls = [&](const std::vector<std::vector<ShellWord>>& cmds) {
    for (const auto& w : cmds) called[called_name(w)] = true;
  };
  note_calls(p.main);
  for (const auto& [_, b] : p.functions) note_calls(b);
  for (const auto& name : order) {
    if (!called.count(name)) p.uncalled.push_back(name);
  }
  return p;
}

// Runs one command: a call of a defined function runs its body there.
// Nested calls are followed 8 deep (a recursive function ends), and at most
// `budget` commands run in all (functions that each call the next many times
// would otherwise multiply on hostile input: 4 calls per level, 7 levels,
// 16,384 runs of the innermost body from 30 lines).
void run(Reader& r, const Program& p, const std::vector<ShellWord>& words, int depth, size_t& budget) {
  if (budget == 0) return;
  --budget;
  const std::string name = called_name(words);
  if (auto f = p.functions.find(name); f != p.functions.end()) {
    if (depth >= 8) return;
    for (const auto& w : f->second) run(r, p, w, depth + 1, budget);
    return;
  }
  r.command(words);
}

}  // namespace

ScriptReading read_script(const std::string& text, const std::map<std::string, std::string>& env) {
  Reader r;
  // First pass: variables with one literal value (`REDIS_CONF=/data/conf/redis.conf`);
  // a name assigned two different values is left unknown.
  std::map<std::string, std::string> vars = env;
  std::map<std::string, bool> conflicting;
  for (const auto& words : split_shell_script(text, env)) {
    if (words.size() != 1 || words[0].unresolved) continue;
    const std::string name = assigned_name(words[0].text);
    if (name.empty() || words[0].text.find("=(") != std::string::npos || env.count(name)) continue;
    const std::string value = words[0].text.substr(name.size() + 1);
    if (auto it = vars.find(name); it != vars.end() && it->second != value) conflicting[name] = true;
    vars[name] = value;
  }
  for (const auto& [name, _] : conflicting) vars.erase(name);
  r.vars = vars;
  const Program program = gather_functions(split_shell_script(text, vars));
  // The commands run stay linear in the script's length: real chart scripts
  // (groundhog2k's init.sh, bitnami's start scripts) call each function once
  // or a few times, far below kRunsPerCommand runs per written command. On a
  // hostile script the reading then costs what its size does, as every other
  // reader of outside input.
  constexpr size_t kRunsPerCommand = 16;
  size_t written = program.main.size();
  for (const auto& [_, body] : program.functions) written += body.size();
  size_t budget = std::min<size_t>(100000, kRunsPerCommand * (written + 1));
  for (const auto& words : program.main) run(r, program, words, 0, budget);
  // A function that is defined but never called as a command (only inside
  // `$(...)`, say) still has its file operations taken, where it is defined.
  for (const auto& name : program.uncalled) {
    for (const auto& words : program.functions.at(name)) run(r, program, words, 0, budget);
  }
  return std::move(r.out);
}

}  // namespace redisfit::workloads
