# The suite's command-line tools: <command> <module> <extra JVM flags>. Sourced by scripts/build and scripts/package.
# proc_publisher runs on every host, so its flags keep it small (docs/performance.md, proc_publisher): a small
# heap with a 1 MB young generation, and ArchiveRelocationMode=0, which maps the class-data archive at the
# address it was made for instead of a random one (the default of recent JDK 17 builds), so that its pages
# are not rewritten and stay shared among the hosts' listeners.
TOOLS="vrun:vr-runner:
vbuild:vr-builder:
vimage:vr-imager:
proc_publisher:vr-agent:-XX:+UseSerialGC -Xmx32m -Xms4m -Xmn1m -Xss256k -XX:ReservedCodeCacheSize=8m -XX:MaxMetaspaceSize=48m -XX:+ExitOnOutOfMemoryError -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0
vr.cli:vr-cli:
vr-server:vr-server:-XX:TieredStopAtLevel=4 -Xms64m -Xmx1g -XX:+ExitOnOutOfMemoryError"
