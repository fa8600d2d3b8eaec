// Shell scripts from manifests (sources/workloads): `sh -c` command strings
// and the start/init scripts of ConfigMaps that lint follows (Bitnami
// start-master.sh, redis-ha's init.sh). The script text and the container's
// env are outside input; the first line of the input is read as one env
// entry NAME=value so that substitution is reached too.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "sources/workloads/script_files.h"
#include "sources/workloads/server_argv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> env;
  const size_t newline = text.find('\n');
  const std::string first = text.substr(0, newline);
  if (const size_t eq = first.find('='); eq != std::string::npos && eq > 0) {
    env[first.substr(0, eq)] = first.substr(eq + 1);
  }
  (void)redisfit::workloads::split_shell_script(text, env);
  (void)redisfit::workloads::read_script(text, env);
  return 0;
}
