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
mod tests {
    use super::super::testkit::*;
    use super::*;
    use crate::model::Contract::{Project, Retainer};
    use crate::predict::bgnbd::{self, Rfm};
    use crate::predict::sbg::Cohort;

    /// A retainer paying `amount` every month from `start` for `paid`
    /// months (to the as-of month when `paid` is None). With N = 3 it
    /// churns at offset paid + 2.
    fn retainer(id: &str, start: &str, paid: Option<i32>, amount: i64) -> ClientBuilder {
        let to = paid.map_or("2025-12".to_string(), |p| month(start).plus(p - 1).to_string());
        client(id).contract(Retainer).monthly(start, &to, amount)
    }

    /// Three cohorts of 18 retainers, most leaving early and the rest
    /// staying: loyalty differs between clients, so sBG fits α and β.
    fn heterogeneous() -> ProjectBuilder {
        let mut p = project();
        for (c, start) in ["2023-01", "2023-07", "2024-01"].iter().enumerate() {
            let mut n = 0;
            let mut add = |p: ProjectBuilder, paid: Option<i32>, count: usize| {
                let mut p = p;
                for _ in 0..count {
                    n += 1;
                    p = p.client(retainer(&format!("c{c}-{n:02}"), start, paid, 100_000));
                }
                p
            };
            p = add(p, Some(1), 6);
            p = add(p, Some(2), 2);
            p = add(p, Some(12), 1);
            p = add(p, None, 8);
            if c == 0 {
                // Paid 6 months, gone (first churn at offset 8), back from
                // 2025-03 on: reactivated 26 months after its start.
                p = p.client(
                    retainer("back", start, Some(6), 50_000)
                        .monthly("2025-03", "2025-12", 80_000)
                        .margin("0.5"),
                );
            } else {
                p = add(p, Some(6), 1);
            }
        }
        // Started in 2025-07: 6 alive months in T12.
        p.client(retainer("young", "2025-07", None, 60_000))
    }

    /// The cohorts of `heterogeneous`, written out by hand: 6 first churns
    /// at offset 3, 2 at 4, 1 at 8, 1 at 14, and 8 survivors (9 in the
    /// youngest cohort, 2025-07, whose one client survives to offset 5).
    fn heterogeneous_cohorts() -> Vec<Cohort> {
        let mut out = Vec::new();
        for n in [35usize, 29, 23] {
            let mut churned = vec![0; n];
            churned[2] = 6;
            churned[3] = 2;
            churned[7] = 1;
            churned[13] = 1;
            out.push(Cohort { churned, survivors: 8 });
        }
        out.push(Cohort {
            churned: vec![0; 5],
            survivors: 1,
        });
        out
    }

    #[test]
    fn sbg_over_retainer_cohorts_with_heterogeneity() {
        let m = heterogeneous().metrics("2025-12");
        let want = sbg::fit(&heterogeneous_cohorts()).unwrap();
        let Sbg::Beta { alpha, beta, .. } = want else {
            panic!("expected a beta fit, got {want:?}");
        };
        let s = m.prediction.sbg.as_ref().expect("fitted");
        assert_eq!(s.model, want);
        assert_eq!((s.alpha, s.beta, s.monthly_churn), (Some(alpha), Some(beta), None));
        assert_eq!(s.survival.len(), 61);
        assert_eq!(s.survival, want.survival(60));
        assert_eq!(m.prediction.retainers, 3 * 18 + 1);

        // A loyal client of the 2023-01 cohort: k = 35 months survived;
        // g = 1, T12 revenue 1,200,000 over 12 alive months.
        let e = want.expected_remaining(35, 60, 0.0);
        let loyal = &m.expect_client("c0-10").prediction;
        assert_eq!(loyal.expected_remaining_months, Some(e));
        let value = loyal.predicted_value.unwrap();
        assert!(
            (value - Decimal::from_f64(100_000.0 * e).unwrap()).abs() < dec("0.000001"),
            "{value}"
        );

        // Reactivated in 2025-03: k = 9; T12 revenue 10 × 80,000 over its 10
        // alive months; margin 0.5.
        let e = want.expected_remaining(9, 60, 0.0);
        let back = &m.expect_client("back").prediction;
        assert_eq!(back.expected_remaining_months, Some(e));
        let value = back.predicted_value.unwrap();
        assert!(
            (value - Decimal::from_f64(40_000.0 * e).unwrap()).abs() < dec("0.000001"),
            "{value}"
        );

        // Started 2025-07: k = 5; 360,000 over 6 alive months, not 12.
        let e = want.expected_remaining(5, 60, 0.0);
        let young = &m.expect_client("young").prediction;
        let value = young.predicted_value.unwrap();
        assert!(
            (value - Decimal::from_f64(60_000.0 * e).unwrap()).abs() < dec("0.000001"),
            "{value}"
        );

        // Churned retainers get no forecast; nobody gets BG/NBD numbers.
        let gone = &m.expect_client("c0-01").prediction;
        assert_eq!((gone.expected_remaining_months, gone.predicted_value), (None, None));
        assert!(m.clients.iter().all(|c| c.prediction.p_alive.is_none()));
        assert_eq!(m.expect_client("c0-01").prediction.contract, Some(Retainer));
    }

    /// The observed curve is the Kaplan–Meier estimate: at offset 3 all
    /// 55 retainers are at risk and 18 leave; at 4, 37 remain and 6 leave.
    #[test]
    fn observed_survival_is_kaplan_meier() {
        let m = heterogeneous().metrics("2025-12");
        let obs = &m.prediction.observed_survival;
        assert_eq!(obs.len(), 36);
        assert_eq!(&obs[..3], &[1.0, 1.0, 1.0]);
        close(Some(obs[3]), 37.0 / 55.0);
        close(Some(obs[4]), 37.0 / 55.0 * (31.0 / 37.0));
        // Offset 24..=29: only the two older cohorts (36 clients) are seen.
        assert!(obs[35] <= obs[24]);
    }

    /// Retainers leave at an even pace (one of 20 every three months, none
    /// in the first two, where the grace period keeps everybody alive): no
    /// heterogeneity to fit, so the likelihood is highest in the geometric
    /// limit.
    #[test]
    fn sbg_geometric_limit_in_a_project() {
        let mut p = project().config(|c| c.discount_rate = 0.1);
        for start in ["2023-01", "2023-04", "2023-07"] {
            let mut n = 0;
            // Paid 1, 4, ..., 25 months: first churns at offsets 3, 6, ..., 27.
            let paid = (0..9).map(|k| Some(1 + 3 * k)).chain([None; 11]);
            for paid in paid {
                n += 1;
                p = p.client(retainer(&format!("c{start}-{n:02}"), start, paid, 10_000));
            }
        }
        let m = p.metrics("2025-12");
        let s = m.prediction.sbg.as_ref().unwrap();
        // Per cohort: churns at offsets 3 + 6 + ... + 27 = 135 months at
        // risk; 11 survivors at offsets 35, 32 and 29: 11 × 96 in all.
        let churn = 27.0 / 1461.0;
        assert_eq!((s.alpha, s.beta), (None, None));
        close(s.monthly_churn, churn);
        close(Some(s.survival[12]), (1.0 - churn).powi(12));
        assert!(m.prediction.notes.iter().any(|n| n.contains("geometric limit")));
        // Discounted at 10 % a year, month by month: memoryless, so the
        // same for every alive retainer.
        let d = 1.1_f64.powf(1.0 / 12.0) - 1.0;
        let want: f64 = (1..=60).map(|t| (1.0 - churn).powi(t) / (1.0 + d).powi(t)).sum();
        let stay = &m.expect_client("c2023-01-15").prediction;
        close(stay.expected_remaining_months, want);
        let value = stay.predicted_value.unwrap();
        assert!((value - Decimal::from_f64(10_000.0 * want).unwrap()).abs() < dec("0.000001"));
        assert_eq!(
            m.expect_client("c2023-07-20").prediction.expected_remaining_months,
            stay.expected_remaining_months
        );
    }

    #[test]
    fn too_few_churned_cohorts_give_null_and_a_note() {
        let m = project()
            .client(retainer("a", "2024-01", Some(2), 1000))
            .client(retainer("b", "2024-01", None, 1000))
            .client(retainer("c", "2024-06", None, 1000))
            .metrics("2025-12");
        assert!(m.prediction.sbg.is_none());
        assert!(
            m.prediction
                .notes
                .iter()
                .any(|n| n == "sBG not fitted: 1 cohort of retainer clients with an observed churn (at least 2 needed)"),
            "{:?}",
            m.prediction.notes
        );
        assert!(
            m.clients
                .iter()
                .all(|c| c.prediction.expected_remaining_months.is_none())
        );
        assert!(m.clients.iter().all(|c| c.prediction.predicted_value.is_none()));
    }

    #[test]
    fn contract_is_inferred_from_recurring_months() {
        use crate::model::InvoiceKind::{OneOff, Recurring};
        let m = project()
            // new + 3 recurring months: 3 of 4 months recurring.
            .client(client("ret").monthly("2025-01", "2025-04", 100))
            // 4 months with revenue, one with a recurring invoice.
            .client(
                client("proj")
                    .inv_kind("2025-01", 100, OneOff)
                    .inv_kind("2025-03", 100, OneOff)
                    .inv_kind("2025-05", 100, Recurring)
                    .inv_kind("2025-07", 100, OneOff),
            )
            // Exactly half: a retainer.
            .client(
                client("half")
                    .inv_kind("2025-01", 100, OneOff)
                    .inv_kind("2025-02", 100, Recurring),
            )
            // A recurring credit note does not make a month with revenue.
            .client(
                client("credit")
                    .inv_kind("2025-01", 100, OneOff)
                    .inv_kind("2025-02", 100, OneOff)
                    .inv_kind("2025-03", -50, Recurring),
            )
            // A recurring invoice of 0 in a month without revenue counts for
            // nothing: 2 months with revenue, none recurring.
            .client(
                client("zero")
                    .inv_kind("2025-01", 100, OneOff)
                    .inv_kind("2025-02", 100, OneOff)
                    .inv_kind("2025-03", 0, Recurring),
            )
            // Written in client.toml: wins over the invoices.
            .client(client("told").contract(Project).monthly("2025-01", "2025-04", 100))
            .metrics("2025-07");
        let contract = |id: &str| m.expect_client(id).prediction.contract.unwrap();
        assert_eq!(contract("ret"), Retainer);
        assert_eq!(contract("proj"), Project);
        assert_eq!(contract("half"), Retainer);
        assert_eq!(contract("credit"), Project);
        assert_eq!(contract("zero"), Project);
        assert_eq!(contract("told"), Project);
        assert!(m.expect_client("ret").prediction.contract_inferred);
        assert!(!m.expect_client("told").prediction.contract_inferred);
    }

    /// Months (offsets from 2024-01) with a purchase of client `i` of the
    /// project-work portfolio: pseudo-random (xorshift), distinct and
    /// increasing, all within 2024-01 ..= 2025-12.
    fn project_months(i: i32) -> Vec<i32> {
        let mut state = 0x9E37_79B9_u32.wrapping_mul(i as u32 + 1);
        let mut next = move |n: u32| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state % n) as i32
        };
        let mut m = next(12);
        let mut out = vec![m];
        // Each client buys again after 1..=9 months until it stops (a 1 in
        // 4 chance after each purchase) or the data ends.
        while next(4) != 0 {
            m += 1 + next(9);
            if m > 23 {
                break;
            }
            out.push(m);
        }
        out
    }

    /// The amount of client `i`'s purchase number `k` (0 = the first).
    fn project_amount(i: i32, k: usize) -> i64 {
        1000 + (i64::from(i) * 7919 + k as i64 * 104_729) % 5003
    }

    fn project_portfolio(clients: i32) -> ProjectBuilder {
        let mut p = project().config(|c| c.discount_rate = 0.05);
        for i in 0..clients {
            let mut b = client(&format!("p{i:02}")).contract(Project);
            for (k, off) in project_months(i).into_iter().enumerate() {
                let when = month("2024-01").plus(off).to_string();
                b = b.inv_kind(&when, project_amount(i, k), crate::model::InvoiceKind::OneOff);
            }
            // A credit note is not a purchase.
            b = b.inv_kind("2024-02", -300, crate::model::InvoiceKind::OneOff);
            p = p.client(b);
        }
        p
    }

    #[test]
    fn bgnbd_and_gamma_gamma_over_project_clients() {
        let m = project_portfolio(40).metrics("2025-12");
        // The summaries, by hand: months since 2024-01 to 2025-12 = 23.
        let rfm: Vec<Rfm> = (0..40)
            .map(|i| {
                let months = project_months(i);
                Rfm {
                    frequency: (months.len() - 1) as f64,
                    recency: f64::from(months[months.len() - 1] - months[0]),
                    age: f64::from(23 - months[0]),
                }
            })
            .collect();
        let want = bgnbd::fit(&rfm).unwrap();
        let got = m.prediction.bgnbd.unwrap();
        assert_eq!(got.model, want.model);
        assert!(m.prediction.gamma_gamma.is_some(), "{:?}", m.prediction.notes);
        assert_eq!(m.prediction.project_clients, 40);
        let gg = m.prediction.gamma_gamma.unwrap().model;
        let d = 1.05_f64.powf(1.0 / 12.0) - 1.0;
        for i in [0, 7, 33] {
            let c = &m.expect_client(&format!("p{i:02}")).prediction;
            assert_eq!(c.contract, Some(Project));
            assert_eq!(c.p_alive, Some(want.model.p_alive(&rfm[i as usize])));
            let purchases = want.model.expected_purchases(&rfm[i as usize], 60.0);
            assert_eq!(c.expected_purchases, Some(purchases));
            // Mean of the repeat purchases (k >= 1).
            let repeats = rfm[i as usize].frequency as usize;
            let mean = if repeats > 0 {
                (1..=repeats).map(|k| project_amount(i, k) as f64).sum::<f64>() / repeats as f64
            } else {
                0.0
            };
            let avg = gg.expected_average_value(rfm[i as usize].frequency, mean).unwrap();
            let value = predict::expected_value(&want.model, &rfm[i as usize], avg, 60.0, Period::Month, d, purchases);
            let got = c.expected_value.unwrap();
            assert!(
                (got - Decimal::from_f64(value).unwrap()).abs() < dec("0.000001"),
                "{got} vs {value}"
            );
            assert_eq!(c.expected_remaining_months, None);
        }
    }

    #[test]
    fn too_few_repeat_buyers_give_null_and_a_note() {
        let m = project_portfolio(10).metrics("2025-12");
        let repeat = (0..10).filter(|&i| project_months(i).len() > 1).count();
        assert!(m.prediction.bgnbd.is_none() && m.prediction.gamma_gamma.is_none());
        let notes = m.prediction.notes.join(" | ");
        let want = format!("BG/NBD not fitted: {repeat} repeat buyers (at least 20 needed)");
        assert!(notes.contains(&want), "{notes}");
        assert!(m.clients.iter().all(|c| c.prediction.p_alive.is_none()));
    }
}
