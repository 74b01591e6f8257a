#!/usr/bin/env bash
# Set everything up, build, and run every test (labels: unit, e2e). Extra arguments go to ctest,
# e.g. `bash scripts/test.sh -L unit`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh"
cd "${NETPROBE_BUILD_DIR:-$root/build}"
exec ctest --output-on-failure -j "$(nproc)" "$@"
