#!/usr/bin/env bash
# The Indonesian translation is complete: every source file with
# translatable strings is in POTFILES, every message of the template and
# every workflow title has a translation, and none is fuzzy.
set -euo pipefail
top=${1:?usage: check-po.sh SOURCE_ROOT}
cd "$top"
status=0

for f in $(grep -rlE '(_\(|N_\(|C_\(|translatable="yes")' --include='*.c' --include='*.ui' shared server desktop 2>/dev/null); do
  if ! grep -qxF "$f" po/POTFILES.in; then
    echo "not in po/POTFILES.in: $f"
    status=1
  fi
done

stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null po/id.po 2>&1)
echo "id.po: $stats"
case "$stats" in
  *untranslated*|*fuzzy*) status=1 ;;
esac

# Every message the sources mark must be in id.po.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 \
  --add-comments --files-from=po/POTFILES.in -o "$tmp/src.pot"
python3 po/workflow-strings.py > "$tmp/wf.pot"
msgcat --use-first -o "$tmp/all.pot" "$tmp/src.pot" "$tmp/wf.pot"
# one line per missing message (a long one is shown by its first line;
# the template's header, an empty msgid, is not a message)
msgcomm --less-than=2 --unique "$tmp/all.pot" po/id.po -o "$tmp/unique.po" 2>/dev/null
# of those, the ones the sources have (not the ones only id.po still has)
msgcomm --more-than=1 "$tmp/unique.po" "$tmp/all.pot" 2>/dev/null |
  awk '/^msgid "[^"]/ {print; next} /^msgid ""$/ {getline; if ($0 ~ /^"/) print "msgid " $0}' > "$tmp/missing"
if [ -s "$tmp/missing" ]; then
  echo "messages missing from po/id.po (run po/update-pot.sh BUILDDIR and translate):"
  head -n 20 "$tmp/missing"
  status=1
fi
exit $status
