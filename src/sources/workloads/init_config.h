// A config file that an init container writes before the server starts, on
// a volume it shares with the server container (an emptyDir or a PVC).
//
// Charts do this with a script from a ConfigMap: dandydeveloper/redis-ha's
// config-init runs `sh /readonly-config/init.sh`, which copies the
// ConfigMap's redis.conf to /data/conf/redis.conf and appends replication
// lines (slaveof, announce addresses, replica-priority) and `sed -i`s the
// password in; groundhog2k/redis's init container runs /scripts/init.sh,
// which writes port/bind/dir lines and then `cat`s the mounted redis.conf
// (the chart's `redisConfig`) and extra config files onto the end. The
// script is read with script_files.h: copies, appends and edits of the file,
// in text order, resolved through the init container's own mounts.
//
// What cannot be known is listed, never guessed: a memory directive written
// from a shell variable, a `sed -i` edit that names one, a file copied from
// the init container's image. Lines that change no memory setting
// (`slaveof $MASTER 6379`) are left out and said in a note.
#pragma once

#include <string>
#include <vector>

#include "sources/workloads/pod_decl.h"
#include "sources/workloads/pod_files.h"
#include "sources/workloads/script_files.h"

namespace redisfit::workloads {

struct InitWrittenConfig {
  bool written = false;           // an init container's script writes the file
  std::string writer;             // "init container config-init (sh /readonly-config/init.sh)"
  std::vector<PodFile> parts;     // the texts the file ends up holding, in order
  std::vector<std::string> unknowns;
  std::vector<std::string> notes;
  bool replication_at_runtime = false;  // the script writes replicaof/slaveof from run-time values
};

// The file at `path` (as `files` sees it) as one script's file operations
// leave it; `written` is false when the script does not touch it. Used for
// init containers and for a server container's own start script (Bitnami's
// start-master.sh copies mounted-etc/*.conf into etc/ before it starts
// redis-server with `--include` of them). `script` is the file the
// operations were read from (read_script of its text): a line the script
// writes is placed at the command that writes it.
InitWrittenConfig file_from_script_ops(const std::vector<ScriptFileOp>& ops, const PodFiles& files,
                                       const std::string& path, const std::string& who, const PodFile& script);

// `path` is the server container's path of the config file (normalised).
InitWrittenConfig config_from_init_scripts(const PodDecl& pod, const ContainerDecl& server, const std::string& path,
                                           const std::vector<ConfigData>& data);

}  // namespace redisfit::workloads
