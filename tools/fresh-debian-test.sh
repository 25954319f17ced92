#!/usr/bin/env bash
# Usage: tools/fresh-debian-test.sh COMMAND
# Runs COMMAND, which must be the README's test command, on a brand-new Debian 12: a minbase
# debootstrap chroot with nothing else installed, holding a clean export of
# this checkout's HEAD. A missing install step fails here even when the
# machine running it has everything.
#
# The base chroot is made once and kept (PERIZINAN_FRESH_CACHE, default
# /var/cache/perizinan-fresh); every run copies it, so nothing of an earlier
# run leaks in. Downloaded packages are kept beside it to save bandwidth;
# they are installed afresh each time.
#
# Needs root (debootstrap, chroot, bind mounts). Ends with the test command's
# own last line, "N passed, N failed". Exits 3 when no chroot can be made
# here (not root, no debootstrap, no mirror, no bind mounts), so a caller
# can tell that from a failing test.
set -uo pipefail
top=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel) || exit 1
cd "$top"

if [ "$(id -u)" -ne 0 ]; then
  echo "fresh-debian: needs root (debootstrap and chroot)" >&2
  exit 3
fi

cache=${PERIZINAN_FRESH_CACHE:-/var/cache/perizinan-fresh}
base=$cache/bookworm
archives=$cache/archives
mkdir -p "$cache" "$archives/partial"

if ! command -v debootstrap >/dev/null; then
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null || exit 3
fi

if [ ! -x "$base/bin/bash" ]; then
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
  [ -n "$mirror" ] || mirror=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
  echo "fresh-debian: making the base chroot from $mirror (once)"
  rm -rf "$base.partial"
  if ! debootstrap --variant=minbase bookworm "$base.partial" "$mirror" >"$cache/debootstrap.log" 2>&1; then
    echo "fresh-debian: debootstrap failed:" >&2
    tail -n 20 "$cache/debootstrap.log" >&2
    exit 3
  fi
  mv "$base.partial" "$base"
fi

# The README's first fenced block holds the two set-up commands; the test
# one is the line that mentions tests.
testcmd=$(awk '/^```/{n++; next} n==1' README.md | sed '/^[[:space:]]*#/d;/^[[:space:]]*$/d' |
  grep -m1 -i 'test' | sed 's/[[:space:]]*#.*$//')
if [ -z "$testcmd" ]; then
  echo "fresh-debian: no test command in the README's first code block" >&2
  exit 1
fi
if [ $# -gt 0 ] && [ "$*" != "$testcmd" ]; then
  echo "fresh-debian: \`$*\` is not the README's test command (\`$testcmd\`)" >&2
  exit 1
fi

root=$(mktemp -d "$cache/run.XXXXXX")
mounted=()
cleanup() {
  local i
  for (( i=${#mounted[@]}-1; i>=0; i-- )); do umount -l "${mounted[$i]}" 2>/dev/null; done
  rm -rf "$root"
}
trap cleanup EXIT

cp -a "$base/." "$root/"
mkdir -p "$root/src"
git archive HEAD | tar -x -C "$root/src"
cp /etc/resolv.conf "$root/etc/resolv.conf"
for m in proc sys dev dev/pts; do
  if ! mount --bind "/$m" "$root/$m"; then
    echo "fresh-debian: cannot bind-mount /$m into the chroot" >&2
    exit 3
  fi
  mounted+=("$root/$m")
done
mkdir -p "$root/var/cache/apt/archives"
mount --bind "$archives" "$root/var/cache/apt/archives" && mounted+=("$root/var/cache/apt/archives")

echo "fresh-debian: running \`$testcmd\` in a new Debian 12"
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 CI=true bash -c "cd /src && $testcmd"
rc=$?
# keep the test logs where the caller can read them
if [ -d "$root/src/build-test/meson-logs" ]; then
  mkdir -p build-fresh
  cp -a "$root/src/build-test/meson-logs/." build-fresh/ 2>/dev/null
fi
exit $rc
