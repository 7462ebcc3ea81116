# The suite's command-line tools: <command> <module> <extra JVM flags>. Sourced by scripts/build and scripts/package.
TOOLS="vrun:vr-runner:
vbuild:vr-builder:
vimage:vr-imager:
proc_publisher:vr-agent:-XX:+UseSerialGC -Xmx32m -Xms8m -Xss256k -XX:ReservedCodeCacheSize=8m -XX:MaxMetaspaceSize=48m -XX:+ExitOnOutOfMemoryError
vr.cli:vr-cli:
vr-server:vr-server:-XX:TieredStopAtLevel=4 -Xms64m -Xmx1g -XX:+ExitOnOutOfMemoryError"
