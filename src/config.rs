//! `casebook.toml` (SPEC §5): project settings with their defaults.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;

use crate::diag::Diagnostics;
use crate::input::tomlish::{self, Fields};

/// The language of the sites (defined with its labels in [`crate::i18n`]).
pub use crate::i18n::Lang;

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

/// `[brand]`: how the consultancy presents itself in the documents it
/// hands out (the client edition of the review, the public site).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Brand {
    /// The consultancy's name as clients know it.
    pub name: Option<String>,
    /// The logo file as written in casebook.toml (a path under `static/`);
    /// the loader reads it into [`Brand::logo`].
    pub logo_file: Option<String>,
    /// Where `logo` was written in casebook.toml, for the loader's errors.
    pub logo_at: (Option<u64>, Option<u64>),
    /// The logo image, read and checked by the loader.
    pub logo: Option<Logo>,
    /// A CSS colour, always `#rrggbb` (lower case).
    pub accent: Option<String>,
}

/// A logo image, held whole so that pages can inline it (a client edition
/// is one self-contained file).
#[derive(Clone, Debug, PartialEq)]
pub struct Logo {
    pub kind: LogoKind,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogoKind {
    Svg,
    Png,
}

impl Logo {
    /// The largest logo accepted: it is copied into every client edition.
    pub const MAX_BYTES: usize = 512 * 1024;

    /// Recognises an SVG or PNG image by its content (not its file name).
    pub fn sniff(bytes: Vec<u8>) -> Result<Logo, String> {
        if bytes.len() > Self::MAX_BYTES {
            return Err(format!(
                "is {} KiB; a logo is inlined into every client edition, so keep it under {} KiB",
                bytes.len().div_ceil(1024),
                Self::MAX_BYTES / 1024
            ));
        }
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Ok(Logo {
                kind: LogoKind::Png,
                bytes,
            });
        }
        let is_svg = std::str::from_utf8(&bytes).is_ok_and(|text| {
            let head: String = text.chars().take(4096).collect::<String>().to_ascii_lowercase();
            head.contains("<svg") && text.trim_end().to_ascii_lowercase().ends_with("</svg>")
        });
        if is_svg {
            return Ok(Logo {
                kind: LogoKind::Svg,
                bytes,
            });
        }
        Err("is not an SVG or PNG image; save the logo as .svg or .png".to_string())
    }

    pub fn mime(&self) -> &'static str {
        match self.kind {
            LogoKind::Svg => "image/svg+xml",
            LogoKind::Png => "image/png",
        }
    }

    /// A `data:` URI for `<img src>`. An SVG shown through `<img>` runs no
    /// script and loads nothing, whatever the file holds.
    pub fn data_uri(&self) -> String {
        use base64::Engine as _;
        format!(
            "data:{};base64,{}",
            self.mime(),
            base64::engine::general_purpose::STANDARD.encode(&self.bytes)
        )
    }
}

/// `#rgb` or `#rrggbb` (any case) as `#rrggbb`; nothing else, so that an
/// accent can never carry CSS of its own into a page.
pub fn parse_accent(text: &str) -> Option<String> {
    let hex = text.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(format!("#{}", hex.to_ascii_lowercase())),
        3 => Some(hex.chars().flat_map(|c| [c, c]).fold(String::from("#"), |mut s, c| {
            s.push(c.to_ascii_lowercase());
            s
        })),
        _ => None,
    }
}

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
        let table = tomlish::parse_table(text, path, diags)?;
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
        c.allow_words = f
            .strings("allow_words")
            .into_iter()
            .filter(|w| !w.trim().is_empty())
            .collect();
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
        if let Some(t) = f.table("brand") {
            let mut sub = Fields::new(t, text, path, f.diags());
            c.brand.name = sub.string("name").filter(|n| !n.trim().is_empty());
            if let Some(file) = sub.string("logo") {
                let p = Path::new(&file);
                let inside = !file.is_empty()
                    && p.components()
                        .all(|part| matches!(part, std::path::Component::Normal(_)));
                if inside {
                    c.brand.logo_at = t.get("logo").map_or((None, None), |n| (n.line, n.column));
                    c.brand.logo_file = Some(file);
                } else {
                    sub.error_at(
                        "logo",
                        format!("`{file}` is not a file under static/; write its path inside static/, e.g. logo = \"logo.svg\""),
                    );
                }
            }
            if let Some(v) = sub.string("accent") {
                match parse_accent(&v) {
                    Some(hex) => c.brand.accent = Some(hex),
                    None => sub.error_at(
                        "accent",
                        format!("`{v}` is not a colour; write it as #rrggbb or #rgb, e.g. accent = \"#0b6e4f\""),
                    ),
                }
            }
            sub.warn_unknown(&["name", "logo", "accent"]);
        }
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

fn set_num(f: &mut Fields<'_, '_>, key: &str, slot: &mut f64) {
    if let Some(v) = f.number(key) {
        *slot = v;
    }
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
    fn brand_is_read_and_checked() {
        let text =
            "title = \"T\"\ncurrency = \"JPY\"\n[brand]\nname = \"Kumo\"\nlogo = \"img/logo.svg\"\naccent = \"#0B6\"\n";
        let mut d = Diagnostics::new();
        let c = Config::parse(text, Path::new("casebook.toml"), &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.brand.name.as_deref(), Some("Kumo"));
        assert_eq!(c.brand.logo_file.as_deref(), Some("img/logo.svg"));
        assert_eq!(c.brand.logo_at, (Some(5), Some(8)));
        assert_eq!(c.brand.accent.as_deref(), Some("#00bb66"));

        let bad = "title = \"T\"\ncurrency = \"JPY\"\n[brand]\nlogo = \"../secret.png\"\naccent = \"red; background: url(x)\"\n";
        let mut d = Diagnostics::new();
        let _ = Config::parse(bad, Path::new("casebook.toml"), &mut d);
        let all: Vec<String> = d.into_vec().iter().map(|x| x.to_string()).collect();
        assert!(
            all.iter()
                .any(|m| m.starts_with("casebook.toml:4:") && m.contains("static/")),
            "{all:?}"
        );
        assert!(
            all.iter()
                .any(|m| m.starts_with("casebook.toml:5:") && m.contains("#rrggbb")),
            "{all:?}"
        );
    }

    #[test]
    fn accents() {
        assert_eq!(parse_accent("#A1b2C3").as_deref(), Some("#a1b2c3"));
        assert_eq!(parse_accent(" #abc ").as_deref(), Some("#aabbcc"));
        for bad in ["abc", "#abcd", "#ggg", "#12345", "", "#"] {
            assert_eq!(parse_accent(bad), None, "{bad}");
        }
    }

    #[test]
    fn logos_are_recognised_by_content() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        assert_eq!(Logo::sniff(png).unwrap().kind, LogoKind::Png);
        let svg = b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>\n".to_vec();
        let logo = Logo::sniff(svg).unwrap();
        assert_eq!(logo.kind, LogoKind::Svg);
        assert!(
            logo.data_uri().starts_with("data:image/svg+xml;base64,PD94bWwg"),
            "{}",
            logo.data_uri()
        );
        assert!(Logo::sniff(b"GIF89a....".to_vec()).is_err());
        assert!(Logo::sniff(b"<html><svg></svg></html>".to_vec()).is_err());
        assert!(
            Logo::sniff(vec![b' '; Logo::MAX_BYTES + 1])
                .unwrap_err()
                .contains("KiB")
        );
    }

    #[test]
    fn syntax_error_has_position() {
        let mut d = Diagnostics::new();
        assert!(Config::parse("title = \"x\ncurrency = \"JPY\"\n", Path::new("c.toml"), &mut d).is_none());
        let first = d.into_vec().remove(0).to_string();
        assert!(first.starts_with("c.toml:1:"), "{first}");
    }
}
