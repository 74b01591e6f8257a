#!/usr/bin/env bash
# Submits a sharded netprobe command (study or compress) as an array of N shards and its merge,
# which waits for the whole array:
#   scripts/slurm/submit.sh 64 study --all-pairs --seeds 100 --out /shared/run
#   scripts/slurm/submit.sh 16 compress --model m.pt --data test.pt --out /shared/m
# Prints the two job ids (array, merge). Extra sbatch options go in $SBATCH_ARGS
# (e.g. SBATCH_ARGS="--partition=short --time=1:00:00").
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
usage() {
  echo "usage: $0 N study|compress <netprobe options>   (N shards, a whole number >= 1)" >&2
  exit 2
}
[ $# -ge 2 ] && [[ "$1" =~ ^[1-9][0-9]*$ ]] || usage
n="$1"
command="$2"
[ "$command" = study ] || [ "$command" = compress ] || usage
shift 2
# shellcheck disable=SC2086  # SBATCH_ARGS is a list of options
array=$(sbatch --parsable ${SBATCH_ARGS:-} --array="0-$((n - 1))" "$here/shard.sbatch" "$command" --shard-count "$n" "$@")
array="${array%%;*}"
# afterany: the merge also runs when a shard failed, and then names what to re-run.
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_ARGS:-} --dependency="afterany:$array" "$here/merge.sbatch" "$command" "$@")
echo "$array ${merge%%;*}"
