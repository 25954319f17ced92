#!/usr/bin/env bash
# Regenerates po/perizinan.pot from the sources and the workflow
# definitions, then updates po/id.po from it. Run from a configured build
# directory: po/update-pot.sh BUILDDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: po/update-pot.sh BUILDDIR}
meson compile -C "$build" perizinan-pot
python3 "$here/workflow-strings.py" > "$here/workflow.pot"
msgcat --use-first -o "$here/perizinan.pot" "$here/perizinan.pot" "$here/workflow.pot"
rm -f "$here/workflow.pot"
msgmerge --quiet --update --backup=none --no-fuzzy-matching "$here/id.po" "$here/perizinan.pot"
