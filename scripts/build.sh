#!/usr/bin/env bash
# Configures and builds redisfit into build/ (binary: build/redisfit).
# REDISFIT_SANITIZE=1 builds with ASan+UBSan into build-asan/ instead.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${REDISFIT_SANITIZE:-0}" = 1 ]; then
  dir=build-asan; extra=(-DREDISFIT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
else
  dir=build; extra=()
fi
cmake -S . -B "$dir" "${extra[@]}" >/dev/null
cmake --build "$dir" -j"$(nproc)"
