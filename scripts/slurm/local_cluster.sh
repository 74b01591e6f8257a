#!/usr/bin/env bash
# A single-node SLURM cluster on this machine, for the SLURM e2e test and for trying the recipes:
#   scripts/slurm/local_cluster.sh start DIR   # prints: export SLURM_CONF=DIR/slurm.conf
#   scripts/slurm/local_cluster.sh stop DIR
# Everything (config, state, logs, pid files) lives in DIR; munge is the system's (started here
# when it is not running). Needs root and Debian's slurmctld, slurmd, slurm-client and munge.
# Exits 77 (the test's "skip") with a reason on stderr when the cluster cannot start here.
set -euo pipefail
action="${1:-}"
dir="${2:-}"
if [ -z "$dir" ] || { [ "$action" != start ] && [ "$action" != stop ]; }; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
export SLURM_CONF="$dir/slurm.conf"

skip() {
  echo "local SLURM cluster: $*" >&2
  exit 77
}

stop_pidfile() {
  local f="$1"
  [ -f "$f" ] || return 0
  local pid
  pid="$(cat "$f")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$f"
}

if [ "$action" = stop ]; then
  stop_pidfile "$dir/slurmd.pid"
  stop_pidfile "$dir/slurmctld.pid"
  if [ -f "$dir/munged.started" ]; then  # only a munged this script started
    pkill -u munge -x munged 2>/dev/null || true
    rm -f "$dir/munged.started"
  fi
  exit 0
fi

[ "$(id -u)" -eq 0 ] || skip "needs root to run slurmd"
for tool in slurmctld slurmd sbatch squeue sinfo munge munged; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
    skip "$tool not found (apt-get install slurmctld slurmd slurm-client munge)"
done
PATH="$PATH:/usr/sbin"

if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  [ -f /etc/munge/munge.key ] || skip "no /etc/munge/munge.key (reinstall munge)"
  mkdir -p /run/munge && chown munge:munge /run/munge
  runuser -u munge -- munged 2>"$dir/munged.err" || skip "munged does not start: $(head -1 "$dir/munged.err")"
  touch "$dir/munged.started"
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n | unmunge >/dev/null 2>&1 || skip "munge does not answer"
fi

host="$(hostname -s)"
port=$((20000 + ($$ % 5000) * 2))  # two ports of our own, away from a real cluster's 6817/6818
mkdir -p "$dir/state" "$dir/spool"
cat >"$SLURM_CONF" <<CONF
ClusterName=netprobe-local
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -i || skip "slurmctld does not start (see $dir/slurmctld.log)"
slurmd || { stop_pidfile "$dir/slurmctld.pid"; skip "slurmd does not start (see $dir/slurmd.log)"; }
for _ in $(seq 100); do
  state="$(sinfo -h -N -o %t 2>/dev/null | head -1)"
  [ "$state" = idle ] && break
  sleep 0.2
done
if [ "${state:-}" != idle ]; then
  "$0" stop "$dir"
  skip "the node did not become idle (state '${state:-none}'; see $dir/slurmd.log)"
fi
echo "export SLURM_CONF=$SLURM_CONF"
