"""The baseline of `casebook clv` in docs/PERFORMANCE.md: what an analyst
runs with lifetimes for the same output (parameters and per-customer
P(alive), expected purchases, expected average value and expected value,
as JSON on stdout).

    python bench/peer_lifetimes.py LOG.csv W 52
"""

import json
import sys

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data


def main():
    path, freq, horizon = sys.argv[1], sys.argv[2], float(sys.argv[3])
    tx = pd.read_csv(path, dtype={"customer_id": str}, parse_dates=["date"])
    s = summary_data_from_transaction_data(tx, "customer_id", "date", monetary_value_col="amount", freq=freq)
    bg = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
    repeat = s[(s["frequency"] > 0) & (s["monetary_value"] > 0)]
    gg = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    p_alive = bg.conditional_probability_alive(s["frequency"], s["recency"], s["T"])
    purchases = bg.conditional_expected_number_of_purchases_up_to_time(horizon, s["frequency"], s["recency"], s["T"])
    avg = gg.conditional_expected_average_profit(s["frequency"], s["monetary_value"])
    out = {
        "bgnbd": {k: float(bg.params_[k]) for k in ["r", "alpha", "a", "b"]},
        "gamma_gamma": {"p": float(gg.params_["p"]), "q": float(gg.params_["q"]), "gamma": float(gg.params_["v"])},
        "customers": [
            {
                "id": cid,
                "frequency": float(f),
                "recency": float(r),
                "T": float(t),
                "monetary_value": float(m),
                "p_alive": float(pa),
                "expected_purchases": float(e),
                "expected_avg_value": float(a),
                "expected_value": float(a * e),
            }
            for cid, f, r, t, m, pa, e, a in zip(
                s.index, s["frequency"], s["recency"], s["T"], s["monetary_value"], np.asarray(p_alive), np.asarray(purchases), np.asarray(avg)
            )
        ],
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
