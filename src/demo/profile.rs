//! Who a demo client is: everything drawn once, before its months are
//! simulated (name, industry, channel, contacts, start, file spellings,
//! its level of health, and the outcome KPIs it is measured on).

use super::context::{Ctx, KpiTrack, SCALE};
use super::random::Rng;
use super::vocabulary::*;
use super::write::MoneyStyle;

/// Who a client is and how its files look: everything drawn once, before
/// the months are simulated.
pub(super) struct Profile {
    pub(super) has_story: bool,
    pub(super) consent: ConsentKind,
    pub(super) name: String,
    pub(super) id: String,
    pub(super) industry: &'static Industry,
    pub(super) channel: &'static str,
    pub(super) alias: Option<String>,
    pub(super) aka: Vec<String>,
    pub(super) contacts: Vec<(String, &'static str)>,
    /// Month index of the first invoice.
    pub(super) start: usize,
    pub(super) style: MoneyStyle,
    pub(super) explicit_kinds: bool,
    pub(super) billing_day: u8,
    pub(super) per_meeting_rows: bool,
    /// Meetings a month when all goes well: fortnightly or weekly.
    pub(super) cadence: u32,
    pub(super) has_logins: bool,
    /// The level that the hidden health returns to.
    pub(super) mu: f64,
    /// Base monthly churn hazard: lifetimes are geometric with a client-specific rate.
    pub(super) hazard: f64,
    pub(super) first_service: usize,
    pub(super) with_description: bool,
}

impl Profile {
    /// Draws the profile of client `idx`; returns it with the outcome KPIs
    /// it is measured on and the first value of its hidden health.
    pub(super) fn draw(ctx: &Ctx, rng: &mut Rng, idx: usize) -> (Profile, Vec<KpiTrack>, f64) {
        let has_story = idx % STORY_EVERY == STORY_EVERY / 2 + 1;
        let consent = CONSENTS[(idx / STORY_EVERY) % CONSENTS.len()];

        let (coined, kana) = ctx.coined(idx);
        let industry = rng.pick(INDUSTRIES);
        let name = format!("{coined} {}", industry.suffix);
        let id = format!(
            "{}-{}",
            coined.to_ascii_lowercase(),
            industry.suffix.to_ascii_lowercase()
        );
        let channel = draw_channel(rng);
        let anonymised_story = has_story && !consent.scope.contains(&"name");
        let alias = if anonymised_story || rng.chance(0.2) {
            Some(format!("{} {}", rng.pick(SIZES), industry.noun))
        } else {
            None
        };
        let mut aka: Vec<String> = Vec::new();
        if rng.chance(0.5) || has_story {
            aka.push(coined.clone());
        }
        if rng.chance(0.2) {
            aka.push(kana);
        }
        let contacts = draw_contacts(rng);
        let start = draw_start(ctx, rng, has_story);
        let style = if rng.chance(0.1) {
            MoneyStyle::Yen
        } else {
            MoneyStyle::Plain
        };
        let explicit_kinds = rng.chance(0.1);
        let billing_day: u8 = *rng.pick(&[25u8, 28, 31, 31]);
        let per_meeting_rows = rng.chance(0.2);
        let cadence = if rng.chance(0.7) { 2 } else { 4 };
        let has_logins = rng.chance(0.85);

        // Hidden health: z follows an AR(1) around the client's level `mu`.
        let mu = rng.normal() * 0.8 + if has_story { 2.2 } else { 1.2 };
        let z = mu + rng.normal() * 0.5;
        let hazard = rng.range(0.015, 0.05);
        let first_service = rng.below(RETAINERS.len());
        let kpis = if has_story || rng.chance(0.65) {
            draw_kpis(rng, &RETAINERS[first_service])
        } else {
            Vec::new()
        };
        let with_description = !rng.chance(0.3);
        let profile = Profile {
            has_story,
            consent,
            name,
            id,
            industry,
            channel,
            alias,
            aka,
            contacts,
            start,
            style,
            explicit_kinds,
            billing_day,
            per_meeting_rows,
            cadence,
            has_logins,
            mu,
            hazard,
            first_service,
            with_description,
        };
        (profile, kpis, z)
    }
}

/// An acquisition channel, by the channels' weights.
fn draw_channel(rng: &mut Rng) -> &'static str {
    let total: u32 = CHANNELS.iter().map(|c| c.1).sum();
    let mut x = rng.below(total as usize) as u32;
    let mut pick = CHANNELS[0].0;
    for (ch, w, _) in CHANNELS {
        if x < *w {
            pick = ch;
            break;
        }
        x -= w;
    }
    pick
}

/// Two contacts: a name and a role each.
fn draw_contacts(rng: &mut Rng) -> Vec<(String, &'static str)> {
    (0..2)
        .map(|_| {
            (
                format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES)),
                *rng.pick(ROLES),
            )
        })
        .collect()
}

/// The month index of the first invoice: by the seasonal acquisition
/// weights; clients with a story start in the first two thirds (of nine
/// months or more), so that they have some history.
fn draw_start(ctx: &Ctx, rng: &mut Rng, has_story: bool) -> usize {
    let months = ctx.months;
    let span = if has_story && months >= 9 {
        months * 2 / 3
    } else {
        months
    };
    let total = ctx.acquisition[span - 1];
    let x = rng.f64() * total;
    ctx.acquisition[..span].partition_point(|c| *c <= x).min(span - 1)
}

/// One or two of the service's outcome KPIs, with a baseline and a target.
fn draw_kpis(rng: &mut Rng, service: &Service) -> Vec<KpiTrack> {
    let n = if rng.chance(0.4) { 2 } else { 1 };
    let mut chosen: Vec<usize> = Vec::new();
    while chosen.len() < n.min(service.kpis.len()) {
        let k = *rng.pick(service.kpis);
        if !chosen.contains(&k) {
            chosen.push(k);
        }
    }
    chosen
        .into_iter()
        .map(|k| {
            let kpi = &KPIS[k];
            let baseline = rng.range(kpi.lo, kpi.hi);
            let scale = SCALE[kpi.decimals];
            let baseline = (baseline * scale).round() / scale;
            let target = (baseline * kpi.factor * scale).round() / scale;
            KpiTrack {
                kpi,
                baseline,
                target,
                progress: 0.0,
                current: None,
                every_row: rng.chance(0.7),
                written: false,
            }
        })
        .collect()
}
