#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors and with
# AddressSanitizer + UndefinedBehaviorSanitizer, and runs the whole test
# suite. Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh || exit 1

build=${PERIZINAN_TEST_BUILD:-build-test}
if [ -d "$build" ]; then
  meson setup --reconfigure "$build" -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null || exit 1
else
  meson setup "$build" -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null || exit 1
fi
meson compile -C "$build" || exit 1

xvfb-run -a -s "-screen 0 1280x800x24" meson test -C "$build" --num-processes 2 --print-errorlogs
status=$?

python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
try:
    with open(sys.argv[1]) as f:
        for line in f:
            result = json.loads(line).get("result")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
except FileNotFoundError:
    failed = 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit $status
