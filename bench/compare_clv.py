"""Compares `casebook clv` with lifetimes on every customer of the full
CDNOW log (the Rust tests compare a sample of customers from the fixture).

    bench/lifetimes_reference.sh --full /tmp/clv-ref       # lifetimes, every customer
    python3 bench/compare_clv.py /tmp/clv-ref/reference_full.json target/release/casebook

Prints the largest relative difference of each parameter and per-customer
value, for weekly, daily and monthly periods, and exits 1 when one exceeds
1e-3.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "tests" / "fixtures" / "clv" / "cdnow_master.csv"
LIMIT = 1e-3


def rel(a, b):
    if a is None or b is None:
        return float("inf")
    return abs(a - b) / max(abs(b), 1e-12)


def main():
    ref = json.loads(Path(sys.argv[1]).read_text())
    binary = sys.argv[2] if len(sys.argv) > 2 else str(ROOT / "target" / "release" / "casebook")
    worst_all = 0.0
    for freq, horizon, extra in [("W", "52", []), ("D", "365", []), ("M", "12", ["--discount-rate", "0.1"])]:
        out = subprocess.run(
            [binary, "clv", str(LOG), "--freq", freq, "--horizon", horizon, *extra],
            check=True,
            capture_output=True,
        ).stdout
        ours = json.loads(out)
        r = ref[f"cdnow_{freq}"]
        worst = {}
        for model, keys in [("bgnbd", ["r", "alpha", "a", "b", "log_likelihood"]), ("gamma_gamma", ["p", "q", "gamma", "log_likelihood"])]:
            for k in keys:
                worst[f"{model}.{k}"] = rel(ours[model][k], r[model][k])
        by_id = {c["id"]: c for c in ours["customers"]}
        if len(by_id) != r["customers_total"]:
            print(f"{freq}: {len(by_id)} customers, lifetimes {r['customers_total']}")
            return 1
        value_key = "clv_12_months_10pct_annual" if freq == "M" else "expected_value"
        for c in r["customers"]:
            o = by_id[c["id"]]
            for k in ["frequency", "recency", "T"]:
                if o[k] != c[k]:
                    print(f"{freq} {c['id']}: {k} {o[k]} vs {c[k]}")
                    return 1
            for k, rk in [
                ("monetary_value", "monetary_value"),
                ("p_alive", "p_alive"),
                ("expected_purchases", "expected_purchases"),
                ("expected_avg_value", "expected_avg_value"),
                ("expected_value", value_key),
            ]:
                worst[k] = max(worst.get(k, 0.0), rel(o[k], c[rk]))
        print(f"--freq {freq}: {len(r['customers'])} customers compared")
        for k, v in worst.items():
            print(f"  {k:28} max relative difference {v:.2e}")
            worst_all = max(worst_all, v)
    print(f"largest relative difference: {worst_all:.2e} (limit {LIMIT:.0e})")
    return 0 if worst_all <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
