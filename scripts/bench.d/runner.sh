#!/bin/sh
# Runner benchmarks (root, LXC). Prints each figure with its baseline measured in the same run.
#   1. vrun setup (image already unpacked) of a 100 MB build  vs  GNU tar xzf of that build
#   2. vrun run to the app's first output line (recorded start, and through Java) vs  JVM start-up + 2 x lxc-execute /bin/true
#   3. one trivial uptest end to end (recorded, and wholly in Java) vs  the same bound
#   4. resident memory of a running proc beyond the app (LXC's monitor and init)
# JVM start-up is a hello-world class on the same JVM with its default options, as in the start-up benchmark.
# Needs dist/lib/vr-runner.jar with its CDS archive (scripts/build), or VR_RUNNER_JAR.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd -P)
VR_RUNNER_JAR=${VR_RUNNER_JAR:-$top/dist/lib/vr-runner.jar}
[ -f "$VR_RUNNER_JAR" ] || { echo "runner.sh: build the suite first (scripts/build --fast)" >&2; exit 1; }
[ -f "${VR_RUNNER_JAR%.jar}.jsa" ] || echo "runner.sh: note: no CDS archive beside $VR_RUNNER_JAR; figures will be slower" >&2
export VR_RUNNER_JAR
vrun="$top/vr-runner/src/main/sh/vrun"
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-runner.XXXXXX")
trap 'VR_ROOT=$work/apps "$vrun" teardown "$yaml" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
yaml=$work/none
export VR_ROOT="$work/apps"

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

"$top/scripts/make-busybox-image" "$work/busybox.tar.gz"
# A 100 MB build: 400 files of 256 KB random data, a Procfile and one uptest.
mkdir -p "$work/src/data" "$work/src/uptests/web"
i=0
while [ $i -lt 400 ]; do head -c 262144 /dev/urandom > "$work/src/data/f$i"; i=$((i + 1)); done
printf 'web: echo first-line; exec sleep 1000\n' > "$work/src/Procfile"
printf '#!/bin/sh\nexit 0\n' > "$work/src/uptests/web/01_ok"; chmod +x "$work/src/uptests/web/01_ok"
tar -C "$work/src" -czf "$work/build.tar.gz" .
port=$(awk 'BEGIN { srand(); print 20000 + int(rand() * 20000) }')
cat > "$work/proc.yaml" <<YAML
app_name: bench
version: v1
config_name: b
release_hash: 0123abcd
proc_name: web
port: $port
host: 127.0.0.1
user: nobody
group: nogroup
image_name: busybox
image_url: $work/busybox.tar.gz
build_url: $work/build.tar.gz
YAML
# Where the server puts it: in the proc's own folder (teardown removes the folder, so it is copied in again).
yaml=$VR_ROOT/procs/bench-v1-b-0123abcd-web-$port/proc.yaml
place() { mkdir -p "${yaml%/*}" && cp "$work/proc.yaml" "$yaml"; }
place
"$vrun" setup "$yaml"   # unpacks the image and caches the build

echo "## setup of a 100 MB build (image unpacked) vs tar xzf"
: > "$work/tar.ms"; : > "$work/setup.ms"
for r in 1 2 3 4 5; do
  rm -rf "$work/x"; mkdir "$work/x"; sync
  t0=$(now); tar -C "$work/x" -xzf "$work/build.tar.gz"; t1=$(now); ms "$t0" "$t1" >> "$work/tar.ms"
  "$vrun" teardown "$yaml"; place; sync
  t0=$(now); "$vrun" setup "$yaml"; t1=$(now); ms "$t0" "$t1" >> "$work/setup.ms"
done
tar_ms=$(median < "$work/tar.ms"); setup_ms=$(median < "$work/setup.ms")
echo "tar xzf: ${tar_ms} ms   vrun setup: ${setup_ms} ms   ratio: $(ratio "$setup_ms" "$tar_ms") (goal <= 1.10)"

echo "## vrun run to first output line vs JVM start-up + 2 x lxc-execute /bin/true"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$work/Hello.java"
javac -d "$work" "$work/Hello.java"
mkdir -p "$work/lxc/t" "$work/up"
cat > "$work/lxc/t/config" <<CFG
lxc.rootfs.path = overlay:$VR_ROOT/images/busybox/contents:$work/up/upper
lxc.net.0.type = none
lxc.autodev = 1
lxc.mount.auto = proc:mixed sys:ro
lxc.console.path = none
CFG
: > "$work/jvm.ms"; : > "$work/lxc.ms"; : > "$work/run.ms"; : > "$work/java.ms"
# Time from `vrun run` to the app's first line, in ms, appended to file $1.
first_line() {
  t0=$(now)
  "$vrun" run "$yaml" > "$work/run.out" 2>&1 &
  pid=$!
  while ! grep -q first-line "$work/run.out" 2>/dev/null; do sleep 0.005; done
  t1=$(now); ms "$t0" "$t1" >> "$1"
}
for r in 1 2 3 4 5 6 7 8 9; do
  t0=$(now); java -cp "$work" Hello >/dev/null; t1=$(now)
  ms "$t0" "$t1" >> "$work/jvm.ms"
  t0=$(now); lxc-execute -P "$work/lxc" -n t -- /bin/true; t1=$(now); ms "$t0" "$t1" >> "$work/lxc.ms"
  # As supervisord starts a set-up proc: the start setup (or the last start) recorded is still good.
  first_line "$work/run.ms"
  if [ "$r" = 1 ]; then
    # Resident memory beyond the app: the monitor (this pid, now lxc-execute) and LXC's init inside.
    sleep 0.3
    init=$(pgrep -P "$pid" | head -1)
    app=$(pgrep -P "$init" | head -1)
    mon_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    init_kb=$(awk '/VmRSS/ {print $2}' "/proc/$init/status")
    app_kb=$(awk '/VmRSS/ {print $2}' "/proc/$app/status")
    echo "RSS: monitor ($(cat /proc/$pid/comm)) ${mon_kb} kB + init ${init_kb} kB = $((mon_kb + init_kb)) kB beyond the app (app: $(cat /proc/$app/comm) ${app_kb} kB); java processes in the tree: $(pstree -p "$pid" | grep -c java || true)"
  fi
  kill -TERM "$pid"; wait "$pid" || true
  # The same start through Java, as after a change to proc.yaml: without the record.
  rm -f "${yaml%/*}/prepared-run"
  first_line "$work/java.ms"
  kill -TERM "$pid"; wait "$pid" || true
done
jvm=$(median < "$work/jvm.ms"); lxc=$(median < "$work/lxc.ms"); run=$(median < "$work/run.ms"); java_run=$(median < "$work/java.ms")
bound=$((jvm + 2 * lxc))
echo "JVM start-up: ${jvm} ms   lxc-execute /bin/true: ${lxc} ms   bound: ${bound} ms"
echo "vrun run to first line: ${run} ms   ratio: $(ratio "$run" "$bound") (goal <= 1.00)"
echo "the same through Java (proc.yaml changed since the last start): ${java_run} ms   ratio: $(ratio "$java_run" "$bound")"

echo "## one trivial uptest end to end vs the same bound"
: > "$work/up.ms"; : > "$work/upjava.ms"
for r in 1 2 3 4 5 6 7 8 9; do
  # As the server runs it on a set-up proc: the launcher starts the container from setup's record.
  t0=$(now); "$vrun" uptest "$yaml" > "$work/up.out"; t1=$(now); ms "$t0" "$t1" >> "$work/up.ms"
  grep -q '"Passed":true' "$work/up.out" || { echo "uptest did not pass: $(cat "$work/up.out")" >&2; exit 1; }
  # Wholly in Java, as when the proc.yaml changed since the record: the JVM starts the container itself.
  rm -f "${yaml%/*}/prepared-uptest"
  t0=$(now); "$vrun" uptest "$yaml" > "$work/up.out"; t1=$(now); ms "$t0" "$t1" >> "$work/upjava.ms"
  grep -q '"Passed":true' "$work/up.out" || { echo "uptest did not pass: $(cat "$work/up.out")" >&2; exit 1; }
done
up=$(median < "$work/up.ms"); up_java=$(median < "$work/upjava.ms")
echo "vrun uptest (1 uptest): ${up} ms   bound: ${bound} ms   ratio: $(ratio "$up" "$bound") (goal <= 1.00)"
echo "the same wholly in Java (no current record): ${up_java} ms   ratio: $(ratio "$up_java" "$bound")"
