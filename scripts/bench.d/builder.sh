#!/bin/sh
# vbuild on a ~50 MB app: the time vbuild adds on top of the buildpack's own compile (checkout, container,
# packing) against GNU `tar czf` of the same tree, for a first build (clone, empty cache) and a second one
# (fetch, cache reused). Goal: overhead <= 2 s + 1.0x tar. Needs root, lxc, git, busybox-static.
# VBUILD overrides the command (default dist/bin/vbuild), e.g. VBUILD="java -jar vr-builder/target/vr-builder-0.1.0-all.jar".
set -eu
[ "$(id -u)" = 0 ] || { echo "builder: must run as root (LXC)" >&2; exit 1; }
VBUILD=${VBUILD:-$(pwd -P)/dist/bin/vbuild}
here=$(pwd)
tmp=$(mktemp -d /tmp/vbuild-bench.XXXXXX); trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
export RAPTOR_HOME=$tmp/home VR_ROOT=$tmp/vr
now() { date +%s.%N; }
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }

# The app: 20 MB that does not compress, 30 MB of text that does, 400 files.
mkdir -p "$tmp/app/bin" "$tmp/app/data" "$tmp/app/text"
for i in $(seq 1 200); do head -c 100000 /dev/urandom > "$tmp/app/data/blob$i"; done
for i in $(seq 1 200); do head -c 112000 /dev/urandom | base64 > "$tmp/app/text/doc$i.txt"; done
echo 'echo run' > "$tmp/app/run.sh"
(cd "$tmp/app" && git init -q -b main && git add -A && git -c user.name=b -c user.email=b@b commit -qm app)
size=$(du -sm --exclude=.git "$tmp/app" | cut -f1)

# The buildpack's compile does almost nothing (its own time is printed and subtracted); it leaves 5 MB in
# the cache on the first build so that the second build has a cache to copy in.
mkdir -p "$tmp/bp/bin"
printf '#!/bin/sh\necho bench\n' > "$tmp/bp/bin/detect"
cat > "$tmp/bp/bin/compile" <<'SH'
#!/bin/sh
[ -f "$2/blob" ] || head -c 5000000 /dev/urandom > "$2/blob"
SH
printf '#!/bin/sh\necho "default_process_types: {web: sh run.sh}"\n' > "$tmp/bp/bin/release"
chmod +x "$tmp/bp/bin/"*
(cd "$tmp/bp" && git init -q -b main && git add -A && git -c user.name=b -c user.email=b@b commit -qm bp)

scripts/make-busybox-image "$tmp/busybox_bench.tar.gz"
cat > "$tmp/app.yaml" <<YAML
app_name: bench
app_repo_type: git
app_repo_url: $tmp/app
version: main
buildpack_url: $tmp/bp
image_url: $tmp/busybox_bench.tar.gz
image_name: busybox_bench
YAML
# The stack is unpacked once per host; a tiny build does that before timing.
mkdir -p "$tmp/warm" "$tmp/out"
cp -r "$tmp/bp" "$tmp/warmapp" && sed "s|$tmp/app|$tmp/warmapp|; s|app_name: bench|app_name: warm|" "$tmp/app.yaml" > "$tmp/warm.yaml"
(cd "$tmp/warm" && $VBUILD build "$tmp/warm.yaml" >/dev/null)

# The compile itself, run bare on the host: what the buildpack costs without vbuild.
mkdir -p "$tmp/c1"
t0=$(now); sh "$tmp/bp/bin/compile" "$tmp/app" "$tmp/c1" "$tmp/c1"; t1=$(now)
compile=$(awk "BEGIN{print $t1 - $t0}")

t0=$(now); (cd "$tmp/out" && $VBUILD build "$tmp/app.yaml" >/dev/null); t1=$(now)
first=$(awk "BEGIN{print $t1 - $t0 - $compile}")
seconds=""
for i in 1 2 3; do
  t0=$(now); (cd "$tmp/out" && $VBUILD build "$tmp/app.yaml" >/dev/null); t1=$(now)
  seconds="$seconds $(awk "BEGIN{print $t1 - $t0 - $compile}")"
done
second=$(median3 $seconds)
tars=""
for i in 1 2 3; do
  t0=$(now); tar -C "$tmp/app" --exclude=.git -czf "$tmp/tar.tar.gz" .; t1=$(now)
  tars="$tars $(awk "BEGIN{print $t1 - $t0}")"
done
tar=$(median3 $tars)
# What git itself needs to clone the same repository without hard links (vbuild links a local repository's objects instead; a remote one costs about this).
t0=$(now); git clone -q --bare --no-local "file://$tmp/app" "$tmp/gitclone.git"; t1=$(now)
gitclone=$(awk "BEGIN{print $t1 - $t0}")
build_mb=$(du -m "$tmp/out/build.tar.gz" | cut -f1)
tar_mb=$(du -m "$tmp/tar.tar.gz" | cut -f1)
python3 - "$size" "$tar" "$first" "$second" "$build_mb" "$tar_mb" "$gitclone" <<'PY'
import sys
size, tar, first, second, bmb, tmb, gitclone = sys.argv[1], *map(float, sys.argv[2:])
goal = 2 + tar
print(f"app: {size} MB in 400 files; build.tar.gz {bmb:.0f} MB, tar czf {tmb:.0f} MB")
print(f"GNU tar czf (baseline)          {tar:6.2f} s   1.00x")
print(f"vbuild overhead, first build    {first:6.2f} s   {first/tar:4.2f}x tar   goal <= {goal:.2f} s: {'met' if first <= goal else 'NOT met'}")
print(f"git clone --bare --no-local     {gitclone:6.2f} s   {gitclone/tar:4.2f}x tar   (a clone that copies; for reference)")
print(f"vbuild overhead, second build   {second:6.2f} s   {second/tar:4.2f}x tar   goal <= {goal:.2f} s: {'met' if second <= goal else 'NOT met'}")
PY
