#!/usr/bin/env bash
# Installs what is missing, builds, and runs the server with a demo office
# on its embedded SQLite database (users front_office, tim_teknis,
# back_office, kasi, kabid, sekretaris, kadis, admin; password "demo").
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh

build=${PERIZINAN_DEMO_BUILD:-build}
[ -d "$build" ] || meson setup "$build" >/dev/null
meson compile -C "$build"

data=${PERIZINAN_DEMO_DATA:-demo-data}
port=${PERIZINAN_DEMO_PORT:-8080}
mkdir -p "$data"

echo "Demo office at http://127.0.0.1:$port/ (data in $data; remove it to start afresh)"
exec "$build/server/perizinan-server" --demo --data-dir "$data" --port "$port"
