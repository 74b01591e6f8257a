#!/usr/bin/env bash
# End-to-end: `netprobe study` (report included) against the eager PyTorch peer
# (bench/peer/study_peer.py) on the same work: the 4 default tasks x SEEDS models, 1575
# evaluations each. Runs the two whole processes alternately ROUNDS times and prints the median
# wall time of each and one ratio line. Needs Debian's python3-torch.
#   bash bench/study_vs_peer.sh [SEEDS=1] [ROUNDS=3]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seeds="${1:-1}"
rounds="${2:-3}"
bin="${NETPROBE_BIN:-$root/build/netprobe}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export OMP_WAIT_POLICY=PASSIVE

wall() {  # seconds of wall time of a command
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f\n", b - a}'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

: >"$tmp/netprobe.times"
: >"$tmp/peer.times"
for round in $(seq "$rounds"); do
  rm -rf "$tmp/study"  # a fresh directory: nothing cached
  wall "$bin" study --seeds "$seeds" -q --out "$tmp/study" >>"$tmp/netprobe.times"
  wall /usr/bin/python3 "$root/bench/peer/study_peer.py" --seeds "$seeds" --out "$tmp/peer.csv" >>"$tmp/peer.times"
done
n=$(median <"$tmp/netprobe.times")
p=$(median <"$tmp/peer.times")
echo "study, 4 tasks x $seeds seed(s), 1575 evaluations per model, median of $rounds rounds:"
echo "  netprobe study (report included): ${n} s"
echo "  eager PyTorch peer (no figures):  ${p} s"
echo "ratio peer / netprobe: $(awk -v p="$p" -v n="$n" 'BEGIN {printf "%.2f", p / n}')x"
