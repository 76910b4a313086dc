//! Tests of the per-client predictions against hand-built projects.

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
