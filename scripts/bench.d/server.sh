#!/usr/bin/env bash
# vr-server benchmark (the server issue's figures), everything on loopback with free ports, temp dirs and a
# redis-server of its own; every process it starts is stopped by PID at the end.
#  1. GET /api/v1/swarms/?limit=1000 with 1,000 swarms (5 squads of 3 hosts, 10 ingredients, 50 apps, each
#     swarm with a version, hence a release and a build), loaded through the API: requests/s and latency with
#     wrk at a fixed number of connections, against a baseline: the same Javalin (same jar, same JVM flags) in
#     a separate tiny process serving the same bytes from memory (vr.server.bench.HelloJavalin). Goal ≤ 3×
#     the baseline's time per request. Above it, a JFR sampling profile of the list says where the time goes.
#  2. Start to the first 200 from /health (fresh H2 data dir each run) against the hello-world Javalin's
#     start to its first answer; median of RUNS runs each, alternating. Goal ≤ 2×. Once as the JVM comes, once
#     with a class-data archive for each (a static archive of the classes one start of its own loaded).
#  3. Resident memory (VmRSS) idle after start, and after the list was served 100 times.
#  The same list on PostgreSQL (initdb into a temp dir as the postgres user) when PostgreSQL is installed and
#  this runs as root (PG=0 skips it). SSE is the events benchmark's (scripts/bench events, when it exists).
# Needs: wrk, redis-server, python3, curl (apt-get install wrk redis-server python3 curl).
# Usage: scripts/bench.d/server.sh   (SWARMS=1000 CONNS=4 DURATION=15 RUNS=5 PG=1 PROFILE=auto|1|0
#        JIT=c1|c2: c1 is the launcher's -XX:TieredStopAtLevel=1, c2 the JVM's default tiered compilers)
set -euo pipefail
cd "$(dirname "$0")/../.."
SWARMS="${SWARMS:-1000}"
CONNS="${CONNS:-4}"
DURATION="${DURATION:-15}"
RUNS="${RUNS:-5}"
PG="${PG:-1}"
PROFILE="${PROFILE:-auto}"
JIT="${JIT:-c1}"
for c in wrk redis-server python3 curl; do
  command -v "$c" >/dev/null || { echo "server.sh: needs $c (apt-get install $c)" >&2; exit 1; }
done
mvn -B -q ${MVN_OFFLINE:+-o} -pl vr-common,vr-server -am package -DskipTests -DskipITs >&2
JAR="$(ls vr-server/target/vr-server-*-all.jar | head -1)"
# The launcher's flags (scripts/lib/launcher.sh) without its class-data archive, for both processes alike.
FLAGS=(-XX:-UsePerfData)
[ "$JIT" = c1 ] && FLAGS+=(-XX:TieredStopAtLevel=1)
SERVER=(java "${FLAGS[@]}" -cp "$JAR" vr.server.VrServer)
USER_NAME=bench
PASSWORD=bench-password-not-secret
AUTH="Authorization: Basic $(printf '%s:%s' "$USER_NAME" "$PASSWORD" | base64)"

tmp=$(mktemp -d)
# The baseline in a jar of its own: a class-data archive takes classes from jars only, not from directories.
jar cf "$tmp/hello.jar" -C vr-server/target/test-classes vr/server/bench/HelloJavalin.class
HELLO=(java "${FLAGS[@]}" -cp "$JAR:$tmp/hello.jar" vr.server.bench.HelloJavalin)
pids=()
pg_pid=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  if [ -n "$pg_pid" ]; then
    kill -INT "$pg_pid" 2>/dev/null || true
    for _ in $(seq 200); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # url [auth]: until it answers 200 (60 s)
  for _ in $(seq 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' ${2:+-H "$2"} "$1" || true)" = 200 ] && return 0
    sleep 0.1
  done
  echo "server.sh: $1 did not answer 200" >&2; return 1
}
stop() { # pid: SIGTERM, wait, forget
  kill "$1" 2>/dev/null || true
  for _ in $(seq 150); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local keep=(); for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; pids=("${keep[@]}")
}
rss() { awk '/^VmRSS/ {printf "%.0f MB", $2/1024}' "/proc/$1/status"; }
settings() { # file data_dir port [database_url]
  {
    echo "BIND: 127.0.0.1"
    echo "PORT: $3"
    echo "DATA_DIR: $2"
    echo "REDIS_URL: redis://127.0.0.1:$redis_port"
    echo "SSH_KEY: $tmp/no-ssh-key"
    echo "SSH_KNOWN_HOSTS: $tmp/known_hosts"
    if [ -n "${4:-}" ]; then echo "DATABASE_URL: \"$4\""; fi
  } > "$1"
}
start_server() { # config log -> $server_pid
  "${SERVER[@]}" --config "$1" >"$2" 2>&1 &
  server_pid=$!; pids+=("$server_pid")
}
# wrk NAME URL [header]: prints one line; leaves requests/s in $rps
bench_wrk() {
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 60s --latency ${3:+-H "$3"} "$2" > "$tmp/wrk.out"
  read -r rps p50 p99 bad < <(python3 - "$tmp/wrk.out" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m|h)$", v)
    if not m:
        sys.exit("server.sh: cannot read wrk's output:\n" + t)
    n, u = m.groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000, "h": 3600000}[u]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
err = re.search(r"Socket errors: (.*)", t)
print(rps, p50, p99, (bad.group(1) if bad else "0") + ("/" + err.group(1).replace(" ", "") if err else ""))
PY
)
  printf '  %-44s %9.1f req/s  %8.2f ms/req  p50 %8.2f ms  p99 %8.2f ms  non-2xx %s\n' \
    "$1" "$rps" "$(python3 -c "print(1000/$rps)")" "$p50" "$p99" "$bad"
}
load_swarms() { # base_url
  local t0; t0=$(date +%s.%N)
  local n; n=$(java "${FLAGS[@]}" -cp "$JAR:vr-server/target/test-classes" vr.server.bench.SwarmLoader "$1" "$USER_NAME" "$PASSWORD" "$SWARMS")
  printf '  loaded through the API: %s swarms, 50 apps, 5 squads x 3 hosts, 10 ingredients in %.1f s\n' "$n" \
    "$(python3 -c "print($(date +%s.%N) - $t0)")"
}
# profile PID URL: a JFR sampling profile while wrk loads the list; prints where the samples are
profile() {
  jcmd "$1" JFR.start name=bench settings=profile filename="$tmp/list.jfr" >/dev/null
  wrk -t2 -c"$CONNS" -d10s --timeout 60s -H "$AUTH" "$2" >/dev/null
  jcmd "$1" JFR.stop name=bench >/dev/null
  jfr print --events jdk.ExecutionSample --stack-depth 200 "$tmp/list.jfr" > "$tmp/samples.txt"
  python3 - "$tmp/samples.txt" <<'PY'
import collections, re, sys
samples, cur = [], None
for line in open(sys.argv[1]):
    s = line.strip()
    if s.startswith("jdk.ExecutionSample"):
        cur = {"thread": "", "frames": []}
        samples.append(cur)
    elif s.startswith("sampledThread"):
        cur["thread"] = s
    elif cur is not None and re.match(r"^[\w$.<>]+\(.*\)\s+line:", s):
        cur["frames"].append(s.split("(")[0])
work = [x for x in samples if any(f.startswith(("io.javalin.", "org.eclipse.jetty.")) for f in x["frames"])]
threads = collections.Counter(re.sub(r"[-\d]+", "N", x["thread"].split("=", 1)[-1].split("(")[0].strip(' "')) for x in work)
print(f"  JFR: {len(samples)} execution samples, {len(work)} in request threads ({', '.join(t for t, _ in threads.most_common(2))})")
# Each sample goes to the innermost frame that belongs to one of these (a frame of java.* goes to its caller):
# the whole list runs inside Jdbi's withHandle, so "anywhere on the stack" would give Jdbi everything.
phases = [("YAML (SnakeYAML: the stored config_yaml/env_yaml/volumes parsed)", "org.yaml.snakeyaml."),
          ("JSON writing (Jackson)", "com.fasterxml.jackson."),
          ("database: H2 engine", "org.h2."),
          ("database: PostgreSQL driver", "org.postgresql."),
          ("database: Jdbi and Hikari (statements)", ("org.jdbi.", "com.zaxxer.")),
          ("authentication (Basic: bcrypt, cache HMAC, user row)", ("vr.server.auth.", "org.bouncycastle.")),
          ("reading rows (Records.rows: JDBC to maps)", "vr.server.api.rest.Records."),
          ("rendering (vr.server: URIs, merged config/env, procs)", "vr.server."),
          ("Jetty (HTTP, socket writes)", "org.eclipse.jetty.")]
by = collections.Counter()
for x in work:
    name = next((n for f in x["frames"] for n, pre in phases if f.startswith(pre)), "other")
    by[name] += 1
print("  request threads' samples by the innermost frame of a known part:")
for name, n in by.most_common():
    print(f"    {100 * n / max(1, len(work)):5.1f}%  {name}")
incl = collections.Counter()
for x in work:
    for f in set(f for f in x["frames"] if f.startswith("vr.server.")):
        incl[f] += 1
print("  vr.server methods on the stack (inclusive share of request-thread samples):")
for f, n in incl.most_common(12):
    print(f"    {100 * n / max(1, len(work)):5.1f}%  {f}")
top = collections.Counter(x["frames"][0] for x in work if x["frames"])
print("  hottest frames (self):")
for f, n in top.most_common(8):
    print(f"    {100 * n / max(1, len(work)):5.1f}%  {f}")
PY
}

echo "## vr-server ($(date -u +%Y-%m-%d), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1), JIT $JIT)"
echo "  JVM flags of both processes: ${FLAGS[*]} (the launcher's, without its CDS archive)"

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" >"$tmp/redis.log" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

# --- 1 and 3: the list on H2
port=$(free_port)
settings "$tmp/h2.yaml" "$tmp/h2-data" "$port"
printf '%s\n' "$PASSWORD" | "${SERVER[@]}" create-user "$USER_NAME" --admin --config "$tmp/h2.yaml" >/dev/null
BASE="http://127.0.0.1:$port"
LIST="$BASE/api/v1/swarms/?limit=1000"
echo
echo "# H2 (embedded, the default)"
start_server "$tmp/h2.yaml" "$tmp/server-load.log"
wait_http "$BASE/health"
load_swarms "$BASE"
stop "$server_pid"
start_server "$tmp/h2.yaml" "$tmp/server.log"
wait_http "$BASE/health"
sleep 3
echo "  RSS idle after start ($SWARMS swarms stored): $(rss "$server_pid")"
python3 - "$LIST" "$AUTH" "$tmp/list.json" <<'PY'
import http.client, statistics, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
k, v = sys.argv[2].split(": ", 1)
c = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
times = []
for i in range(100):
    t0 = time.perf_counter()
    c.request("GET", u.path + "?" + u.query, headers={k: v})
    r = c.getresponse()
    body = r.read()
    times.append((time.perf_counter() - t0) * 1000)
    assert r.status == 200, r.status
open(sys.argv[3], "wb").write(body)
first = times[0]
times.sort()
print(f"  100 sequential GETs of the list on one connection: first {first:.0f} ms, ", end="")
print(f"median {statistics.median(times):.1f} ms, p99 {times[98]:.1f} ms, slowest {times[-1]:.1f} ms; body {len(body):,} bytes")
PY
echo "  RSS after serving the list 100 times: $(rss "$server_pid")"
count=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(len(d['objects']), d['meta']['total_count'])" "$tmp/list.json")
echo "  objects in the list / total_count: $count"
size=$(stat -c %s "$tmp/list.json")
hello_port=$(free_port)
"${HELLO[@]}" "$hello_port" "$tmp/list.json" >"$tmp/hello.log" 2>&1 &
hello_pid=$!; pids+=("$hello_pid")
wait_http "http://127.0.0.1:$hello_port/static"
[ "$(curl -s "http://127.0.0.1:$hello_port/static" | wc -c)" = "$size" ] || { echo "server.sh: baseline size differs" >&2; exit 1; }
echo "  wrk -t2 -c$CONNS -d${DURATION}s --latency (wrk shares the $(nproc) cores with the server):"
bench_wrk "baseline: HelloJavalin, the same $size bytes" "http://127.0.0.1:$hello_port/static"
base_rps=$rps
stop "$hello_pid"
bench_wrk "vr-server GET /api/v1/swarms/?limit=1000" "$LIST" "$AUTH"
list_rps=$rps
bench_wrk "vr-server GET /api/v1/swarms/?limit=1 (reference)" "$BASE/api/v1/swarms/?limit=1" "$AUTH"
ratio=$(python3 -c "print(f'{$base_rps / $list_rps:.1f}')")
echo "  RSS after the wrk runs: $(rss "$server_pid")"
echo "  => list / baseline, time per request: ${ratio}x (goal <= 3x)"
if [ "$PROFILE" = 1 ] || { [ "$PROFILE" = auto ] && python3 -c "import sys; sys.exit(0 if $ratio > 3 else 1)"; }; then
  profile "$server_pid" "$LIST"
fi
stop "$server_pid"

# --- 2: start to the first request, alternating, fresh data dir for each vr-server start
echo
echo "# start to the first 200 from /health, median of $RUNS, alternating (a fresh H2 data dir for each fresh start)"
for i in $(seq 0 "$RUNS"); do
  settings "$tmp/start$i.yaml" "$tmp/start$i-data" "$(free_port)"
  settings "$tmp/cds$i.yaml" "$tmp/cds$i-data" "$(free_port)"
done
python3 - "$RUNS" "$tmp" "${#SERVER[@]}" "${SERVER[@]}" "${HELLO[@]}" <<'PY'
import os, re, signal, socket, statistics, subprocess, sys, time
runs, tmp, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
server, hello = sys.argv[4:4 + n], sys.argv[4 + n:]
def free():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
def first(cmd, port):
    log = open(os.path.join(tmp, "start.log"), "ab")
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=log, stderr=log)
    try:
        while True:
            if p.poll() is not None:
                raise SystemExit(f"server.sh: {cmd} exited with {p.returncode} (see the log)")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                    s.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    if s.recv(16).startswith(b"HTTP/1.1 200"):
                        return (time.monotonic() - t0) * 1000
            except OSError:
                pass
            time.sleep(0.002)
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(90)  # a training run writes its class-data archive on the way out
        except subprocess.TimeoutExpired:
            p.kill(); p.wait()
def server_first(cfg, jvm=()):
    return first(server[:1] + list(jvm) + server[1:] + ["--config", cfg],
                 int(re.search(r"PORT: (\d+)", open(cfg).read()).group(1)))
def hello_first(jvm=()):
    port = free()
    return first(hello[:1] + list(jvm) + hello[1:] + [str(port)], port)
def measure(prefix, hello_jvm=(), server_jvm=()):
    h, v, r = [], [], []
    for i in range(1, runs + 1):
        h.append(hello_first(hello_jvm))
        v.append(server_first(os.path.join(tmp, f"{prefix}{i}.yaml"), server_jvm))
        r.append(server_first(os.path.join(tmp, "h2.yaml"), server_jvm))
    mh, mv, mr = statistics.median(h), statistics.median(v), statistics.median(r)
    print("  hello-world Javalin:               median %6.0f ms  (%s)" % (mh, ", ".join("%.0f" % x for x in h)))
    print("  vr-server, fresh H2 (migrates):    median %6.0f ms  (%s)" % (mv, ", ".join("%.0f" % x for x in v)))
    print("  vr-server, restart on the swarms': median %6.0f ms  (%s)" % (mr, ", ".join("%.0f" % x for x in r)))
    print("  => vr-server / hello-world: %.1fx fresh, %.1fx restart (goal <= 2x)" % (mv / mh, mr / mh))
print("  without class-data archives (as the JVM comes):")
measure("start")
# Each with a static archive of the classes one start of its own loaded, as the launcher's make-cds makes
# vr-server's: the same technique for both, as installed vr-server runs.
def archive(name, cmd, train):
    lst, jsa = os.path.join(tmp, name + ".classlist"), os.path.join(tmp, name + ".jsa")
    train(["-XX:DumpLoadedClassList=" + lst])
    log = open(os.path.join(tmp, "start.log"), "ab")
    subprocess.run(cmd[:1] + ["-Xshare:dump", "-XX:SharedClassListFile=" + lst, "-XX:SharedArchiveFile=" + jsa]
                   + cmd[1:-1], stdout=log, stderr=log)
    if not os.path.exists(jsa):
        raise SystemExit(f"server.sh: no class-data archive {jsa} (see {tmp}/start.log)")
    return jsa
hjsa = archive("hello", hello, hello_first)
sjsa = archive("server", server, lambda jvm: server_first(os.path.join(tmp, "cds0.yaml"), jvm))
print("  each with a class-data archive of the classes one start of it loaded:")
measure("cds", ["-XX:SharedArchiveFile=" + hjsa], ["-XX:SharedArchiveFile=" + sjsa])
PY

# --- the list on PostgreSQL
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ "$PG" = 1 ] && [ -n "$pg_bin" ] && [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  echo
  echo "# PostgreSQL ($("$pg_bin/postgres" --version | awk '{print $3}'), initdb in a temp dir, fsync off)"
  pg_port=$(free_port)
  mkdir -p "$tmp/pg/data"; chown -R postgres:postgres "$tmp/pg"; chmod o+x "$tmp"
  as_pg() { setpriv --reuid=postgres --regid=postgres --clear-groups -- "$@"; }
  as_pg "$pg_bin/initdb" -D "$tmp/pg/data" -U vr -A trust -E UTF8 --no-sync --locale=C.UTF-8 >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/postgres.log" -w -t 60 start \
    -o "-p $pg_port -k $tmp/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" >/dev/null
  pg_pid=$(head -1 "$tmp/pg/data/postmaster.pid")
  as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U vr vr
  port=$(free_port)
  settings "$tmp/pg.yaml" "$tmp/pg-data" "$port" "jdbc:postgresql://127.0.0.1:$pg_port/vr?user=vr"
  printf '%s\n' "$PASSWORD" | "${SERVER[@]}" create-user "$USER_NAME" --admin --config "$tmp/pg.yaml" >/dev/null
  BASE="http://127.0.0.1:$port"
  start_server "$tmp/pg.yaml" "$tmp/server-pg.log"
  wait_http "$BASE/health"
  load_swarms "$BASE"
  for _ in $(seq 20); do curl -s -o /dev/null -H "$AUTH" "$BASE/api/v1/swarms/?limit=1000"; done
  bench_wrk "vr-server GET /api/v1/swarms/?limit=1000" "$BASE/api/v1/swarms/?limit=1000" "$AUTH"
  echo "  => list on PostgreSQL / baseline (above), time per request: $(python3 -c "print(f'{$base_rps / $rps:.1f}')")x"
  [ "$PROFILE" = 1 ] && profile "$server_pid" "$BASE/api/v1/swarms/?limit=1000"
  stop "$server_pid"
fi

echo
if [ -x scripts/bench.d/events.sh ]; then
  echo "# SSE: measured by scripts/bench events"
else
  echo "# SSE: not measured here (the events benchmark, scripts/bench.d/events.sh, is not on this branch)"
fi
