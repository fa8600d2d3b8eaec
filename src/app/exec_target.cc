#include "app/exec_target.h"

#include <unistd.h>

#include <string_view>

#include "sources/redis_conf.h"
#include "sources/workloads/server_argv.h"

namespace redisfit::app {

Result<std::string> url_of_exec_command(const std::vector<std::string>& command) {
  const std::string fallback = "redis://127.0.0.1:6379";
  // Read as lint reads a container's command: through `sh -c`, `exec`, `env`
  // and the process's own environment (the wrapper runs in the container).
  workloads::ContainerCommand cmd;
  cmd.command = command;
  cmd.has_command = true;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view kv = *e;
    const size_t eq = kv.find('=');
    if (eq != std::string_view::npos) cmd.env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  const workloads::ServerLaunch launch = workloads::find_server_launch(cmd, workloads::ImageKind{});
  if (launch.program != workloads::ServerProgram::kDataServer) return fallback;
  std::vector<ConfDirective> directives;
  // "-" reads the config from stdin (redis-server's own rule), which the
  // server takes, not us: its port stays the one the overrides give.
  if (launch.config_file && *launch.config_file != "-") {
    auto read = read_redis_conf(*launch.config_file);
    if (!read) return Error{*launch.config_file, "the server's config file, read for its port: " + read.error().message};
    directives = std::move(*read);
  }
  auto given = parse_command_line_overrides(launch.overrides);
  if (!given) return given.error();
  directives.insert(directives.end(), given->begin(), given->end());

  std::string port = "6379", unixsocket;
  for (const ConfDirective& d : directives) {
    if (d.args.empty()) continue;
    if (d.name == "port") port = d.args[0];
    else if (d.name == "unixsocket") unixsocket = d.args[0];
  }
  if (port != "0") return "redis://127.0.0.1:" + port;
  if (!unixsocket.empty()) return "unix://" + unixsocket;
  return Error{"guard --exec", "the server listens on no TCP port (port 0) and no unixsocket: give --redis"};
}

}  // namespace redisfit::app
