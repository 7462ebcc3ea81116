#!/bin/sh
# vimage's packing of a provisioned image (vr.common.fs.Archives.createTarGz, as `vimage build` calls it) against
# GNU `tar czf` of the same tree. The tree is the Debian minbase base image unpacked (made once by
# scripts/make-debian-image into $VR_TEST_CACHE, default /var/cache/vr-suite-test, as the tests do; a minute).
# Needs root (the image's owners), hyperfine, and dist/ (scripts/build).
set -eu
command -v hyperfine >/dev/null || { echo "imager: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "imager: needs root (the image's file owners)" >&2; exit 1; }
cache=${VR_TEST_CACHE:-/var/cache/vr-suite-test}
base="$cache/debian-bookworm-minbase.tar.gz"
if [ ! -f "$base" ]; then
  echo "imager: making the Debian base image once into $cache"
  mkdir -p "$cache"
  scripts/make-debian-image "$base"
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/tree" "$tmp/classes"
tar -C "$tmp/tree" -xzf "$base"
javac -d "$tmp/classes" -cp dist/lib/vr-imager.jar vr-imager/src/test/java/vr/imager/PackBench.java
run="java -cp $tmp/classes:dist/lib/vr-imager.jar vr.imager.PackBench $tmp/tree"
threads=$(nproc)
echo "tree: $(du -sh "$tmp/tree" | cut -f1) in $(find "$tmp/tree" | wc -l) entries; $threads cores"
hyperfine -N --warmup 1 --runs "${BENCH_RUNS:-3}" --export-json "$tmp/r.json" \
  "tar -C $tmp/tree -czf $tmp/gnu.tar.gz ." \
  "$run $tmp/vimage.tar.gz" \
  "$run $tmp/l1.tar.gz 1 $threads" \
  "$run $tmp/l6x1.tar.gz 6 1" >/dev/null 2>&1
python3 - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]
r = json.load(open(os.path.join(tmp, "r.json")))["results"]
names = ["GNU tar czf (gzip -6, 1 thread)", "vimage default (createTarGz)", "createTarGz level 1, all cores",
         "createTarGz level 6, 1 thread"]
outs = ["gnu", "vimage", "l1", "l6x1"]
base, base_size = r[0]["mean"], os.path.getsize(os.path.join(tmp, "gnu.tar.gz"))
base_cpu = r[0]["user"] + r[0]["system"]
for name, out, x in zip(names, outs, r):
    size = os.path.getsize(os.path.join(tmp, out + ".tar.gz"))
    cpu = x["user"] + x["system"]
    print(f"{name:<34} {x['mean']:6.2f} s ± {x['stddev']:4.2f}   ratio {x['mean']/base:4.2f}x   "
          f"cpu {cpu:6.2f} s ({cpu/base_cpu:4.2f}x)   size {size/1e6:5.1f} MB ({size/base_size:4.2f}x)")
PY
