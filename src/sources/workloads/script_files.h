// Containers that run a shell script file rather than the server directly:
// Helm charts put the script in a ConfigMap and run it (`sh
// /readonly-config/init.sh` in dandydeveloper/redis-ha's config-init,
// `command: [/scripts/init.sh]` in groundhog2k/redis's init container,
// `/bin/bash -c /opt/bitnami/scripts/start-scripts/start-master.sh` in
// bitnami/redis). Given the script's text, this reads what it does to files
// (copies, appends, removals, `sed -i` edits) and whether it starts a
// server, so the caller can build the config file the way the container
// will find it.
//
// What is read, and what is not: each simple command of the script (POSIX
// sh splitting, server_argv.h), in text order. Plain `NAME=value`
// assignments whose value is known become variables for the commands after
// them. Branches are not evaluated: every file operation is taken. A shell
// function's commands are taken where it is called (each call, in call
// order; a function never called as a command, where the main text ends),
// since chart scripts define their steps first and call them at the end.
// A word that expands at run time is marked, never guessed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sources/workloads/pod_decl.h"

namespace redisfit::workloads {

// The script file a container runs, when it runs one: `sh FILE`, `bash FILE`,
// `sh -c FILE` (the whole script is one path), or a command that is itself a
// `.sh` path. Nothing for `sh -c "redis-server ..."` scripts (server_argv.h
// reads those).
std::optional<std::string> script_path_of(const ContainerDecl& c);

struct ScriptFileOp {
  enum class Kind {
    kCopy,        // cp SOURCE TARGET: the target now holds the source's text
    kAppendFile,  // cat SOURCE >> TARGET (SOURCE may be a glob)
    kAppendLine,  // echo "LINE" >> TARGET
    kRemove,      // rm [-f] TARGET, or `> TARGET`: the target is empty again
    kEdit,        // sed -i EXPRESSION TARGET
  };
  Kind kind = Kind::kCopy;
  std::string target;
  std::string source;    // kCopy/kAppendFile: the file read; kAppendLine: the line; kEdit: the expression
  bool runtime = false;  // `source` holds an expansion not known from the manifests
  size_t offset = 0;     // where the command that does it starts in the script (byte index)
};

struct ScriptReading {
  std::vector<ScriptFileOp> ops;  // in text order
  bool starts_server = false;     // a command runs redis-server / valkey-server / ...
  // The server's argv when one command starts it: "redis-server", then each
  // word; words of a bash array `NAME=(...)` / `NAME+=(...)` expanded by
  // "${NAME[@]}" are spliced in, in the order they were added.
  std::vector<std::string> server_argv;
  std::vector<std::string> unresolved_words;  // argv words that expand at run time
  // A command runs the script's own arguments as a program (`exec "$@"`,
  // `exec $@`, `"$@"`): a wrapper that starts whatever its argv names, so
  // the caller reads the container's words after the script as that argv.
  bool execs_argv = false;
  // Commands whose program is not visible in the script: a program word that
  // expands at run time (`exec $CMD`, `eval ...`), or another script (`source
  // f`, `. f`, `sh f`, `f.sh`). When the script starts no server itself, one
  // of these may: whether it does cannot be told.
  std::vector<std::string> opaque_commands;
  // The programs the script runs (basenames, in text order, each once): a
  // script that runs only Redis clients (redis-cli, redis-benchmark) is a client.
  std::vector<std::string> programs;
};

// `env` holds the container's literal env values.
ScriptReading read_script(const std::string& text, const std::map<std::string, std::string>& env);

}  // namespace redisfit::workloads
