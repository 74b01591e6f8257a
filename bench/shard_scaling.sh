#!/usr/bin/env bash
# Scaling of a sharded study on this machine: the all-pairs MNIST study (45 pairs x SEEDS models,
# the default 1575 evaluations each) as n = 1, 2, 4 shards run side by side (1 thread each, as a
# SLURM array task with --cpus-per-task=1), each n in a fresh directory, then the merge (scores and
# report). Prints each shard's wall and CPU time, the merge time, and an extrapolation to n = 64
# nodes from the measured per-model CPU time and the cost of a shard that owns no model.
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
  echo "$merge" >"$tmp/merge$n"
  rm -rf "$out"
done
# Fixed cost of a shard: one that owns no model (shard M of M+1) still starts, loads MNIST, and
# writes its meta and record. The per-model cost: the n = 1 shard's CPU time beyond that.
empty="$tmp/empty"
/usr/bin/time -f "%e %U %S" -o "$tmp/time.empty" "$bin" --threads 1 -q "${study[@]}" --out "$empty" \
  --shard "$models/$((models + 1))" >/dev/null 2>&1
awk -v t1="$(awk '{print $2 + $3}' "$tmp/time1.0")" -v f="$(awk '{print $1}' "$tmp/time.empty")" -v models="$models" \
  -v merge="$(cat "$tmp/merge1")" '
BEGIN {
  c = (t1 - f) / models;
  printf "a shard that owns no model: %.1f s wall (start, MNIST, meta); per model %.2f CPU s (n = 1)\n", f, c;
  for (i = 0; i < 2; ++i) {
    total = (i == 0) ? models : 450;
    m64 = int((total + 63) / 64);
    printf "extrapolated, %d models on 64 one-core shards: longest shard %.1f s (%d models) + merge ~%.0f s " \
           "(scales with models) = %.0f s, vs %.0f s for one shard\n",
           total, f + c * m64, m64, merge * total / models, f + c * m64 + merge * total / models, f + c * total;
  }
}'
