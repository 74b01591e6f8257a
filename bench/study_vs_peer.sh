#!/usr/bin/env bash
# End-to-end: `netprobe study` (report included) against the eager PyTorch peer
# (bench/peer/study_peer.py) on the same work: the 4 default tasks x SEEDS models, 1575
# evaluations each. Runs the two whole processes alternately ROUNDS times and prints the median
# wall time of each and one ratio line, then the FLOP limit: the arithmetic the study needs
# (bench/study_flops.py) over this machine's 2-thread sgemm rate measured now (bench_probes
# BM_FirstLayerDense/2), and netprobe's share of it. Needs Debian's python3-torch.
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
flops=$(/usr/bin/python3 "$root/bench/study_flops.py" --seeds "$seeds")
bench="$(dirname "$bin")/bench/bench_probes"
if [[ -x "$bench" ]]; then
  sgemm=$("$bench" --benchmark_filter='BM_FirstLayerDense/2$' --benchmark_format=json 2>/dev/null |
    /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["benchmarks"][0]["GFLOP/s"])')
  echo "FLOP limit: $flops TFLOP at $(printf '%.0f' "$sgemm") GFLOP/s (2-thread sgemm, measured now) =" \
    "$(awk -v f="$flops" -v g="$sgemm" 'BEGIN {printf "%.1f", f * 1000 / g}') s;" \
    "netprobe at $(awk -v f="$flops" -v g="$sgemm" -v n="$n" 'BEGIN {printf "%.0f", 100 * f * 1000 / g / n}') % of it"
else
  echo "FLOP limit: $flops TFLOP (build bench_probes to measure the sgemm rate)"
fi
