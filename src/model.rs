//! The loaded project: what the files say, checked and typed, nothing
//! computed. Every later stage reads this model and never touches files.

use std::path::PathBuf;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::month::Month;

/// A whole casebook project, loaded and validated.
#[derive(Clone, Debug)]
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    /// Sorted by id.
    pub clients: Vec<Client>,
    /// Free pages of the public site (`content/pages/*.md`), sorted by slug.
    pub pages: Vec<Page>,
    /// A content hash of the files read for each client, by id: the key of
    /// the incremental build cache. Empty for projects made in code.
    pub fingerprints: std::collections::BTreeMap<String, String>,
    /// A content hash of `casebook.toml` as it was read (empty for projects
    /// made in code).
    pub config_fingerprint: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Client {
    /// The folder name; private (never used in public URLs).
    pub id: String,
    pub name: String,
    pub alias: Option<String>,
    pub aka: Vec<String>,
    pub industry: Option<String>,
    pub channel: Option<String>,
    #[serde(with = "compact::opt_date")]
    pub acquired: Option<Date>,
    /// Explicit `cac` of client.toml; see [`Project::cac_of`] for the default chain.
    #[serde(with = "compact::opt_decimal")]
    pub cac: Option<Decimal>,
    #[serde(with = "compact::opt_decimal")]
    pub gross_margin: Option<Decimal>,
    #[serde(with = "compact::opt_date")]
    pub ended: Option<Date>,
    /// `contract` of client.toml (SPEC 3.9); when absent it is inferred
    /// from the invoices (see `metrics`).
    pub contract: Option<Contract>,
    /// The language of this client's monthly reviews (both editions), when
    /// it is not the project's.
    pub lang: Option<crate::config::Lang>,
    /// Sorted by date, then by line in the file.
    pub invoices: Vec<Invoice>,
    /// Sorted by date, then by line.
    pub nps: Vec<NpsResponse>,
    /// Sorted by date, then by line.
    pub activity: Vec<ActivityRow>,
    /// Sorted by KPI name, then date, then line.
    pub outcomes: Vec<OutcomeRow>,
    /// Sorted by month.
    pub notes: Vec<Note>,
    pub story: Option<Story>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InvoiceKind {
    New,
    Recurring,
    Upsell,
    CrossSell,
    OneOff,
}

impl InvoiceKind {
    pub fn parse(text: &str) -> Option<InvoiceKind> {
        Some(match text.trim() {
            "new" => InvoiceKind::New,
            "recurring" => InvoiceKind::Recurring,
            "upsell" => InvoiceKind::Upsell,
            "cross-sell" => InvoiceKind::CrossSell,
            "one-off" => InvoiceKind::OneOff,
            _ => return None,
        })
    }

    /// Why `text` is not a kind, for an error message.
    pub fn unknown(text: &str) -> String {
        format!(
            "unknown kind `{text}`; expected one of new, recurring, upsell, cross-sell, one-off (or leave it empty to infer it)"
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceKind::New => "new",
            InvoiceKind::Recurring => "recurring",
            InvoiceKind::Upsell => "upsell",
            InvoiceKind::CrossSell => "cross-sell",
            InvoiceKind::OneOff => "one-off",
        }
    }
}

/// How a client buys (SPEC 3.9): which predictive model serves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Contract {
    /// A recurring contract: retention follows the sBG model.
    Retainer,
    /// Purchases now and then: BG/NBD and Gamma-Gamma.
    Project,
}

impl Contract {
    pub fn parse(text: &str) -> Option<Contract> {
        match text.trim() {
            "retainer" => Some(Contract::Retainer),
            "project" => Some(Contract::Project),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Contract::Retainer => "retainer",
            Contract::Project => "project",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Invoice {
    #[serde(with = "compact::date")]
    pub date: Date,
    #[serde(with = "compact::decimal")]
    pub amount: Decimal,
    pub service: String,
    /// The kind written in the file, or the inferred one (SPEC §1.2).
    pub kind: InvoiceKind,
    pub kind_inferred: bool,
    pub description: String,
    /// Line in invoices.csv (1-based, header is line 1).
    pub line: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NpsResponse {
    #[serde(with = "compact::date")]
    pub date: Date,
    pub score: u8,
    pub respondent: String,
    pub comment: String,
    pub line: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ActivityRow {
    #[serde(with = "compact::date")]
    pub date: Date,
    pub metric: String,
    pub value: f64,
    pub line: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OutcomeRow {
    #[serde(with = "compact::date")]
    pub date: Date,
    pub kpi: String,
    pub value: f64,
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub higher_is_better: bool,
    pub line: u64,
    /// The most digits after the decimal point among the row's value,
    /// baseline and target as written (`1.20` → 2): outcomes are shown with
    /// the precision of their input.
    pub decimals: u8,
}

/// `content/clients/<id>/notes/YYYY-MM.md`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Note {
    #[serde(with = "compact::month")]
    pub month: Month,
    pub title: Option<String>,
    /// Markdown source without the front matter (rendered, sanitised, only
    /// for the pages that show it).
    pub markdown: String,
    pub path: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsentStatus {
    Granted,
    Pending,
    Revoked,
    None,
}

impl ConsentStatus {
    pub fn parse(text: &str) -> Option<ConsentStatus> {
        Some(match text {
            "granted" => ConsentStatus::Granted,
            "pending" => ConsentStatus::Pending,
            "revoked" => ConsentStatus::Revoked,
            "none" => ConsentStatus::None,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub status: ConsentStatus,
    #[serde(with = "compact::opt_date")]
    pub granted_on: Option<Date>,
    pub approved_by: Option<String>,
    #[serde(with = "compact::opt_date")]
    pub expires: Option<Date>,
    /// Any of `name`, `figures`, `quotes`.
    pub scope: Vec<String>,
}

impl Consent {
    pub fn allows(&self, what: &str) -> bool {
        self.scope.iter().any(|s| s == what)
    }

    /// Published on `today`: granted and not expired (SPEC §6).
    pub fn is_publishable(&self, today: Date) -> bool {
        self.status == ConsentStatus::Granted && self.expires.is_none_or(|e| e >= today)
    }
}

/// `content/clients/<id>/story.md`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Story {
    pub title: String,
    /// The slug written in the front matter, if any (the public slug is
    /// derived after anonymisation otherwise).
    pub slug: Option<String>,
    pub summary: Option<String>,
    #[serde(with = "compact::opt_date")]
    pub date: Option<Date>,
    pub quote: Option<String>,
    /// A picture for the story: a file under `static/` (`image`), with its
    /// alt text (`image_alt`).
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub image_alt: Option<String>,
    pub consent: Consent,
    /// Markdown source without the front matter.
    pub markdown: String,
    pub path: PathBuf,
}

/// `content/pages/<slug>.md`.
#[derive(Clone, Debug)]
pub struct Page {
    pub slug: String,
    pub title: String,
    pub markdown: String,
    pub path: PathBuf,
}

impl Project {
    /// The client with this id (clients are sorted by id).
    pub fn client(&self, id: &str) -> Option<&Client> {
        self.clients
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.clients[i])
    }

    /// The acquisition cost of a client: its own `cac`, else the channel's,
    /// else the project's `default_cac` (SPEC §1.1).
    pub fn cac_of(&self, client: &Client) -> Decimal {
        client
            .cac
            .or_else(|| {
                client
                    .channel
                    .as_ref()
                    .and_then(|ch| self.config.cac_by_channel.get(ch).copied())
            })
            .unwrap_or(self.config.default_cac)
    }

    /// A client's gross margin: its own, else the project's.
    pub fn margin_of(&self, client: &Client) -> Decimal {
        client.gross_margin.unwrap_or(self.config.gross_margin)
    }

    /// The latest month with an invoice anywhere in the project: the default
    /// as-of month (SPEC §2).
    pub fn latest_invoice_month(&self) -> Option<Month> {
        self.clients
            .iter()
            .filter_map(|c| c.invoices.last())
            .map(|i| Month::of(i.date))
            .max()
    }

    /// The latest month with an invoice dated on or before `day`.
    pub fn latest_invoice_month_until(&self, day: jiff::civil::Date) -> Option<Month> {
        self.clients
            .iter()
            .filter_map(|c| {
                // Invoices are sorted by date.
                let n = c.invoices.partition_point(|i| i.date <= day);
                c.invoices[..n].last()
            })
            .map(|i| Month::of(i.date))
            .max()
    }
}

impl Client {
    /// A client with a name and no data yet (for importers and tests).
    pub fn new(id: &str, name: &str) -> Client {
        Client {
            id: id.to_string(),
            name: name.to_string(),
            alias: None,
            aka: Vec::new(),
            industry: None,
            channel: None,
            acquired: None,
            cac: None,
            gross_margin: None,
            ended: None,
            contract: None,
            lang: None,
            invoices: Vec::new(),
            nps: Vec::new(),
            activity: Vec::new(),
            outcomes: Vec::new(),
            notes: Vec::new(),
            story: None,
        }
    }

    /// `s(c)`: the earlier of the month of `acquired` and the month of the
    /// first invoice; `None` for a client with neither.
    pub fn start_month(&self) -> Option<Month> {
        let first = self.invoices.first().map(|i| Month::of(i.date));
        let acquired = self.acquired.map(Month::of);
        match (first, acquired) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The public name under a story's consent: the real name with `name` in
    /// scope, else the alias, else "a client in `<industry>`".
    pub fn public_alias(&self) -> String {
        if let Some(a) = &self.alias {
            return a.clone();
        }
        match &self.industry {
            Some(i) => format!("a client in {i}"),
            None => "a client".to_string(),
        }
    }
}

/// Compact encodings of dates, months and amounts for the load cache
/// (`crate::load_cache`): integers and raw decimal bytes, not the text forms
/// (`Month`'s own `Serialize`, for JSON, writes `"2026-10"`).
mod compact {
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error};

    pub mod date {
        use super::*;
        use jiff::civil::Date;

        pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
            (d.year(), d.month(), d.day()).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
            let (y, m, day) = <(i16, i8, i8)>::deserialize(d)?;
            Date::new(y, m, day).map_err(D::Error::custom)
        }
    }

    pub mod opt_date {
        use super::*;
        use jiff::civil::Date;

        pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            d.map(|d| (d.year(), d.month(), d.day())).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            match Option::<(i16, i8, i8)>::deserialize(d)? {
                None => Ok(None),
                Some((y, m, day)) => Date::new(y, m, day).map(Some).map_err(D::Error::custom),
            }
        }
    }

    pub mod decimal {
        use super::*;
        use rust_decimal::Decimal;

        pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
            Decimal::serialize(d).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
            <[u8; 16]>::deserialize(d).map(Decimal::deserialize)
        }
    }

    pub mod opt_decimal {
        use super::*;
        use rust_decimal::Decimal;

        pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
            d.map(|d| Decimal::serialize(&d)).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
            Ok(Option::<[u8; 16]>::deserialize(d)?.map(Decimal::deserialize))
        }
    }

    pub mod month {
        use super::*;
        use crate::month::Month;

        pub fn serialize<S: Serializer>(m: &Month, s: S) -> Result<S::Ok, S::Error> {
            (m.year(), m.month()).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
            let (y, m) = <(i32, u32)>::deserialize(d)?;
            Month::new(y, m).ok_or_else(|| D::Error::custom("month out of range"))
        }
    }
}
