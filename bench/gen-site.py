#!/usr/bin/env python3
"""Generates a Hugo content folder of N pages with the real pages' shapes: the Gen3 site's own
46 pages (landing page included), then copies of its other 45 pages, in turn, under
gen/NNN/, each with its title numbered so that no two pages are alike.

Usage: gen-site.py SITE_CONTENT OUT [N]   (N defaults to 10000)
"""
import os
import re
import shutil
import sys

src, out = sys.argv[1], sys.argv[2]
total = int(sys.argv[3]) if len(sys.argv) > 3 else 10000

pages = []
for root, _, files in os.walk(src):
    for name in sorted(files):
        if name.endswith((".md", ".adoc", ".html")):
            pages.append(os.path.relpath(os.path.join(root, name), src))
pages.sort()
shutil.copytree(src, out)
templates = [p for p in pages if p != "_index.md"]
title = re.compile(r"^title: (.*)$", re.M)
for i in range(total - len(pages)):
    page = templates[i % len(templates)]
    with open(os.path.join(src, page), encoding="utf-8") as f:
        text = f.read()
    # The first top-level `title:` gets a number (a plain suffix keeps a plain scalar plain).
    text = title.sub(lambda m: f"title: {m.group(1)} {i}" if not m.group(1).startswith(("'", '"')) else m.group(0), text, count=1)
    base, ext = os.path.splitext(page)
    target = os.path.join(out, "gen", f"{i // 100:03d}", base.replace("/", "-") + f"-{i}{ext}")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as f:
        f.write(text)
print(f"{total} pages in {out}")
