#!/usr/bin/env bash
# Archive benchmark (issue 2): vr-common extraction of a ~200 MB .tar.gz against GNU `tar xzf` of the same
# file into the same disk, and vr-common packing against `tar czf` of the same tree. Both sides are timed as
# whole processes (the JVM's start-up counts against us). Prints the best of N runs of each and the ratios.
#
# The tarball is made once from trees of this machine (a JDK, locales, docs, icons: binaries, text and
# small files mixed) and cached in $VR_BENCH_CACHE (default ~/.cache/vr-bench), outside the source tree.
# Environment: VR_BENCH_RUNS (default 3), VR_BENCH_CACHE.
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
runs=${VR_BENCH_RUNS:-3}
cache=${VR_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vr-bench}
mkdir -p "$cache"
tarball=$cache/mixed.tar.gz
work=$cache/work
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

# --- the vr-common classes and their dependencies
cpfile=$cache/classpath.txt
(cd "$here" && mvn -B -q -pl vr-common test-compile dependency:build-classpath -Dmdep.outputFile="$cpfile" >&2)
cp="$here/vr-common/target/classes:$here/vr-common/target/test-classes:$(cat "$cpfile")"
# The JVM options of the tools' launchers (scripts/lib/launcher.sh): what vrun setup and vimage run with.
java_bench() { java -XX:TieredStopAtLevel=1 -XX:-UsePerfData -cp "$cp" vr.common.fs.ArchivesBench "$@"; }

# --- the test tarball: ~470 MB of real files (a JDK's lib/, locales, docs), ~200 MB compressed
if [ ! -s "$tarball" ]; then
  jdk=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  picked=()
  total=0
  for d in "$jdk/lib" /usr/share/locale /usr/share/doc /usr/share/vim /usr/share/icons /usr/share/perl \
           /usr/share/i18n /usr/share/zoneinfo /usr/share/man /usr/lib/x86_64-linux-gnu; do
    [ -d "$d" ] || continue
    [ "$total" -lt 450 ] || break
    picked+=("${d#/}")
    total=$((total + $(du -sm "$d" | cut -f1)))
  done
  echo "making $tarball from: ${picked[*]} (${total} MB)" >&2
  tar -C / -czf "$tarball.tmp" "${picked[@]}" 2>/dev/null || [ -s "$tarball.tmp" ]
  mv "$tarball.tmp" "$tarball"
fi
size_mb=$(( $(stat -c %s "$tarball") / 1000000 ))
files=$(tar tzf "$tarball" | wc -l)

now() { date +%s.%N; }
# Wall time of one command, after a sync so that no writeback of an earlier run overlaps it.
timed() {
  local s e
  sync
  s=$(now)
  "$@" >&2
  e=$(now)
  echo "$e - $s" | bc
}
min() { if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc)" = 1 ]; then echo "$2"; else echo "$1"; fi; }
ratio() { echo "scale=2; $1 / $2" | bc | sed 's/^\./0./'; }

# Runs alternate between GNU tar and vr-common so that both see the same background load, and every run
# writes into a fresh directory: nothing is deleted until the end. (This disk is ext4 without a journal,
# where creating files right after deleting many costs a scan of the recently freed inodes: a benchmark
# that removed its previous output before each run would mostly measure that.)
cat "$tarball" >/dev/null # the input is read hot by both sides
tar_x="" vr_x=""
for i in $(seq "$runs"); do
  mkdir "$work/gnu$i"
  tar_x=$(min "$tar_x" "$(timed tar -C "$work/gnu$i" -xzf "$tarball")")
  vr_x=$(min "$vr_x" "$(timed java_bench extract "$tarball" "$work/vr$i")")
done
diff -r --no-dereference "$work/gnu1" "$work/vr1" >/dev/null || { echo "vr-common extracted something else than tar" >&2; exit 1; }

# Packing reads the tree extracted above (same disk, hot in the page cache for both sides).
tar_c="" vr_c=""
for i in $(seq "$runs"); do
  tar_c=$(min "$tar_c" "$(timed tar -C "$work/gnu1" -czf "$work/gnu$i.tar.gz" .)")
  vr_c=$(min "$vr_c" "$(timed java_bench pack "$work/gnu1" "$work/vr$i.tar.gz")")
done
gnu_size=$(stat -c %s "$work/gnu1.tar.gz")
vr_size=$(stat -c %s "$work/vr1.tar.gz")

printf 'archives: %s MB .tar.gz, %s entries, best of %s runs, %s cores\n' "$size_mb" "$files" "$runs" "$(nproc)"
printf 'extract: tar xzf %.2f s, vr-common %.2f s, ratio %s (goal <= 0.8)\n' "$tar_x" "$vr_x" "$(ratio "$vr_x" "$tar_x")"
printf 'pack:    tar czf %.2f s, vr-common %.2f s, ratio %s (goal <= 1.0); sizes %s MB vs %s MB\n' \
  "$tar_c" "$vr_c" "$(ratio "$vr_c" "$tar_c")" "$((gnu_size / 1000000))" "$((vr_size / 1000000))"
