// From a container's command/args (and its image's entrypoint) to the argv
// redis-server (or valkey-server) is started with.
//
// Kubernetes: `command` replaces the image ENTRYPOINT, `args` the CMD; with
// only `args` the ENTRYPOINT stays (kubernetes.io "Define a command and
// arguments for a container"). `$(VAR)` in command/args is replaced by the
// container's env before the process starts.
//
// The official redis and valkey images run `docker-entrypoint.sh`, which puts
// `redis-server` in front of args whose first one starts with '-' or ends in
// ".conf" (docker-library/redis docker-entrypoint.sh). Shell wrappers
// (`sh -c "... && exec redis-server /etc/redis.conf --maxmemory $MAX"`) are
// split into simple commands the way POSIX sh would (quotes, backslashes,
// `;` `&&` `||` `|` and newlines); `exec`, `env` and leading `VAR=value`
// assignments are skipped. A shell variable with a literal value in the
// container env is substituted; any other expansion ($VAR from elsewhere,
// $(cmd), backticks) makes that word unknown, and says so.
//
// redis-server's own rule (server.c main): the first argument is the config
// file when it does not start with "--"; the rest are `--name value...`
// directives applied after the file.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sources/workloads/image_ref.h"

namespace redisfit::workloads {

enum class ServerProgram {
  kNone,         // the container runs something else (a shell script we cannot see, a client)
  kDataServer,   // redis-server / valkey-server / redis-stack-server
  kSentinel,     // redis-sentinel, or redis-server --sentinel / sentinel.conf
  kUnknown,      // the image is a Redis image, but what its entrypoint runs is not visible
  kClient,       // the visible command runs Redis client tools only (redis-cli, redis-benchmark): no server
};

struct ServerLaunch {
  ServerProgram program = ServerProgram::kNone;
  std::string binary;                      // "redis-server" as written
  std::optional<std::string> config_file;  // path, when the first argument is one
  std::vector<std::string> overrides;      // "--maxmemory", "200mb", ... (may hold unknown words)
  std::vector<std::string> unknowns;       // what could not be known, for messages
  std::string how;                         // "args", "command", "sh -c script", "image default"
  // Words left as-is because they expand at run time; an override whose
  // value is one of them is reported rather than applied.
  std::vector<std::string> unresolved_words;
  // The config file is read only when it exists (redis-stack's entrypoint
  // passes /redis-stack.conf when the file is there): a path nothing mounts
  // is no unknown, the server starts without it.
  bool config_file_if_present = false;
  std::string client;  // kClient: the client tool, "redis-cli"

  // The server's flags are words of a `sh -c` script (an item appended to
  // the container's list would only be the script's $0).
  bool by_shell_script() const { return how.find("sh -c") != std::string::npos; }
};

struct ContainerCommand {
  std::vector<std::string> command;  // Kubernetes `command`, as written
  std::vector<std::string> args;     // Kubernetes `args`
  bool has_command = false;
  bool has_args = false;
  // Env with literal values (value:), for $(VAR) and shell $VAR.
  std::map<std::string, std::string> env;
};

// What the env of ContainerCommand does not hold: names whose value is not
// known here (valueFrom a Secret, a field). A `$(NAME)` naming neither a
// known nor a run-time variable stays literal (Kubernetes leaves an
// undefined reference as written), unless `incomplete` says an envFrom
// source not in the inputs may define it. The default, nothing known to be
// missing, reads every undefined name as undefined.
struct RuntimeEnv {
  std::set<std::string> names;
  bool incomplete = false;
};

// Finds the Redis server the container starts. `image` decides the default
// entrypoint; Bitnami images are reported as kUnknown when their own
// run.sh starts the server (its argv comes from env: bitnami_env.h).
ServerLaunch find_server_launch(const ContainerCommand& cmd, const ImageKind& image, const RuntimeEnv& runtime = {});

// The last component of a path: the program a command word names
// ("/usr/local/bin/redis-server" -> "redis-server"), or the file name `cp`
// gives a copy into a directory.
std::string path_basename(const std::string& word);
// A POSIX shell a container may wrap the server in (sh, bash, ash, dash, zsh).
bool is_shell_program(const std::string& word);
// A shell option word after which the next argument is the script: -c, or a
// cluster of options holding c (-ec, -xc).
bool is_shell_command_option(const std::string& word);
// redis-server or a compatible data server (valkey, redis-stack, keydb).
bool is_data_server_program(const std::string& word);
// A Redis/Valkey client tool that never serves data (redis-cli, redis-benchmark,
// redis-check-rdb, redis-check-aof and the valkey-* names).
bool is_client_program(const std::string& word);

// The words of an unquoted `${VAR}` expansion: split on blanks and newlines,
// quotes kept as written (redis-stack's entrypoint.sh passes ${REDIS_ARGS}
// unquoted; Bitnami's run.sh splits its extra flags with `read -a`).
std::vector<std::string> blank_split(std::string_view text);

// POSIX-sh word splitting of one script into simple commands (for tests and
// for reading `command: [sh, -c, ...]`). Each word keeps a flag saying it
// held an expansion that could not be resolved from `env`.
struct ShellWord {
  std::string text;
  bool unresolved = false;
  size_t offset = 0;  // where the word starts in the script (byte index)
};
std::vector<std::vector<ShellWord>> split_shell_script(const std::string& script,
                                                       const std::map<std::string, std::string>& env);

}  // namespace redisfit::workloads
