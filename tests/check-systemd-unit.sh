#!/usr/bin/env bash
# The service unit must pass `systemd-analyze verify` without a single
# complaint (unknown keys are only warnings there, so any output fails).
# The unit is checked with ExecStart pointing at the freshly built server.
set -euo pipefail
unit=${1:?usage: check-systemd-unit.sh UNIT SERVER}
server=${2:?usage: check-systemd-unit.sh UNIT SERVER}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|^ExecStart=[^ ]*perizinan-server |ExecStart=$server |" "$unit" > "$work/perizinan-server.service"
grep -q "^ExecStart=$server " "$work/perizinan-server.service"
if ! out=$(systemd-analyze verify "$work/perizinan-server.service" 2>&1) || [ -n "$out" ]; then
  echo "$out"
  exit 1
fi
for key in User StateDirectory ProtectSystem=strict NoNewPrivileges=yes; do
  grep -q "^$key" "$unit" || { echo "the unit lacks $key"; exit 1; }
done
echo "ok: $(basename "$unit") verified"
