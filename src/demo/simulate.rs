//! The simulation of one demo client: a profile drawn once (who it is,
//! when it starts, how healthy it tends to be), then month by month its
//! invoices, activity, NPS answers, outcome measurements and churn, each
//! driven by a hidden health (see the module doc of [`super`]).

use std::fmt::Write as _;

use super::DemoSummary;
use super::context::{Ctx, KpiTrack, MonthState, SCALE};
use super::profile::Profile;
use super::prose::{note, story};
use super::random::{Rng, logistic};
use super::vocabulary::*;
use super::write::{Generated, fmt_value, money, toml_str};
use crate::input::write::CsvOut;

/// One recurring invoice line: a retainer, or an add-on sold as an upsell.
struct Line {
    service: &'static str,
    fee: i64,
    addon: Option<&'static str>,
    billed: bool,
}

fn round_to(x: f64, step: f64) -> i64 {
    ((x / step).round() * step) as i64
}

fn new_line(rng: &mut Rng, s: &Service) -> Line {
    Line {
        service: s.name,
        fee: round_to(rng.lognormal(s.fee, 0.55), 10_000.0).max(50_000),
        addon: None,
        billed: false,
    }
}

/// An invoice of a month before it is written: day, amount, service, kind
/// (empty: left to inference) and description.
type InvoiceRow = (u8, i64, &'static str, &'static str, String);

/// A client's life, month by month: its state, and the rows written so far.
struct Simulation<'a> {
    ctx: &'a Ctx,
    p: &'a Profile,
    rng: Rng,
    /// The hidden health, before the logistic.
    z: f64,
    kpis: Vec<KpiTrack>,
    bought: Vec<&'static str>,
    lines: Vec<Line>,
    /// Projects being billed: (service, amount per milestone, next milestone, milestones).
    projects: Vec<(&'static str, i64, u32, u32)>,
    invoices: CsvOut,
    flat: CsvOut,
    nps: CsvOut,
    activity: CsvOut,
    outcomes: CsvOut,
    counts: DemoSummary,
    state: Vec<MonthState>,
    alive: bool,
    back_at: Option<usize>,
    spell_start: usize,
    first_invoice: bool,
    ended: Option<String>,
    acquired: Option<String>,
    last_nps: Option<u8>,
}

impl<'a> Simulation<'a> {
    fn new(ctx: &'a Ctx, p: &'a Profile, rng: Rng, kpis: Vec<KpiTrack>, z: f64) -> Simulation<'a> {
        let invoices = if p.with_description {
            CsvOut::with_header(&["date", "amount", "service", "kind", "description"])
        } else {
            CsvOut::with_header(&["date", "amount", "service", "kind"])
        };
        Simulation {
            ctx,
            p,
            rng,
            z,
            kpis,
            bought: Vec::new(),
            lines: Vec::new(),
            projects: Vec::new(),
            invoices,
            flat: CsvOut::new(),
            nps: CsvOut::with_header(&["date", "score", "respondent", "comment"]),
            activity: CsvOut::with_header(&["date", "metric", "value"]),
            outcomes: CsvOut::with_header(&["date", "kpi", "value", "unit", "baseline", "target", "higher_is_better"]),
            counts: DemoSummary {
                clients: 1,
                ..Default::default()
            },
            state: vec![MonthState::default(); ctx.months],
            alive: true,
            back_at: None,
            spell_start: p.start,
            first_invoice: true,
            ended: None,
            acquired: None,
            last_nps: None,
        }
    }

    /// Month `t`: a churned client may come back; a live one is billed,
    /// active, surveyed and measured, and may churn.
    fn month(&mut self, t: usize) {
        if !self.alive {
            match self.back_at {
                Some(b) if b == t => self.reactivate(t),
                _ => return,
            }
        }
        let tenure = t - self.spell_start;
        self.z = 0.8 * self.z + 0.2 * self.p.mu + self.rng.normal() * 0.35;
        let h = logistic(self.z);
        self.state[t].billed = true;
        self.state[t].health = h;
        let rows = self.invoice_rows(t, tenure, h);
        self.write_invoices(t, rows);
        self.activity_rows(t, h);
        self.survey(t, tenure, h);
        if tenure > 0 {
            self.measure(t, h);
        }
        self.maybe_churn(t, tenure, h);
    }

    /// A fresh start, maybe with another service.
    fn reactivate(&mut self, t: usize) {
        self.alive = true;
        self.back_at = None;
        self.spell_start = t;
        self.z = self.p.mu + 0.6 + self.rng.normal() * 0.3;
        let s = if self.rng.chance(0.5) {
            &RETAINERS[self.p.first_service]
        } else {
            self.rng.pick(RETAINERS)
        };
        let line = new_line(&mut self.rng, s);
        self.lines.push(line);
    }

    /// This month's invoices, by day.
    fn invoice_rows(&mut self, t: usize, tenure: usize, h: f64) -> Vec<InvoiceRow> {
        let rng = &mut self.rng;
        let mut rows: Vec<InvoiceRow> = Vec::new();
        if t == self.p.start {
            self.lines.push(new_line(rng, &RETAINERS[self.p.first_service]));
            if rng.chance(0.7) {
                let s = rng.pick(RETAINERS);
                if s.name != self.lines[0].service {
                    self.lines.push(new_line(rng, s));
                }
            }
            if rng.chance(0.3) {
                let p = *rng.pick(PROJECTS);
                let amount = round_to(rng.lognormal(500_000.0, 0.6), 10_000.0).max(100_000);
                let day = 5 + rng.below(15) as u8;
                rows.push((day, amount, p, "", format!("{p}: kick-off project")));
            }
        } else if tenure > 0 {
            self.sales_and_adjustments(t, tenure, h, &mut rows);
        }
        let rng = &mut self.rng;
        for (p, each, k, n) in self.projects.iter_mut() {
            let desc = if *n == 1 {
                format!("{p} (project)")
            } else {
                format!("{p}: milestone {k} of {n}")
            };
            let day = 10 + rng.below(15) as u8;
            rows.push((day, *each, *p, "one-off", desc));
            *k += 1;
        }
        self.projects.retain(|(_, _, k, n)| k <= n);
        let month_name = &self.ctx.cal[t].2;
        for l in self.lines.iter_mut() {
            let (kind, desc) = match (l.addon, l.billed) {
                (Some(a), false) => ("upsell", format!("Add-on: {a}")),
                (Some(a), true) => ("", format!("Add-on: {a}, {month_name}")),
                (None, _) => ("", format!("Monthly retainer: {}, {month_name}", l.service)),
            };
            l.billed = true;
            rows.push((self.p.billing_day, l.fee, l.service, kind, desc));
        }
        rows.sort_by_key(|r| r.0);
        rows
    }

    /// After the first month: upsells, cross-sells, downsells, price
    /// reviews, one-off projects and the rare credit note.
    fn sales_and_adjustments(&mut self, t: usize, tenure: usize, h: f64, rows: &mut Vec<InvoiceRow>) {
        let rng = &mut self.rng;
        let lines = &mut self.lines;
        // Upsell: an add-on to an existing line, billed as its own line.
        if rng.chance(0.003 + 0.012 * h) {
            let base = rng.below(lines.len());
            let fee = round_to(lines[base].fee as f64 * rng.range(0.2, 0.5), 10_000.0).max(10_000);
            lines.push(Line {
                service: lines[base].service,
                fee,
                addon: Some(*rng.pick(ADDONS)),
                billed: false,
            });
        }
        // Cross-sell: a service the client never bought.
        if rng.chance(0.004 + 0.016 * h) {
            let s = rng.pick(RETAINERS);
            if !self.bought.contains(&s.name) {
                lines.push(new_line(rng, s));
            }
        }
        // Downsell when unhappy: the newest line goes.
        if lines.len() > 1 && rng.chance(0.01 + 0.08 * (1.0 - h) * (1.0 - h)) {
            lines.pop();
        }
        // Price review on each anniversary.
        if tenure % 12 == 0 && h > 0.55 && rng.chance(0.5) {
            for l in lines.iter_mut().filter(|l| l.addon.is_none()) {
                l.fee = round_to(l.fee as f64 * 1.05, 1_000.0);
            }
        }
        // A one-off project, billed in one to three monthly milestones.
        if self.projects.is_empty() && rng.chance(0.02 + 0.03 * h) {
            let p = *rng.pick(PROJECTS);
            let n = *rng.pick(&[1u32, 1, 1, 1, 1, 2, 2, 2, 3, 3]);
            let total = rng.lognormal(900_000.0, 0.8);
            let each = round_to(total / n as f64, 10_000.0).max(100_000);
            self.projects.push((p, each, 1, n));
        }
        // A rare credit note.
        if rng.chance(0.003 + 0.012 * (1.0 - h)) {
            let l = &lines[rng.below(lines.len())];
            let amount = -round_to(l.fee as f64 * rng.range(0.05, 0.3), 1_000.0).max(1_000);
            rows.push((
                15,
                amount,
                l.service,
                "",
                format!("Credit note: {} report delivered late", self.ctx.cal[t - 1].2),
            ));
        }
    }

    /// Writes the month's invoices (kinds spelt out for some clients, as
    /// their accounting exports do) and their rows of the flat CSV.
    fn write_invoices(&mut self, t: usize, rows: Vec<InvoiceRow>) {
        let p = self.p;
        for (day, amount, service, kind, desc) in rows {
            let first_of_service = !self.bought.contains(&service);
            let kind = if kind.is_empty() && p.explicit_kinds {
                if self.first_invoice {
                    "new"
                } else if first_of_service && t != p.start {
                    "cross-sell"
                } else {
                    "recurring"
                }
            } else if self.first_invoice && self.rng.chance(0.2) {
                "new"
            } else {
                kind
            };
            if first_of_service {
                self.bought.push(service);
            }
            let date = self.ctx.date(t, day);
            if self.first_invoice {
                self.first_invoice = false;
                if self.rng.chance(0.9) {
                    let d = 1 + self.rng.below(day.min(self.ctx.cal[t].1) as usize) as u8;
                    self.acquired = Some(self.ctx.date(t, d));
                }
            }
            let amount_text = money(p.style, amount);
            let row = [date.as_str(), &amount_text, service, kind, &desc];
            self.invoices.row(&row[..if p.with_description { 5 } else { 4 }]);
            if self.ctx.flat {
                self.flat
                    .row([p.id.as_str(), &date, &amount.to_string(), service, kind]);
            }
            self.counts.invoices += 1;
            self.state[t].revenue += amount;
        }
    }

    /// Meetings, tickets and logins move with health.
    fn activity_rows(&mut self, t: usize, h: f64) {
        let rng = &mut self.rng;
        let ctx = self.ctx;
        let meetings = (0..self.p.cadence).filter(|_| rng.chance(0.3 + 0.65 * h)).count() as u32;
        let tickets = (1.5 + 6.0 * (1.0 - h) * (1.0 - h) + rng.normal() * 0.6)
            .round()
            .max(0.0) as u32;
        self.state[t].meetings = meetings;
        self.state[t].tickets = tickets;
        let last = ctx.cal[t].1;
        if self.p.per_meeting_rows {
            let mut days: Vec<u8> = (0..meetings).map(|_| 1 + rng.below(last as usize) as u8).collect();
            days.sort_unstable();
            for d in days {
                self.activity.row([ctx.date(t, d).as_str(), "meetings", "1"]);
                self.counts.activity += 1;
            }
        } else if meetings > 0 {
            self.activity
                .row([ctx.date(t, last), "meetings".into(), meetings.to_string()]);
            self.counts.activity += 1;
        }
        if tickets > 0 {
            self.activity
                .row([ctx.date(t, last), "tickets".into(), tickets.to_string()]);
            self.counts.activity += 1;
        }
        if self.p.has_logins {
            let logins = rng.poisson(10.0 + 110.0 * h);
            self.activity
                .row([ctx.date(t, last), "logins".into(), logins.to_string()]);
            self.counts.activity += 1;
        }
    }

    /// A quarterly NPS survey; healthier clients answer more often.
    fn survey(&mut self, t: usize, tenure: usize, h: f64) {
        if tenure % 3 != 2 {
            return;
        }
        let rng = &mut self.rng;
        let respondents = if rng.chance(0.25) { 2 } else { 1 };
        for (r, bias) in [0.0, -0.5].into_iter().enumerate().take(respondents) {
            if !rng.chance(0.5 + 0.4 * h) {
                continue;
            }
            let score = (2.5 + 8.0 * h + bias + rng.normal() * 0.7).round().clamp(0.0, 10.0) as u8;
            let comment = if rng.chance(0.6) {
                *rng.pick(match score {
                    9..=10 => PRAISE,
                    7..=8 => NEUTRAL,
                    _ => COMPLAINTS,
                })
            } else {
                ""
            };
            let day = 5 + rng.below(20) as u8 + r as u8;
            self.nps.row([
                self.ctx.date(t, day).as_str(),
                &score.to_string(),
                self.p.contacts[r].0.as_str(),
                comment,
            ]);
            self.counts.nps += 1;
            self.last_nps = Some(score);
        }
    }

    /// Outcomes, measured at each month end from the second month.
    fn measure(&mut self, t: usize, h: f64) {
        let rng = &mut self.rng;
        let last = self.ctx.cal[t].1;
        for k in self.kpis.iter_mut() {
            k.progress += (0.015 + 0.07 * h) * rng.range(0.5, 1.5) - if h < 0.35 { 0.04 } else { 0.0 };
            k.progress = k.progress.clamp(-0.3, 1.2);
            let scale = SCALE[k.kpi.decimals];
            let v = (k.value(rng.normal()) * scale).round() / scale;
            k.current = Some(v);
            let d = k.kpi.decimals;
            let (baseline, target) = if k.every_row || !k.written {
                (fmt_value(k.baseline, d), fmt_value(k.target, d))
            } else {
                (String::new(), String::new())
            };
            self.outcomes.row([
                self.ctx.date(t, last).as_str(),
                k.kpi.name,
                &fmt_value(v, d),
                k.kpi.unit,
                &baseline,
                &target,
                if k.kpi.higher_is_better { "" } else { "false" },
            ]);
            k.written = true;
            self.counts.outcomes += 1;
        }
    }

    /// Churn (not in the first three months of a spell): some come back
    /// after four months or more; of those who do not, some have `ended`.
    fn maybe_churn(&mut self, t: usize, tenure: usize, h: f64) {
        if tenure < 2 || t + 1 >= self.ctx.months {
            return;
        }
        let p = self.p.hazard * (0.25 + 3.0 * (1.0 - h) * (1.0 - h));
        if self.rng.chance(p) {
            self.alive = false;
            self.lines.clear();
            self.projects.clear();
            if self.rng.chance(0.25) {
                self.back_at = Some(t + 5 + self.rng.geometric(0.25) as usize);
            } else if self.rng.chance(0.4) {
                self.ended = Some(self.ctx.date(t, 31));
            }
        }
    }

    /// The client's client.toml.
    fn client_toml(&mut self) -> String {
        let (p, rng) = (self.p, &mut self.rng);
        let mut toml = String::with_capacity(256);
        let _ = writeln!(toml, "name = {}", toml_str(&p.name));
        if let Some(a) = &p.alias {
            let _ = writeln!(toml, "alias = {}", toml_str(a));
        }
        match p.aka.len() {
            0 => {}
            1 if rng.chance(0.5) => {
                let _ = writeln!(toml, "aka = {}", toml_str(&p.aka[0]));
            }
            _ => {
                let list: Vec<String> = p.aka.iter().map(|a| toml_str(a)).collect();
                let _ = writeln!(toml, "aka = [{}]", list.join(", "));
            }
        }
        let _ = writeln!(toml, "industry = {}", toml_str(p.industry.name));
        if !p.channel.is_empty() {
            let _ = writeln!(toml, "channel = {}", toml_str(p.channel));
        }
        if let Some(a) = &self.acquired {
            let _ = writeln!(toml, "acquired = {a}");
        }
        if rng.chance(0.05) {
            let _ = writeln!(toml, "cac = {}", round_to(rng.lognormal(900_000.0, 0.5), 10_000.0));
        }
        if rng.chance(0.1) {
            let _ = writeln!(toml, "gross_margin = {:.2}", rng.range(0.4, 0.8));
        }
        if let Some(e) = &self.ended {
            let _ = writeln!(toml, "ended = {e}");
        }
        toml
    }
}

/// Client `idx` of the project: drawn, simulated month by month, and put
/// into words. Its own random stream makes it independent of the others.
pub(super) fn gen_client(ctx: &Ctx, idx: usize) -> Generated {
    let mut rng = Rng::new(ctx.seed, idx as u64);
    let (p, kpis, z) = Profile::draw(ctx, &mut rng, idx);
    let mut sim = Simulation::new(ctx, &p, rng, kpis, z);
    for t in p.start..ctx.months {
        sim.month(t);
    }
    let client_toml = sim.client_toml();

    // Notes for the last three months, for about a third of those billed then.
    let mut notes = Vec::new();
    let rng = &mut sim.rng;
    if rng.chance(if p.has_story { 0.7 } else { 0.33 }) {
        for t in ctx.months.saturating_sub(3)..ctx.months {
            if sim.state[t].billed {
                notes.push((
                    ctx.cal[t].0.clone(),
                    note(ctx, rng, t, &p.name, &p.contacts, &sim.state, &sim.kpis),
                ));
                sim.counts.notes += 1;
            }
        }
    }
    let story = p.has_story.then(|| {
        sim.counts.stories += 1;
        story(
            ctx,
            rng,
            idx,
            &p.name,
            p.industry,
            p.consent,
            &p.contacts,
            &sim.kpis,
            sim.last_nps,
        )
    });
    Generated {
        id: p.id.clone(),
        client_toml,
        invoices: sim.invoices,
        nps: sim.nps,
        activity: sim.activity,
        outcomes: sim.outcomes,
        notes,
        story,
        flat: sim.flat,
        counts: sim.counts,
    }
}
