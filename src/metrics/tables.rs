//! The tables of SPEC §4 as CSV (`casebook metrics --format csv --table
//! clients|monthly|cohorts|channels`), for spreadsheets.
//!
//! Columns and values are the JSON's (the records are shared with `json`),
//! with three differences a spreadsheet needs: a nested object becomes
//! columns named `<key>_<member>` (`bridge_start`, `bridge_new`, ...), a list
//! of codes is joined by `;`, and rates and ratios are rounded to
//! [`RATE_DECIMALS`] decimal places (JSON keeps them unrounded). Money is
//! rounded to the currency's minor unit, as in JSON. `null` is an empty
//! cell. The cohorts table is long: one row per cohort and month offset.

use rust_decimal::prelude::FromPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::json::{HEADER, J, Writer, channel_record, client_record, monthly_record};
use super::{ChannelMetrics, Metrics, MonthRow};
use crate::month::Month;

/// Decimal places of a rate or ratio in CSV: 0.0833 is 8.33 %, a 2.7143×
/// quick ratio; finer digits are noise in a spreadsheet.
pub const RATE_DECIMALS: u32 = 4;

/// Which table to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKind {
    /// One row per client (SPEC §4 `clients`).
    Clients,
    /// One row per month (`monthly`, its bridge flattened).
    Monthly,
    /// One row per cohort and month offset (`cohorts`).
    Cohorts,
    /// One row per acquisition channel (`portfolio.by_channel`).
    Channels,
}

impl TableKind {
    pub const ALL: [TableKind; 4] = [
        TableKind::Clients,
        TableKind::Monthly,
        TableKind::Cohorts,
        TableKind::Channels,
    ];

    /// `clients`, `monthly`, `cohorts` or `channels`.
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Clients => "clients",
            TableKind::Monthly => "monthly",
            TableKind::Cohorts => "cohorts",
            TableKind::Channels => "channels",
        }
    }
}

/// A CSV cell: nulls are empty, lists (the signal codes) joined by `;`,
/// rates and ratios rounded ([`csv_rate`]).
fn cell(j: &J) -> String {
    match j {
        J::Null => String::new(),
        J::Bool(b) => b.to_string(),
        J::Num(n) => n.clone(),
        J::Rate(x) => csv_rate(*x),
        J::Str(s) => s.clone(),
        J::Arr(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        J::Obj(_) => String::new(),
    }
}

/// The `clients` table as CSV: a header line, then one line per client in
/// id order, the same columns and number formats as the JSON except that
/// rates and ratios are rounded (see [`table_csv_with`]).
pub fn clients_csv(m: &Metrics) -> String {
    table_csv(m, TableKind::Clients)
}

/// A rate or ratio for CSV: rounded half away from zero to
/// [`RATE_DECIMALS`] places, without trailing zeros (`0.0833`, `20`).
fn csv_rate(x: f64) -> String {
    match Decimal::from_f64(x) {
        Some(d) => {
            let r = d
                .round_dp_with_strategy(RATE_DECIMALS, RoundingStrategy::MidpointAwayFromZero)
                .normalize();
            if r.is_zero() { "0".to_string() } else { r.to_string() }
        }
        // Beyond Decimal's range (|x| > 7.9e28): no fractional digits matter.
        None => format!("{x:.0}"),
    }
}

/// The table as CSV text: a header line, then one line per row, `\n` line
/// ends; with `bom`, a UTF-8 byte-order mark first (Excel then reads the
/// file as UTF-8, and Japanese names survive).
pub fn table_csv_with(m: &Metrics, table: TableKind, bom: bool) -> String {
    let w = Writer { currency: &m.currency };
    let (header, rows): (Vec<String>, Vec<Vec<String>>) = match table {
        TableKind::Clients => (
            HEADER.iter().map(|h| h.to_string()).collect(),
            m.clients.iter().map(|c| cells(&client_record(&w, c))).collect(),
        ),
        TableKind::Monthly => {
            let rows: Vec<Vec<(&'static str, J)>> = m.monthly.iter().map(|r| monthly_record(&w, r)).collect();
            let header = match rows.first() {
                Some(r) => columns(r),
                None => columns(&monthly_record(&w, &empty_month(m.as_of))),
            };
            (header, rows.iter().map(|r| cells(r)).collect())
        }
        TableKind::Cohorts => cohorts(&w, m),
        TableKind::Channels => {
            let rows: Vec<Vec<(&'static str, J)>> =
                m.portfolio.by_channel.iter().map(|c| channel_record(&w, c)).collect();
            let header = match rows.first() {
                Some(r) => columns(r),
                None => columns(&channel_record(&w, &empty_channel())),
            };
            (header, rows.iter().map(|r| cells(r)).collect())
        }
    };
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    out.write_record(&header).expect("writing to memory");
    for r in &rows {
        out.write_record(r).expect("writing to memory");
    }
    let body = String::from_utf8(out.into_inner().expect("writing to memory")).expect("CSV of UTF-8 strings");
    if bom { format!("\u{FEFF}{body}") } else { body }
}

/// [`table_csv_with`] without a byte-order mark.
pub fn table_csv(m: &Metrics, table: TableKind) -> String {
    table_csv_with(m, table, false)
}

/// A month row for the header of an empty table.
fn empty_month(month: Month) -> MonthRow {
    MonthRow {
        month,
        revenue: Decimal::ZERO,
        alive: 0,
        new: 0,
        churned: 0,
        reactivated: 0,
        churn_rate: None,
        arpa: None,
        bridge: Default::default(),
    }
}

/// A channel for the header of an empty table.
fn empty_channel() -> ChannelMetrics {
    ChannelMetrics {
        channel: String::new(),
        clients: 0,
        avg_cac: Decimal::ZERO,
        revenue_ltv_mean: Decimal::ZERO,
        ltv_cac_ratio: None,
    }
}

/// Column names of a record, nested objects flattened as `<key>_<member>`.
fn columns(record: &[(&'static str, J)]) -> Vec<String> {
    let mut out = Vec::new();
    for (key, value) in record {
        match value {
            J::Obj(members) => out.extend(members.iter().map(|(m, _)| format!("{key}_{m}"))),
            _ => out.push(key.to_string()),
        }
    }
    out
}

/// The cells of a record, in the order of [`columns`].
fn cells(record: &[(&'static str, J)]) -> Vec<String> {
    let mut out = Vec::new();
    for (_, value) in record {
        match value {
            J::Obj(members) => out.extend(members.iter().map(|(_, v)| cell(v))),
            _ => out.push(cell(value)),
        }
    }
    out
}

/// The cohorts table, long: cohort, size, offset `k`, its month, and the
/// five lists of SPEC §4 at `k`.
fn cohorts(w: &Writer<'_>, m: &Metrics) -> (Vec<String>, Vec<Vec<String>>) {
    let header = [
        "cohort",
        "size",
        "offset",
        "month",
        "active",
        "revenue",
        "retention",
        "revenue_retention",
        "cumulative_ltv",
    ]
    .map(String::from)
    .to_vec();
    let mut rows = Vec::new();
    for c in &m.cohorts {
        for k in 0..c.active.len() {
            let rate = |x: f64| cell(&J::Rate(x));
            rows.push(vec![
                c.cohort.to_string(),
                c.size.to_string(),
                k.to_string(),
                c.cohort.plus(k as i32).to_string(),
                c.active[k].to_string(),
                cell(&w.money(c.revenue[k])),
                c.retention.get(k).map(|x| rate(*x)).unwrap_or_default(),
                c.revenue_retention
                    .get(k)
                    .copied()
                    .flatten()
                    .map(rate)
                    .unwrap_or_default(),
                cell(&w.money(c.cumulative_ltv[k])),
            ]);
        }
    }
    (header, rows)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;

    fn read(csv: &str) -> Vec<Vec<String>> {
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(csv.as_bytes());
        r.records()
            .map(|x| x.unwrap().iter().map(String::from).collect())
            .collect()
    }

    #[test]
    fn rates_are_rounded_to_four_places() {
        assert_eq!(csv_rate(1.0 / 12.0), "0.0833");
        assert_eq!(csv_rate(2.0 / 3.0), "0.6667");
        assert_eq!(csv_rate(20.0), "20");
        assert_eq!(csv_rate(0.00004), "0");
        assert_eq!(csv_rate(-0.00004), "0");
        assert_eq!(csv_rate(-1.23456), "-1.2346");
        assert_eq!(csv_rate(95.0), "95");
        assert_eq!(csv_rate(1e30), "1000000000000000019884624838656");
    }

    /// Two clients as of 2025-03 (N = 3): a pays 100 in Jan, 200 in Feb and
    /// 300 in Mar (referral); b (no channel) pays 50 in Feb only.
    fn two() -> Metrics {
        project()
            .client(
                client("a")
                    .channel("referral")
                    .inv("2025-01", 100)
                    .inv("2025-02", 200)
                    .inv("2025-03", 300),
            )
            .client(client("b").name("株式会社ひので").inv("2025-02", 50))
            .metrics("2025-03")
    }

    #[test]
    fn monthly_table_by_hand() {
        // Jan: 100, a new. Feb: 250; a expands 100 -> 200 (+100), b new 50;
        // churn 0 / 1. Mar: 300; a +100, b 50 -> 0 but alive (its first 3
        // months): paused 50; quick (100) / (50) = 2; churn 0 / 2.
        let rows = read(&table_csv(&two(), TableKind::Monthly));
        assert_eq!(
            rows[0].join(","),
            "month,revenue,alive,new,churned,reactivated,churn_rate,arpa,bridge_start,bridge_new,\
bridge_reactivated,bridge_resumed,bridge_expansion,bridge_contraction,bridge_paused,bridge_churned,\
bridge_adjustment,bridge_end,bridge_quick_ratio"
        );
        assert_eq!(rows[1].join(","), "2025-01,100,1,1,0,0,,100,0,100,0,0,0,0,0,0,0,100,");
        assert_eq!(
            rows[2].join(","),
            "2025-02,250,2,1,0,0,0,125,100,50,0,0,100,0,0,0,0,250,"
        );
        assert_eq!(
            rows[3].join(","),
            "2025-03,300,2,0,0,0,0,150,250,0,0,0,100,0,50,0,0,300,2"
        );
        assert_eq!(rows.len(), 4);
    }

    #[test]
    fn cohorts_table_is_long() {
        // Cohort Jan (a): revenue 100, 200, 300; cumulative 100, 300, 600;
        // revenue retention 1, 2, 3. Cohort Feb (b): 50, 0; retention 1, 0.
        let rows = read(&table_csv(&two(), TableKind::Cohorts));
        assert_eq!(
            rows[0].join(","),
            "cohort,size,offset,month,active,revenue,retention,revenue_retention,cumulative_ltv"
        );
        assert_eq!(rows[1].join(","), "2025-01,1,0,2025-01,1,100,1,1,100");
        assert_eq!(rows[3].join(","), "2025-01,1,2,2025-03,1,300,1,3,600");
        assert_eq!(rows[4].join(","), "2025-02,1,0,2025-02,1,50,1,1,50");
        assert_eq!(rows[5].join(","), "2025-02,1,1,2025-03,0,0,0,0,50");
        assert_eq!(rows.len(), 6);
    }

    #[test]
    fn channels_table_by_hand() {
        // none: b (cac 0), referral: a (cac 0 without a setting): ratios null.
        let rows = read(&table_csv(&two(), TableKind::Channels));
        assert_eq!(
            rows[0].join(","),
            "channel,clients,avg_cac,revenue_ltv_mean,ltv_cac_ratio"
        );
        assert_eq!(rows[1].join(","), "none,1,0,50,");
        assert_eq!(rows[2].join(","), "referral,1,0,600,");
    }

    #[test]
    fn every_table_has_its_header_without_rows() {
        let m = project().metrics("2025-01");
        for t in TableKind::ALL {
            let csv = table_csv(&m, t);
            assert_eq!(csv.lines().count(), 1, "{}: {csv}", t.name());
            assert!(!csv.starts_with(','), "{csv}");
        }
        assert!(table_csv(&m, TableKind::Monthly).contains("bridge_quick_ratio"));
        assert!(table_csv(&m, TableKind::Channels).starts_with("channel,"));
    }

    #[test]
    fn the_bom_comes_first_and_names_survive() {
        let csv = table_csv_with(&two(), TableKind::Clients, true);
        assert!(csv.starts_with("\u{FEFF}id,name,"));
        assert!(csv.contains("\nb,株式会社ひので,"));
        assert!(!table_csv(&two(), TableKind::Clients).starts_with('\u{FEFF}'));
    }
}
