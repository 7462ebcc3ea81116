#!/usr/bin/env bash
# proc_publisher benchmark: events/s through a real pipe into the shaded listener jar against a real
# supervisord and Redis, end to end (baseline: one RPC + PUBLISH + hash MULTI per event done in-process, the
# listener's work per event before it coalesced), the listener's RSS
# with the recommended JVM flags against the JVM's defaults, and the delay from a supervisord state change
# to the Redis message (baseline: one XML-RPC round trip). Needs supervisor and redis-server (apt).
# Usage: scripts/bench.d/publisher.sh [events] [state changes]
set -euo pipefail
cd "$(dirname "$0")/../.."
EVENTS="${1:-2000}"
CHANGES="${2:-30}"
command -v supervisord >/dev/null || { echo "publisher.sh: needs supervisord (apt-get install supervisor)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "publisher.sh: needs redis-server (apt-get install redis-server)" >&2; exit 1; }
mvn -B -q ${MVN_OFFLINE:+-o} -pl vr-common,vr-agent -am package -DskipTests -DskipITs >&2
JAR="$(ls vr-agent/target/vr-agent-*-all.jar | head -1)"
CP="$JAR:vr-agent/target/test-classes:vr-common/target/test-classes"
echo "## proc_publisher ($(date -u +%Y-%m-%d), $(nproc) CPUs, $(java -version 2>&1 | head -1))"
exec java -cp "$CP" vr.agent.PublisherBench "$JAR" "$EVENTS" "$CHANGES"
