# Shared by scripts/test and scripts/quickstart: the Debian packages the suite and its tests need.
PREREQ_PACKAGES="lxc debootstrap busybox-static supervisor redis-server redis-tools openssh-server openssh-client
nginx-light varnish haproxy mercurial git socat tmux curl uidmap util-linux iproute2 procps dpkg-dev fakeroot
maven openjdk-17-jdk-headless hyperfine psmisc gcc libc6-dev sudo postgresql"
# command:package pairs checked after installing
PREREQ_COMMANDS="lxc-execute:lxc debootstrap:debootstrap busybox:busybox-static supervisord:supervisor
redis-server:redis-server redis-cli:redis-tools sshd:openssh-server ssh:openssh-client nginx:nginx-light
varnishd:varnish haproxy:haproxy hg:mercurial git:git socat:socat tmux:tmux curl:curl flock:util-linux
ip:iproute2 dpkg-deb:dpkg-dev mvn:maven javac:openjdk-17-jdk-headless script:bsdutils gcc:gcc sudo:sudo"

# Packages that bring no command of their own, checked with dpkg (libc6-dev: the static libc the privilege
# tests link their setuid probe with; postgresql: the server tests start their own PostgreSQL from its binaries).
PREREQ_LIBRARIES="libc6-dev postgresql"

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
have_package() { dpkg -s "$1" >/dev/null 2>&1; }

ensure_prereqs() {
  ensure_commands "$PREREQ_COMMANDS" "$PREREQ_PACKAGES"
}

# ensure_commands "COMMAND:PACKAGE ..." "PACKAGE ...": installs the packages (as root, with apt-get) when a
# command is missing, then fails naming the packages still missing.
ensure_commands() {
  missing=""
  for pair in $1; do
    have "${pair%%:*}" || missing="$missing ${pair#*:}"
  done
  for p in $PREREQ_LIBRARIES; do
    have_package "$p" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -eq 0 ] && have apt-get; then
    echo "==> installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $2 >/dev/null
  fi
  still=""
  for pair in $1; do
    have "${pair%%:*}" || still="$still ${pair#*:}"
  done
  for p in $PREREQ_LIBRARIES; do
    have_package "$p" || still="$still $p"
  done
  if [ -n "$still" ]; then
    echo "error: missing Debian packages:$still" >&2
    echo "       install them as root: apt-get install -y$still" >&2
    exit 1
  fi
}

# The dashboard's browser tests (vr.server.web.DashboardBrowserIT): Debian's chromium driven by playwright-core
# from the npm registry, pinned by vr-server/src/test/browser/package-lock.json. Only scripts/test needs them.
BROWSER_TEST_COMMANDS="chromium:chromium node:nodejs npm:npm"
BROWSER_TEST_PACKAGES="chromium nodejs npm"
BROWSER_TEST_DIR="vr-server/src/test/browser"

ensure_browser_tests() {
  ensure_commands "$BROWSER_TEST_COMMANDS" "$BROWSER_TEST_PACKAGES"
  if [ ! -d "$BROWSER_TEST_DIR/node_modules/playwright-core" ] \
      || [ "$BROWSER_TEST_DIR/package-lock.json" -nt "$BROWSER_TEST_DIR/node_modules/.package-lock.json" ]; then
    echo "==> npm ci in $BROWSER_TEST_DIR (playwright-core, no browser download)"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$BROWSER_TEST_DIR" --no-audit --no-fund >/dev/null
  fi
}

# Host settings the containers need; each is harmless when already set.
prepare_host() {
  [ "$(id -u)" -eq 0 ] || { echo "error: the integration tests need root (LXC, mounts, chown); run scripts/test --unit as a user" >&2; exit 1; }
  mkdir -p /run/sshd
  # Debian's packages start nothing here (no systemd); the tests start their own daemons on free ports.
}
