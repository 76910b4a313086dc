#!/usr/bin/env python3
"""Summarises a bench/run.sh work folder as markdown (medians, ratios, targets).

    python3 bench/report.py /dev/shm/casebook-bench
"""

import csv
import glob
import os
import re
import statistics
import sys


def load(d):
    rows = []
    with open(os.path.join(d, "results.tsv"), encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            r["size"] = int(r["size"])
            r["wall_s"] = float(r["wall_s"])
            r["rss_mib"] = int(r["rss_kb"]) / 1024
            r["pages"] = int(r["pages"]) if r.get("pages") else None
            rows.append(r)
    return rows


def summary(rows, label, size):
    runs = [r for r in rows if r["label"] == label and r["size"] == size]
    if not runs:
        return None
    return {
        "runs": len(runs),
        "wall": statistics.median(r["wall_s"] for r in runs),
        "walls": [r["wall_s"] for r in runs],
        "rss": statistics.median(r["rss_mib"] for r in runs),
        "rss_max": max(r["rss_mib"] for r in runs),
        "pages": runs[-1]["pages"],
    }


def fmt_s(x):
    return f"{x:.2f} s" if x < 10 else f"{x:.1f} s"


def walls(s):
    return ", ".join(f"{w:.2f}" for w in s["walls"])


def stages(d, n):
    """Stage timings (ms) of the median run of the clean build at n clients."""
    files = sorted(glob.glob(os.path.join(d, f"stages-{n}-*.txt")))
    parsed = []
    for path in files:
        t = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"\s+(.+?)\s+([\d.]+) ms$", line)
                if m:
                    t[m.group(1)] = float(m.group(2))
        if "total" in t:
            parsed.append(t)
    if not parsed:
        return None
    parsed.sort(key=lambda t: t["total"])
    return parsed[len(parsed) // 2]


def main():
    d = sys.argv[1]
    rows = load(d)
    sizes = sorted({r["size"] for r in rows if r["label"] == "build"})
    out = []
    p = out.append
    p("## Machine\n")
    p("```")
    with open(os.path.join(d, "machine.txt"), encoding="utf-8") as f:
        p(f.read().rstrip())
    p("```\n")

    inv = {}
    if os.path.exists(os.path.join(d, "invoice_rows.txt")):
        with open(os.path.join(d, "invoice_rows.txt"), encoding="utf-8") as f:
            for line in f:
                n, k = line.split()
                inv[int(n)] = int(k)
    p("## Demo projects (`casebook demo-data`)\n")
    p("| clients | invoice rows | wall | peak RSS |")
    p("|---:|---:|---:|---:|")
    for n in sizes:
        s = summary(rows, "demo-data", n)
        if s:
            p(f"| {n:,} | {inv.get(n, 0):,} | {fmt_s(s['wall'])} | {s['rss']:.0f} MiB |")
    p("")

    p("## (a) Clean `casebook build`\n")
    p("| clients | runs | median wall (runs) | peak RSS | pages | pages/s | ms per client | × time | × RSS |")
    p("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    prev = None
    for n in sizes:
        s = summary(rows, "build", n)
        growth = ("", "")
        if prev:
            pn, ps = prev
            growth = (
                f"{s['wall'] / ps['wall']:.2f} for {n / pn:.0f}× clients",
                f"{s['rss'] / ps['rss']:.2f}",
            )
        p(
            f"| {n:,} | {s['runs']} | {fmt_s(s['wall'])} ({walls(s)}) | {s['rss']:.0f} MiB | {s['pages']:,} | "
            f"{s['pages'] / s['wall']:,.0f} | {s['wall'] / n * 1000:.2f} | {growth[0]} | {growth[1]} |"
        )
        prev = (n, s)
    p("")
    p("Stage timings of the median run (`--verbose`, ms):\n")
    names = []
    table = {}
    for n in sizes:
        t = stages(d, n)
        if t:
            table[n] = t
            for k in t:
                if k not in names:
                    names.append(k)
    if table:
        p("| stage | " + " | ".join(f"{n:,}" for n in table) + " |")
        p("|---|" + "---:|" * len(table))
        for k in names:
            p(f"| {k} | " + " | ".join(f"{table[n].get(k, 0):,.0f}" for n in table) + " |")
        p("")

    p("## (b) Hugo on the same number of client pages\n")
    p("| clients | casebook pages | casebook wall | casebook pages/s | casebook RSS | Hugo pages | Hugo wall (runs) | Hugo pages/s | Hugo RSS | pages/s casebook ÷ Hugo | RSS casebook ÷ Hugo |")
    p("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        c, h = summary(rows, "build", n), summary(rows, "hugo", n)
        if not h:
            continue
        cps, hps = c["pages"] / c["wall"], h["pages"] / h["wall"]
        p(
            f"| {n:,} | {c['pages']:,} | {fmt_s(c['wall'])} | {cps:,.0f} | {c['rss']:.0f} MiB | {h['pages']:,} | "
            f"{fmt_s(h['wall'])} ({walls(h)}) | {hps:,.0f} | {h['rss']:,.0f} MiB | **{cps / hps:.2f}×** | "
            f"**{c['rss'] / h['rss']:.3f}** |"
        )
    skipped = os.path.join(d, "hugo_skipped.txt")
    if os.path.exists(skipped):
        with open(skipped, encoding="utf-8") as f:
            for line in f:
                n, _, need, avail = line.split()
                p(f"\nHugo was not run at {int(n):,} clients: it would need about {need} GiB, {avail} GiB were available.")
    p("")

    p("## (c) `casebook metrics` vs pandas (`bench/peer_pandas.py`)\n")
    p("| clients | invoice rows | casebook metrics, load cache (runs) | RSS | `--no-cache` (runs) | RSS | pandas (runs) | RSS | pandas ÷ casebook (cache) | pandas ÷ casebook (`--no-cache`) |")
    p("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        c, nc, pd_ = summary(rows, "metrics", n), summary(rows, "metrics-nocache", n), summary(rows, "pandas", n)
        if c and nc and pd_:
            p(
                f"| {n:,} | {inv.get(n, 0):,} | {fmt_s(c['wall'])} ({walls(c)}) | {c['rss']:.0f} MiB | "
                f"{fmt_s(nc['wall'])} ({walls(nc)}) | {nc['rss']:.0f} MiB | "
                f"{fmt_s(pd_['wall'])} ({walls(pd_)}) | {pd_['rss']:.0f} MiB | **{pd_['wall'] / c['wall']:.2f}×** | "
                f"{pd_['wall'] / nc['wall']:.2f}× |"
            )
    for path in sorted(glob.glob(os.path.join(d, "compare-*.txt"))):
        n = re.search(r"compare-(\d+)", path).group(1)
        with open(path, encoding="utf-8") as f:
            p(f"\nSame numbers? pandas against casebook at {int(n):,} clients:\n\n```\n{f.read().rstrip()}\n```")
    p("")

    inc = [r for r in rows if r["label"] == "after-note-edit"]
    if inc:
        n = inc[0]["size"]
        s = summary(rows, "after-note-edit", n)
        nc = summary(rows, "no-change", n)
        reused = []
        for path in sorted(glob.glob(os.path.join(d, "incremental-*.txt"))):
            with open(path, encoding="utf-8") as f:
                m = re.search(r"(\d+) unchanged clients reused", f.read())
                reused.append(int(m.group(1)) if m else 0)
        kind = "incremental" if reused and min(reused) > 0 else "NOT incremental yet (a full rebuild)"
        p(f"## (d) Build after editing one note, {n:,} clients: {kind}\n")
        p("| build | runs | median wall (runs) | peak RSS | clients reused |")
        p("|---|---:|---:|---:|---:|")
        p(f"| after a note edit | {s['runs']} | {fmt_s(s['wall'])} ({walls(s)}) | {s['rss']:.0f} MiB | {', '.join(map(str, reused))} |")
        if nc:
            p(f"| nothing changed | 1 | {fmt_s(nc['wall'])} | {nc['rss']:.0f} MiB | |")
        p("")

    arch = [r for r in rows if r["label"] == "build-archive"]
    if arch:
        n = arch[0]["size"]
        a, b = summary(rows, "build-archive", n), summary(rows, "build", n)
        p(f"## Memory against pages: `--archive` at {n:,} clients\n")
        p("| build | runs | median wall (runs) | pages | pages/s | peak RSS |")
        p("|---|---:|---:|---:|---:|---:|")
        for name, s in (("as-of month only", b), ("--archive", a)):
            if s:
                p(
                    f"| {name} | {s['runs']} | {fmt_s(s['wall'])} ({walls(s)}) | {s['pages']:,} | "
                    f"{s['pages'] / s['wall']:,.0f} | {s['rss']:.0f} MiB |"
                )
        if a and b:
            p(
                f"\n{a['pages'] / b['pages']:.1f}× the pages for the same clients: peak RSS ×{a['rss'] / b['rss']:.2f}, "
                f"wall ×{a['wall'] / b['wall']:.1f}.\n"
            )

    disk = [r for r in rows if r["label"].endswith("-disk")]
    if disk:
        n = disk[0]["size"]
        p(f"## On disk instead of tmpfs, {n:,} clients (one run each)\n")
        p("| step | wall on disk | wall on tmpfs (median) | peak RSS on disk | pages/s on disk |")
        p("|---|---:|---:|---:|---:|")
        for label, base in (("demo-data-disk", "demo-data"), ("build-disk", "build"), ("hugo-disk", "hugo")):
            s, t = summary(rows, label, n), summary(rows, base, n)
            if s:
                pps = f"{s['pages'] / s['wall']:,.0f}" if s["pages"] else ""
                p(f"| {base} | {fmt_s(s['wall'])} | {fmt_s(t['wall']) if t else '—'} | {s['rss']:,.0f} MiB | {pps} |")
        c, h = summary(rows, "build-disk", n), summary(rows, "hugo-disk", n)
        if c and h:
            p(f"\nOn disk, casebook ÷ Hugo pages/s: **{(c['pages'] / c['wall']) / (h['pages'] / h['wall']):.2f}×**.\n")

    # Targets of issue 6.
    p("## Targets\n")
    p("| target | measured | met? |")
    p("|---|---|---|")

    def row(target, measured, ok):
        p(f"| {target} | {measured} | {'yes' if ok else '**no**'} |")

    b10 = summary(rows, "build", 10000)
    if b10:
        row("10k clean build ≤ 5 s", fmt_s(b10["wall"]), b10["wall"] <= 5)
        row("10k clean build ≤ 500 MiB", f"{b10['rss']:.0f} MiB", b10["rss"] <= 500)
        h10 = summary(rows, "hugo", 10000)
        if h10:
            r = (b10["pages"] / b10["wall"]) / (h10["pages"] / h10["wall"])
            row("≥ 2× Hugo's pages/s (10k)", f"{r:.2f}×", r >= 2)
            m = b10["rss"] / h10["rss"]
            row("≤ 1/5 of Hugo's peak memory (10k)", f"{m:.3f} of Hugo's", m <= 0.2)
    b50 = summary(rows, "build", 50000)
    if b50:
        row("50k clients: finishes", f"{fmt_s(b50['wall'])}, {b50['rss']:.0f} MiB", True)
    if arch:
        n = arch[0]["size"]
        a, b = summary(rows, "build-archive", n), summary(rows, "build", n)
        pages, rss = a["pages"] / b["pages"], a["rss"] / b["rss"]
        # Pages are streamed to disk; what grows is the metrics of every
        # as-of month the archive needs, not the pages.
        row(
            "memory does not grow with the pages written",
            f"`--archive` at {n:,} clients: {pages:.1f}× the pages, {rss:.2f}× the peak RSS",
            rss < 0.25 * pages,
        )
    mx = max((n for n in sizes if summary(rows, "metrics", n)), default=None)
    if mx:
        c, pd_ = summary(rows, "metrics", mx), summary(rows, "pandas", mx)
        row(f"metrics ≥ 20× faster than pandas ({inv.get(mx, 0):,} rows)", f"{pd_['wall'] / c['wall']:.2f}×", pd_["wall"] / c["wall"] >= 20)
    if inc:
        s = summary(rows, "after-note-edit", inc[0]["size"])
        row(f"build after one note edit ({inc[0]['size']:,}) ≤ 0.5 s", fmt_s(s["wall"]), s["wall"] <= 0.5)
    ok = True
    worst = []
    prev = None
    for n in sizes:
        s = summary(rows, "build", n)
        if prev:
            pn, ps = prev
            t = (s["wall"] / ps["wall"]) / (n / pn)
            m = (s["rss"] / ps["rss"]) / (n / pn)
            worst.append(f"{pn:,}→{n:,}: time/client ×{t:.2f}, RSS/client ×{m:.2f}")
            ok = ok and t <= 1.1 and m <= 1.1
        prev = (n, s)
    if worst:
        row("cost grows linearly (per-client cost does not rise)", "; ".join(worst), ok)
    print("\n".join(out))


if __name__ == "__main__":
    main()
