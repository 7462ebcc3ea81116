#!/bin/sh
# Cold start of the installed launchers against a hello-world Java class on the same JVM.
set -eu
command -v hyperfine >/dev/null || { echo "startup: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
javac -d "$tmp" "$tmp/Hello.java"
hyperfine -N --warmup 3 --runs 30 --export-json "$tmp/r.json" \
  "java -cp $tmp Hello" "dist/bin/vrun --version" "dist/bin/vrun --help" >/dev/null 2>&1
python3 - "$tmp/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = r[0]["mean"]
for x in r:
    print(f"{x['command']:<34} {x['mean']*1000:7.1f} ms ± {x['stddev']*1000:5.1f}   ratio {x['mean']/base:4.2f}x")
PY
