#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (GoogleTest via CTest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 900
