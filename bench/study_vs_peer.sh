#!/usr/bin/env bash
# End-to-end: `netprobe study` (report included) against the eager PyTorch peer
# (bench/peer/study_peer.py) on the same work: the 4 default tasks x SEEDS models, 1575
# evaluations each. Runs the whole processes alternately ROUNDS times: netprobe, the peer, and the
# peer without shuffle G (--skip-g: its G is a pure-Python loop; netprobe still runs G), and prints
# the median wall time of each and the ratios, then the FLOP limit: the arithmetic the study needs
# after its exact savings (bench/study_flops.py, integer multiply-adds weighted by this CPU's
# fp32/int8 rate ratio, bench_probes BM_MacPeak) over this machine's 2-thread sgemm rate measured
# now (BM_FirstLayerDense/2), and netprobe's share of it. Needs Debian's python3-torch.
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
: >"$tmp/peer-no-g.times"
peer="$root/bench/peer/study_peer.py"
for round in $(seq "$rounds"); do
  rm -rf "$tmp/study"  # a fresh directory: nothing cached
  wall "$bin" study --seeds "$seeds" -q --out "$tmp/study" >>"$tmp/netprobe.times"
  wall /usr/bin/python3 "$peer" --seeds "$seeds" --out "$tmp/peer.csv" >>"$tmp/peer.times"
  wall /usr/bin/python3 "$peer" --seeds "$seeds" --skip-g --out "$tmp/peer.csv" >>"$tmp/peer-no-g.times"
done
n=$(median <"$tmp/netprobe.times")
p=$(median <"$tmp/peer.times")
q=$(median <"$tmp/peer-no-g.times")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo "study, 4 tasks x $seeds seed(s), 1575 evaluations per model, median of $rounds rounds:"
echo "  netprobe study (report included): ${n} s"
echo "  eager PyTorch peer (no figures):  ${p} s"
echo "  the peer without shuffle G:       ${q} s"
echo "ratio peer / netprobe: $(ratio "$p" "$n")x; without G in the peer (netprobe still runs G): $(ratio "$q" "$n")x"
bench="$(dirname "$bin")/bench/bench_probes"
if [[ -x "$bench" ]]; then
  value() { "$bench" --benchmark_filter="$1" --benchmark_format=json 2>/dev/null |
    /usr/bin/python3 -c "import json, sys; print(json.load(sys.stdin)['benchmarks'][0]['$2'])"; }
  sgemm=$(value 'BM_FirstLayerDense/2$' GFLOP/s)
  weight=$(awk -v f="$(value 'BM_MacPeak/0$' GMAC/s)" -v i="$(value 'BM_MacPeak/1$' GMAC/s 2>/dev/null || echo 0)" \
    'BEGIN {printf "%.3f", (i > 0 ? f / i : 1)}')
  for what in "after the exact savings:--int-weight $weight" "before them (every row in fp32):--before-savings"; do
    flops=$(/usr/bin/python3 "$root/bench/study_flops.py" --seeds "$seeds" ${what#*:})
    echo "FLOP limit ${what%%:*} $flops TFLOP at $(printf '%.0f' "$sgemm") GFLOP/s (2-thread sgemm, measured now) =" \
      "$(awk -v f="$flops" -v g="$sgemm" 'BEGIN {printf "%.1f", f * 1000 / g}') s;" \
      "netprobe at $(awk -v f="$flops" -v g="$sgemm" -v n="$n" 'BEGIN {printf "%.0f", 100 * f * 1000 / g / n}') % of it"
  done
  echo "(an int8 multiply-add weighs $weight fp32 ones here: BM_MacPeak's fp32 over int8 rate)"
else
  echo "FLOP limit: $(/usr/bin/python3 "$root/bench/study_flops.py" --seeds "$seeds") TFLOP (build bench_probes to measure the rates)"
fi
