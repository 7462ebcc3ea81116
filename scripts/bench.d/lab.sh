#!/bin/sh
# The lab (scripts/lab, docs/lab.md): the time of `up 3` on warm caches and the memory each host adds
# without procs (the resident and proportional sizes of its init, sshd, supervisord and proc_publisher).
# One warm-up up/down first, then RUNS (default 3) timed rounds. Needs root and dist/bin (scripts/build).
#   scripts/bench.d/lab.sh [RUNS]
set -eu
cd "$(dirname "$0")/../.."
runs=${1:-3}
name=vrbench
lab() { scripts/lab --name "$name" -q "$@"; }
ms() { date +%s%N | cut -c1-13; }
trap 'lab down >/dev/null 2>&1 || true' EXIT
lab up 3 && lab down
state=${VR_LAB_DIR:-/var/tmp/vr-lab}/$name
r=1
while [ $r -le "$runs" ]; do
  t0=$(ms); lab up 3; t1=$(ms)
  sleep 3   # proc_publisher's first snapshot is out; its JVM settles
  for h in "$state"/hosts/*; do
    rss=0 pss=0
    sup=$(cat "$h/run/supervisord.pid")
    for pid in $(cat "$h/run/init.pid" "$h/run/sshd.pid") "$sup" $(cat /proc/"$sup"/task/*/children); do
      rss=$((rss + $(awk '/^Rss:/{print $2}' /proc/"$pid"/smaps_rollup)))
      pss=$((pss + $(awk '/^Pss:/{print $2}' /proc/"$pid"/smaps_rollup)))
    done
    echo "run $r: $(basename "$h"): rss $((rss / 1024)) MB, pss $((pss / 1024)) MB"
  done
  t2=$(ms); lab down; t3=$(ms)
  echo "run $r: up 3 $((t1 - t0)) ms, down $((t3 - t2)) ms (load average $(cut -d' ' -f1 /proc/loadavg))"
  r=$((r + 1))
done
