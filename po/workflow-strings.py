#!/usr/bin/env python3
"""Writes the translatable titles of the workflow definitions as a .pot.

xgettext cannot read JSON; po/update-pot.sh merges this into perizinan.pot.
"""
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent
seen = {}
for path in sorted((root / "data" / "workflows").glob("*.json")):
    doc = json.loads(path.read_text(encoding="utf-8"))
    rel = path.relative_to(root)
    seen.setdefault(doc["title"], f"{rel}:title")
    for i, step in enumerate(doc["steps"]):
        seen.setdefault(step["title"], f"{rel}:steps[{i}]")

out = sys.stdout
out.write('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n')
for msgid, where in seen.items():
    escaped = msgid.replace("\\", "\\\\").replace('"', '\\"')
    out.write(f"#: {where}\nmsgid \"{escaped}\"\nmsgstr \"\"\n\n")
