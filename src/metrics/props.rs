//! Property tests on random small projects (issue 3).

use proptest::prelude::*;

use crate::model::{InvoiceKind, Project};
use crate::month::Month;

use super::testkit::*;
use super::{Metrics, clients_csv, compute, to_json};

const KINDS: [Option<InvoiceKind>; 4] = [
    None,
    Some(InvoiceKind::Upsell),
    Some(InvoiceKind::CrossSell),
    Some(InvoiceKind::OneOff),
];
const CHANNELS: [&str; 3] = ["ads", "referral", "none"];

#[derive(Clone, Debug)]
struct ClientSpec {
    acquired: Option<(i32, i8)>,
    /// (month offset, day, amount, index into KINDS)
    invoices: Vec<(i32, i8, i64, usize)>,
    /// months after the start month
    ended_after: Option<(i32, i8)>,
    channel: Option<usize>,
    cac: Option<i64>,
    margin: Option<u8>,
    nps: Vec<(i32, i8, u8)>,
    activity: Vec<(i32, i8, bool, f64)>,
}

#[derive(Clone, Debug)]
struct Spec {
    clients: Vec<ClientSpec>,
    churn_after: u32,
    horizon: u32,
    activity_components: bool,
    weights: [f64; 4],
    as_of: i32,
}

fn base() -> Month {
    month("2024-01")
}

fn day(offset: i32, d: i8) -> String {
    format!("{}-{:02}", base().plus(offset), d)
}

fn client_spec() -> impl Strategy<Value = ClientSpec> {
    (
        proptest::option::of((0..30i32, 1..=28i8)),
        proptest::collection::vec((0..30i32, 1..=28i8, -500..3000i64, 0..4usize), 0..8),
        proptest::option::of((0..20i32, 1..=28i8)),
        proptest::option::of(0..3usize),
        proptest::option::of(0..2000i64),
        proptest::option::of(0..=10u8),
        proptest::collection::vec((0..30i32, 1..=28i8, 0..=10u8), 0..4),
        proptest::collection::vec((0..30i32, 1..=28i8, any::<bool>(), 0.0..10.0f64), 0..6),
    )
        .prop_map(
            |(acquired, invoices, ended_after, channel, cac, margin, nps, activity)| ClientSpec {
                acquired,
                invoices,
                ended_after,
                channel,
                cac,
                margin,
                nps,
                activity,
            },
        )
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        proptest::collection::vec(client_spec(), 0..6),
        1..=4u32,
        1..=60u32,
        any::<bool>(),
        [0.0..1.0f64, 0.0..1.0f64, 0.0..1.0f64, 0.0..1.0f64],
        0..36i32,
    )
        .prop_map(
            |(clients, churn_after, horizon, activity_components, weights, as_of)| Spec {
                clients,
                churn_after,
                horizon,
                activity_components,
                weights,
                as_of,
            },
        )
}

fn build(spec: &Spec) -> Project {
    let mut p = project().config(|c| {
        c.churn_after_months = spec.churn_after;
        c.ltv_horizon_months = spec.horizon;
        c.gross_margin = dec("0.7");
        c.cac_by_channel.insert("ads".into(), money(900));
        if spec.activity_components {
            let w = spec.weights;
            c.health_components = vec![
                component("nps", w[0], None, true),
                component("revenue_trend", w[1], None, true),
                component("meetings", w[2], Some(2.0), true),
                component("tickets", w[3], Some(3.0), false),
            ];
        }
    });
    for (i, cs) in spec.clients.iter().enumerate() {
        let mut b = client(&format!("c{i}"));
        if let Some((m, d)) = cs.acquired {
            b = b.acquired(&day(m, d));
        }
        for (m, d, amount, kind) in &cs.invoices {
            let when = day(*m, *d);
            b = match KINDS[*kind] {
                None => b.inv(&when, *amount),
                Some(k) => b.inv_kind(&when, *amount, k),
            };
        }
        // `ended` on or after the start month, as validation requires.
        let first_invoice = cs.invoices.iter().map(|i| i.0).min();
        let start = match (cs.acquired.map(|a| a.0), first_invoice) {
            (Some(a), Some(f)) => Some(a.min(f)),
            (a, f) => a.or(f),
        };
        if let (Some(s), Some((after, d))) = (start, cs.ended_after) {
            b = b.ended(&day(s + after, d));
        }
        if let Some(ch) = cs.channel {
            b = b.channel(CHANNELS[ch]);
        }
        if let Some(cac) = cs.cac {
            b = b.cac(cac);
        }
        if let Some(g) = cs.margin {
            b = b.margin(&rust_decimal::Decimal::new(i64::from(g), 1).to_string());
        }
        for (m, d, score) in &cs.nps {
            b = b.nps(&day(*m, *d), *score);
        }
        for (m, d, tickets, value) in &cs.activity {
            b = b.act(&day(*m, *d), if *tickets { "tickets" } else { "meetings" }, *value);
        }
        p = p.client(b);
    }
    p.build()
}

/// The project with every row dated after `m` removed.
fn truncated(p: &Project, m: Month) -> Project {
    let last = m.last_day();
    let mut p = p.clone();
    for c in &mut p.clients {
        c.invoices.retain(|i| i.date <= last);
        c.nps.retain(|r| r.date <= last);
        c.activity.retain(|r| r.date <= last);
        c.acquired = c.acquired.filter(|d| *d <= last);
        c.ended = c.ended.filter(|d| *d <= last);
    }
    p
}

fn in_unit(x: f64) -> bool {
    (0.0..=1.0).contains(&x)
}

fn check(m: &Metrics) -> Result<(), TestCaseError> {
    let p = &m.portfolio;
    // Cohort sizes sum to clients_total.
    prop_assert_eq!(m.cohorts.iter().map(|c| c.size).sum::<usize>(), p.clients_total);
    prop_assert_eq!(m.clients.len(), p.clients_total);
    // alive(m) = alive(m-1) + new + reactivated - churned for every row.
    let mut before = 0usize;
    for r in &m.monthly {
        prop_assert_eq!(r.alive + r.churned, before + r.new + r.reactivated, "month {}", r.month);
        before = r.alive;
    }
    if let Some(last) = m.monthly.last() {
        prop_assert_eq!(last.month, m.as_of);
        prop_assert_eq!(last.alive, p.clients_alive);
        prop_assert_eq!(
            m.monthly[0].month,
            m.clients.iter().map(|c| c.start_month).min().unwrap()
        );
    }
    // Every rate in [0, 1] except NRR and revenue retention.
    for rate in [
        p.churn_month,
        p.churn_t12,
        p.grr_t12,
        p.upsell_rate_t12,
        p.cross_sell_rate_t12,
    ]
    .into_iter()
    .flatten()
    {
        prop_assert!(in_unit(rate), "{rate} in {p:?}");
    }
    for r in &m.monthly {
        prop_assert!(r.churn_rate.is_none_or(in_unit), "{r:?}");
    }
    for c in &m.cohorts {
        prop_assert!(c.retention.iter().copied().all(in_unit), "{c:?}");
        let len = m.as_of.since(c.cohort) as usize + 1;
        prop_assert_eq!(c.active.len(), len);
        prop_assert_eq!(c.revenue_retention.len(), len);
        prop_assert_eq!(c.cumulative_ltv.len(), len);
    }
    for c in &m.clients {
        // Touch tiers only on alive clients (and on every alive one).
        prop_assert_eq!(c.touch.is_some(), c.alive, "{}", c.id);
        prop_assert!(c.alive || c.signals.is_empty());
        // Health in [0, 100] or null.
        prop_assert!(c.health.is_none_or(|h| (0.0..=100.0).contains(&h)), "{:?}", c.health);
        let weights: f64 = c.health_components.iter().map(|h| h.weight).sum();
        if c.health.is_some() {
            prop_assert!((weights - 1.0).abs() < 1e-9, "{weights}");
        } else {
            prop_assert_eq!(weights, 0.0);
        }
        prop_assert!(c.tenure_months >= 1);
        prop_assert_eq!(c.revenue_by_month.len(), m.as_of.since(c.start_month) as usize + 1);
    }
    // The monthly revenue adds up to the portfolio's T12 revenue.
    let t12: rust_decimal::Decimal = m
        .monthly
        .iter()
        .filter(|r| r.month >= m.as_of.plus(-11))
        .map(|r| r.revenue)
        .sum();
    prop_assert_eq!(t12, p.revenue_t12);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn invariants_hold_on_random_projects(spec in spec()) {
        let project = build(&spec);
        let m = compute(&project, base().plus(spec.as_of));
        check(&m)?;
    }

    #[test]
    fn numbers_as_of_m_ignore_later_data(spec in spec()) {
        let project = build(&spec);
        let as_of = base().plus(spec.as_of);
        let full = compute(&project, as_of);
        let cut = compute(&truncated(&project, as_of), as_of);
        prop_assert_eq!(&full, &cut);
        prop_assert_eq!(to_json(&full), to_json(&cut));
    }

    #[test]
    fn json_parses_and_csv_has_a_line_per_client(spec in spec()) {
        let m = compute(&build(&spec), base().plus(spec.as_of));
        let json = to_json(&m);
        prop_assert!(json.ends_with("}\n"), "no trailing newline");
        let v: serde_json::Value = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(v["clients"].as_array().map(|a| a.len()), Some(m.clients.len()));
        let csv = clients_csv(&m);
        prop_assert_eq!(csv.lines().count(), m.clients.len() + 1);
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        prop_assert_eq!(reader.records().count(), m.clients.len());
    }
}

/// `end = start + new + reactivated + resumed + expansion − contraction −
/// paused − churned + adjustment`, exactly.
fn identity_holds(b: &super::Bridge) -> bool {
    b.start + b.new + b.reactivated + b.resumed + b.expansion - b.contraction - b.paused - b.churned + b.adjustment
        == b.end
}

/// A client's revenue over `from ..= to` from its monthly series.
fn client_sum(c: &super::ClientMetrics, from: Month, to: Month) -> rust_decimal::Decimal {
    Month::range(from, to).filter_map(|k| c.revenue_in(k)).sum()
}

fn check_bridges(project: &Project, m: &Metrics) -> Result<(), TestCaseError> {
    use super::Movement::*;
    use rust_decimal::Decimal;
    let p = &m.portfolio;
    let zero = Decimal::ZERO;
    let revenue = |k: Month| m.monthly.iter().find(|r| r.month == k).map_or(zero, |r| r.revenue);
    let over = |from: Month, to: Month| -> Decimal { Month::range(from, to).map(revenue).sum() };
    let (t12, month) = (&p.bridge_t12, &p.bridge_month);
    prop_assert!(identity_holds(t12), "{t12:?}");
    prop_assert!(identity_holds(month), "{month:?}");
    prop_assert_eq!(t12.end, p.revenue_t12);
    prop_assert_eq!(t12.start, over(m.as_of.plus(-23), m.as_of.plus(-12)));
    prop_assert_eq!(month.end, p.revenue_month);
    prop_assert_eq!(month.start, revenue(m.as_of.plus(-1)));
    for b in [t12, month] {
        let losses = b.contraction + b.paused + b.churned;
        prop_assert_eq!(b.quick_ratio.is_none(), losses.is_zero(), "{:?}", b);
        for v in [
            b.new,
            b.reactivated,
            b.resumed,
            b.expansion,
            b.contraction,
            b.paused,
            b.churned,
        ] {
            prop_assert!(v >= zero, "{:?}", b);
        }
    }
    // Every monthly entry: the identity, its windows, and the bridge as of its month.
    for (i, r) in m.monthly.iter().enumerate() {
        prop_assert!(identity_holds(&r.bridge), "{r:?}");
        prop_assert_eq!(r.bridge.end, r.revenue);
        let before = if i == 0 { zero } else { m.monthly[i - 1].revenue };
        prop_assert_eq!(r.bridge.start, before);
        let then = compute(project, r.month);
        prop_assert_eq!(&r.bridge, &then.portfolio.bridge_month, "month {}", r.month);
    }
    // The clients' T12 movements add up to the portfolio's.
    let mut sums = super::Bridge::default();
    let (w0_from, w0_to, w1_from) = (m.as_of.plus(-23), m.as_of.plus(-12), m.as_of.plus(-11));
    let (mut a_prev, mut a_now, mut a_bridged) = (zero, zero, zero);
    for c in &m.clients {
        let (kind, amount) = (c.bridge_t12_kind, c.bridge_t12_amount);
        prop_assert_eq!(kind.is_some(), amount.is_some());
        let prev = client_sum(c, w0_from, w0_to);
        let now = client_sum(c, w1_from, m.as_of);
        prop_assert_eq!(kind.is_none(), prev == now, "{}: {:?}", &c.id, kind);
        if let (Some(k), Some(a)) = (kind, amount) {
            let slot = match k {
                New => &mut sums.new,
                Reactivated => &mut sums.reactivated,
                Resumed => &mut sums.resumed,
                Expansion => &mut sums.expansion,
                Contraction => &mut sums.contraction,
                Paused => &mut sums.paused,
                Churned => &mut sums.churned,
                Adjustment => &mut sums.adjustment,
            };
            *slot += a;
            prop_assert_eq!(now - prev, if k.sign() < 0 { -a } else { a });
        }
        // NRR's clients (revenue in W0) only expand, contract, pause or churn.
        if prev > zero {
            prop_assert!(
                matches!(kind, None | Some(Expansion | Contraction | Paused | Churned)),
                "{}: {:?}",
                &c.id,
                kind
            );
            a_prev += prev;
            a_now += now;
            let signed = match (kind, amount) {
                (Some(k), Some(a)) if k.sign() < 0 => -a,
                (Some(_), Some(a)) => a,
                _ => zero,
            };
            a_bridged += signed;
        }
    }
    for k in super::Movement::ALL {
        prop_assert_eq!(sums.amount(k), t12.amount(k), "{:?}", k);
    }
    // nrr_t12 × start (over NRR's clients) = start + expansion − contraction − paused − churned.
    prop_assert_eq!(a_prev + a_bridged, a_now);
    match p.nrr_t12 {
        None => prop_assert!(a_prev.is_zero()),
        Some(nrr) => {
            let start = rust_decimal::prelude::ToPrimitive::to_f64(&a_prev).unwrap();
            let bridged = rust_decimal::prelude::ToPrimitive::to_f64(&(a_prev + a_bridged)).unwrap();
            prop_assert!(
                (nrr * start - bridged).abs() <= 1e-9 * bridged.abs().max(1.0),
                "{nrr} × {start} vs {bridged}"
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn bridge_identity_holds_on_random_projects_and_months(spec in spec()) {
        let project = build(&spec);
        let m = compute(&project, base().plus(spec.as_of));
        check_bridges(&project, &m)?;
    }
}
