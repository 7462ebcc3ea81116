#!/bin/sh
# Event streams benchmark: N SSE clients on /api/streams/events/ over real HTTP with a real redis-server; the time
# from one PUBLISH until the last client has read the event, against one client in the same run (medians).
# Needs redis-server (apt). Usage: scripts/bench.d/events.sh [clients] [runs]
set -eu
cd "$(dirname "$0")/../.."
command -v redis-server >/dev/null || { echo "events.sh: needs redis-server (apt-get install redis-server)" >&2; exit 1; }
mvn -B -q ${MVN_OFFLINE:+-o} -pl vr-common,vr-server -am package -DskipTests -DskipITs >&2
JAR="$(ls vr-server/target/vr-server-*-all.jar | head -1)"
echo "## event streams ($(date -u +%Y-%m-%d), $(nproc) CPUs, $(java -version 2>&1 | head -1))"
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$JAR:vr-server/target/test-classes:vr-common/target/test-classes" \
  vr.server.events.EventsBench "${1:-100}" "${2:-15}"
