#!/usr/bin/env bash
# Installs what Streamio needs when it is missing. Sourced by run.sh and test.sh; every step is idempotent and
# non-interactive (CI has no standard input).
set -euo pipefail

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else
    echo "error: '$*' needs root; run it as root or install the package yourself." >&2; return 1; fi
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    echo "==> apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
    apt_updated=1
  fi
  echo "==> apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" </dev/null >/dev/null
}

ensure_ffmpeg() {
  if ! command -v ffmpeg >/dev/null 2>&1 || ! command -v ffprobe >/dev/null 2>&1; then
    apt_install ffmpeg
  fi
  # The SRT ingest server loads libsrt itself (libsrt-gnutls.so.1.5): FFmpeg pulling it in today is not a promise.
  if ! compgen -G '/usr/lib/*/libsrt-gnutls.so.1.5' >/dev/null; then
    apt_install libsrt1.5-gnutls
  fi
}

# The font burned-in watermarks are drawn with (Streamio:Watermark:FontFile points into it).
ensure_fonts() {
  if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
    apt_install fonts-dejavu-core
  fi
}

# The PostgreSQL tests start a private server from these binaries (no service needs to run).
ensure_postgres() {
  if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    apt_install postgresql
  fi
}

# npm packages of package.json: the browser libraries the web app serves (run.sh) and the test peers (test.sh).
# "npm ci" installs exactly the lock file; it runs only when the lock changed since the last install.
ensure_node_packages() {
  if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
  fi
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "==> npm ci"
    npm ci --no-audit --no-fund --loglevel=error </dev/null
  fi
}

# Headless Chromium for the browser tests (Debian's package; no browser is downloaded by a test tool).
ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    apt_install chromium
  fi
}

ensure_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK is not installed (https://dot.net); Streamio builds with it." >&2
    exit 1
  fi
}
