//! Month-by-month series: one client's revenue and aliveness (SPEC §3.1),
//! and the portfolio's monthly counts built from them.

use rust_decimal::Decimal;

use crate::model::{Client, InvoiceKind};
use crate::money;
use crate::month::Month;

use super::{MonthRow, count_ratio, mean};

/// One client as of `M`, bucketed once: index `i` is month `start + i`,
/// for `i = 0 ..= M - start`.
pub(crate) struct ClientSeries<'a> {
    pub client: &'a Client,
    /// `s(c)`.
    pub start: Month,
    pub as_of: Month,
    /// `R(c, start + i)`, credit notes included.
    pub revenue: Vec<Decimal>,
    /// `alive(c, start + i)`.
    pub alive: Vec<bool>,
    /// Invoices dated on or before `M` with an amount > 0.
    pub positive_invoices: usize,
    /// An invoice of kind `upsell` (amount > 0) dated in `T12(M)`.
    pub upsell_t12: bool,
    /// An invoice of kind `cross-sell` (amount > 0) dated in `T12(M)`.
    pub cross_sell_t12: bool,
}

impl<'a> ClientSeries<'a> {
    /// `None` when the client does not exist as of `as_of`: it has neither an
    /// invoice nor an `acquired` date, or its start month is after `as_of`.
    ///
    /// `s(c)` is taken from all the data: if it is on or before `M` it is
    /// also the start month computed from the data dated up to `M` alone
    /// (the earlier of two dates is on or before `M` only when it is one of
    /// the dates on or before `M`), so later data never moves it.
    pub fn new(client: &'a Client, as_of: Month, grace: u32) -> Option<ClientSeries<'a>> {
        let start = client.start_month()?;
        if start > as_of {
            return None;
        }
        let len = as_of.since(start) as usize + 1;
        let last_day = as_of.last_day();
        let t12_from = as_of.plus(-11);
        let mut revenue = vec![Decimal::ZERO; len];
        let mut positive_invoices = 0;
        let mut upsell_t12 = false;
        let mut cross_sell_t12 = false;
        for inv in client.invoices.iter().filter(|i| i.date <= last_day) {
            let m = Month::of(inv.date);
            // s(c) is on or before the first invoice's month, so the index is never negative.
            let Ok(i) = usize::try_from(m.since(start)) else {
                continue;
            };
            revenue[i] = money::add(revenue[i], inv.amount);
            if inv.amount > Decimal::ZERO {
                positive_invoices += 1;
                // Decision: a credit note filed under `upsell` is a refund,
                // not an upsell; only invoices with an amount > 0 count.
                if m >= t12_from {
                    upsell_t12 |= inv.kind == InvoiceKind::Upsell;
                    cross_sell_t12 |= inv.kind == InvoiceKind::CrossSell;
                }
            }
        }
        // `ended` dated after M is not known as of M (and could not matter:
        // every month up to M is before it anyway). Validation rejects an
        // `ended` before s(c); should one get through, it ends the client in
        // its start month, so that every client is alive when it is new.
        let ended = client
            .ended
            .filter(|e| *e <= last_day)
            .map(|e| Month::of(e).since(start).max(0) as usize);
        // `churn_after_months` is at least 1 (casebook.toml validation).
        let grace = grace.max(1) as usize;
        let mut alive = Vec::with_capacity(len);
        let mut last_revenue: Option<usize> = None;
        for (i, r) in revenue.iter().enumerate() {
            if *r > Decimal::ZERO {
                last_revenue = Some(i);
            }
            let not_ended = ended.is_none_or(|e| i <= e);
            // a new client is alive for its first N months ...
            let young = i < grace;
            // ... or R(c, k) > 0 for some k in m-N+1 ..= m
            let recent = last_revenue.is_some_and(|k| i - k < grace);
            alive.push(not_ended && (young || recent));
        }
        Some(ClientSeries {
            client,
            start,
            as_of,
            revenue,
            alive,
            positive_invoices,
            upsell_t12,
            cross_sell_t12,
        })
    }

    fn index(&self, m: Month) -> Option<usize> {
        let i = usize::try_from(m.since(self.start)).ok()?;
        (i < self.revenue.len()).then_some(i)
    }

    /// `R(c, m)`; 0 outside `start ..= M`.
    pub fn r(&self, m: Month) -> Decimal {
        self.index(m).map_or(Decimal::ZERO, |i| self.revenue[i])
    }

    /// Σ `R(c, m)` over `from ..= to` (clipped to `start ..= M`).
    pub fn sum(&self, from: Month, to: Month) -> Decimal {
        let from = from.max(self.start);
        let to = to.min(self.as_of);
        if from > to {
            return Decimal::ZERO;
        }
        let a = from.since(self.start) as usize;
        let b = to.since(self.start) as usize;
        money::total(self.revenue[a..=b].iter().copied())
    }

    /// `alive(c, m)`; false outside `start ..= M`.
    pub fn alive_at(&self, m: Month) -> bool {
        self.index(m).is_some_and(|i| self.alive[i])
    }

    pub fn last_alive_month(&self) -> Option<Month> {
        self.alive.iter().rposition(|a| *a).map(|i| self.start.plus(i as i32))
    }

    /// The latest month `<= M` with revenue (`R > 0`).
    pub fn last_revenue_month(&self) -> Option<Month> {
        self.revenue
            .iter()
            .rposition(|r| *r > Decimal::ZERO)
            .map(|i| self.start.plus(i as i32))
    }

    pub fn by_month(&self) -> Vec<(Month, Decimal)> {
        self.revenue
            .iter()
            .enumerate()
            .map(|(i, r)| (self.start.plus(i as i32), *r))
            .collect()
    }
}

/// The portfolio's counts of one month.
#[derive(Clone, Debug, Default)]
pub(crate) struct MonthCounts {
    pub revenue: Decimal,
    pub alive: usize,
    pub new: usize,
    pub churned: usize,
    pub reactivated: usize,
}

/// The portfolio month by month, from the earliest start month to `M`.
pub(crate) struct Timeline {
    pub first: Month,
    pub as_of: Month,
    /// Index `j` is month `first + j`; empty when no client exists.
    pub rows: Vec<MonthCounts>,
}

impl Timeline {
    pub fn new(series: &[ClientSeries<'_>], as_of: Month) -> Timeline {
        let Some(first) = series.iter().map(|s| s.start).min() else {
            return Timeline {
                first: as_of,
                as_of,
                rows: Vec::new(),
            };
        };
        let mut rows = vec![MonthCounts::default(); as_of.since(first) as usize + 1];
        for s in series {
            let offset = s.start.since(first) as usize;
            for (i, (r, alive)) in s.revenue.iter().zip(&s.alive).enumerate() {
                let row = &mut rows[offset + i];
                row.revenue = money::add(row.revenue, *r);
                // alive(c, m-1) is false in the start month: the client did not exist yet.
                let was_alive = i > 0 && s.alive[i - 1];
                row.alive += usize::from(*alive);
                row.new += usize::from(i == 0);
                row.churned += usize::from(was_alive && !*alive);
                row.reactivated += usize::from(i > 0 && !was_alive && *alive);
            }
        }
        Timeline { first, as_of, rows }
    }

    fn at(&self, m: Month) -> Option<&MonthCounts> {
        usize::try_from(m.since(self.first)).ok().and_then(|j| self.rows.get(j))
    }

    /// Clients alive in `m` (0 before the first start month).
    pub fn alive(&self, m: Month) -> usize {
        self.at(m).map_or(0, |c| c.alive)
    }

    pub fn revenue(&self, m: Month) -> Decimal {
        self.at(m).map_or(Decimal::ZERO, |c| c.revenue)
    }

    pub fn churned(&self, m: Month) -> usize {
        self.at(m).map_or(0, |c| c.churned)
    }

    pub fn new_clients(&self, m: Month) -> usize {
        self.at(m).map_or(0, |c| c.new)
    }

    /// `churn(m)` = churned in `m` / alive in `m-1`.
    pub fn churn_rate(&self, m: Month) -> Option<f64> {
        count_ratio(self.churned(m), self.alive(m.plus(-1)))
    }

    /// `T12(M)`: the twelve months `M-11 ..= M`.
    pub fn t12(&self) -> impl Iterator<Item = Month> + Clone {
        Month::range(self.as_of.plus(-11), self.as_of)
    }

    pub fn month_rows(&self) -> Vec<MonthRow> {
        self.rows
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let month = self.first.plus(j as i32);
                MonthRow {
                    month,
                    revenue: c.revenue,
                    alive: c.alive,
                    new: c.new,
                    churned: c.churned,
                    reactivated: c.reactivated,
                    churn_rate: self.churn_rate(month),
                    arpa: mean(c.revenue, c.alive),
                    bridge: Default::default(),
                }
            })
            .collect()
    }
}
