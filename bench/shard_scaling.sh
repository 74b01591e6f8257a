#!/usr/bin/env bash
# Scaling of a sharded study on this machine: the all-pairs MNIST study (45 pairs x SEEDS models,
# the default 1575 evaluations each) as n = 1, 2, 4 shards run side by side (1 thread each, as a
# SLURM array task with --cpus-per-task=1), each n in a fresh directory, then the merge (scores and
# report). Prints each shard's wall and CPU time, the merge time, and an extrapolation to n = 64
# nodes from the measured per-model CPU time and fixed per-shard cost.
#   bash bench/shard_scaling.sh [SEEDS=2]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seeds="${1:-2}"
bin="${NETPROBE_BIN:-$root/build/netprobe}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export OMP_WAIT_POLICY=PASSIVE
study=(study --dataset mnist --all-pairs --seeds "$seeds")
models=$((45 * seeds))

echo "all 45 MNIST pairs x $seeds seed(s) = $models models; $(nproc) cores; 1 thread per shard"
printf "%3s  %-28s  %-28s  %8s\n" n "shard wall s (min..max)" "shard CPU s (min..max)" "merge s"
declare -A cpu_per_model
for n in 1 2 4; do
  out="$tmp/run$n"
  for k in $(seq 0 $((n - 1))); do
    /usr/bin/time -f "%e %U %S" -o "$tmp/time$n.$k" "$bin" --threads 1 -q "${study[@]}" --out "$out" --shard "$k/$n" \
      >/dev/null 2>&1 &
  done
  wait
  start=$(date +%s.%N)
  "$bin" -q "${study[@]}" --out "$out" --merge >/dev/null 2>&1
  merge=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
  walls=$(cat "$tmp"/time$n.* | awk '{print $1}' | sort -g | awk 'NR==1{a=$1} {b=$1} END {printf "%.1f..%.1f", a, b}')
  cpus=$(cat "$tmp"/time$n.* | awk '{print $2 + $3}' | sort -g | awk 'NR==1{a=$1} {b=$1} END {printf "%.1f..%.1f", a, b}')
  printf "%3s  %-28s  %-28s  %8s\n" "$n" "$walls" "$cpus" "$merge"
  # Per model: the longest shard's CPU time over the models it owned (ceil(models / n)).
  cpu_per_model[$n]=$(cat "$tmp"/time$n.* | awk -v m=$(((models + n - 1) / n)) '{c = $2 + $3; if (c > x) x = c} END {printf "%.3f", x / m}')
  echo "$merge" >"$tmp/merge$n"
  rm -rf "$out"
done
# Fixed cost of a shard (start, loading MNIST) from the n = 1 and n = 2 CPU times: t(n) = f + m(n) c.
awk -v c1="${cpu_per_model[1]}" -v c2="${cpu_per_model[2]}" -v models="$models" -v merge="$(cat "$tmp/merge1")" '
BEGIN {
  m1 = models; m2 = int((models + 1) / 2);
  t1 = c1 * m1; t2 = c2 * m2;
  c = (t1 - t2) / (m1 - m2); f = t1 - c * m1; if (f < 0) f = 0;
  printf "per model %.2f CPU s, per shard fixed %.1f s (fit of n = 1, 2)\n", c, f;
  for (i = 0; i < 2; ++i) {
    total = (i == 0) ? models : 450;
    m64 = int((total + 63) / 64);
    printf "extrapolated, %d models on 64 one-core shards: longest shard %.1f s (%d models) + merge ~%.0f s " \
           "(scales with models) = %.0f s, vs %.0f s for one shard\n",
           total, f + c * m64, m64, merge * total / models, f + c * m64 + merge * total / models, f + c * total;
  }
}'
