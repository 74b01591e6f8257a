#!/usr/bin/env bash
# End to end on a real single-node SLURM: a small study as an array of 4 shards and a merge
# (scripts/slurm/submit.sh) gives the unsharded study's results.csv and scores.json byte for byte;
# a shard whose files are lost re-runs alone (its array index) and the merge is identical again.
# Then compress on one of the study's models, as 2 shards and a merge: the unsharded answers.
# Usage: slurm_study_e2e.sh NETPROBE DATA_DIR. Exit 77 (ctest: skipped) when no cluster can start.
set -euo pipefail
netprobe="$1"
data_dir="$2"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d /tmp/netprobe-slurm-e2e.XXXXXX)"
cluster="$work/cluster"

cleanup() {
  bash "$root/scripts/slurm/local_cluster.sh" stop "$cluster" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for log in "$work"/run/*.log; do [ -f "$log" ] && { echo "--- $log" >&2; cat "$log" >&2; }; done
  exit 1
}

set +e
bash "$root/scripts/slurm/local_cluster.sh" start "$cluster" >"$work/cluster.out"
status=$?
set -e
if [ $status -eq 77 ]; then
  echo "SKIPPED: no single-node SLURM cluster here (see the reason above)"
  exit 77
fi
[ $status -eq 0 ] || fail "local_cluster.sh start exited $status"
export SLURM_CONF="$cluster/slurm.conf"
export NETPROBE="$netprobe" OMP_WAIT_POLICY=PASSIVE

export NETPROBE_DATA="$data_dir"  # the datasets, for every netprobe here and in the jobs
options=(--pairs 7-9,0-1 --seeds 2 --epochs 1 --hidden 32 --probes binarize,shuffle,prune --draws 1)

"$netprobe" --threads 1 -q study "${options[@]}" --out "$work/whole" >/dev/null

wait_for() {  # job ids; fails after 5 minutes
  for _ in $(seq 1500); do
    [ -z "$(squeue -h -j "$(
      IFS=,
      echo "$*"
    )" 2>/dev/null)" ] && return 0
    sleep 0.2
  done
  fail "jobs $* still queued or running after 5 minutes: $(squeue)"
}

mkdir -p "$work/run"
cd "$work/run"
read -r array merge < <(bash "$root/scripts/slurm/submit.sh" 4 study "${options[@]}" --out "$work/sharded")
wait_for "$array" "$merge"
shards=$(ls "$work/sharded/shards" | wc -l)
[ "$shards" -eq 4 ] || fail "expected 4 shard records, found $shards"
for f in results.csv scores.json; do
  cmp "$work/whole/$f" "$work/sharded/$f" || fail "$f of the sharded study differs from the unsharded one"
done
echo "4 shards + merge on SLURM: results.csv and scores.json identical to the unsharded study"

# Shard 2 of 4 lost its model (say its node died): the merge names it, it re-runs alone.
rm -rf "$work/sharded/models/mnist-0v1/seed0-"* "$work/sharded/sweeps/mnist-0v1-seed0-"*
if "$netprobe" -q study "${options[@]}" --out "$work/sharded" --merge 2>"$work/merge.err"; then
  fail "the merge succeeded with a model missing"
fi
grep -q "mnist-0v1 seed 0 (not trained); shards to run (again): 2/4" "$work/merge.err" ||
  fail "the merge did not name the missing model and its shard: $(cat "$work/merge.err")"
rerun=$(sbatch --parsable --array=2 "$root/scripts/slurm/shard.sbatch" study --shard-count 4 "${options[@]}" \
  --out "$work/sharded")
rerun="${rerun%%;*}"
wait_for "$rerun"
grep -q "shard 2/4: 1 of 4 models; models trained 1, cached 0" "netprobe-shard-${rerun}_2.log" ||
  fail "the re-run shard did not train exactly its one model: $(cat "netprobe-shard-${rerun}_2.log")"
"$netprobe" -q study "${options[@]}" --out "$work/sharded" --merge >/dev/null
for f in results.csv scores.json; do
  cmp "$work/whole/$f" "$work/sharded/$f" || fail "$f differs after re-running shard 2"
done
echo "shard 2/4 re-ran alone (sbatch --array=2) and the merge is identical again"

# compress on a TorchScript export of one of the study's models, by layer: 2 shards and a merge.
model_dir=$(ls -d "$work/whole/models/mnist-7v9/seed0-"* | head -1)
"$netprobe" -q export --model "$model_dir" --out "$work/mlp.pt"
coptions=(--model "$work/mlp.pt" --data mnist-7v9 --draws 2 --no-report)
"$netprobe" --threads 1 -q compress "${coptions[@]}" --out "$work/cwhole" >/dev/null
read -r array merge < <(bash "$root/scripts/slurm/submit.sh" 2 compress "${coptions[@]}" --out "$work/csharded")
wait_for "$array" "$merge"
[ -f "$work/csharded/shards/shard-1-of-2.json" ] || fail "compress shard 1 of 2 left no record"
for f in results.csv compression.json; do
  cmp "$work/cwhole/$f" "$work/csharded/$f" || fail "$f of the sharded compress differs from the unsharded one"
done
echo "compress as 2 shards + merge on SLURM: rows and answers identical to the unsharded run"
