//! The tables of `casebook.toml` besides `[brand]`: the health score's
//! components, the thresholds of segments, touch and signals, and the
//! public site's settings.

use std::path::Path;

use super::{Config, check_base_url};
use crate::input::document::Fields;

#[derive(Clone, Debug, PartialEq)]
pub struct HealthComponent {
    /// `nps`, `revenue_trend`, or an activity metric name.
    pub metric: String,
    pub weight: f64,
    pub target: Option<f64>,
    pub higher_is_better: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SegmentThresholds {
    pub at_risk_health: f64,
    pub at_risk_nps: f64,
    pub loyal_health: f64,
    pub loyal_nps: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TouchThresholds {
    pub high_share: f64,
    pub low_share: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SignalThresholds {
    pub revenue_drop: f64,
    pub activity_drop: f64,
    pub tickets_up: f64,
}

/// `[public]`: the public site's own name and address (SPEC §9).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PublicSettings {
    /// The public site's name. Never the internal `title`: without it the
    /// public pages use the brand name, else a label ("Success stories").
    pub title: Option<String>,
    /// One line about the site: the story list's meta description.
    pub description: Option<String>,
    /// Overrides the top-level `base_url` (without a trailing `/`).
    pub base_url: Option<String>,
    /// Where the public site is written, relative to the project root
    /// (`None`: `<out>/public`).
    pub out: Option<std::path::PathBuf>,
}
/// Reads `[health]`: the health score's components.
pub(super) fn read_health(f: &mut Fields<'_, '_>, text: &str, path: &Path, c: &mut Config) {
    if let Some(h) = f.table("health") {
        let mut sub = Fields::new(h, text, path, f.diags());
        if let Some(items) = sub.array_of_tables("components") {
            let mut comps = Vec::new();
            for item in items {
                let mut cf = Fields::new(item, text, path, sub.diags());
                let metric = cf.required_string("metric");
                let weight = cf.number("weight");
                if let Some(w) = weight {
                    if w < 0.0 {
                        cf.error_at("weight", "a health weight must not be negative");
                    }
                }
                let target = cf.number("target");
                if let Some(t) = target {
                    if t <= 0.0 {
                        cf.error_at("target", "a health target must be greater than 0");
                    }
                }
                let higher_is_better = cf.boolean("higher_is_better").unwrap_or(true);
                cf.warn_unknown(&["metric", "weight", "target", "higher_is_better"]);
                if let Some(metric) = metric {
                    if metric != "nps" && metric != "revenue_trend" && target.is_none() {
                        cf.error_at(
                            "metric",
                            format!("health component `{metric}` is an activity metric and needs a `target`"),
                        );
                    }
                    comps.push(HealthComponent {
                        metric,
                        weight: weight.unwrap_or(1.0),
                        target,
                        higher_is_better,
                    });
                }
            }
            c.health_components = comps;
        }
        sub.warn_unknown(&["components"]);
    }
}

/// Reads `[segments]`, `[touch]` and `[signals]`.
pub(super) fn read_thresholds(f: &mut Fields<'_, '_>, text: &str, path: &Path, c: &mut Config) {
    if let Some(t) = f.table("segments") {
        let mut sub = Fields::new(t, text, path, f.diags());
        set_num(&mut sub, "at_risk_health", &mut c.segments.at_risk_health);
        set_num(&mut sub, "at_risk_nps", &mut c.segments.at_risk_nps);
        set_num(&mut sub, "loyal_health", &mut c.segments.loyal_health);
        set_num(&mut sub, "loyal_nps", &mut c.segments.loyal_nps);
        sub.warn_unknown(&["at_risk_health", "at_risk_nps", "loyal_health", "loyal_nps"]);
    }
    if let Some(t) = f.table("touch") {
        let mut sub = Fields::new(t, text, path, f.diags());
        set_num(&mut sub, "high_share", &mut c.touch.high_share);
        set_num(&mut sub, "low_share", &mut c.touch.low_share);
        sub.warn_unknown(&["high_share", "low_share"]);
        if c.touch.high_share > c.touch.low_share {
            f.error_at("touch", "touch.high_share must not be greater than touch.low_share");
        }
    }
    if let Some(t) = f.table("signals") {
        let mut sub = Fields::new(t, text, path, f.diags());
        set_num(&mut sub, "revenue_drop", &mut c.signals.revenue_drop);
        set_num(&mut sub, "activity_drop", &mut c.signals.activity_drop);
        set_num(&mut sub, "tickets_up", &mut c.signals.tickets_up);
        sub.warn_unknown(&["revenue_drop", "activity_drop", "tickets_up"]);
    }
}

/// Reads `[public]`.
pub(super) fn read_public(f: &mut Fields<'_, '_>, text: &str, path: &Path, c: &mut Config) {
    if let Some(t) = f.table("public") {
        let mut sub = Fields::new(t, text, path, f.diags());
        let nonblank = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        c.public.title = nonblank(sub.string("title"));
        c.public.description = nonblank(sub.string("description"));
        if let Some(url) = nonblank(sub.string("base_url")) {
            match check_base_url(&url) {
                Ok(u) => c.public.base_url = Some(u),
                Err(e) => sub.error_at("base_url", e),
            }
        }
        if let Some(out) = nonblank(sub.string("out")) {
            c.public.out = Some(std::path::PathBuf::from(out));
        }
        sub.warn_unknown(&["title", "description", "base_url", "out"]);
    }
}

fn set_num(f: &mut Fields<'_, '_>, key: &str, slot: &mut f64) {
    if let Some(v) = f.number(key) {
        *slot = v;
    }
}
