#!/bin/sh
# The lab (scripts/lab, docs/lab.md): the time of `up 3` on warm caches and the memory each host adds
# without procs. Per host, the sums over its init, sshd, supervisord and proc_publisher of
# /proc/PID/smaps_rollup's resident (Rss), proportional (Pss: each shared page divided among the processes
# that map it) and unique (Private: pages no other process maps, what one more host adds) sizes; the first
# host's processes one by one; and the fall of the machine's MemAvailable across `up 3`, divided by 3 (it
# also counts kernel memory: namespaces, page tables, sockets; other processes of the machine move it).
# One warm-up `scripts/lab up 3` and `down` first, then RUNS (default 3) timed rounds. Needs root and
# dist/bin (scripts/build).
#   scripts/bench.d/lab.sh [RUNS]
set -eu
cd "$(dirname "$0")/../.."
runs=${1:-3}
name=vrbench
lab() { scripts/lab --name "$name" -q "$@"; }
ms() { date +%s%N | cut -c1-13; }
avail() { awk '/^MemAvailable:/ {print $2}' /proc/meminfo; }
# kB of one smaps_rollup field summed over the PIDs given
sum() { f=$1; shift; for p in "$@"; do cat /proc/"$p"/smaps_rollup; done | awk -v f="$f" '$1 == f ":" {s += $2} END {print s + 0}'; }
uss() { echo $(($(sum Private_Clean "$@") + $(sum Private_Dirty "$@"))); }
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
trap 'lab down >/dev/null 2>&1 || true' EXIT
lab up 3 && lab down
state=${VR_LAB_DIR:-/var/tmp/vr-lab}/$name
r=1
while [ $r -le "$runs" ]; do
  sync; sleep 1
  a0=$(avail)
  t0=$(ms); lab up 3; t1=$(ms)
  sleep 3   # proc_publisher's first snapshot is out; its JVM settles
  a1=$(avail)
  first=yes
  for h in "$state"/hosts/*; do
    sup=$(cat "$h/run/supervisord.pid")
    pids="$(cat "$h/run/init.pid" "$h/run/sshd.pid") $sup $(cat /proc/"$sup"/task/*/children)"
    # shellcheck disable=SC2086
    echo "run $r: $(basename "$h"): rss $(mb "$(sum Rss $pids)") MB, pss $(mb "$(sum Pss $pids)") MB, private $(mb "$(uss $pids)") MB"
    if [ $first = yes ]; then
      for p in $pids; do
        args=$(tr '\0' ' ' < /proc/"$p"/cmdline | cut -c1-60)
        echo "    $p $(cat /proc/"$p"/comm): rss $(mb "$(sum Rss "$p")"), pss $(mb "$(sum Pss "$p")"), private $(mb "$(uss "$p")") MB ($args)"
      done
      first=no
    fi
  done
  echo "run $r: MemAvailable fell by $(mb $(((a0 - a1) / 3))) MB per host across up 3"
  t2=$(ms); lab down; t3=$(ms)
  echo "run $r: up 3 $((t1 - t0)) ms, down $((t3 - t2)) ms (load average $(cut -d' ' -f1 /proc/loadavg))"
  r=$((r + 1))
done
