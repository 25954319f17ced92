#!/usr/bin/env bash
# Installs what is missing, builds, runs the server with a demo office on its
# embedded SQLite database, and opens the desktop app on it. Users:
# front_office, tim_teknis, back_office, kasi, kabid, sekretaris, kadis,
# admin; password "demo".
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh

build=${PERIZINAN_DEMO_BUILD:-build}
[ -d "$build" ] || meson setup "$build" >/dev/null
meson compile -C "$build"

data=${PERIZINAN_DEMO_DATA:-demo-data}
port=${PERIZINAN_DEMO_PORT:-8080}
url="http://127.0.0.1:$port"
mkdir -p "$data"

PERIZINAN_LOCALEDIR="$build/po" "$build/server/perizinan-server" --demo --data-dir "$data" --port "$port" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT

for _ in $(seq 1 100); do
  curl -fsS "$url/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
echo "Demo office at $url (data in $data; remove it to start afresh)"
echo "Log in as front_office, tim_teknis, back_office, kasi, kabid, sekretaris or kadis; password: demo"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  PERIZINAN_LOCALEDIR="$build/po" GSETTINGS_SCHEMA_DIR="$build/data" "$build/desktop/perizinan" --server "$url"
else
  echo "No graphical session here: the server keeps running (Ctrl+C stops it)."
  echo "Run the desktop app on a desktop with: PERIZINAN_LOCALEDIR=$build/po $build/desktop/perizinan --server $url"
  wait $server
fi
