//! `casebook.toml` (SPEC §5): project settings with their defaults.
//!
//! The parts: `brand` (`[brand]`: name, logo, accent) and `sections` (the
//! other tables: `[health]`, `[segments]`, `[touch]`, `[signals]`,
//! `[public]`).

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;

use crate::diag::Diagnostics;
use crate::input::document::{self, Fields};

mod brand;
mod sections;

pub use brand::{Brand, Logo, LogoKind, parse_accent};
pub use sections::{HealthComponent, PublicSettings, SegmentThresholds, SignalThresholds, TouchThresholds};

/// The language of the sites (defined with its labels in [`crate::i18n`]).
pub use crate::i18n::Lang;
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub title: String,
    pub base_url: String,
    pub lang: Lang,
    pub currency: String,
    pub gross_margin: Decimal,
    pub churn_after_months: u32,
    pub ltv_horizon_months: u32,
    pub default_cac: Decimal,
    pub cac_by_channel: BTreeMap<String, Decimal>,
    pub health_components: Vec<HealthComponent>,
    pub segments: SegmentThresholds,
    pub touch: TouchThresholds,
    pub signals: SignalThresholds,
    /// The first month (1–12) of the fiscal year (SPEC §3.8); 4 in most
    /// Japanese companies.
    pub fiscal_year_start: u32,
    /// Words the leak scan does not search for, though a client's name,
    /// `aka` or partial name spells them (a client named after a common
    /// word).
    pub allow_words: Vec<String>,
    pub public: PublicSettings,
    pub brand: Brand,
    /// Annual discount rate of predicted values (SPEC 3.9), 0 ..= 1.
    pub discount_rate: f64,
}
impl Config {
    /// The public site's address without a trailing `/`: `[public]
    /// base_url`, else the top-level `base_url` (may be empty).
    pub fn public_base_url(&self) -> &str {
        self.public.base_url.as_deref().unwrap_or(&self.base_url)
    }

    /// The defaults of SPEC §5 around a title and a currency.
    pub fn with_defaults(title: &str, currency: &str) -> Config {
        Config {
            title: title.to_string(),
            base_url: String::new(),
            lang: Lang::En,
            currency: currency.to_string(),
            gross_margin: Decimal::ONE,
            churn_after_months: 3,
            ltv_horizon_months: 60,
            default_cac: Decimal::ZERO,
            cac_by_channel: BTreeMap::new(),
            health_components: vec![
                HealthComponent {
                    metric: "nps".into(),
                    weight: 0.5,
                    target: None,
                    higher_is_better: true,
                },
                HealthComponent {
                    metric: "revenue_trend".into(),
                    weight: 0.5,
                    target: None,
                    higher_is_better: true,
                },
            ],
            segments: SegmentThresholds {
                at_risk_health: 40.0,
                at_risk_nps: 6.0,
                loyal_health: 70.0,
                loyal_nps: 9.0,
            },
            touch: TouchThresholds {
                high_share: 0.5,
                low_share: 0.8,
            },
            signals: SignalThresholds {
                revenue_drop: 0.7,
                activity_drop: 0.7,
                tickets_up: 1.5,
            },
            fiscal_year_start: 1,
            allow_words: Vec::new(),
            public: PublicSettings::default(),
            brand: Brand::default(),
            discount_rate: 0.0,
        }
    }

    /// Parses `casebook.toml`; problems go to `diags` (with `path` as given).
    pub fn parse(text: &str, path: &Path, diags: &mut Diagnostics) -> Option<Config> {
        let table = document::parse_table(text, path, diags)?;
        let mut f = Fields::new(&table, text, path, diags);
        let title = f.required_string("title");
        let currency = f.required_string("currency");
        let mut c = Config::with_defaults(title.as_deref().unwrap_or(""), currency.as_deref().unwrap_or(""));
        if let Some(cur) = &currency {
            if cur.len() != 3 || !cur.bytes().all(|b| b.is_ascii_uppercase()) {
                f.error_at(
                    "currency",
                    format!("`{cur}` is not a currency code; expected three capital letters such as JPY or USD"),
                );
            }
        }
        if let Some(v) = f.string("base_url").filter(|v| !v.trim().is_empty()) {
            match check_base_url(&v) {
                Ok(u) => c.base_url = u,
                Err(e) => f.error_at("base_url", e),
            }
        }
        if let Some(v) = f.string("lang") {
            match Lang::parse(&v) {
                Some(lang) => c.lang = lang,
                None => f.error_at("lang", Lang::unknown(&v)),
            }
        }
        if let Some(v) = f.fraction("gross_margin") {
            c.gross_margin = v;
        }
        if let Some(v) = f.positive_int("churn_after_months") {
            c.churn_after_months = v;
        }
        if let Some(v) = f.positive_int("ltv_horizon_months") {
            c.ltv_horizon_months = v;
        }
        if let Some(v) = f.int_in("fiscal_year_start", 1, 12, "a month number") {
            c.fiscal_year_start = v;
        }
        if let Some(v) = f.number("discount_rate") {
            if (0.0..=1.0).contains(&v) {
                c.discount_rate = v;
            } else {
                f.error_at(
                    "discount_rate",
                    format!("`discount_rate` {v} must be an annual rate from 0 to 1 (0.08 is 8 % a year)"),
                );
            }
        }
        if let Some(v) = f.money("default_cac") {
            c.default_cac = v;
        }
        if let Some(t) = f.table("cac_by_channel") {
            let mut sub = Fields::new(t, text, path, f.diags());
            for key in t.keys() {
                if let Some(v) = sub.money(key) {
                    c.cac_by_channel.insert(key.clone(), v);
                }
            }
        }
        sections::read_health(&mut f, text, path, &mut c);
        sections::read_thresholds(&mut f, text, path, &mut c);
        c.allow_words = f
            .strings("allow_words")
            .into_iter()
            .filter(|w| !w.trim().is_empty())
            .collect();
        sections::read_public(&mut f, text, path, &mut c);
        brand::read_brand(&mut f, text, path, &mut c);
        f.warn_unknown(&[
            "allow_words",
            "public",
            "title",
            "base_url",
            "lang",
            "currency",
            "gross_margin",
            "churn_after_months",
            "ltv_horizon_months",
            "discount_rate",
            "default_cac",
            "cac_by_channel",
            "health",
            "segments",
            "touch",
            "signals",
            "fiscal_year_start",
            "brand",
        ]);
        if title.is_none() || currency.is_none() {
            return None;
        }
        Some(c)
    }
}

/// A public base URL as the feed and sitemap need it: absolute `http://`
/// or `https://`, without query or fragment; returned without a trailing
/// `/`.
pub fn check_base_url(url: &str) -> Result<String, String> {
    let u = url.trim();
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"))
        .ok_or_else(|| format!("base URL `{u}` must start with https:// or http://"))?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || u.contains(['?', '#', ' ', '"', '<', '>']) {
        return Err(format!(
            "base URL `{u}` must be an address such as https://example.com or https://example.com/cases/"
        ));
    }
    Ok(u.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_config_gets_every_default() {
        let mut d = Diagnostics::new();
        let c = Config::parse(
            "title = \"T\"\ncurrency = \"JPY\"\n",
            Path::new("casebook.toml"),
            &mut d,
        )
        .unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c, Config::with_defaults("T", "JPY"));
    }

    #[test]
    fn full_config_of_the_spec() {
        let text = r#"
title = "Studio"
base_url = "https://example.com/"
lang = "ja"
currency = "JPY"
gross_margin = 0.7
churn_after_months = 2
ltv_horizon_months = 48
default_cac = 1000
cac_by_channel = { referral = 30000, ads = "¥180,000" }
[[health.components]]
metric = "meetings"
weight = 0.2
target = 2
[[health.components]]
metric = "tickets"
weight = 0.2
target = 3
higher_is_better = false
[segments]
at_risk_health = 30
[touch]
high_share = 0.4
[signals]
tickets_up = 2.0
"#;
        let mut d = Diagnostics::new();
        let c = Config::parse(text, Path::new("casebook.toml"), &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.base_url, "https://example.com");
        assert_eq!(c.lang, Lang::Ja);
        assert_eq!(c.gross_margin, Decimal::new(7, 1));
        assert_eq!(c.churn_after_months, 2);
        assert_eq!(c.cac_by_channel["ads"], Decimal::from(180000));
        assert_eq!(c.health_components.len(), 2);
        assert!(!c.health_components[1].higher_is_better);
        assert_eq!(c.segments.at_risk_health, 30.0);
        assert_eq!(c.segments.loyal_nps, 9.0);
        assert_eq!(c.touch.high_share, 0.4);
        assert_eq!(c.signals.tickets_up, 2.0);
    }

    #[test]
    fn reports_every_problem_with_its_line() {
        let text = "title = 3\ncurrency = \"yen\"\ngross_margin = 1.5\nlang = \"fr\"\nmystery = 1\n";
        let mut d = Diagnostics::new();
        assert!(Config::parse(text, Path::new("casebook.toml"), &mut d).is_none());
        let all: Vec<String> = d.into_vec().iter().map(|x| x.to_string()).collect();
        assert!(
            all.iter()
                .any(|m| m.starts_with("casebook.toml:1:") && m.contains("title")),
            "{all:?}"
        );
        assert!(
            all.iter()
                .any(|m| m.starts_with("casebook.toml:2:") && m.contains("currency")),
            "{all:?}"
        );
        assert!(
            all.iter()
                .any(|m| m.starts_with("casebook.toml:3:") && m.contains("0 and 1")),
            "{all:?}"
        );
        assert!(
            all.iter()
                .any(|m| m.starts_with("casebook.toml:4:") && m.contains("lang")),
            "{all:?}"
        );
        assert!(
            all.iter()
                .any(|m| m.starts_with("casebook.toml:5:") && m.contains("warning")),
            "{all:?}"
        );
    }

    #[test]
    fn fiscal_year_start_is_a_month_number() {
        let mut d = Diagnostics::new();
        let c = Config::parse(
            "title = \"T\"\ncurrency = \"JPY\"\nfiscal_year_start = 4\n",
            Path::new("casebook.toml"),
            &mut d,
        )
        .unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.fiscal_year_start, 4);
        for (bad, why) in [
            ("13", "not 13"),
            ("0", "not 0"),
            ("\"April\"", "not a string"),
            ("4.5", "not 4.5"),
        ] {
            let mut d = Diagnostics::new();
            let text = format!("title = \"T\"\ncurrency = \"JPY\"\nfiscal_year_start = {bad}\n");
            assert!(Config::parse(&text, Path::new("casebook.toml"), &mut d).is_some());
            let all: Vec<String> = d.into_vec().iter().map(|x| x.to_string()).collect();
            assert_eq!(all.len(), 1, "{all:?}");
            assert!(
                all[0].starts_with("casebook.toml:3:21: ")
                    && all[0].contains("fiscal_year_start")
                    && all[0].contains(why),
                "{all:?}"
            );
        }
    }

    #[test]
    fn discount_rate_is_an_annual_rate_from_0_to_1() {
        let parse = |v: &str| {
            let mut d = Diagnostics::new();
            let text = format!("title = \"T\"\ncurrency = \"JPY\"\ndiscount_rate = {v}\n");
            let c = Config::parse(&text, Path::new("casebook.toml"), &mut d);
            (
                c.map(|c| c.discount_rate),
                d.into_vec().iter().map(|x| x.to_string()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(parse("0.08"), (Some(0.08), vec![]));
        assert_eq!(parse("0"), (Some(0.0), vec![]));
        for bad in ["-0.1", "1.5"] {
            let (_, errors) = parse(bad);
            assert!(
                errors
                    .iter()
                    .any(|e| e.starts_with("casebook.toml:3:") && e.contains("discount_rate")),
                "{bad}: {errors:?}"
            );
        }
        assert_eq!(Config::with_defaults("T", "JPY").discount_rate, 0.0);
    }

    #[test]
    fn syntax_error_has_position() {
        let mut d = Diagnostics::new();
        assert!(Config::parse("title = \"x\ncurrency = \"JPY\"\n", Path::new("c.toml"), &mut d).is_none());
        let first = d.into_vec().remove(0).to_string();
        assert!(first.starts_with("c.toml:1:"), "{first}");
    }
}
