#!/usr/bin/env bash
# The C sources obey tools/uncrustify.cfg (GNU style, as in GLib and GTK).
# Usage: tools/check-format.sh [--fix] [SOURCE_ROOT]
#   without --fix: lists every file that differs and fails (exit 1);
#   with --fix: rewrites those files in place.
# Headers are left out: their prototypes are aligned in columns by hand,
# the GTK way, which no formatter reproduces.
# Exits 77 (skipped) when uncrustify is not installed.
set -euo pipefail
fix=false
if [ "${1:-}" = "--fix" ]; then
  fix=true
  shift
fi
top=${1:-$(dirname "$0")/..}
cd "$top"
command -v uncrustify >/dev/null || { echo "uncrustify is not installed (tools/install-deps.sh installs it)"; exit 77; }
cfg=tools/uncrustify.cfg
status=0
while IFS= read -r f; do
  if $fix; then
    uncrustify -q -c "$cfg" --no-backup "$f"
  elif ! uncrustify -q -c "$cfg" --check "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (tools/check-format.sh --fix rewrites it)"
    uncrustify -q -c "$cfg" -f "$f" | diff -u "$f" - | head -n 20 || true
    status=1
  fi
done < <(find shared server desktop tests bench -name '*.c' | sort)
exit "$status"
