# The suite's command-line tools: <command> <module> <extra JVM flags>. Sourced by scripts/build and scripts/package.
TOOLS="vrun:vr-runner:
vbuild:vr-builder:
vimage:vr-imager:
proc_publisher:vr-agent:-Xmx32m -Xss256k -XX:MaxMetaspaceSize=48m -XX:CICompilerCount=1
vr.cli:vr-cli:
vr-server:vr-server:"
