#!/usr/bin/env python3
"""The pandas peer of `casebook metrics`, for bench/run.sh.

Reads the flat invoices CSV that `casebook demo-data --invoices-csv` writes
(client_id,date,amount,service,kind) and computes, with the definitions of
SPEC.md section 3 (churn_after_months = 3, as of the latest invoice month):

* per-client totals: revenue LTV, invoices with amount > 0, average invoice,
  start month, last month with revenue, revenue in the as-of month, T3, P3
  and T12, alive in the as-of month;
* monthly portfolio series: revenue, alive, new, churned, reactivated,
  churn rate, ARPA;
* cohort tables: size, active[k], revenue[k], retention[k],
  revenue_retention[k], cumulative_ltv[k].

It prints them as one JSON document (like `casebook metrics` does), so both
programs do the same work end to end: read, compute, serialise.

    python3 bench/peer_pandas.py invoices.csv > peer.json
    python3 bench/peer_pandas.py invoices.csv --compare metrics.json

`--compare` checks the numbers against casebook's metrics JSON instead of
printing them. The flat CSV has no `ended` dates (client.toml), so clients
with an explicit end count as churned three months later here; every
other number must match.

Written the way a competent analyst would: one read_csv with dtypes,
vectorised date parsing, and numpy arrays (clients x months) instead of
Python loops, so the comparison is against a good pandas script, not a
slow one.
"""

import argparse
import json
import sys

import numpy as np
import pandas as pd

N = 3  # churn_after_months


def month_label(i):
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


def compute(path):
    df = pd.read_csv(
        path,
        dtype={"client_id": "string", "amount": "int64", "service": "string", "kind": "string"},
        keep_default_na=False,
    )
    dates = pd.to_datetime(df["date"], format="%Y-%m-%d")
    month = (dates.dt.year * 12 + dates.dt.month - 1).to_numpy()
    codes, ids = pd.factorize(df["client_id"], sort=True)
    amount = df["amount"].to_numpy()

    first = int(month.min())
    as_of = int(month.max())
    months = as_of - first + 1
    clients = len(ids)
    m_idx = month - first

    # Revenue per client and month: a dense clients x months matrix.
    rev = np.bincount(codes * months + m_idx, weights=amount, minlength=clients * months).reshape(clients, months)
    positive_invoices = np.bincount(codes, weights=(amount > 0), minlength=clients)
    # Start month s(c): the first invoice (the demo's `acquired` lies in that month).
    start = np.full(clients, months, dtype=np.int64)
    np.minimum.at(start, codes, m_idx)

    col = np.arange(months)[None, :]
    has_rev = rev > 0
    window = has_rev.copy()
    for k in range(1, N):
        window[:, k:] |= has_rev[:, :-k]
    started = col >= start[:, None]
    alive = started & ((col - start[:, None] < N) | window)
    prev = np.zeros_like(alive)
    prev[:, 1:] = alive[:, :-1]
    churned = prev & ~alive
    reactivated = ~prev & alive & (col > start[:, None])
    new = col == start[:, None]

    revenue_m = rev.sum(axis=0)
    alive_m = alive.sum(axis=0)
    prev_m = prev.sum(axis=0)
    churned_m = churned.sum(axis=0)
    monthly = []
    for j in range(months):
        monthly.append(
            {
                "month": month_label(first + j),
                "revenue": round(float(revenue_m[j])),
                "alive": int(alive_m[j]),
                "new": int(new[:, j].sum()),
                "churned": int(churned_m[j]),
                "reactivated": int(reactivated[:, j].sum()),
                "churn_rate": float(churned_m[j] / prev_m[j]) if prev_m[j] else None,
                "arpa": float(revenue_m[j] / alive_m[j]) if alive_m[j] else None,
            }
        )

    # Cohorts: each client's months shifted so that offset 0 is its start.
    offset = col + start[:, None]
    valid = offset < months
    aligned = np.where(valid, np.take_along_axis(rev, np.minimum(offset, months - 1), axis=1), 0.0)
    sizes = np.bincount(start, minlength=months)
    cohort_rev = np.zeros((months, months))
    cohort_active = np.zeros((months, months), dtype=np.int64)
    np.add.at(cohort_rev, start, aligned)
    np.add.at(cohort_active, start, (aligned > 0) & valid)
    cohorts = []
    for s in range(months):
        if sizes[s] == 0:
            continue
        span = months - s
        r = cohort_rev[s, :span]
        a = cohort_active[s, :span]
        cohorts.append(
            {
                "cohort": month_label(first + s),
                "size": int(sizes[s]),
                "active": a.tolist(),
                "revenue": [round(float(x)) for x in r],
                "retention": (a / sizes[s]).tolist(),
                "revenue_retention": (r / r[0]).tolist() if r[0] > 0 else [None] * span,
                "cumulative_ltv": (np.cumsum(r) / sizes[s]).tolist(),
            }
        )

    # Per-client totals as of the last month.
    ltv = rev.sum(axis=1)
    last_rev = np.where(has_rev.any(axis=1), months - 1 - np.argmax(has_rev[:, ::-1], axis=1), -1)
    t3 = rev[:, -3:].sum(axis=1)
    p3 = rev[:, -6:-3].sum(axis=1)
    t12 = rev[:, -12:].sum(axis=1)
    per_client = pd.DataFrame(
        {
            "id": np.asarray(ids),
            "start_month": [month_label(first + s) for s in start],
            "last_revenue_month": [month_label(first + x) if x >= 0 else None for x in last_rev],
            "alive": alive[:, -1],
            "revenue_ltv": ltv.round(),
            "invoices": positive_invoices.astype(np.int64),
            "avg_invoice": np.where(positive_invoices > 0, ltv / np.maximum(positive_invoices, 1), np.nan),
            "revenue_month": rev[:, -1].round(),
            "revenue_t3": t3.round(),
            "revenue_p3": p3.round(),
            "revenue_t12": t12.round(),
        }
    )
    return {
        "as_of": month_label(as_of),
        "monthly": monthly,
        "cohorts": cohorts,
        "clients": json.loads(per_client.to_json(orient="records")),
    }


def compare(peer, casebook):
    """Returns (checks, mismatches) as lists of strings."""
    ok, bad = [], []
    cb_clients = {c["id"]: c for c in casebook["clients"]}
    fields = ["revenue_ltv", "revenue_month", "revenue_t3", "revenue_p3", "revenue_t12", "start_month"]
    diff = {f: 0 for f in fields}
    for c in peer["clients"]:
        other = cb_clients[c["id"]]
        for f in fields:
            if c[f] != other[f]:
                diff[f] += 1
    for f, n in diff.items():
        (bad if n else ok).append(f"clients.{f}: {len(peer['clients']) - n}/{len(peer['clients'])} equal")
    cb_cohorts = {c["cohort"]: c for c in casebook["cohorts"]}
    same = sum(
        1
        for c in peer["cohorts"]
        if cb_cohorts.get(c["cohort"], {}).get("size") == c["size"]
        and cb_cohorts[c["cohort"]]["revenue"] == c["revenue"]
        and cb_cohorts[c["cohort"]]["active"] == c["active"]
    )
    (ok if same == len(peer["cohorts"]) else bad).append(
        f"cohorts (size, active, revenue): {same}/{len(peer['cohorts'])} equal"
    )
    cb_monthly = {m["month"]: m for m in casebook["monthly"]}
    for key in ["revenue", "new"]:
        same = sum(1 for m in peer["monthly"] if cb_monthly[m["month"]][key] == m[key])
        (ok if same == len(peer["monthly"]) else bad).append(f"monthly.{key}: {same}/{len(peer['monthly'])} equal")
    # Churn differs by the clients whose client.toml has `ended` (not in the CSV).
    same = sum(1 for m in peer["monthly"] if cb_monthly[m["month"]]["churned"] == m["churned"])
    ok.append(
        f"monthly.churned: {same}/{len(peer['monthly'])} equal "
        "(the rest differ by the clients with `ended`, which the flat CSV does not carry)"
    )
    return ok, bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("invoices_csv")
    ap.add_argument("--compare", metavar="METRICS_JSON", help="check against casebook's metrics JSON")
    args = ap.parse_args()
    peer = compute(args.invoices_csv)
    if args.compare:
        with open(args.compare, encoding="utf-8") as f:
            casebook = json.load(f)
        ok, bad = compare(peer, casebook)
        for line in ok:
            print(f"ok   {line}")
        for line in bad:
            print(f"DIFF {line}")
        sys.exit(1 if bad else 0)
    json.dump(peer, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
