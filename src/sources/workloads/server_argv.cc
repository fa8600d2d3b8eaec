#include "sources/workloads/server_argv.h"

#include <algorithm>
#include <cctype>

namespace redisfit::workloads {

namespace {

enum class Binary { kOther, kData, kSentinel };

Binary binary_kind(const std::string& word) {
  if (is_data_server_program(word)) return Binary::kData;
  const std::string b = path_basename(word);
  if (b == "redis-sentinel" || b == "valkey-sentinel") return Binary::kSentinel;
  return Binary::kOther;
}

// Words that may precede the program in a simple command.
bool is_prefix_word(const std::string& w) {
  const std::string b = path_basename(w);
  if (b == "exec" || b == "env" || b == "tini" || b == "dumb-init" || b == "--" || b == "then" || b == "do" ||
      b == "else" || b == "docker-entrypoint.sh" || b == "nohup" || b == "{" || b == "(") {
    return true;
  }
  // VAR=value assignment
  const size_t eq = w.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  for (size_t i = 0; i < eq; ++i) {
    if (!std::isalnum(static_cast<unsigned char>(w[i])) && w[i] != '_') return false;
  }
  return true;
}

// Kubernetes $(VAR) expansion in command/args (kubelet expansion.Expand):
// a defined name is replaced, $$ escapes a $, and a reference to a name the
// container does not define stays as written. Only a name whose value is
// set at run time (or may come from an envFrom source not in the inputs)
// makes the word unknown; an undefined one is the literal text redis-server
// will get.
ShellWord expand_k8s(const std::string& s, const ContainerCommand& cmd, const RuntimeEnv& runtime) {
  const auto& env = cmd.env;
  ShellWord out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '$') {
      out.text += '$';
      ++i;
      continue;
    }
    if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '(') {
      const size_t close = s.find(')', i + 2);
      if (close != std::string::npos) {
        const std::string name = s.substr(i + 2, close - i - 2);
        if (auto it = env.find(name); it != env.end()) {
          out.text += it->second;
          i = close;
          continue;
        }
        if (runtime.names.count(name) || runtime.incomplete) out.unresolved = true;
      }
    }
    out.text += s[i];
  }
  return out;
}

struct ShellParser {
  const std::string& s;
  const std::map<std::string, std::string>& env;
  size_t i = 0;
  std::vector<std::vector<ShellWord>> commands{1};
  ShellWord word;
  bool in_word = false;

  void end_word() {
    if (in_word) commands.back().push_back(std::move(word));
    word = {};
    in_word = false;
  }
  void end_command() {
    end_word();
    if (!commands.back().empty()) commands.emplace_back();
  }

  // $NAME, ${NAME}, ${NAME:-default}, $(...), $((...)); i points at '$'.
  void expansion() {
    in_word = true;
    const size_t n = s.size();
    if (i + 1 >= n) {
      word.text += '$';
      return;
    }
    char c = s[i + 1];
    if (c == '(') {  // command substitution / arithmetic: skip to the matching paren
      int depth = 0;
      size_t j = i + 1;
      for (; j < n; ++j) {
        if (s[j] == '(') ++depth;
        if (s[j] == ')' && --depth == 0) break;
      }
      word.unresolved = true;
      word.text += s.substr(i, j - i + 1);
      i = j;
      return;
    }
    std::string name, fallback;
    bool has_fallback = false;
    size_t j = i + 1;
    if (c == '{') {
      const size_t close = s.find('}', j);
      if (close == std::string::npos) {
        word.unresolved = true;
        i = n;
        return;
      }
      std::string inner = s.substr(j + 1, close - j - 1);
      if (const size_t op = inner.find(":-"); op != std::string::npos) {
        fallback = inner.substr(op + 2);
        has_fallback = true;
        inner = inner.substr(0, op);
      } else if (const size_t op2 = inner.find('-'); op2 != std::string::npos) {
        fallback = inner.substr(op2 + 1);
        has_fallback = true;
        inner = inner.substr(0, op2);
      }
      name = inner;
      i = close;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (j < n && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) name += s[j++];
      i = j - 1;
    } else {
      // $@, $1, $$...: positional and special parameters are not known here.
      word.unresolved = true;
      word.text += s.substr(i, 2);
      ++i;
      return;
    }
    if (auto it = env.find(name); it != env.end()) {
      word.text += it->second;
    } else if (has_fallback) {
      word.text += fallback;
    } else {
      word.unresolved = true;
      word.text += "$" + name;
    }
  }

  void run() {
    const size_t n = s.size();
    for (; i < n; ++i) {
      const char c = s[i];
      if (!in_word) word.offset = i;
      if (c == '\\') {
        if (i + 1 < n && s[i + 1] == '\n') {
          ++i;
          continue;
        }
        if (i + 1 < n) word.text += s[++i];
        in_word = true;
      } else if (c == '\'') {
        const size_t close = s.find('\'', i + 1);
        const size_t end = close == std::string::npos ? n : close;
        word.text += s.substr(i + 1, end - i - 1);
        in_word = true;
        i = end;
      } else if (c == '"') {
        in_word = true;
        for (++i; i < n && s[i] != '"'; ++i) {
          if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '$' || s[i + 1] == '"' || s[i + 1] == '\\' ||
                                            s[i + 1] == '`' || s[i + 1] == '\n')) {
            if (s[i + 1] != '\n') word.text += s[i + 1];
            ++i;
          } else if (s[i] == '$') {
            expansion();
          } else if (s[i] == '`') {
            const size_t close = s.find('`', i + 1);
            word.unresolved = true;
            i = close == std::string::npos ? n : close;
          } else {
            word.text += s[i];
          }
        }
      } else if (c == '$') {
        expansion();
      } else if (c == '`') {
        const size_t close = s.find('`', i + 1);
        word.unresolved = true;
        in_word = true;
        i = close == std::string::npos ? n : close;
      } else if (c == '#' && !in_word) {
        while (i < n && s[i] != '\n') ++i;
        end_command();
      } else if (c == ';' || c == '&' || c == '|' || c == '\n') {
        end_command();
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        end_word();
      } else {
        word.text += c;
        in_word = true;
      }
    }
    end_command();
    if (commands.back().empty()) commands.pop_back();
  }
};

// Reads `words` (program first) into `out` when it runs a server.
bool read_server_command(const std::vector<ShellWord>& words, ServerLaunch& out) {
  size_t k = 0;
  while (k < words.size() && is_prefix_word(words[k].text)) ++k;
  if (k >= words.size()) return false;
  // `redisfit guard --exec [flags] -- redis-server ARGS` (docs/guard.md): the
  // guard is the container's PID 1 and starts the server from the words
  // after "--", unchanged; the server is what lint judges.
  if (const std::string b = path_basename(words[k].text);
      b == "redisfit" || b == "kubectl-redisfit" || b == "kbcli-redisfit") {
    bool guard = false, exec = false;
    for (size_t j = k + 1; j < words.size(); ++j) {
      guard |= words[j].text == "guard";
      exec |= words[j].text == "--exec";
      if (words[j].text != "--") continue;
      if (!guard || !exec) return false;
      const std::vector<ShellWord> server(words.begin() + static_cast<std::ptrdiff_t>(j) + 1, words.end());
      if (!read_server_command(server, out)) return false;
      out.how += " under redisfit guard --exec";
      return true;
    }
    return false;
  }
  const Binary b = binary_kind(words[k].text);
  if (b == Binary::kOther) return false;
  out.program = b == Binary::kData ? ServerProgram::kDataServer : ServerProgram::kSentinel;
  out.binary = path_basename(words[k].text);
  out.config_file.reset();
  out.overrides.clear();
  out.unresolved_words.clear();
  size_t j = k + 1;
  if (j < words.size() && words[j].text.rfind("--", 0) != 0) {
    out.config_file = words[j].text;
    if (words[j].unresolved) out.unknowns.push_back("config file path " + words[j].text + " is set at run time");
    ++j;
  }
  for (; j < words.size(); ++j) {
    out.overrides.push_back(words[j].text);
    if (words[j].unresolved) out.unresolved_words.push_back(words[j].text);
    if (words[j].text == "--sentinel") out.program = ServerProgram::kSentinel;
  }
  if (out.config_file && path_basename(*out.config_file).find("sentinel") != std::string::npos) {
    out.program = ServerProgram::kSentinel;
  }
  return true;
}

std::vector<ShellWord> to_words(const std::vector<std::string>& argv, const ContainerCommand& cmd,
                                const RuntimeEnv& runtime) {
  std::vector<ShellWord> out;
  for (const auto& a : argv) out.push_back(expand_k8s(a, cmd, runtime));
  return out;
}

// The program of a simple command once `exec`, `env`, ... and VAR=value
// prefixes are set aside: "" when none, "$" when it expands at run time.
std::string program_of(const std::vector<ShellWord>& words) {
  for (const auto& w : words) {
    if (!is_prefix_word(w.text)) return w.unresolved ? "$" : w.text;
  }
  return "";
}

const char* default_server(const ImageKind& image) {
  switch (image.family) {
    case ImageFamily::kOfficialRedis: return "redis-server";
    case ImageFamily::kValkey: return "valkey-server";
    case ImageFamily::kRedisStack: return "redis-stack-server";
    default: return nullptr;
  }
}

}  // namespace

std::vector<std::string> blank_split(std::string_view text) {
  std::vector<std::string> words;
  for (size_t i = 0; i < text.size();) {
    const size_t start = text.find_first_not_of(" \t\n", i);
    if (start == std::string_view::npos) break;
    const size_t end = std::min(text.find_first_of(" \t\n", start), text.size());
    words.emplace_back(text.substr(start, end - start));
    i = end;
  }
  return words;
}

std::vector<std::vector<ShellWord>> split_shell_script(const std::string& script,
                                                       const std::map<std::string, std::string>& env) {
  ShellParser p{script, env, 0, std::vector<std::vector<ShellWord>>(1), ShellWord{}, false};
  p.run();
  return std::move(p.commands);
}

ServerLaunch find_server_launch(const ContainerCommand& cmd, const ImageKind& image, const RuntimeEnv& runtime) {
  ServerLaunch out;
  std::vector<ShellWord> argv;
  if (cmd.has_command) {
    argv = to_words(cmd.command, cmd, runtime);
    for (auto& w : to_words(cmd.args, cmd, runtime)) argv.push_back(std::move(w));
    out.how = "command";
  } else if (cmd.has_args) {
    argv = to_words(cmd.args, cmd, runtime);
    out.how = "args";
    // docker-entrypoint.sh of the official redis / valkey images. redis-stack
    // has none: its Dockerfile sets only CMD ["/entrypoint.sh"] (redis-stack
    // dockers/dockerfile.tmpl), so args replace that CMD and run as the
    // program, REDIS_ARGS unread.
    const char* server = image.family == ImageFamily::kRedisStack ? nullptr : default_server(image);
    if (server && !argv.empty() && (argv[0].text.rfind("-", 0) == 0 || argv[0].text.ends_with(".conf"))) {
      argv.insert(argv.begin(), ShellWord{server, false});
    }
  } else if (image.family == ImageFamily::kRedisStack) {
    // redis/redis-stack-server's entrypoint.sh (redis-stack etc/scripts/
    // entrypoint.redis-stack-server.sh): `${CMD} ${CONFFILE} -- --dir ...
    // --loadmodule ... ${REDIS_ARGS}`, CONFFILE=/redis-stack.conf when that
    // file exists; REDIS_ARGS unquoted, so split on blanks. The modules and
    // --dir set no memory directive and are left out.
    out.how = "image default (redis-stack entrypoint.sh, REDIS_ARGS)";
    argv = {{"redis-stack-server", false}, {"/redis-stack.conf", false}};
    out.config_file_if_present = true;
    if (auto it = cmd.env.find("REDIS_ARGS"); it != cmd.env.end()) {
      for (auto& word : blank_split(it->second)) argv.push_back({std::move(word), false});
    } else if (runtime.names.count("REDIS_ARGS") || runtime.incomplete) {
      out.program = ServerProgram::kUnknown;
      out.unknowns.push_back("REDIS_ARGS (the redis-stack entrypoint's server arguments) is set at run time");
      return out;
    }
  } else {
    out.how = "image default";
    if (const char* server = default_server(image)) argv.push_back({server, false});
  }

  if (!argv.empty() && is_shell_program(argv[0].text)) {
    for (size_t i = 1; i + 1 < argv.size(); ++i) {
      if (is_shell_command_option(argv[i].text)) {
        out.how += " (sh -c script)";
        const auto commands = split_shell_script(argv[i + 1].text, cmd.env);
        bool found = false;
        for (const auto& c : commands) found = read_server_command(c, out) || found;
        if (!found && argv[i + 1].text.find("-server") != std::string::npos) {
          out.program = ServerProgram::kUnknown;
          out.unknowns.push_back("the shell script starts the server in a way redisfit does not read");
        }
        // A script that runs a Redis client and nothing it cannot see (no
        // program from a variable, no other script): a client, no server.
        if (!found && out.program == ServerProgram::kNone) {
          std::string client;
          bool opaque = false;
          for (const auto& c : commands) {
            const std::string p = program_of(c);
            if (is_client_program(p) && client.empty()) client = path_basename(p);
            opaque = opaque || p == "$" || p == "eval" || p == "source" || p == "." ||
                     is_shell_program(p) || p.ends_with(".sh");
          }
          if (!client.empty() && !opaque) {
            out.program = ServerProgram::kClient;
            out.client = client;
          }
        }
        return out;
      }
    }
    out.program = ServerProgram::kUnknown;
    out.unknowns.push_back("the container runs a shell script file (" +
                           (argv.size() > 1 ? argv[1].text : std::string("stdin")) + ") that redisfit cannot see");
    return out;
  }
  if (read_server_command(argv, out)) return out;
  if (const std::string p = program_of(argv); is_client_program(p)) {
    out.program = ServerProgram::kClient;
    out.client = path_basename(p);
    return out;
  }
  if (image.family != ImageFamily::kNone && !image.exporter) {
    out.program = ServerProgram::kUnknown;
    std::string what;
    for (const auto& w : argv) what += (what.empty() ? "" : " ") + w.text;
    out.unknowns.push_back(what.empty() ? "the image's own entrypoint starts the server; its arguments are not visible"
                                        : "the container runs `" + what + "`, not redis-server directly");
  }
  return out;
}

}  // namespace redisfit::workloads
