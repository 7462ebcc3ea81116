#!/bin/sh
# vbuild's build script. It runs inside the build container as an unprivileged user, with POSIX sh only:
# busybox stacks have no bash. vbuild passes everything in the environment:
#   VBUILD_MODE        build (detect, compile, release) or shell (an interactive shell, same environment)
#   VBUILD_APP         the app checkout, the buildpack's BUILD_DIR; it becomes build.tar.gz
#   VBUILD_CACHE       the buildpack's CACHE_DIR (a copy of the app's cache; kept only if the build succeeds)
#   VBUILD_META        where this script leaves its results for vbuild; never part of the build
#   VBUILD_BUILDPACKS  buildpack directories, ':'-separated, in the order to try
#   VBUILD_DETECT      1: run bin/detect of each buildpack until one exits 0; 0: use the only buildpack as is
# Results in VBUILD_META: buildpack (the one chosen), compile.log, compile-status (written once compile has
# ended: the post-build flag), release.yaml, no-detect (when no buildpack detected the app).
set -u
# The runner gives a proc with port 0 no PORT at all; buildpacks are promised PORT=0, as in the original.
PORT=0; export PORT
app=$VBUILD_APP cache=$VBUILD_CACHE meta=$VBUILD_META packs=$VBUILD_BUILDPACKS

# ENV_DIR holds one file per config var (Heroku's v2 contract); builds have none yet.
env_dir=$meta/env
mkdir -p "$env_dir" "$cache" || exit 70

if [ "${VBUILD_MODE:-build}" = shell ]; then
  BUILD_DIR=$app CACHE_DIR=$cache ENV_DIR=$env_dir BUILDPACK_DIRS=$packs
  export BUILD_DIR CACHE_DIR ENV_DIR BUILDPACK_DIRS
  cd "$app" || exit 70
  echo "vbuild shell: the build environment. Try:"
  old_ifs=$IFS; IFS=:
  for bp in $packs; do
    echo "  $bp/bin/detect \$BUILD_DIR && $bp/bin/compile \$BUILD_DIR \$CACHE_DIR \$ENV_DIR"
  done
  IFS=$old_ifs
  exec /bin/sh -i
fi

chosen=
if [ "$VBUILD_DETECT" = 1 ]; then
  old_ifs=$IFS; IFS=:
  for bp in $packs; do
    IFS=$old_ifs
    if [ -x "$bp/bin/detect" ] && name=$("$bp/bin/detect" "$app" </dev/null); then
      chosen=$bp
      echo "-----> ${name:-An} app detected (buildpack $bp)"
      break
    fi
    IFS=:
  done
  IFS=$old_ifs
  if [ -z "$chosen" ]; then
    : > "$meta/no-detect"
    exit 3
  fi
else
  chosen=$packs
fi
echo "$chosen" > "$meta/buildpack"

# POSIX sh has no pipefail: the compile's own status goes to a file before tee ends. That file is also the
# post-build flag: a container that died during compile leaves none (the original's .postbuild.flag).
cd "$app" || exit 70
{ "$chosen/bin/compile" "$app" "$cache" "$env_dir" </dev/null 2>&1; echo $? > "$meta/compile-status"; } \
  | tee "$meta/compile.log"
status=$(cat "$meta/compile-status" 2>/dev/null) || exit 71
[ "$status" = 0 ] || exit "$status"

if [ -x "$chosen/bin/release" ]; then
  "$chosen/bin/release" "$app" </dev/null > "$meta/release.yaml" || exit 72
else
  : > "$meta/release.yaml"
fi
exit 0
