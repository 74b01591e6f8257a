#!/usr/bin/env bash
# The main job: set everything up, then run the default study. Extra arguments go to netprobe.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh"
exec "${NETPROBE_BUILD_DIR:-$root/build}/netprobe" study "$@"
