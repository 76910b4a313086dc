//! Predictive lifetime value in a project (SPEC 3.9): which clients are
//! retainers, sBG over the retainers' cohorts, BG/NBD + Gamma-Gamma over
//! the project clients' invoices by calendar month, and what each says
//! about every client. The models themselves live in [`crate::predict`].

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;
use serde::Serialize;

use crate::format::to_f64;
use crate::model::{Contract, InvoiceKind};
use crate::month::Month;
use crate::predict::bgnbd::{BgNbd, BgNbdFit};
use crate::predict::gamma_gamma::{GammaGamma, GammaGammaFit};
use crate::predict::sbg::{self, Cohort as SbgCohort, Sbg, SbgError};
use crate::predict::summary::{CustomerSummary, Period, summarise};
use crate::predict::{self, MIN_CHURNED_COHORTS};

use super::series::ClientSeries;

/// `prediction` of SPEC 4, plus what the pages draw.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Prediction {
    pub sbg: Option<SbgSummary>,
    #[serde(skip)]
    pub bgnbd: Option<BgNbdFit>,
    #[serde(skip)]
    pub gamma_gamma: Option<GammaGammaFit>,
    /// Why a model is missing or what to keep in mind, in English.
    pub notes: Vec<String>,
    /// The retainers' observed survival by months since start (pooled over
    /// cohorts, right-censored: the Kaplan–Meier estimate), for the chart
    /// that sets the fitted curve against it. Empty without retainers.
    pub observed_survival: Vec<f64>,
    /// Retainer clients counted into the sBG data.
    pub retainers: usize,
    /// Project clients with at least one invoice > 0 (the BG/NBD data).
    pub project_clients: usize,
    /// Months ahead the forecasts look (`ltv_horizon_months`).
    pub horizon: u32,
}

/// `prediction.sbg`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SbgSummary {
    #[serde(skip)]
    pub model: Sbg,
    /// α, β: None in the geometric limit.
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
    /// The geometric model's monthly churn: None when α and β are given.
    pub monthly_churn: Option<f64>,
    pub log_likelihood: f64,
    /// S(t) for t = 0 ..= ltv_horizon_months.
    pub survival: Vec<f64>,
}

/// The per-client fields of SPEC 4 that the models fill (None where a model
/// does not apply or was not fitted).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ClientPrediction {
    pub contract: Option<Contract>,
    /// Whether `contract` was inferred from the invoices (not in client.toml).
    #[serde(skip)]
    pub contract_inferred: bool,
    pub expected_remaining_months: Option<f64>,
    pub predicted_value: Option<Decimal>,
    pub p_alive: Option<f64>,
    pub expected_purchases: Option<f64>,
    pub expected_value: Option<Decimal>,
}

/// `contract` from client.toml, else retainer when at least half of the
/// client's months with revenue (R > 0, up to M) have an invoice of kind
/// `recurring` (written or inferred, SPEC 1.2). A client without any month
/// with revenue counts as a retainer (0 of 0 is "at least half"): SPEC's
/// rule taken literally, written down in docs/metrics.md.
pub(crate) fn contract_of(s: &ClientSeries<'_>) -> (Contract, bool) {
    if let Some(c) = s.client.contract {
        return (c, false);
    }
    let last_day = s.as_of.last_day();
    let mut recurring = vec![false; s.revenue.len()];
    for inv in s.client.invoices.iter().filter(|i| i.date <= last_day) {
        if inv.kind == InvoiceKind::Recurring {
            if let Ok(i) = usize::try_from(Month::of(inv.date).since(s.start)) {
                recurring[i] = true;
            }
        }
    }
    let with_revenue = s.revenue.iter().filter(|r| **r > Decimal::ZERO).count();
    let with_recurring = s
        .revenue
        .iter()
        .zip(&recurring)
        .filter(|(r, rec)| **r > Decimal::ZERO && **rec)
        .count();
    let contract = if 2 * with_recurring >= with_revenue {
        Contract::Retainer
    } else {
        Contract::Project
    };
    (contract, true)
}

/// The offset of a client's first churn (alive in `start + t − 1`, not in
/// `start + t`), if it churned by M.
fn first_churn(s: &ClientSeries<'_>) -> Option<usize> {
    (1..s.alive.len()).find(|&t| s.alive[t - 1] && !s.alive[t])
}

/// The month a client alive in M last became alive: its start month, or
/// its latest reactivation.
fn became_alive(s: &ClientSeries<'_>) -> Month {
    let mut b = s.alive.len() - 1;
    while b > 0 && s.alive[b - 1] {
        b -= 1;
    }
    s.start.plus(b as i32)
}

/// Computes `prediction` and each client's fields (`out[i]` for
/// `series[i]`).
pub(crate) fn predict(
    series: &[ClientSeries<'_>],
    margins: &[Decimal],
    horizon: u32,
    discount_rate: f64,
) -> (Prediction, Vec<ClientPrediction>) {
    let forecast = Forecast {
        horizon,
        monthly_discount: predict::per_period_discount(discount_rate, 12.0),
    };
    let mut out: Vec<ClientPrediction> = series
        .iter()
        .map(|s| {
            let (contract, inferred) = contract_of(s);
            ClientPrediction {
                contract: Some(contract),
                contract_inferred: inferred,
                ..ClientPrediction::default()
            }
        })
        .collect();
    let mut notes = Vec::new();
    let retainer: Vec<usize> = (0..series.len())
        .filter(|&i| out[i].contract == Some(Contract::Retainer))
        .collect();
    let project: Vec<usize> = (0..series.len())
        .filter(|&i| out[i].contract == Some(Contract::Project))
        .collect();

    // ---- sBG over the retainers' cohorts ----
    let cohorts = retainer_cohorts(series, &retainer);
    let observed_survival = kaplan_meier(&cohorts);
    let sbg = if retainer.is_empty() {
        notes.push("sBG not fitted: no retainer clients".to_string());
        None
    } else {
        fit_sbg(&cohorts, &mut notes)
    };
    if let Some(model) = &sbg {
        for &i in &retainer {
            predict_retainer(model, &series[i], margins[i], forecast, &mut out[i]);
        }
    }

    // ---- BG/NBD + Gamma-Gamma over the project clients, by calendar month ----
    let summaries = project_summaries(series, &project);
    let (bgnbd, gamma_gamma) = if project.is_empty() {
        notes.push("BG/NBD and Gamma-Gamma not fitted: no project clients".to_string());
        (None, None)
    } else {
        let bg = predict::fit_bgnbd(&summaries, &mut notes);
        let gg = predict::fit_gamma_gamma(&summaries, &mut notes);
        (bg, gg)
    };
    if let Some(bg) = &bgnbd {
        let gg = gamma_gamma.as_ref().map(|g| &g.model);
        predict_projects(&bg.model, gg, series, &summaries, forecast, &mut out);
    }
    let prediction = Prediction {
        sbg: sbg.map(|model| summary_of(model, horizon)),
        bgnbd,
        gamma_gamma,
        notes,
        observed_survival,
        retainers: retainer.len(),
        project_clients: summaries.len(),
        horizon,
    };
    (prediction, out)
}

/// How far ahead and at what monthly discount the forecasts look.
#[derive(Clone, Copy)]
struct Forecast {
    horizon: u32,
    monthly_discount: f64,
}

/// A retainer's expected remaining months and predicted value under sBG:
/// none unless alive in M; the value is margin × its mean monthly revenue
/// over the T12 months it was alive × the remaining months.
fn predict_retainer(
    model: &Sbg,
    s: &ClientSeries<'_>,
    margin: Decimal,
    forecast: Forecast,
    out: &mut ClientPrediction,
) {
    if !s.alive_at(s.as_of) {
        return;
    }
    let k = s.as_of.since(became_alive(s)) as u32;
    let remaining = model.expected_remaining(k, forecast.horizon, forecast.monthly_discount);
    out.expected_remaining_months = Some(remaining);
    let t12_from = s.as_of.plus(-11);
    let alive_months = Month::range(t12_from, s.as_of).filter(|m| s.alive_at(*m)).count();
    let monthly_revenue = s.sum(t12_from, s.as_of) / Decimal::from(alive_months);
    out.predicted_value = Decimal::from_f64(remaining).map(|r| margin * monthly_revenue * r);
}

/// The project clients' p_alive, expected purchases and (with Gamma-Gamma)
/// expected value, each from its own summary.
fn predict_projects(
    bgnbd: &BgNbd,
    gamma_gamma: Option<&GammaGamma>,
    series: &[ClientSeries<'_>],
    summaries: &[CustomerSummary],
    forecast: Forecast,
    out: &mut [ClientPrediction],
) {
    let index: BTreeMap<&str, usize> = series
        .iter()
        .enumerate()
        .map(|(i, s)| (s.client.id.as_str(), i))
        .collect();
    for summary in summaries {
        let i = index[summary.id.as_str()];
        let f = predict::forecast(
            bgnbd,
            gamma_gamma,
            &summary.rfm,
            summary.monetary_value,
            f64::from(forecast.horizon),
            Period::Month,
            forecast.monthly_discount,
        );
        out[i].p_alive = finite(f.p_alive);
        out[i].expected_purchases = finite(f.expected_purchases);
        out[i].expected_value = f.expected_value.and_then(finite).and_then(Decimal::from_f64);
    }
}

/// The retainers (`series[i]` for `i` in `retainer`) by start month: how
/// many churned first after each month, how many are still alive.
fn retainer_cohorts(series: &[ClientSeries<'_>], retainer: &[usize]) -> Vec<SbgCohort> {
    let mut cohorts: BTreeMap<Month, SbgCohort> = BTreeMap::new();
    for &i in retainer {
        let s = &series[i];
        let n = s.alive.len() - 1;
        let c = cohorts.entry(s.start).or_insert_with(|| SbgCohort {
            churned: vec![0; n],
            survivors: 0,
        });
        match first_churn(s) {
            Some(t) => c.churned[t - 1] += 1,
            None => c.survivors += 1,
        }
    }
    cohorts.into_values().collect()
}

/// sBG over the retainers' cohorts, or None with a note saying why not (too
/// few cohorts with a churn, no convergence); a note too when only the
/// geometric limit could be fitted.
fn fit_sbg(cohorts: &[SbgCohort], notes: &mut Vec<String>) -> Option<Sbg> {
    let churned_cohorts = cohorts.iter().filter(|c| c.churned.iter().any(|&n| n > 0)).count();
    if churned_cohorts < MIN_CHURNED_COHORTS {
        notes.push(format!(
            "sBG not fitted: {churned_cohorts} cohort{} of retainer clients with an observed churn (at least {MIN_CHURNED_COHORTS} needed)",
            if churned_cohorts == 1 { "" } else { "s" }
        ));
        return None;
    }
    match sbg::fit(cohorts) {
        Ok(model) => {
            if let Sbg::Geometric { churn, .. } = model {
                notes.push(format!(
                    "sBG: no difference in loyalty between retainer clients could be fitted (α and β run away together); the geometric limit is reported: every retainer churns with probability {:.4} a month",
                    churn
                ));
            }
            Some(model)
        }
        Err(e) => {
            notes.push(match e {
                SbgError::NotConverged => "sBG not fitted: the likelihood search did not converge".to_string(),
                SbgError::NoChurn | SbgError::NoClients => "sBG not fitted: no churn observed".to_string(),
            });
            None
        }
    }
}

/// The project clients' (`series[i]` for `i` in `project`) invoices > 0
/// up to M, summarised by calendar month for BG/NBD and Gamma-Gamma.
fn project_summaries(series: &[ClientSeries<'_>], project: &[usize]) -> Vec<CustomerSummary> {
    let Some(as_of) = series.first().map(|s| s.as_of) else {
        return Vec::new();
    };
    let mut transactions: Vec<(&str, jiff::civil::Date, f64)> = Vec::new();
    for &i in project {
        let s = &series[i];
        let last_day = s.as_of.last_day();
        for inv in s
            .client
            .invoices
            .iter()
            .filter(|v| v.date <= last_day && v.amount > Decimal::ZERO)
        {
            transactions.push((s.client.id.as_str(), inv.date, to_f64(inv.amount)));
        }
    }
    summarise(transactions.iter().copied(), Period::Month, as_of.last_day())
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn summary_of(model: Sbg, horizon: u32) -> SbgSummary {
    let (alpha, beta, monthly_churn) = match model {
        Sbg::Beta { alpha, beta, .. } => (Some(alpha), Some(beta), None),
        Sbg::Geometric { churn, .. } => (None, None, Some(churn)),
    };
    SbgSummary {
        model,
        alpha,
        beta,
        monthly_churn,
        log_likelihood: model.log_likelihood(),
        survival: model.survival(horizon),
    }
}

/// The Kaplan–Meier survival of the pooled cohorts: S(t) = Π_{j<=t} (1 −
/// d_j / n_j), with d_j the first churns at offset j and n_j the clients
/// still there at j − 1 whose cohort can be observed at j. Stops where no
/// cohort can be observed any more.
fn kaplan_meier(cohorts: &[SbgCohort]) -> Vec<f64> {
    let longest = cohorts.iter().map(|c| c.churned.len()).max();
    let Some(longest) = longest else {
        return Vec::new();
    };
    let mut out = vec![1.0];
    let mut s = 1.0;
    for t in 1..=longest {
        let (mut at_risk, mut churned) = (0u64, 0u64);
        for c in cohorts.iter().filter(|c| c.churned.len() >= t) {
            let before: u64 = c.churned[..t - 1].iter().sum();
            let total: u64 = c.churned.iter().sum::<u64>() + c.survivors;
            at_risk += total - before;
            churned += c.churned[t - 1];
        }
        if at_risk == 0 {
            break;
        }
        s *= 1.0 - churned as f64 / at_risk as f64;
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests;
