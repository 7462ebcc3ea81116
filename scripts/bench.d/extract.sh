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
java_bench() { java -XX:+UseParallelGC -Xmx1g -cp "$cp" vr.common.fs.ArchivesBench "$@"; }

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
# Best wall time of $runs runs of "$@". Before each run the output is removed and the disk synced, so every
# run starts from the same state (writeback of the new files happens after the clock stops, for both sides).
best() {
  local best_t="" s e t
  for _ in $(seq "$runs"); do
    rm -rf "$work/t" "$work/out.tar.gz"
    sync
    s=$(now)
    "$@"
    e=$(now)
    t=$(echo "$e - $s" | bc)
    if [ -z "$best_t" ] || [ "$(echo "$t < $best_t" | bc)" = 1 ]; then best_t=$t; fi
  done
  echo "$best_t"
}

gnu_extract() { mkdir "$work/t" && tar -C "$work/t" -xzf "$tarball"; }
vr_extract() { java_bench extract "$tarball" "$work/t"; }
# packing reads the tree extracted once into $work/src (same disk), so both sides read the same files hot
gnu_pack() { tar -C "$work/src" -czf "$work/out.tar.gz" .; }
vr_pack() { java_bench pack "$work/src" "$work/out.tar.gz"; }
ratio() { echo "scale=2; $1 / $2" | bc | sed 's/^\./0./'; }

cat "$tarball" >/dev/null # the input is read hot by both sides
tar_x=$(best gnu_extract)
vr_x=$(best vr_extract)

mkdir -p "$work/src" && tar -C "$work/src" -xzf "$tarball"
tar_c=$(best gnu_pack)
gnu_size=$(stat -c %s "$work/out.tar.gz" 2>/dev/null || echo 0)
vr_c=$(best vr_pack)
vr_size=$(stat -c %s "$work/out.tar.gz" 2>/dev/null || echo 0)

printf 'archives: %s MB .tar.gz, %s entries, best of %s runs, %s cores\n' "$size_mb" "$files" "$runs" "$(nproc)"
printf 'extract: tar xzf %.2f s, vr-common %.2f s, ratio %s (goal <= 0.8)\n' "$tar_x" "$vr_x" "$(ratio "$vr_x" "$tar_x")"
printf 'pack:    tar czf %.2f s, vr-common %.2f s, ratio %s (goal <= 1.0); sizes %s MB vs %s MB\n' \
  "$tar_c" "$vr_c" "$(ratio "$vr_c" "$tar_c")" "$((gnu_size / 1000000))" "$((vr_size / 1000000))"
