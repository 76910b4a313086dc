//! Hand-worked revenue bridges and fiscal years (SPEC §3.8). Each expected
//! number is worked out in the comment beside it.

use rust_decimal::Decimal;

use super::bridge::{Facts, classify};
use super::fiscal::{fiscal_year_first, fiscal_year_label, quarters};
use super::testkit::*;
use super::{Bridge, Metrics, Movement};

/// Every field of a bridge, by hand: (start, new, reactivated, resumed,
/// expansion, contraction, paused, churned, adjustment, end).
#[track_caller]
fn assert_bridge(b: &Bridge, v: [i64; 10]) {
    let got = [
        b.start,
        b.new,
        b.reactivated,
        b.resumed,
        b.expansion,
        b.contraction,
        b.paused,
        b.churned,
        b.adjustment,
        b.end,
    ];
    let want: Vec<Decimal> = v.iter().map(|x| money(*x)).collect();
    assert_eq!(got.to_vec(), want, "{b:?}");
}

#[track_caller]
fn movement(m: &Metrics, id: &str) -> (Option<Movement>, Option<Decimal>) {
    let c = m.expect_client(id);
    (c.bridge_t12_kind, c.bridge_t12_amount)
}

// ---------------------------------------------------------------------------
// The T12 bridge as of 2026-12 (N = 3): W1 = 2026-01 ..= 2026-12 (f = Jan
// 2026, l = Dec 2026), W0 = 2025-01 ..= 2025-12, f − 1 = Dec 2025.
//
//  client   invoices                                  p       n      movement
//  new1     1000 every month Mar..Dec 2026            0       10000  new 10000 (s = Mar 2026, in W1)
//  react    100 every month Jan..Jun 2024; 500 in     0       1500   reactivated 1500 (alive until
//           May, Jun, Jul 2026                                        Aug 2024: churned, not alive Dec 2025)
//  late     acquired 2025-06-01; 700 in Apr 2026      0       700    reactivated 700 (s = Jun 2025 in W0;
//                                                                     Dec 2025 is 6 >= 3 months after it,
//                                                                     no revenue: not alive)
//  resume   acquired 2025-11-01; 200 every month      0       2200   resumed 2200 (s = Nov 2025 in W0;
//           Feb..Dec 2026                                             Dec 2025 within its first 3 months)
//  credit0  100 in Jun 2024; 300 in Nov 2025, a      −200     400    resumed 600 (alive in Dec 2025 by
//           credit note −500 in Dec 2025; 400 Jan 2026                Nov's revenue; amount 400 − (−200))
//  expand   100 a month in 2025, 150 a month in 2026  1200    1800   expansion 600
//  contract 200 a month in 2025, 100 a month in       2400    900    contraction 1500
//           2026 and a credit note −300 in Jun 2026
//  pause12  100 a month in 2025; −200 in Feb 2026,    1200    −50    paused 1250 (alive in Dec 2026 by
//           150 in Nov 2026                                           Nov's revenue; amount 1200 − (−50))
//  churn    500 a month Jan..Aug 2025                 4000    0      churned 4000 (not alive in Dec 2026)
//  adjust   100 in Mar 2024; credit −250 Apr 2026     0       −250   adjustment −250
//  flat     100 a month in 2025 and 2026              1200    1200   none
//  ghost    acquired 2026-12-01, no invoice           0       0      none
//
//  start = −200 + 1200 + 2400 + 1200 + 4000 + 1200 = 9800
//  end   = 10000 + 1500 + 700 + 2200 + 400 + 1800 + 900 − 50 − 250 + 1200 = 18400
//  new 10000, reactivated 1500 + 700 = 2200, resumed 2200 + 600 = 2800,
//  expansion 600, contraction 1500, paused 1250, churned 4000, adjustment −250
//  identity: 9800 + 10000 + 2200 + 2800 + 600 − 1500 − 1250 − 4000 − 250 = 18400
//  quick ratio = (10000 + 2200 + 2800 + 600) / (1500 + 1250 + 4000) = 15600 / 6750
// ---------------------------------------------------------------------------

fn t12_scenario() -> ProjectBuilder {
    project()
        .client(client("new1").monthly("2026-03", "2026-12", 1000))
        .client(
            client("react")
                .monthly("2024-01", "2024-06", 100)
                .monthly("2026-05", "2026-07", 500),
        )
        .client(client("late").acquired("2025-06-01").inv("2026-04", 700))
        .client(
            client("resume")
                .acquired("2025-11-01")
                .monthly("2026-02", "2026-12", 200),
        )
        .client(
            client("credit0")
                .inv("2024-06", 100)
                .inv("2025-11", 300)
                .inv("2025-12", -500)
                .inv("2026-01", 400),
        )
        .client(
            client("expand")
                .monthly("2025-01", "2025-12", 100)
                .monthly("2026-01", "2026-12", 150),
        )
        .client(
            client("contract")
                .monthly("2025-01", "2025-12", 200)
                .monthly("2026-01", "2026-12", 100)
                .inv("2026-06-20", -300),
        )
        .client(
            client("pause12")
                .monthly("2025-01", "2025-12", 100)
                .inv("2026-02", -200)
                .inv("2026-11", 150),
        )
        .client(client("churn").monthly("2025-01", "2025-08", 500))
        .client(client("adjust").inv("2024-03", 100).inv("2026-04", -250))
        .client(
            client("flat")
                .monthly("2025-01", "2025-12", 100)
                .monthly("2026-01", "2026-12", 100),
        )
        .client(client("ghost").acquired("2026-12-01"))
}

#[test]
fn t12_bridge_by_hand() {
    let m = t12_scenario().metrics("2026-12");
    let b = &m.portfolio.bridge_t12;
    assert_bridge(b, [9800, 10000, 2200, 2800, 600, 1500, 1250, 4000, -250, 18400]);
    close(b.quick_ratio, 15600.0 / 6750.0);
    // end is the portfolio's T12 revenue, start the 12 months before.
    assert_eq!(b.end, m.portfolio.revenue_t12);
}

#[test]
fn each_movement_by_name_and_by_its_effect() {
    let b = t12_scenario().metrics("2026-12").portfolio.bridge_t12;
    let expect = [
        (Movement::New, 10000, 10000),
        (Movement::Reactivated, 2200, 2200),
        (Movement::Resumed, 2800, 2800),
        (Movement::Expansion, 600, 600),
        (Movement::Contraction, 1500, -1500),
        (Movement::Paused, 1250, -1250),
        (Movement::Churned, 4000, -4000),
        (Movement::Adjustment, -250, -250),
    ];
    for (kind, amount, effect) in expect {
        assert_eq!(b.amount(kind), money(amount), "{kind:?}");
        assert_eq!(b.signed(kind), money(effect), "{kind:?}");
    }
    let moved: Decimal = Movement::ALL.iter().map(|k| b.signed(*k)).sum();
    assert_eq!(b.start + moved, b.end);
}

#[test]
fn t12_movement_of_each_client_by_hand() {
    let m = t12_scenario().metrics("2026-12");
    let expect = [
        ("new1", Some(Movement::New), Some(10000)),
        ("react", Some(Movement::Reactivated), Some(1500)),
        ("late", Some(Movement::Reactivated), Some(700)),
        ("resume", Some(Movement::Resumed), Some(2200)),
        ("credit0", Some(Movement::Resumed), Some(600)),
        ("expand", Some(Movement::Expansion), Some(600)),
        ("contract", Some(Movement::Contraction), Some(1500)),
        ("pause12", Some(Movement::Paused), Some(1250)),
        ("churn", Some(Movement::Churned), Some(4000)),
        ("adjust", Some(Movement::Adjustment), Some(-250)),
        ("flat", None, None),
        ("ghost", None, None),
    ];
    for (id, kind, amount) in expect {
        assert_eq!(movement(&m, id), (kind, amount.map(money)), "{id}");
    }
}

#[test]
fn acquired_in_w0_is_never_new_in_w1() {
    // The same first invoice (Apr 2026): acquired in Nov 2025, Dec 2025 is
    // within its first 3 months (alive): resumed. Acquired in Jun 2025:
    // reactivated. Not acquired at all: s = Apr 2026, in W1: new.
    let m = project()
        .client(client("a").acquired("2025-11-01").inv("2026-04", 700))
        .client(client("b").acquired("2025-06-01").inv("2026-04", 700))
        .client(client("c").inv("2026-04", 700))
        .metrics("2026-12");
    assert_eq!(movement(&m, "a").0, Some(Movement::Resumed));
    assert_eq!(movement(&m, "b").0, Some(Movement::Reactivated));
    assert_eq!(movement(&m, "c").0, Some(Movement::New));
    // With a grace of 7 months, June 2025 is young in December: resumed.
    let m = project()
        .config(|c| c.churn_after_months = 7)
        .client(client("b").acquired("2025-06-01").inv("2026-04", 700))
        .metrics("2026-12");
    assert_eq!(movement(&m, "b").0, Some(Movement::Resumed));
}

// ---------------------------------------------------------------------------
// The month bridge as of 2026-12 (N = 3): W1 = {Dec 2026}, W0 = {Nov 2026}.
//
//  client  invoices                                 p     n     movement
//  p1      100 in Nov 2026                          100   0     paused 100 (alive in Dec: Nov is
//                                                                within the 3 grace months)
//  c1      100 in Jan and Nov 2026, ended 2026-11-30  100   0   churned 100 (ended in Nov)
//  r1      100 in Jan 2026 and Jun 2026, 300 in Dec 0     300   reactivated 300 (alive Jun..Aug,
//                                                                not in Sep..Nov)
//  s1      100 in Jan and Sep 2026, 50 in Dec       0     50    resumed 50 (Sep within Sep..Nov)
//  n1      80 in Dec 2026                           0     80    new 80
//  e1      100 in Nov, 150 in Dec 2026              100   150   expansion 50
//  k1      100 in Nov, 100 and a credit −30 in Dec  100   70    contraction 30
//  a1      100 in Jan, credit −20 in Nov, −50 Dec   −20   −50   adjustment −30
//
//  start = 100 + 100 + 100 + 100 − 20 = 380; end = 300 + 50 + 80 + 150 + 70 − 50 = 600
//  380 + 80 + 300 + 50 + 50 − 30 − 100 − 100 − 30 = 600; quick = 480 / 230
// ---------------------------------------------------------------------------

fn month_scenario() -> ProjectBuilder {
    project()
        .client(client("p1").inv("2026-11", 100))
        .client(client("c1").inv("2026-01", 100).inv("2026-11", 100).ended("2026-11-30"))
        .client(client("r1").inv("2026-01", 100).inv("2026-06", 100).inv("2026-12", 300))
        .client(client("s1").inv("2026-01", 100).inv("2026-09", 100).inv("2026-12", 50))
        .client(client("n1").inv("2026-12", 80))
        .client(client("e1").inv("2026-11", 100).inv("2026-12", 150))
        .client(
            client("k1")
                .inv("2026-11", 100)
                .inv("2026-12-01", 100)
                .inv("2026-12-20", -30),
        )
        .client(client("a1").inv("2026-01", 100).inv("2026-11", -20).inv("2026-12", -50))
}

#[test]
fn month_bridge_by_hand_with_a_pause_in_the_grace_months() {
    let m = month_scenario().metrics("2026-12");
    let b = &m.portfolio.bridge_month;
    assert_bridge(b, [380, 80, 300, 50, 50, 30, 100, 100, -30, 600]);
    close(b.quick_ratio, 480.0 / 230.0);
    assert_eq!(b.end, m.portfolio.revenue_month);
    // The last monthly entry carries the same bridge.
    assert_eq!(&m.monthly.last().unwrap().bridge, b);
    // The counts of SPEC §3.1 agree: r1 reactivated, c1 churned, n1 new; p1
    // paused but still alive.
    let dec = m.row("2026-12");
    assert_eq!((dec.new, dec.churned, dec.reactivated), (1, 1, 1));
    assert!(m.expect_client("p1").alive);
}

#[test]
fn the_pause_turns_into_churn_after_the_grace_months() {
    // p1 paid in Nov 2026 only. Dec, Jan: paused (alive); Feb 2027: no
    // revenue in Dec..Feb, not alive — but W0 = {Jan} has no revenue, so
    // nothing moves in Feb: the churn was counted as a pause in Dec.
    let p = || project().client(client("p1").inv("2026-11", 100).inv("2027-03", 1));
    for (month, paused) in [("2026-12", 100), ("2027-01", 0), ("2027-02", 0)] {
        let m = p().metrics(month);
        assert_eq!(m.portfolio.bridge_month.paused, money(paused), "{month}");
        assert_eq!(m.portfolio.bridge_month.churned, Decimal::ZERO, "{month}");
    }
    // With a grace of 1 month the same drop in December is a churn.
    let m = p().config(|c| c.churn_after_months = 1).metrics("2026-12");
    assert_eq!(m.portfolio.bridge_month.churned, money(100));
    assert_eq!(m.portfolio.bridge_month.paused, Decimal::ZERO);
}

#[test]
fn every_monthly_entry_is_the_bridge_as_of_its_month() {
    let project = month_scenario().build();
    let m = super::compute(&project, month("2026-12"));
    // 2026-01 (the first start) to 2026-12.
    assert_eq!(m.monthly.len(), 12);
    for row in &m.monthly {
        let then = super::compute(&project, row.month);
        assert_eq!(row.bridge, then.portfolio.bridge_month, "{}", row.month);
    }
    // January: four clients start with 100 each: new 400 from 0.
    assert_bridge(&m.row("2026-01").bridge, [0, 400, 0, 0, 0, 0, 0, 0, 0, 400]);
    assert_eq!(m.row("2026-01").bridge.quick_ratio, None);
}

#[test]
fn quick_ratio_is_null_without_losses() {
    let m = project()
        .client(client("a").monthly("2025-01", "2026-12", 100))
        .client(client("b").monthly("2025-06", "2026-12", 100))
        .metrics("2026-12");
    let b = &m.portfolio.bridge_t12;
    // a: 1200 -> 1200 (none); b: 700 -> 1200, expansion 500.
    assert_bridge(b, [1900, 0, 0, 0, 500, 0, 0, 0, 0, 2400]);
    assert_eq!(b.quick_ratio, None);
}

#[test]
fn classify_follows_the_spec_table() {
    let f = |p: i64, n: i64, starts_in_w1, alive_before, alive_at_end| {
        classify(Facts {
            p: money(p),
            n: money(n),
            starts_in_w1,
            alive_before,
            alive_at_end,
        })
        .map(|(k, a)| (k, i64::try_from(a).unwrap()))
    };
    use Movement::*;
    assert_eq!(f(0, 5, true, false, true), Some((New, 5)));
    assert_eq!(f(-3, 5, true, false, true), Some((New, 8)));
    assert_eq!(f(0, 5, false, false, true), Some((Reactivated, 5)));
    assert_eq!(f(0, 5, false, true, true), Some((Resumed, 5)));
    assert_eq!(f(5, 0, false, true, false), Some((Churned, 5)));
    assert_eq!(f(5, -2, false, true, false), Some((Churned, 7)));
    assert_eq!(f(5, 0, false, true, true), Some((Paused, 5)));
    assert_eq!(f(5, 9, false, true, true), Some((Expansion, 4)));
    assert_eq!(f(5, 2, false, true, true), Some((Contraction, 3)));
    assert_eq!(f(5, 5, false, true, true), None);
    assert_eq!(f(0, -4, false, false, false), Some((Adjustment, -4)));
    assert_eq!(f(-4, 0, false, false, false), Some((Adjustment, 4)));
    assert_eq!(f(-4, -4, false, false, false), None);
    assert_eq!(f(0, 0, true, true, true), None);
}

#[test]
fn nrr_times_start_is_the_bridge_of_the_clients_with_revenue_a_year_before() {
    // NRR's clients are those with p > 0: expand, contract, pause12, churn,
    // flat. Their p: 1200 + 2400 + 1200 + 4000 + 1200 = 10000; their n:
    // 1800 + 900 − 50 + 0 + 1200 = 3850 = 10000 + 600 − 1500 − 1250 − 4000.
    let m = t12_scenario().metrics("2026-12");
    close(m.portfolio.nrr_t12, 3850.0 / 10000.0);
    let p_positive = ["expand", "contract", "pause12", "churn", "flat"];
    let mut sum = [Decimal::ZERO; 4];
    for id in p_positive {
        let (kind, amount) = movement(&m, id);
        let slot = match kind {
            Some(Movement::Expansion) => 0,
            Some(Movement::Contraction) => 1,
            Some(Movement::Paused) => 2,
            Some(Movement::Churned) => 3,
            None => continue,
            other => panic!("{id}: {other:?} for a client with revenue in W0"),
        };
        sum[slot] += amount.unwrap();
    }
    let start = money(10000);
    let bridged = start + sum[0] - sum[1] - sum[2] - sum[3];
    assert_eq!(bridged, money(3850));
    close(Some(m.portfolio.nrr_t12.unwrap() * 10000.0), 3850.0);
}

#[test]
fn fiscal_year_of_a_month() {
    let cases = [
        ("2026-02", 4, "2025-04", "FY2025"),
        ("2026-03", 4, "2025-04", "FY2025"),
        ("2026-04", 4, "2026-04", "FY2026"),
        ("2027-03", 4, "2026-04", "FY2026"),
        ("2026-12", 1, "2026-01", "FY2026"),
        ("2026-01", 1, "2026-01", "FY2026"),
        ("2026-11", 12, "2025-12", "FY2025"),
        ("2026-12", 12, "2026-12", "FY2026"),
        ("2026-06", 7, "2025-07", "FY2025"),
    ];
    for (m, start, first, label) in cases {
        let got = fiscal_year_first(month(m), start);
        assert_eq!(got, month(first), "{m} with start {start}");
        assert_eq!(fiscal_year_label(got), label);
    }
}

#[test]
fn revenue_fiscal_year_to_date_by_hand() {
    // a: 100 a month from Jan 2025 to Oct 2026, 1000 more in Apr 2025 and
    // May 2026. As of 2026-10 with an April fiscal year: FY2026 runs from
    // Apr 2026; to date Apr..Oct 2026 = 7 × 100 + 1000 = 1700; the same
    // months a year earlier, Apr..Oct 2025 = 7 × 100 + 1000 = 1700.
    let p = || {
        project().client(
            client("a")
                .monthly("2025-01", "2026-10", 100)
                .inv("2025-04-20", 1000)
                .inv("2026-05-20", 1000),
        )
    };
    let m = p().config(|c| c.fiscal_year_start = 4).metrics("2026-10");
    assert_eq!(m.portfolio.fiscal_year, "FY2026");
    assert_eq!(m.portfolio.revenue_fytd, money(1700));
    assert_eq!(m.portfolio.revenue_fytd_prev, money(1700));
    // Calendar years (the default): Jan..Oct 2026 = 1000 + 1000 = 2000;
    // Jan..Oct 2025 = 1000 + 1000 = 2000.
    let m = p().metrics("2026-10");
    assert_eq!(m.portfolio.fiscal_year, "FY2026");
    assert_eq!(m.portfolio.revenue_fytd, money(2000));
    assert_eq!(m.portfolio.revenue_fytd_prev, money(2000));
    // As of 2026-02 with an April year: FY2025 from Apr 2025: Apr 2025 ..
    // Feb 2026 = 11 × 100 + 1000 = 2100; a year earlier, Apr 2024 .. Feb
    // 2025, only Jan and Feb 2025 had revenue: 200.
    let m = p().config(|c| c.fiscal_year_start = 4).metrics("2026-02");
    assert_eq!(m.portfolio.fiscal_year, "FY2025");
    assert_eq!(m.portfolio.revenue_fytd, money(2100));
    assert_eq!(m.portfolio.revenue_fytd_prev, money(200));
}

#[test]
fn revenue_by_fiscal_quarter_by_hand() {
    // The same client as above, April years, as of 2026-10.
    // FY2025 (Apr 2025 – Mar 2026): Q1 Apr–Jun 300 + 1000, Q2 300, Q3 300,
    // Q4 300; total 2200. FY2026: Q1 300 + 1000, Q2 300, Q3 = Oct only 100,
    // Q4 not begun; total 1700 over 7 months.
    let m = project()
        .config(|c| c.fiscal_year_start = 4)
        .client(
            client("a")
                .monthly("2025-01", "2026-10", 100)
                .inv("2025-04-20", 1000)
                .inv("2026-05-20", 1000),
        )
        .metrics("2026-10");
    let q = quarters(&m.monthly, m.as_of, 4, 3);
    assert_eq!(q.len(), 3);
    let opt = |v: [Option<i64>; 4]| v.map(|x| x.map(money));
    // FY2024 (Apr 2024 – Mar 2025): only Jan–Mar 2025 had revenue: Q4 300.
    assert_eq!(q[0].label, "FY2024");
    assert_eq!(q[0].quarters, opt([Some(0), Some(0), Some(0), Some(300)]));
    assert_eq!(q[1].label, "FY2025");
    assert_eq!(q[1].quarters, opt([Some(1300), Some(300), Some(300), Some(300)]));
    assert_eq!((q[1].total, q[1].months), (money(2200), 12));
    assert_eq!(q[2].label, "FY2026");
    assert_eq!(q[2].quarters, opt([Some(1300), Some(300), Some(100), None]));
    assert_eq!((q[2].total, q[2].months), (money(1700), 7));
    assert_eq!(q[2].total, m.portfolio.revenue_fytd);
}

#[test]
fn health_history_is_the_health_as_of_each_month() {
    // b starts in Mar 2026: nothing before. Its revenue trend drops after
    // June (T3 against P3) and its NPS changes in August.
    let project = project()
        .client(client("a").monthly("2025-06", "2026-10", 100).nps("2025-07", 9))
        .client(
            client("b")
                .monthly("2026-03", "2026-06", 300)
                .monthly("2026-07", "2026-10", 100)
                .nps("2026-04", 8)
                .nps("2026-08", 4),
        )
        .build();
    let as_of = month("2026-10");
    for c in &project.clients {
        let history = super::health_history(&project, c, as_of, 12);
        assert_eq!(history.len(), 12);
        assert_eq!(history[0].0, month("2025-11"));
        assert_eq!(history[11].0, as_of);
        for (m, h) in &history {
            let then = super::compute(&project, *m);
            assert_eq!(*h, then.client(&c.id).and_then(|x| x.health), "{} {m}", c.id);
        }
    }
    let b = super::health_history(&project, &project.clients[1], as_of, 12);
    assert!(b[..4].iter().all(|(_, h)| h.is_none()), "{b:?}");
    // Oct 2026: NPS 4 -> 40; revenue trend: P3 = May..Jul = 300 + 300 +
    // 100 = 700, T3 = Aug..Oct = 300: 300/700 -> 42.857...; health is the
    // mean of the two default components, (40 + 42.857) / 2.
    close(b[11].1, (40.0 + 300.0 / 700.0 * 100.0) / 2.0);
}

#[test]
fn empty_project_has_a_zero_bridge() {
    let m = project().metrics("2026-10");
    assert_eq!(m.portfolio.bridge_t12, Bridge::default());
    assert_eq!(m.portfolio.bridge_month, Bridge::default());
    assert_eq!(m.portfolio.revenue_fytd, Decimal::ZERO);
}
