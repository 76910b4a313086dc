"""An independent check of `casebook metrics`' predictions (SPEC 3.9) on
real projects, written from SPEC alone (no casebook code):

1. the sample project at the repository root: contract inference, alive and
   first churn (SPEC 3.1), the sBG cohorts, a scipy fit of sBG, the
   geometric limit, and each retainer's expected remaining months and
   predicted value;
2. a project made from 400 customers of the CDNOW log (dates moved 28 years
   on, dollars as yen × 100, every client `contract = "project"`): the
   monthly summary, lifetimes' BG/NBD and Gamma-Gamma, and each client's
   P(alive), expected purchases and expected value (with a discount rate, as
   lifetimes' customer_lifetime_value).

    VENV=/tmp/casebook-lifetimes-venv bench/lifetimes_reference.sh   # makes the venv once
    /tmp/casebook-lifetimes-venv/bin/python bench/check_project_prediction.py target/debug/casebook

Prints what it compared and the largest differences; exits 1 on a mismatch.
"""

import csv
import json
import math
import subprocess
import sys
import tempfile
import tomllib
from datetime import date
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parent.parent
FAILURES = []


def check(what, got, want, rel=1e-6, absolute=0.0):
    if got is None or want is None:
        ok = got is None and want is None
    else:
        ok = abs(got - want) <= max(rel * abs(want), absolute)
    if not ok:
        FAILURES.append(f"{what}: casebook {got}, independent {want}")
    return ok


def month_index(d):
    return d.year * 12 + d.month - 1


def month_name(i):
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


def parse_date(text):
    text = text.strip().replace("/", "-")
    y, m, d = text.split("-")
    return date(int(y), int(m), int(d))


def parse_money(text):
    t = text.strip().replace("¥", "").replace("$", "").replace(",", "").replace("円", "")
    return float(t)


def read_project(root):
    config = tomllib.loads((root / "casebook.toml").read_text(encoding="utf-8"))
    clients = {}
    for folder in sorted((root / "data" / "clients").iterdir()):
        meta = tomllib.loads((folder / "client.toml").read_text(encoding="utf-8"))
        rows = []
        with open(folder / "invoices.csv", encoding="utf-8-sig", newline="") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                rows.append(
                    {
                        "date": parse_date(row["date"]),
                        "amount": parse_money(row["amount"]),
                        "service": (row.get("service") or "").strip(),
                        "kind": (row.get("kind") or "").strip(),
                        "line": line,
                    }
                )
        rows.sort(key=lambda r: (r["date"], r["line"]))
        # SPEC 1.2: kind inference.
        if rows:
            first_month = month_index(rows[0]["date"])
            seen = set()
            for n, r in enumerate(rows):
                if not r["kind"]:
                    if n == 0:
                        r["kind"] = "new"
                    elif r["service"] and r["service"] not in seen and month_index(r["date"]) > first_month:
                        r["kind"] = "cross-sell"
                    else:
                        r["kind"] = "recurring"
                if r["service"]:
                    seen.add(r["service"])
        clients[folder.name] = {"meta": meta, "invoices": rows}
    return config, clients


def as_date(v):
    return v if isinstance(v, date) else parse_date(str(v))


def alive_series(client, as_of, grace):
    """SPEC 3.1, from the start month to M."""
    inv = [r for r in client["invoices"] if month_index(r["date"]) <= as_of]
    starts = [month_index(r["date"]) for r in client["invoices"]]
    if "acquired" in client["meta"]:
        starts.append(month_index(as_date(client["meta"]["acquired"])))
    if not starts:
        return None
    start = min(starts)
    if start > as_of:
        return None
    revenue = {}
    for r in inv:
        m = month_index(r["date"])
        revenue[m] = revenue.get(m, 0.0) + r["amount"]
    ended = client["meta"].get("ended")
    end_m = month_index(as_date(ended)) if ended is not None and as_date(ended) <= date(as_of // 12, as_of % 12 + 1, 28) else None
    if ended is not None and end_m is None:
        # ended after M: unknown as of M (SPEC 2)
        e = as_date(ended)
        if month_index(e) <= as_of:
            end_m = month_index(e)
    alive = []
    for m in range(start, as_of + 1):
        not_ended = end_m is None or m <= end_m
        young = m - start < grace
        recent = any(revenue.get(k, 0.0) > 0 for k in range(m - grace + 1, m + 1))
        alive.append(not_ended and (young or recent))
    return start, revenue, alive


def sbg_ll(a, b, cohorts):
    total = 0.0
    for churned, survivors in cohorts:
        log_s = 0.0
        for t, n in enumerate(churned, start=1):
            if n:
                total += n * (log_s + math.log(a / (a + b + t - 1)))
            log_s += math.log((b + t - 1) / (a + b + t - 1))
        total += survivors * log_s
    return total


def check_sample(binary):
    config, clients = read_project(ROOT)
    out = subprocess.run([binary, "--root", str(ROOT), "metrics"], check=True, capture_output=True).stdout
    ours = json.loads(out)
    as_of = month_index(parse_date(ours["as_of"] + "-01"))
    grace = config.get("churn_after_months", 3)
    horizon = config.get("ltv_horizon_months", 60)
    rate = config.get("discount_rate", 0.0)
    d = (1 + rate) ** (1 / 12) - 1
    project_margin = config.get("gross_margin", 1.0)
    by_id = {c["id"]: c for c in ours["clients"]}
    cohorts = {}
    info = {}
    for cid, client in clients.items():
        series = alive_series(client, as_of, grace)
        if series is None:
            continue
        start, revenue, alive = series
        months_with_revenue = [m for m, v in revenue.items() if v > 0]
        recurring_months = {month_index(r["date"]) for r in client["invoices"] if r["kind"] == "recurring" and month_index(r["date"]) <= as_of}
        contract = client["meta"].get("contract")
        if contract is None:
            hits = sum(1 for m in months_with_revenue if m in recurring_months)
            contract = "retainer" if 2 * hits >= len(months_with_revenue) else "project"
        if by_id[cid]["contract"] != contract:
            FAILURES.append(f"{cid}: contract {by_id[cid]['contract']}, independent {contract}")
        info[cid] = (start, revenue, alive, contract)
        if contract != "retainer":
            continue
        n = as_of - start
        churned, survivors = cohorts.setdefault(start, ([0] * n, [0]))
        first = next((t for t in range(1, len(alive)) if alive[t - 1] and not alive[t]), None)
        if first is None:
            survivors[0] += 1
        else:
            churned[first - 1] += 1
    data = [(ch, s[0]) for ch, s in cohorts.values()]
    churns = sum(sum(ch) for ch, _ in data)
    at_risk = sum(sum(t * n for t, n in enumerate(ch, start=1)) + s * len(ch) for ch, s in data)
    theta = churns / at_risk
    ll_geo = churns * math.log(theta) + (at_risk - churns) * math.log(1 - theta)
    best = min(
        (minimize(lambda x: -sbg_ll(math.exp(x[0]), math.exp(x[1]), data), s, method="Nelder-Mead",
                  options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 40000}) for s in ([0, 0], [2, 5], [-1, 1])),
        key=lambda r: r.fun,
    )
    a_hat, b_hat = math.exp(best.x[0]), math.exp(best.x[1])
    geometric = a_hat > 1e6 or b_hat > 1e6 or -best.fun <= ll_geo + 1e-9 * abs(ll_geo)
    sbg = ours["prediction"]["sbg"]
    print(f"sample: {len(data)} retainer cohorts, {churns} first churns, {at_risk} client-months at risk")
    print(f"  scipy best finite sBG: alpha {a_hat:.4g}, beta {b_hat:.4g}, LL {-best.fun:.6f}; geometric LL {ll_geo:.6f}")
    if geometric:
        print(f"  -> geometric limit, monthly churn {theta:.10f}; casebook {sbg['monthly_churn']}")
        check("monthly_churn", sbg["monthly_churn"], theta, 1e-12)
        check("log_likelihood", sbg["log_likelihood"], ll_geo, 1e-9)
        if sbg["alpha"] is not None:
            FAILURES.append("casebook reports alpha/beta where the limit applies")
        ratio = lambda k, t: (1 - theta) ** t
    else:
        check("alpha", sbg["alpha"], a_hat, 1e-4)
        check("beta", sbg["beta"], b_hat, 1e-4)
        ratio = lambda k, t: math.exp(sum(math.log((b_hat + j - 1) / (a_hat + b_hat + j - 1)) for j in range(k + 1, k + t + 1)))
    compared = 0
    worst = 0.0
    for cid, (start, revenue, alive, contract) in info.items():
        c = by_id[cid]
        if contract != "retainer" or not alive[-1]:
            check(f"{cid} remaining", c["expected_remaining_months"], None)
            continue
        b = len(alive) - 1
        while b > 0 and alive[b - 1]:
            b -= 1
        k = len(alive) - 1 - b
        e = sum(ratio(k, t) / (1 + d) ** t for t in range(1, horizon + 1))
        check(f"{cid} remaining", c["expected_remaining_months"], e, 1e-9)
        g = clients[cid]["meta"].get("gross_margin", project_margin)
        t12 = [m for m in range(as_of - 11, as_of + 1) if m >= start]
        alive_months = sum(1 for m in t12 if alive[m - start])
        value = g * sum(revenue.get(m, 0.0) for m in t12) / alive_months * e
        check(f"{cid} predicted_value", c["predicted_value"], value, 0, 1.0)
        worst = max(worst, abs(c["predicted_value"] - value))
        compared += 1
    print(f"  {compared} alive retainers: remaining months to 1e-9, predicted value within {worst:.2f} yen")


def make_cdnow_project(dir, customers):
    log = ROOT / "tests" / "fixtures" / "clv" / "cdnow_master.csv"
    rows = {}
    with open(log, newline="") as f:
        for r in csv.DictReader(f):
            rows.setdefault(r["customer_id"], []).append(r)
    chosen = sorted(rows)[:customers]
    (dir / "casebook.toml").write_text(
        'title = "CDNOW as a project"\ncurrency = "JPY"\nlang = "ja"\ndiscount_rate = 0.08\nltv_horizon_months = 60\n',
        encoding="utf-8",
    )
    for cid in chosen:
        folder = dir / "data" / "clients" / f"c{cid}"
        folder.mkdir(parents=True)
        (folder / "client.toml").write_text(f'name = "Customer {cid}"\ncontract = "project"\n', encoding="utf-8")
        with open(folder / "invoices.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["date", "amount"])
            for r in rows[cid]:
                d = parse_date(r["date"])
                w.writerow([date(d.year + 28, d.month, d.day).isoformat(), str(round(float(r["amount"]) * 100))])
    return chosen


def check_cdnow_project(binary, customers=400):
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_cdnow_project(root, customers)
        config, clients = read_project(root)
        out = subprocess.run([binary, "--root", str(root), "metrics"], check=True, capture_output=True).stdout
        ours = json.loads(out)
    as_of = month_index(parse_date(ours["as_of"] + "-01"))
    ids, x, tx, T, mv = [], [], [], [], []
    for cid, client in clients.items():
        per_month = {}
        for r in client["invoices"]:
            m = month_index(r["date"])
            if r["amount"] > 0 and m <= as_of:
                per_month[m] = per_month.get(m, 0.0) + r["amount"]
        if not per_month:
            continue
        months = sorted(per_month)
        ids.append(cid)
        x.append(len(months) - 1)
        tx.append(months[-1] - months[0])
        T.append(as_of - months[0])
        repeat = [per_month[m] for m in months[1:]]
        mv.append(sum(repeat) / len(repeat) if repeat else 0.0)
    x, tx, T, mv = map(np.asarray, (x, tx, T, mv))
    bg = BetaGeoFitter().fit(x, tx, T)
    mask = (x > 0) & (mv > 0)
    gg = GammaGammaFitter().fit(x[mask], mv[mask])
    p = ours["prediction"]
    print(f"CDNOW project: {len(ids)} project clients, {int((x > 0).sum())} repeat buyers, as of {month_name(as_of)}")
    for k in ["r", "alpha", "a", "b"]:
        check(f"bgnbd.{k}", p["bgnbd"][k], float(bg.params_[k]), 1e-3)
    for k, lk in [("p", "p"), ("q", "q"), ("gamma", "v")]:
        check(f"gamma_gamma.{k}", p["gamma_gamma"][k], float(gg.params_[lk]), 1e-3)
    print("  BG/NBD  casebook", {k: round(p["bgnbd"][k], 6) for k in ["r", "alpha", "a", "b"]},
          " lifetimes", {k: round(float(bg.params_[k]), 6) for k in ["r", "alpha", "a", "b"]})
    print("  Gamma-Gamma casebook", {k: round(p["gamma_gamma"][k], 6) for k in ["p", "q", "gamma"]},
          " lifetimes", {k: round(float(gg.params_[k]), 6) for k in ["p", "q", "v"]})
    horizon = 60
    d = (1 + 0.08) ** (1 / 12) - 1
    import pandas as pd

    s = pd.Series
    p_alive = bg.conditional_probability_alive(x, tx, T)
    purchases = bg.conditional_expected_number_of_purchases_up_to_time(horizon, x, tx, T)
    clv = gg.customer_lifetime_value(bg, s(x), s(tx), s(T), s(mv), time=horizon, discount_rate=d, freq="M")
    # lifetimes takes the logarithm of 2F1, which is negative for customers
    # without repeat purchases when a + b < 1 (c < 0), and returns NaN there.
    # For those, the paper's formula (equation 10) with scipy's hyp2f1 as it
    # is, and lifetimes' monthly discounting.
    from scipy.special import hyp2f1

    r_, al_, a_, b_ = (float(bg.params_[k]) for k in ["r", "alpha", "a", "b"])

    def formula(t, xi, txi, Ti):
        if t == 0:
            return 0.0
        h = hyp2f1(r_ + xi, b_ + xi, a_ + b_ + xi - 1, t / (al_ + Ti + t))
        first = (a_ + b_ + xi - 1) / (a_ - 1)
        second = 1 - h * ((al_ + Ti) / (al_ + t + Ti)) ** (r_ + xi)
        den = 1 + (xi > 0) * (a_ / (b_ + xi - 1)) * ((al_ + Ti) / (al_ + txi)) ** (r_ + xi)
        return first * second / den

    avg = gg.conditional_expected_average_profit(s(x), s(mv)).to_numpy()
    repaired = 0
    purchases = np.array(purchases, dtype=float)
    clv = np.array(clv.to_numpy(dtype=float))
    for i in range(len(ids)):
        if np.isnan(purchases[i]):
            repaired += 1
            purchases[i] = formula(horizon, x[i], tx[i], T[i])
            clv[i] = sum(
                avg[i] * (formula(m, x[i], tx[i], T[i]) - formula(m - 1, x[i], tx[i], T[i])) / (1 + d) ** m
                for m in range(1, horizon + 1)
            )
    print(f"  {repaired} clients where lifetimes gives NaN (c < 0): compared with equation 10 and scipy's hyp2f1")
    by_id = {c["id"]: c for c in ours["clients"]}
    worst = {"p_alive": 0.0, "expected_purchases": 0.0, "expected_value": 0.0}
    for i, cid in enumerate(ids):
        c = by_id[cid]
        for key, want in [("p_alive", p_alive[i]), ("expected_purchases", purchases[i]), ("expected_value", clv[i])]:
            got = c[key]
            tol = 1e-3 * abs(want) + (1.0 if key == "expected_value" else 0.0)
            if got is None or abs(got - want) > tol:
                FAILURES.append(f"{cid} {key}: casebook {got}, lifetimes {want}")
            elif want:
                worst[key] = max(worst[key], abs(got - want) / abs(want))
    print(f"  {len(ids)} clients: largest relative differences {', '.join(f'{k} {v:.1e}' for k, v in worst.items())}")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target" / "debug" / "casebook")
    check_sample(binary)
    check_cdnow_project(binary)
    if FAILURES:
        print("\n".join(["MISMATCHES:"] + FAILURES[:40]))
        return 1
    print("all agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
