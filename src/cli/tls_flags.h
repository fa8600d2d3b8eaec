// The TLS options of the commands that connect to Redis (probe, exporter,
// guard): one set of names, help lines and checks, so a rediss:// target is
// reached the same way whichever command is pointed at it.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "core/result.h"
#include "platform/redis_client.h"

namespace redisfit::cli {

struct TlsFlags {
  std::string ca, cert, key, server_name;
  bool insecure = false;

  // Registers --tls-ca, --tls-cert, --tls-key (needs --tls-cert),
  // --tls-server-name and --insecure on `cmd`, storing into this object,
  // which must outlive the parse.
  void add_to(CLI::App& cmd);

  // Copies the flags into `options` and checks that every file given can be
  // read, so a typo fails before the first connection with the flag named.
  Status apply_to(platform::ConnectOptions& options) const;
};

}  // namespace redisfit::cli
