//! Builders for small hand-made projects in tests.

use std::path::PathBuf;
use std::str::FromStr;

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::config::{Config, HealthComponent};
use crate::input::spelling::parse_date;
use crate::model::{ActivityRow, Client, Invoice, InvoiceKind, NpsResponse, Project};
use crate::month::Month;

use super::{ClientMetrics, Metrics, compute};

pub fn month(s: &str) -> Month {
    Month::parse(s).unwrap()
}

/// `YYYY-MM-DD`, or `YYYY-MM` for the 15th of that month.
pub fn date(s: &str) -> Date {
    if s.len() == 7 {
        parse_date(&format!("{s}-15")).unwrap()
    } else {
        parse_date(s).unwrap()
    }
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn money(n: i64) -> Decimal {
    Decimal::from(n)
}

pub struct ClientBuilder {
    c: Client,
    /// The last line number given to a row.
    line: u64,
}

pub fn client(id: &str) -> ClientBuilder {
    ClientBuilder {
        c: Client::new(id, &format!("Client {id}")),
        line: 1,
    }
}

impl ClientBuilder {
    fn next_line(&mut self) -> u64 {
        self.line += 1;
        self.line
    }

    fn push_invoice(mut self, when: &str, amount: Decimal, service: &str, kind: Option<InvoiceKind>) -> Self {
        let line = self.next_line();
        self.c.invoices.push(Invoice {
            date: date(when),
            amount,
            service: service.to_string(),
            kind: kind.unwrap_or(InvoiceKind::Recurring),
            kind_inferred: kind.is_none(),
            description: String::new(),
            line,
        });
        self
    }

    /// An invoice whose kind is inferred (SPEC §1.2).
    pub fn inv(self, when: &str, amount: i64) -> Self {
        self.push_invoice(when, money(amount), "", None)
    }

    pub fn inv_dec(self, when: &str, amount: &str) -> Self {
        self.push_invoice(when, dec(amount), "", None)
    }

    /// An invoice of a service, its kind inferred.
    pub fn inv_service(self, when: &str, amount: i64, service: &str) -> Self {
        self.push_invoice(when, money(amount), service, None)
    }

    pub fn inv_kind(self, when: &str, amount: i64, kind: InvoiceKind) -> Self {
        self.push_invoice(when, money(amount), "", Some(kind))
    }

    /// The same amount on the 15th of every month `from ..= to`.
    pub fn monthly(mut self, from: &str, to: &str, amount: i64) -> Self {
        for m in Month::range(month(from), month(to)) {
            self = self.inv(&m.to_string(), amount);
        }
        self
    }

    pub fn name(mut self, name: &str) -> Self {
        self.c.name = name.to_string();
        self
    }

    pub fn acquired(mut self, when: &str) -> Self {
        self.c.acquired = Some(date(when));
        self
    }

    pub fn ended(mut self, when: &str) -> Self {
        self.c.ended = Some(date(when));
        self
    }

    pub fn channel(mut self, channel: &str) -> Self {
        self.c.channel = Some(channel.to_string());
        self
    }

    pub fn cac(mut self, cac: i64) -> Self {
        self.c.cac = Some(money(cac));
        self
    }

    pub fn contract(mut self, contract: crate::model::Contract) -> Self {
        self.c.contract = Some(contract);
        self
    }

    pub fn margin(mut self, g: &str) -> Self {
        self.c.gross_margin = Some(dec(g));
        self
    }

    pub fn nps(mut self, when: &str, score: u8) -> Self {
        let line = self.next_line();
        self.c.nps.push(NpsResponse {
            date: date(when),
            score,
            respondent: String::new(),
            comment: String::new(),
            line,
        });
        self
    }

    /// An outcome row as written in outcomes.csv: `value` (and `baseline`,
    /// `target` when not empty) as text, so their precision is kept.
    pub fn outcome(mut self, when: &str, kpi: &str, value: &str, unit: &str, baseline: &str, target: &str) -> Self {
        let line = self.next_line();
        let num = |s: &str| (!s.is_empty()).then(|| crate::input::spelling::parse_number(s).unwrap());
        self.c.outcomes.push(crate::model::OutcomeRow {
            date: date(when),
            kpi: kpi.to_string(),
            value: num(value).unwrap(),
            unit: unit.to_string(),
            baseline: num(baseline),
            target: num(target),
            higher_is_better: true,
            line,
            decimals: [value, baseline, target]
                .iter()
                .map(|s| crate::input::spelling::decimals_written(s))
                .max()
                .unwrap_or(0),
        });
        self
    }

    pub fn industry(mut self, industry: &str) -> Self {
        self.c.industry = Some(industry.to_string());
        self
    }

    pub fn act(mut self, when: &str, metric: &str, value: f64) -> Self {
        let line = self.next_line();
        self.c.activity.push(ActivityRow {
            date: date(when),
            metric: metric.to_string(),
            value,
            line,
        });
        self
    }

    /// Sorts the rows as the loader does and infers empty kinds: the first
    /// invoice is `new`, the first of a new service after the first month
    /// `cross-sell`, anything else `recurring`.
    pub fn build(mut self) -> Client {
        let c = &mut self.c;
        c.invoices.sort_by_key(|i| (i.date, i.line));
        c.nps.sort_by_key(|r| (r.date, r.line));
        c.activity.sort_by_key(|r| (r.date, r.line));
        c.outcomes
            .sort_by(|a, b| (&a.kpi, a.date, a.line).cmp(&(&b.kpi, b.date, b.line)));
        if let Some(first) = c.invoices.first().map(|i| Month::of(i.date)) {
            let mut seen: Vec<String> = Vec::new();
            for (n, inv) in c.invoices.iter_mut().enumerate() {
                let new_service = !inv.service.is_empty() && !seen.contains(&inv.service);
                if inv.kind_inferred {
                    inv.kind = if n == 0 {
                        InvoiceKind::New
                    } else if new_service && Month::of(inv.date) > first {
                        InvoiceKind::CrossSell
                    } else {
                        InvoiceKind::Recurring
                    };
                }
                if !inv.service.is_empty() {
                    seen.push(inv.service.clone());
                }
            }
        }
        self.c
    }
}

pub struct ProjectBuilder {
    config: Config,
    clients: Vec<Client>,
}

/// A JPY project with every default of SPEC §5.
pub fn project() -> ProjectBuilder {
    ProjectBuilder {
        config: Config::with_defaults("Test", "JPY"),
        clients: Vec::new(),
    }
}

impl ProjectBuilder {
    pub fn config(mut self, f: impl FnOnce(&mut Config)) -> Self {
        f(&mut self.config);
        self
    }

    pub fn client(mut self, c: ClientBuilder) -> Self {
        self.clients.push(c.build());
        self
    }

    pub fn build(mut self) -> Project {
        self.clients.sort_by(|a, b| a.id.cmp(&b.id));
        Project {
            fingerprints: Default::default(),
            config_fingerprint: String::new(),
            root: PathBuf::new(),
            config: self.config,
            clients: self.clients,
            pages: Vec::new(),
        }
    }

    pub fn metrics(self, as_of: &str) -> Metrics {
        compute(&self.build(), month(as_of))
    }
}

pub fn component(metric: &str, weight: f64, target: Option<f64>, higher_is_better: bool) -> HealthComponent {
    HealthComponent {
        metric: metric.to_string(),
        weight,
        target,
        higher_is_better,
    }
}

impl Metrics {
    pub fn expect_client(&self, id: &str) -> &ClientMetrics {
        self.clients
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no client {id}"))
    }

    pub fn row(&self, m: &str) -> &super::MonthRow {
        self.monthly
            .iter()
            .find(|r| r.month == month(m))
            .unwrap_or_else(|| panic!("no month {m}"))
    }

    pub fn cohort(&self, m: &str) -> &super::Cohort {
        self.cohorts
            .iter()
            .find(|c| c.cohort == month(m))
            .unwrap_or_else(|| panic!("no cohort {m}"))
    }
}

/// `actual` equals `expected` to 1e-9 (relative for large numbers).
#[track_caller]
pub fn close(actual: Option<f64>, expected: f64) {
    let a = actual.unwrap_or_else(|| panic!("expected {expected}, got null"));
    let tol = 1e-9 * expected.abs().max(1.0);
    assert!((a - expected).abs() <= tol, "expected {expected}, got {a}");
}

/// Decimal `actual` equals the exact fraction `num / den` to 1e-20.
#[track_caller]
pub fn close_dec(actual: Option<Decimal>, num: i64, den: i64) {
    let a = actual.unwrap_or_else(|| panic!("expected {num}/{den}, got null"));
    let diff = (a * Decimal::from(den) - Decimal::from(num)).abs();
    assert!(
        diff < dec("0.00000000000000000001") * Decimal::from(den.abs().max(1)),
        "expected {num}/{den}, got {a}"
    );
}
