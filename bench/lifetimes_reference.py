"""Reference numbers from the Python library `lifetimes` for casebook's
predictive models (SPEC 3.9), written as JSON into tests/fixtures/clv/.

Run through bench/lifetimes_reference.sh, which makes the virtual
environment. The Rust tests read the JSON this writes; they never run Python.

    python bench/lifetimes_reference.py            # fixtures (sampled customers)
    python bench/lifetimes_reference.py --full DIR # every customer, for bench/compare_clv.py

What is compared, per data set:
  * cdnow_summary: the 2,357-customer CDNOW sample summary lifetimes ships
    (39-week calibration): BG/NBD, Gamma-Gamma on the repeat buyers,
    per-customer P(alive), expected purchases in 39 and 52 weeks, the
    conditional expected average value, and lifetimes' customer_lifetime_value.
  * cdnow_W / cdnow_D: the full CDNOW log (69,659 transactions) summarised
    by lifetimes' summary_data_from_transaction_data with weekly and daily
    periods, fitted, predicted over 52 weeks / 365 days, and a calibration /
    holdout split at 1997-09-30.
  * cdnow_M: the same log by calendar month. Current pandas refuses the
    'M' unit in summary_data_from_transaction_data (older pandas divided
    days by 30.436875), so the monthly summary is made here by counting
    calendar months, which is what casebook does; the fits and predictions
    are lifetimes' own. Also customer_lifetime_value with a monthly discount.
  * sbg: the survivor tables of Fader & Hardie (2007), fitted with
    scipy.optimize (lifetimes has no sBG model): an independent check of
    the published values.
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
from scipy.optimize import minimize
from scipy.special import betaln

import lifetimes
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import (
    calibration_and_holdout_data,
    summary_data_from_transaction_data,
)

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures" / "clv"


def bgnbd_ll(params, x, tx, T):
    """Total log-likelihood on the original time scale (lifetimes reports
    the mean on its rescaled data)."""
    nll = BetaGeoFitter._negative_log_likelihood(
        np.log(np.asarray(params, dtype=float)), x, tx, T, np.ones_like(x), 0.0
    )
    return float(-nll * len(x))


def gg_ll(params, x, m):
    nll = GammaGammaFitter._negative_log_likelihood(
        np.log(np.asarray(params, dtype=float)), x, m, np.ones_like(x), 0.0
    )
    return float(-nll * len(x))


def fit_models(summary):
    x = summary["frequency"].to_numpy(dtype=float)
    tx = summary["recency"].to_numpy(dtype=float)
    T = summary["T"].to_numpy(dtype=float)
    bg = BetaGeoFitter().fit(x, tx, T)
    r, alpha, a, b = (float(bg.params_[k]) for k in ["r", "alpha", "a", "b"])
    out = {
        "bgnbd": {
            "r": r,
            "alpha": alpha,
            "a": a,
            "b": b,
            "log_likelihood": bgnbd_ll([r, alpha, a, b], x.astype(int), tx, T),
        }
    }
    m = summary["monetary_value"].to_numpy(dtype=float)
    mask = (x > 0) & (m > 0)
    gg = GammaGammaFitter().fit(x[mask], m[mask])
    p, q, v = (float(gg.params_[k]) for k in ["p", "q", "v"])
    out["gamma_gamma"] = {
        "p": p,
        "q": q,
        "gamma": v,
        "log_likelihood": gg_ll([p, q, v], x[mask], m[mask]),
        "customers": int(mask.sum()),
    }
    return bg, gg, out


def per_customer(summary, bg, gg, horizon, ids):
    x = summary["frequency"].to_numpy(dtype=float)
    tx = summary["recency"].to_numpy(dtype=float)
    T = summary["T"].to_numpy(dtype=float)
    m = summary["monetary_value"].to_numpy(dtype=float)
    p_alive = np.asarray(bg.conditional_probability_alive(x, tx, T), dtype=float)
    purchases = np.asarray(
        bg.conditional_expected_number_of_purchases_up_to_time(horizon, x, tx, T), dtype=float
    )
    avg = np.asarray(gg.conditional_expected_average_profit(x, m), dtype=float)
    rows = []
    index = list(summary.index)
    for i, cid in enumerate(index):
        if ids is not None and cid not in ids:
            continue
        rows.append(
            {
                "id": str(cid),
                "frequency": x[i],
                "recency": tx[i],
                "T": T[i],
                "monetary_value": m[i],
                "p_alive": float(p_alive[i]),
                "expected_purchases": float(purchases[i]),
                "expected_avg_value": float(avg[i]),
                "expected_value": float(avg[i] * purchases[i]),
            }
        )
    return rows


def sample_ids(summary, every):
    """Every `every`-th customer by id, plus the extremes of each column
    (the largest frequency, recency, T and monetary value), so that the
    fixture stays small but covers the awkward corners."""
    index = sorted(summary.index, key=str)
    ids = set(index[::every])
    for col in ["frequency", "recency", "T", "monetary_value"]:
        ids.add(summary[col].idxmax())
        ids.add(summary[col].idxmin())
    return ids


def load_log():
    tx = pd.read_csv(FIX / "cdnow_master.csv", dtype={"customer_id": str})
    return tx


def monthly_summary(tx, observation_end):
    """summary_data_from_transaction_data by calendar month (see the module
    docstring): one purchase per customer-month, its amount the month's sum."""
    d = pd.to_datetime(tx["date"])
    month = d.dt.year * 12 + d.dt.month - 1
    end = observation_end.year * 12 + observation_end.month - 1
    df = pd.DataFrame({"id": tx["customer_id"], "month": month, "amount": tx["amount"]})
    df = df[df["month"] <= end]
    per = df.groupby(["id", "month"], as_index=False)["amount"].sum().sort_values(["id", "month"])
    first = per.groupby("id")["month"].transform("min")
    last = per.groupby("id")["month"].transform("max")
    g = per.groupby("id")
    out = pd.DataFrame(
        {
            "frequency": g.size() - 1,
            "recency": (g["month"].max() - g["month"].min()),
            "T": end - g["month"].min(),
        }
    )
    repeat = per[per["month"] != first]
    out["monetary_value"] = repeat.groupby("id")["amount"].mean()
    out["monetary_value"] = out["monetary_value"].fillna(0.0)
    del last
    return out.astype(float)


def sbg_fit(counts_list):
    def nll(logp):
        al, be = np.exp(logp)
        total = 0.0
        for counts in counts_list:
            n = len(counts) - 1
            for t in range(1, n + 1):
                churned = counts[t - 1] - counts[t]
                if churned:
                    total += churned * (betaln(al + 1, be + t - 1) - betaln(al, be))
            total += counts[n] * (betaln(al, be + n) - betaln(al, be))
        return -total

    best = None
    for start in ([0.0, 0.0], [-1.0, 1.0], [1.0, 1.0]):
        res = minimize(nll, start, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
        if best is None or res.fun < best.fun:
            best = res
    al, be = np.exp(best.x)
    return {"alpha": float(al), "beta": float(be), "log_likelihood": float(-best.fun)}


def main():
    full_dir = None
    if len(sys.argv) == 3 and sys.argv[1] == "--full":
        full_dir = Path(sys.argv[2])
        full_dir.mkdir(parents=True, exist_ok=True)

    versions = {
        "lifetimes": lifetimes.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
    }
    result = {"versions": versions}

    # 1. The CDNOW sample summary shipped with lifetimes (weeks).
    raw = pd.read_csv(FIX / "cdnow_summary.csv", dtype={"ID": str}).set_index("ID")
    summary = pd.DataFrame(
        {
            "frequency": raw["x"].astype(float),
            "recency": raw["t_x"].astype(float),
            "T": raw["T"].astype(float),
            "monetary_value": raw["zbar"].astype(float),
        }
    )
    bg, gg, fits = fit_models(summary)
    x = summary["frequency"]
    clv = gg.customer_lifetime_value(
        bg, x, summary["recency"], summary["T"], summary["monetary_value"], time=12, discount_rate=0.01, freq="W"
    )
    ids = None if full_dir else sample_ids(summary, 10)
    rows39 = per_customer(summary, bg, gg, 39.0, ids)
    rows52 = per_customer(summary, bg, gg, 52.0, ids)
    for r39, r52 in zip(rows39, rows52):
        r39["expected_purchases_39"] = r39.pop("expected_purchases")
        r39["expected_purchases_52"] = r52["expected_purchases"]
        r39.pop("expected_value")
        r39["clv_12_months_1pct_weekly"] = float(clv[r39["id"]])
    result["cdnow_summary"] = {**fits, "customers": rows39}

    # 2. The full log, weekly and daily, with lifetimes' own summary.
    tx = load_log()
    tx["date"] = pd.to_datetime(tx["date"])
    for freq, horizon in [("W", 52.0), ("D", 365.0)]:
        s = summary_data_from_transaction_data(tx, "customer_id", "date", monetary_value_col="amount", freq=freq)
        bg, gg, fits = fit_models(s)
        ids = None if full_dir else sample_ids(s, 50)
        rows = per_customer(s, bg, gg, horizon, ids)
        cal = calibration_and_holdout_data(
            tx, "customer_id", "date", calibration_period_end="1997-09-30", freq=freq, monetary_value_col="amount"
        )
        cal_bg = BetaGeoFitter().fit(cal["frequency_cal"], cal["recency_cal"], cal["T_cal"])
        duration = float(cal["duration_holdout"].iloc[0])
        predicted = cal_bg.conditional_expected_number_of_purchases_up_to_time(
            duration, cal["frequency_cal"], cal["recency_cal"], cal["T_cal"]
        )
        holdout = {
            "calibration_end": "1997-09-30",
            "customers": int(len(cal)),
            "duration": duration,
            "r": float(cal_bg.params_["r"]),
            "alpha": float(cal_bg.params_["alpha"]),
            "a": float(cal_bg.params_["a"]),
            "b": float(cal_bg.params_["b"]),
            "actual_purchases": float(cal["frequency_holdout"].sum()),
            "predicted_purchases": float(np.sum(predicted)),
        }
        result[f"cdnow_{freq}"] = {
            **fits,
            "customers_total": int(len(s)),
            "horizon": horizon,
            "holdout": holdout,
            "customers": rows,
        }

    # 3. By calendar month (summary made here, fits by lifetimes).
    s = monthly_summary(tx, tx["date"].max())
    bg, gg, fits = fit_models(s)
    ids = None if full_dir else sample_ids(s, 50)
    rows = per_customer(s, bg, gg, 12.0, ids)
    annual = 0.1
    monthly = (1 + annual) ** (1 / 12) - 1
    clv = gg.customer_lifetime_value(
        bg, s["frequency"], s["recency"], s["T"], s["monetary_value"], time=12, discount_rate=monthly, freq="M"
    )
    for r in rows:
        r["clv_12_months_10pct_annual"] = float(clv[r["id"]])
    result["cdnow_M"] = {**fits, "customers_total": int(len(s)), "horizon": 12.0, "customers": rows}

    # 4. sBG on Fader & Hardie (2007)'s tables, by scipy.
    regular = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
    high_end = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]
    # The paper fits years 0..7 (eight counts) and projects the rest: those
    # are the published parameters; the whole tables are fitted too.
    result["sbg"] = {
        "regular_7_years": {"counts": regular[:8], **sbg_fit([regular[:8]])},
        "high_end_7_years": {"counts": high_end[:8], **sbg_fit([high_end[:8]])},
        "regular": {"counts": regular, **sbg_fit([regular])},
        "high_end": {"counts": high_end, **sbg_fit([high_end])},
        "both_7_years": {**sbg_fit([regular[:8], high_end[:8]])},
    }

    text = json.dumps(result, indent=1, sort_keys=True)
    target = (full_dir / "reference_full.json") if full_dir else (FIX / "lifetimes_reference.json")
    target.write_text(text + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
