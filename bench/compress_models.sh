#!/usr/bin/env bash
# Per-layer `compress` on the model zoo (bench/models/make_models.py), a baseline binary against
# this one in the same run, 2 threads: wall time, evaluations run (of the exhaustive sweep's), peak
# memory, and the ratio baseline / this. With TEST=test10k the 10,000-image test sets (cost against
# the test set's size). With EXHAUSTIVE=1 this binary also runs --exhaustive and the answers of
# both runs are compared (they must be equal: every probe's safe level, next level and its verdict;
# a level decided on a sample of the test set reports that sample's numbers). With WHOLE=1 it also
# runs --first-look 0 (every level on the whole test set) and compares the answers the same way.
#   bash bench/compress_models.sh ZOO [BASELINE_BIN|-] [MODEL...]
#   e.g. bash bench/compress_models.sh /tmp/zoo /tmp/base/netprobe.old cnn transformer lstm resnet18
# ZOO/<model>/model.pt and test.pt (the example CNN: scripts/examples/cnn_mnist.py --out ZOO/cnn).
# A baseline of "-" measures this binary alone.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
zoo="${1:?usage: $0 ZOO [BASELINE_BIN|-] [MODEL...]}"
baseline="${2:--}"
shift $(($# >= 2 ? 2 : $#))
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(cnn transformer lstm resnet18 mobilenet_v2)
bin="${NETPROBE_BIN:-$root/build/netprobe}"
test_set="${TEST:-test}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export OMP_WAIT_POLICY=PASSIVE

# run LABEL BIN MODEL [options]: prints "wall_s rss_mb evaluations exhaustive"
run() {
  local label="$1" binary="$2" model="$3"
  shift 3
  local out="$tmp/$label-$model"
  rm -rf "$out"
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$binary" --threads 2 -q compress --model "$zoo/$model/model.pt" \
    --data "$zoo/$model/$test_set.pt" --no-report --out "$out" "$@" >/dev/null
  local wall rss
  read -r wall rss <"$tmp/time"
  /usr/bin/python3 - "$out/compression.json" "$wall" "$rss" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
rows = len(j["rows"])
print(sys.argv[2], int(sys.argv[3]) // 1024, j.get("evaluations", rows), j.get("exhaustive_evaluations", rows))
PY
}

echo "compress per layer, $test_set.pt, 2 threads, $(nproc) cores; baseline: $baseline"
printf "%-13s %-9s %9s %9s %19s %8s\n" model binary "wall s" "peak MB" "evaluations" "ratio"
for model in "${models[@]}"; do
  read -r wall rss evals all < <(run new "$bin" "$model")
  printf "%-13s %-9s %9.1f %9d %19s %8s\n" "$model" this "$wall" "$rss" "$evals of $all" ""
  if [ "$baseline" != "-" ]; then
    read -r bwall brss bevals _ < <(run old "$baseline" "$model")
    ratio=$(awk -v a="$bwall" -v b="$wall" 'BEGIN {printf "%.1fx", a / b}')
    printf "%-13s %-9s %9.1f %9d %19s %8s\n" "$model" baseline "$bwall" "$brss" "$bevals" "$ratio"
  fi
  for mode in exhaustive whole; do
    if [ "$mode" = exhaustive ] && [ "${EXHAUSTIVE:-0}" != 1 ]; then continue; fi
    if [ "$mode" = whole ] && [ "${WHOLE:-0}" != 1 ]; then continue; fi
    option=$([ "$mode" = exhaustive ] && echo --exhaustive || echo "--first-look 0")
    # shellcheck disable=SC2086
    read -r xwall xrss xevals _ < <(run "$mode" "$bin" "$model" $option)
    printf "%-13s %-9s %9.1f %9d %19s %8s\n" "$model" "$mode" "$xwall" "$xrss" "$xevals" \
      "$(awk -v a="$xwall" -v b="$wall" 'BEGIN {printf "%.2fx", a / b}')"
    /usr/bin/python3 - "$tmp/new-$model/compression.json" "$tmp/$mode-$model/compression.json" "$mode" <<'PY'
import json, sys
keys = ("layer", "probe", "safe_level", "next_level", "next_verdict", "sparsity")
def answers(f):
    return [[layer["layer"]] + [[p.get(k) for k in keys[1:]] for p in layer["probes"]]
            for layer in json.load(open(f))["layers"]]
a, b = answers(sys.argv[1]), answers(sys.argv[2])
print(f"  answers of this run and the {sys.argv[3]} run:", "identical" if a == b else "DIFFERENT")
sys.exit(0 if a == b else 1)
PY
  done
done
