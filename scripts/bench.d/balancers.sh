#!/usr/bin/env bash
# Balancer benchmark (issue 6): per-change latency of the nginx, HAProxy, Varnish, Stingray (SOAP fake) and
# dummy backends end to end, against a real OpenSSH sshd and real daemons on loopback started for the run;
# baselines measured in the same run: the bare `nginx -t && nginx -s reload` and `varnishadm vcl.load &&
# vcl.use` over the same SSH connection, and HAProxy's runtime API round trips on its socket; then many
# changes in a row. Needs root, openssh-server, nginx-light, haproxy, varnish, socat (apt).
# Usage: scripts/bench.d/balancers.sh [changes per backend, default 20] [changes in a row, default 100]
set -euo pipefail
cd "$(dirname "$0")/../.."
for c in sshd nginx haproxy varnishd socat; do
  command -v "$c" >/dev/null || [ -x "/usr/sbin/$c" ] || { echo "balancers.sh: needs $c (apt-get install openssh-server nginx-light haproxy varnish socat)" >&2; exit 1; }
done
cache=${VR_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vr-bench}
mkdir -p "$cache"
mvn -B -q ${MVN_OFFLINE:+-o} -pl vr-common test-compile dependency:build-classpath -Dmdep.outputFile="$cache/balancers-cp.txt" >&2
echo "## balancers ($(date -u +%Y-%m-%d), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg), $(java -version 2>&1 | head -1))"
exec java -cp "vr-common/target/classes:vr-common/target/test-classes:$(cat "$cache/balancers-cp.txt")" vr.common.balancer.BalancerBench "${1:-20}" "${2:-100}"
