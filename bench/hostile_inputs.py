#!/usr/bin/env python3
"""Writes the 1 MB notes of bench/hostile.sh: one ordinary note (the
baseline) and adversarial ones, each about SIZE bytes.

    hostile_inputs.py OUT_DIR [SIZE]

Refused kinds go over a limit of docs/data-format.md ("Limits"); the "max-"
kinds stay exactly at the limits, the worst casebook still renders.
"""
import os
import sys

out = sys.argv[1]
size = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
os.makedirs(out, exist_ok=True)


def fill(unit):
    return unit * max(1, size // len(unit))


prose = (
    "## Decisions\n\n"
    "- Start 2027 planning in November with a half-day workshop.\n"
    "- Add a winter gift landing page test, and *measure* it **weekly**.\n"
    "  - Owner: Mika; budget [see the sheet](https://example.com/sheet).\n\n"
    "> The monthly review is the one meeting the whole team looks forward to.\n\n"
    "| KPI | Sep | Oct |\n|---|---:|---:|\n| CPA | 4,200 | 3,900 |\n\n"
    "Plain paragraph text about the campaign, the channels and the next steps, "
    "with a `code span` and a <b>bold</b> word.\n\n"
)
notes = {
    # The baseline: ordinary markdown of the same size.
    "prose": fill(prose),
    # Refused (over a limit): each was minutes to parse before the limits.
    "list-bomb": "- " * (size // 2) + "x\n",
    "quote-bomb": ">" * size + " x\n",
    "ordered-bomb": "1. " * (size // 3) + "x\n",
    "html-bomb": "<div>" * (size // 5) + "\n",
    "yaml-bomb": "---\ntitle: " + "[" * (size - 20) + "\n---\nbody\n",
    # Accepted, at the limits: the slowest input casebook still renders.
    "max-list": fill("- " * 100 + "x\n"),
    "max-quote": fill("> " * 100 + "x\n"),
    "max-indent": fill("".join("  " * i + "- x\n" for i in range(100))),
    "max-html": fill("<div>" * 100 + "x" + "</div>" * 100 + "\n"),
    "max-yaml": "---\n"
    + "".join(f"k{i}: " + "[" * 100 + "]" * 100 + "\n" for i in range(60_000 // 210))
    + "---\n"
    + fill(prose)[: size - 60_000],
}
for name, text in notes.items():
    with open(os.path.join(out, name + ".md"), "w") as f:
        f.write(text)
    print(f"{name}\t{len(text.encode())}")
