#include "cli/tls_flags.h"

namespace redisfit::cli {

void TlsFlags::add_to(CLI::App& cmd) {
  cmd.add_option("--tls-ca", ca, "CA bundle to verify rediss:// servers (default: the system store)");
  CLI::Option* cert_option =
      cmd.add_option("--tls-cert", cert, "client certificate for rediss:// (tls-auth-clients yes)");
  cmd.add_option("--tls-key", key, "client key for --tls-cert")->needs(cert_option);
  cmd.add_option("--tls-server-name", server_name, "name to send (SNI) and verify instead of the URL host");
  cmd.add_flag("--insecure", insecure, "rediss://: do not verify the server certificate");
}

Status TlsFlags::apply_to(platform::ConnectOptions& options) const {
  options.tls_ca_file = ca;
  options.tls_cert_file = cert;
  options.tls_key_file = key;
  options.tls_server_name = server_name;
  options.tls_insecure = insecure;
  return platform::check_tls_files(options);
}

}  // namespace redisfit::cli
