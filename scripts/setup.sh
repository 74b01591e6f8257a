#!/usr/bin/env bash
# One-stop set-up on Debian 12: system packages, datasets, configure and build.
# Idempotent: when nothing changed it only checks and returns within seconds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${NETPROBE_BUILD_DIR:-$root/build}"

packages=(
  build-essential cmake ninja-build git ccache pkg-config
  libtorch-dev libopenblas0-openmp
  libfmt-dev libspdlog-dev libcli11-dev nlohmann-json3-dev zlib1g-dev
  libtomlplusplus-dev  # --config files
  libxxhash-dev  # content digests: each distinct probed network is evaluated once
  libcmark-gfm-dev libcmark-gfm-extensions-dev  # the docs pages in every report (Markdown to HTML)
  libgtest-dev googletest libbenchmark-dev
  dataset-fashion-mnist gnuplot-nox
  chromium       # the report's browser test
  python3-torch python3-torchvision  # tests and benchmarks only: the CNN example, the PyTorch peer, the compress benchmarks
  slurmctld slurmd slurm-client munge  # the SLURM e2e test only (scripts/slurm/local_cluster.sh)
)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "setup: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

bash "$root/data/fetch.sh"

if [ ! -f "$build_dir/build.ninja" ]; then
  launcher=()
  command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DNETPROBE_WERROR="${NETPROBE_WERROR:-OFF}" "${launcher[@]}" >&2
fi
cmake --build "$build_dir" >&2
