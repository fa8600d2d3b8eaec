#!/usr/bin/env bash
# Installs the Debian 12 packages redisfit needs to build, test and run.
# Idempotent: packages already installed are skipped; nothing else is touched.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libyaml-dev            # manifests: a streaming parser fuzzed in OSS-Fuzz; yaml-cpp 0.7 looped on malformed input
  libhiredis-dev         # RESP client for probe, exporter and the stress loader
  nlohmann-json3-dev     # -o json, SARIF
  libcli11-dev           # command line
  libfmt-dev             # formatting
  libcpp-httplib-dev     # exporter HTTP server
  libssl-dev             # rediss:// and HTTPS
  libgtest-dev           # unit and integration tests
  libbenchmark-dev       # bench/
  liblzf-dev             # rdb: LZF-compressed strings in RDB files (the codec Redis uses)
  libisal-dev            # rdb: CRC-64 (Jones) of RDB files at memory speed (ISA-L's PCLMUL code)
  redis-server redis-tools  # the real server the tests and the stress sandbox run
  prometheus prometheus-redis-exporter  # promtool tests of the alert rules; metric-name parity
  chromium               # headless screenshot of the stress HTML report
  help2man               # man pages generated from each command's --help (docs/install.md)
  dpkg-dev nasm          # static-deps.sh: unpack Debian source packages; ISA-L's assembly
  umoci                  # the OCI image, built from scratch without pulling (docs/install.md)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The Debian package may start a system redis-server or prometheus on their default
# ports. redisfit's tests use their own servers on free ports, so these are left alone.
echo "setup: all packages present"

# Static archives Debian 12 does not ship (fmt, cpp-httplib, liblzf, ISA-L), built
# from the Debian source packages of the installed versions for redisfit-static.
"$(dirname "$0")/static-deps.sh"
