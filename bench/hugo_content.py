#!/usr/bin/env python3
"""Writes the Hugo baseline site for bench/run.sh.

The site has the same number of client pages as `casebook build` writes for
the same demo project: one overview page per client and one report page per
client alive in the as-of month. Each page is precomputed markdown: a table
of the client's figures (from casebook's metrics.json), a table of its
monthly revenue and an inline SVG bar chart of that revenue (from the flat
invoices CSV), about the size of a casebook page. The layout is a single
minimal template, so Hugo does the least work it can per page.

    python3 bench/hugo_content.py METRICS_JSON INVOICES_CSV OUT_DIR
"""

import csv
import json
import os
import sys
from collections import defaultdict

CONFIG = """baseURL = "https://example.com/"
title = "Hugo baseline"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]

[markup.goldmark.renderer]
unsafe = true
"""

SINGLE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ .Title }}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem}table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}</style>
</head>
<body>
<main>
<h1>{{ .Title }}</h1>
{{ .Content }}
</main>
</body>
</html>
"""

LIST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1></body></html>
"""


def svg_bars(months, values, title):
    """An accessible bar chart: gridlines, axis labels, one bar per month with a tooltip and a value label."""
    w, h, left, bottom = 720, 260, 60, 40
    top = max(values + [1])
    n = max(len(values), 1)
    bw = (w - left - 10) / n
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        f'aria-labelledby="t"><title id="t">{title}</title>'
    ]
    for i in range(5):
        y = h - bottom - (h - bottom - 10) * i / 4
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{w - 10}" y2="{y:.1f}" stroke="#ddd" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#555">'
            f"¥{top * i / 4 / 1e6:.1f}M</text>"
        )
    for i, m in enumerate(months):
        x = left + i * bw
        out.append(f'<line x1="{x:.1f}" y1="10" x2="{x:.1f}" y2="{h - bottom}" stroke="#f2f2f2" stroke-width="1"/>')
    for i, (m, v) in enumerate(zip(months, values)):
        x = left + i * bw
        bh = (h - bottom - 10) * max(v, 0) / top
        y = h - bottom - bh
        out.append(
            f'<g><title>{m}: ¥{v:,.0f}</title><rect x="{x + 1:.1f}" y="{y:.1f}" width="{bw - 2:.1f}" '
            f'height="{bh:.1f}" fill="#3b6ea8"/><text x="{x + bw / 2:.1f}" y="{y - 3:.1f}" '
            f'text-anchor="middle" font-size="8" fill="#333">{v / 1e3:,.0f}k</text>'
            f'<text x="{x + bw / 2:.1f}" y="{h - bottom + 14}" text-anchor="middle" font-size="8" '
            f'fill="#555">{m[2:]}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


def fmt(v):
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, list):
        return ", ".join(map(str, v)) or "—"
    return str(v)


def page(title, client, months, values):
    rows = [f"| {k} | {fmt(client.get(k))} |" for k in client if k not in ("id",)]
    revenue, total, before = [], 0.0, None
    for m, v in zip(months, values):
        total += v
        change = f"{(v - before) / before * 100:+.1f}%" if before else "—"
        revenue.append(f"| {m} | ¥{v:,.0f} | {change} | ¥{total:,.0f} |")
        before = v
    return (
        f'+++\ntitle = "{title}"\n+++\n\n'
        "## Figures\n\n| metric | value |\n|---|---|\n" + "\n".join(rows) + "\n\n"
        "## Revenue by month\n\n" + svg_bars(months, values, f"Monthly revenue of {client['name']}") + "\n\n"
        "| month | revenue | change | cumulative |\n|---|---|---|---|\n" + "\n".join(revenue) + "\n"
    )


def main():
    metrics_path, csv_path, out = sys.argv[1:4]
    with open(metrics_path, encoding="utf-8") as f:
        metrics = json.load(f)
    months = [m["month"] for m in metrics["monthly"]]
    index = {m: i for i, m in enumerate(months)}
    revenue = defaultdict(lambda: [0.0] * len(months))
    with open(csv_path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            i = index.get(row["date"][:7])
            if i is not None:
                revenue[row["client_id"]][i] += float(row["amount"])
    os.makedirs(os.path.join(out, "layouts", "_default"), exist_ok=True)
    for d in ("clients", "reports"):
        os.makedirs(os.path.join(out, "content", d), exist_ok=True)
    with open(os.path.join(out, "hugo.toml"), "w", encoding="utf-8") as f:
        f.write(CONFIG)
    with open(os.path.join(out, "layouts", "_default", "single.html"), "w", encoding="utf-8") as f:
        f.write(SINGLE)
    for name in ("list.html",):
        with open(os.path.join(out, "layouts", "_default", name), "w", encoding="utf-8") as f:
            f.write(LIST)
    with open(os.path.join(out, "layouts", "index.html"), "w", encoding="utf-8") as f:
        f.write(LIST)
    pages = 0
    for c in metrics["clients"]:
        values = revenue[c["id"]]
        with open(os.path.join(out, "content", "clients", f"{c['id']}.md"), "w", encoding="utf-8") as f:
            f.write(page(c["name"], c, months, values))
        pages += 1
        if c["alive"]:
            with open(os.path.join(out, "content", "reports", f"{c['id']}.md"), "w", encoding="utf-8") as f:
                f.write(page(f"{c['name']}: {metrics['as_of']} review", c, months, values))
            pages += 1
    print(pages)


if __name__ == "__main__":
    main()
