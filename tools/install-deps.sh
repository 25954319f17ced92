#!/usr/bin/env bash
# Installs the Debian 12 packages Perizinan needs to build, run and test.
# Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(
  gcc meson ninja-build pkg-config gettext python3
  libglib2.0-dev libglib2.0-bin glib-networking libsoup-3.0-dev libjson-glib-dev libsqlite3-dev
  libargon2-dev libgnutls28-dev libcairo2-dev libpango1.0-dev libqrencode-dev
  libgtk-4-dev libadwaita-1-dev libpoppler-glib-dev
  fonts-dejavu-core xvfb xauth desktop-file-utils appstream-util
  poppler-utils zbar-tools python3-aiosmtpd curl sqlite3 flatpak-builder systemd
  locales softhsm2 gnutls-bin uncrustify openssl
  libpq-dev postgresql-15 haproxy
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "Missing packages: ${missing[*]}" >&2
  echo "Run this script as root (or install sudo) to install them." >&2
  exit 1
fi

# The server binaries are for throwaway clusters of the tests and the
# benchmark: the package is kept from making (and starting) a cluster of
# its own.
if [[ " ${missing[*]} " == *" postgresql-15 "* ]]; then
  "${as_root[@]}" mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" |
    "${as_root[@]}" tee /etc/postgresql-common/createcluster.d/perizinan.conf >/dev/null
fi

# HAProxy is for the cluster test, which runs one of its own: the package's
# service is kept from starting while it installs.
policy=/usr/sbin/policy-rc.d
own_policy=false
if [[ " ${missing[*]} " == *" haproxy "* ]] && [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
  "${as_root[@]}" chmod 755 "$policy"
  own_policy=true
fi

echo "Installing: ${missing[*]}"
"${as_root[@]}" apt-get update -q
status=0
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" || status=$?
if $own_policy; then
  "${as_root[@]}" rm -f "$policy"
fi
exit "$status"
