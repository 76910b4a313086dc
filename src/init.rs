//! `casebook init DIR`: a new project with settings, one example client and
//! a README, ready for `casebook build`.
//!
//! The content is fixed (example dates, no clock), so two runs write the
//! same bytes.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The files of a new project, by path relative to its folder.
pub const FILES: &[(&str, &str)] = &[
    ("casebook.toml", CASEBOOK_TOML),
    ("README.md", README),
    (".gitignore", "site/\n.casebook-cache/\n"),
    ("data/clients/example-client/client.toml", CLIENT_TOML),
    ("data/clients/example-client/invoices.csv", INVOICES_CSV),
    ("data/clients/example-client/nps.csv", NPS_CSV),
    ("data/clients/example-client/activity.csv", ACTIVITY_CSV),
    ("data/clients/example-client/outcomes.csv", OUTCOMES_CSV),
    ("content/clients/example-client/notes/2026-09.md", NOTE_MD),
    ("content/clients/example-client/story.md", STORY_MD),
    ("content/pages/about.md", ABOUT_MD),
];

/// Why a project could not be created.
#[derive(Debug)]
pub enum InitError {
    /// The folder exists and holds something; nothing was written.
    NotEmpty(PathBuf),
    /// The path exists and is not a folder; nothing was written.
    NotAFolder(PathBuf),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitError::NotEmpty(p) => write!(
                f,
                "{} is not empty; casebook init only creates a project in a new or empty folder (nothing was written)",
                p.display()
            ),
            InitError::NotAFolder(p) => write!(f, "{} exists and is not a folder (nothing was written)", p.display()),
            InitError::Io(p, e) => write!(f, "{}: {e}", p.display()),
        }
    }
}

impl std::error::Error for InitError {}

/// Creates a new project in `dir` (created if missing; it must be empty if
/// it exists). Returns the files written, relative to `dir`.
pub fn create(dir: &Path) -> Result<Vec<&'static str>, InitError> {
    use crate::output::{NotNew, ensure_new_folder};
    match ensure_new_folder(dir) {
        Ok(()) => {}
        Err(NotNew::NotAFolder) => return Err(InitError::NotAFolder(dir.to_path_buf())),
        Err(NotNew::NotEmpty) => return Err(InitError::NotEmpty(dir.to_path_buf())),
        Err(NotNew::Io(e)) => return Err(InitError::Io(dir.to_path_buf(), e)),
    }
    let mut written = Vec::new();
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| InitError::Io(parent.to_path_buf(), e))?;
        }
        fs::write(&path, text).map_err(|e| InitError::Io(path.clone(), e))?;
        written.push(*rel);
    }
    Ok(written)
}

const CASEBOOK_TOML: &str = r##"# casebook project settings.
#
# Only `title` and `currency` are required. Every other value below is the
# default, written out so that you can see and change it. Lines starting
# with `#` are comments.

# The name of your sites, shown in page titles and headings.
title = "Sample Consulting — client reviews"

# Three capital letters (JPY, USD, EUR, ...). Every amount in the CSV files is
# taken to be in this currency; a symbol such as $ is ignored, never converted.
currency = "JPY"

# The public site's address: see [public] at the end of this file.
base_url = ""

# The language of every label on both sites: "en" or "ja".
lang = "en"

# The share of revenue you keep after delivery costs, from 0 to 1. A client's
# own `gross_margin` in client.toml overrides it.
gross_margin = 1.0

# A client counts as churned after this many months in a row without revenue.
churn_after_months = 3

# The longest client lifetime, in months, that the predicted LTV assumes.
ltv_horizon_months = 60

# Acquisition cost of a client whose client.toml has no `cac` and whose
# channel is not listed in `cac_by_channel`.
default_cac = 0

# Acquisition cost per channel (the `channel` of client.toml), for example:
# cac_by_channel = { referral = 40000, ads = 220000 }

# The health score (0-100) is a weighted mean of these components. Listing
# any component replaces the defaults, so keep these two if you add one.
[[health.components]]
metric = "nps"             # latest NPS score x 10
weight = 0.5

[[health.components]]
metric = "revenue_trend"   # last 3 months' revenue against the 3 before
weight = 0.5

# An activity metric from activity.csv, scored against a monthly target:
# [[health.components]]
# metric = "meetings"
# weight = 0.2
# target = 2
# higher_is_better = true

# At risk: health below at_risk_health, or latest NPS at or below
# at_risk_nps. Loyal: health at least loyal_health and NPS at least loyal_nps.
[segments]
at_risk_health = 40
at_risk_nps = 6
loyal_health = 70
loyal_nps = 9

# Clients making up the first 50 % of the last 12 months' revenue are high
# touch, up to 80 % low touch, the rest tech touch.
[touch]
high_share = 0.5
low_share = 0.8

# Warning signals, comparing the last 3 months with the 3 before.
[signals]
revenue_drop = 0.7    # revenue below 0.7 x its earlier level
activity_drop = 0.7   # a higher-is-better health metric below 0.7 x
tickets_up = 1.5      # a lower-is-better health metric above 1.5 x

# The public site: the only folder you deploy (site/public/, or `out`).
# `title` is its own name (never the title above). Set `base_url` before
# you publish: without it the feed, the sitemap and canonical links are
# left out, and every build says so. `out` writes the public site to a
# folder of its own, e.g. "public" (never inside site/).
[public]
title = "Sample Consulting: client stories"
# description = "Success stories of our clients, published with their consent."
# base_url = "https://stories.example.com"
# out = "public"

# Words the leak scan may ignore although a client's name spells them, for
# a client named after a common word. Each one is a risk: the scan no
# longer catches that word anywhere on the public site.
# allow_words = []

# How your consultancy presents itself in what clients see (the client
# edition of the monthly review, the public site). Uncomment to use; the
# logo is an SVG or PNG file in static/.
# [brand]
# name = "Sample Consulting"
# logo = "logo.svg"
# accent = "#0b6e8f"
"##;

const CLIENT_TOML: &str = r#"# Who the client is. Only `name` is required; the folder name
# (example-client) is the client's id.
name = "Example Client Co., Ltd."

# The public name used when a story is anonymised.
alias = "a mid-sized software company"

# Other spellings of the name; anonymisation hides them too.
aka = ["Example Client", "ExampleCo"]

industry = "Software"
channel = "referral"
acquired = 2026-04-01
"#;

const INVOICES_CSV: &str = "date,amount,service,kind,description
2026-04-15,300000,Strategy workshop,,Kick-off workshop and 90-day plan
2026-04-30,200000,Monthly advisory,,\"Monthly advisory retainer, April 2026\"
2026-05-29,200000,Monthly advisory,,\"Monthly advisory retainer, May 2026\"
2026-06-30,200000,Monthly advisory,,\"Monthly advisory retainer, June 2026\"
2026-07-31,250000,Monthly advisory,upsell,\"Monthly advisory retainer with KPI reporting, July 2026\"
2026-08-31,250000,Monthly advisory,,\"Monthly advisory retainer with KPI reporting, August 2026\"
2026-09-15,150000,Analytics set-up,,Tracking plan and sales dashboard
2026-09-30,250000,Monthly advisory,,\"Monthly advisory retainer with KPI reporting, September 2026\"
";

const NPS_CSV: &str = "date,score,respondent,comment
2026-06-20,8,Aiko Sato,Useful workshop; we want more hands-on help with reporting.
2026-09-25,9,Aiko Sato,\"The monthly review keeps the whole team focused on the same numbers.\"
";

const ACTIVITY_CSV: &str = "date,metric,value
2026-04-15,meetings,2
2026-05-20,meetings,1
2026-06-18,meetings,2
2026-07-16,meetings,2
2026-08-20,meetings,1
2026-09-17,meetings,2
";

const OUTCOMES_CSV: &str = "date,kpi,value,unit,baseline,target,higher_is_better
2026-05-31,Qualified leads per month,42,leads,40,60,true
2026-06-30,Qualified leads per month,47,leads,40,60,true
2026-07-31,Qualified leads per month,51,leads,40,60,true
2026-08-31,Qualified leads per month,55,leads,40,60,true
2026-09-30,Qualified leads per month,58,leads,40,60,true
2026-05-31,Sales cycle,64,days,66,45,false
2026-09-30,Sales cycle,52,days,66,45,false
";

const NOTE_MD: &str = r#"+++
title = "September 2026 monthly review"
attendees = ["Aiko Sato (Head of Sales)", "Sample Consulting team"]
+++

## Highlights

- Qualified leads reached 58 a month, up from 40 in April.
- The new sales dashboard is live; the team uses it in its Monday meeting.

## Decisions

- Keep the weekly pipeline review through the fourth quarter.
- Draft the 2027 plan together in November.

## Internal

This section is for us: it is in the briefing and never in the client
edition (any heading "Internal" or "社内メモ", up to the next heading of the
same level).

- Aiko asked about a discount for 2027; answer in the October review.

## Next steps

- [ ] Send the updated tracking plan (Sample Consulting)
- [ ] Share the list of stalled deals (Aiko)
"#;

const STORY_MD: &str = r#"+++
title = "How Example Client grew qualified leads by almost half"
slug = "software-qualified-leads"
summary = "A software company rebuilt its lead qualification around one shared dashboard."
date = 2026-10-05
quote = "The monthly review keeps the whole team focused on the same numbers."
[consent]
# The story is published only once the client agrees: change the status to
# "granted" and list what they allow in `scope`.
status = "pending"
scope = ["name", "figures", "quotes"]
+++

Example Client sells planning software to mid-sized manufacturers. Its sales
team had plenty of leads but no shared view of which ones were worth a call.

## What we did

We ran a strategy workshop, agreed on one definition of a qualified lead, and
built a sales dashboard that the team reviews every Monday.

## Results

Qualified leads rose from 40 to 58 a month within five months, and the sales
cycle became two weeks shorter.
"#;

const ABOUT_MD: &str = r#"+++
title = "About us"
+++

Sample Consulting helps software companies turn their sales data into
decisions. This page is `content/pages/about.md`: change it, or delete it.
"#;

const README: &str = r#"# casebook project

This folder is a casebook project: client data and notes from which
`casebook build` writes a private client-review site and a public site of
success stories.

## Daily use

```sh
casebook check    # read everything, list every problem, build nothing
casebook build    # write site/internal/ (private) and site/public/
```

Run them in this folder, or from anywhere with `casebook --root FOLDER build`.
Open `site/internal/index.html` for the dashboard and the monthly review
briefings, `site/public/index.html` for the public stories.

Each monthly review has two editions: the briefing
(`site/internal/clients/<id>/<YYYY-MM>.html`, for you) and the client
edition (`site/client/<id>/<YYYY-MM>.html`, the document you send or put on
the table). `casebook pdf --edition client` prints the client editions to
`site/client/<id>/<id>-<YYYY-MM>.pdf` with a local Chromium, Chrome or Edge.

## Layout

```
casebook.toml                                  settings: title, currency, health score, ...
data/clients/<id>/client.toml                  who the client is (name required)
data/clients/<id>/invoices.csv                 invoices and credit notes (required)
data/clients/<id>/nps.csv                      NPS answers (optional)
data/clients/<id>/activity.csv                 meetings, logins, tickets, ... (optional)
data/clients/<id>/outcomes.csv                 the results of your work (optional)
content/clients/<id>/notes/YYYY-MM.md          notes for that month's review (optional)
content/clients/<id>/story.md                  the client's success story and consent (optional)
content/pages/*.md                             extra pages of the public site (optional)
templates/                                     your own page layouts (optional)
site/                                          output of `casebook build`; do not edit
```

`<id>` is the client's folder name: lowercase letters, digits and hyphens,
such as `example-client`. The same id links a client's data and content.

## Start with your own clients

1. Copy `data/clients/example-client/` to `data/clients/<your-client-id>/`
   and edit the files; or import your accounting software's invoice export:

   ```sh
   casebook import invoices export.csv --client-column Client --date-column Date --amount-column Amount
   ```

2. Delete `data/clients/example-client/` and
   `content/clients/example-client/` when you no longer need the example.
3. Run `casebook check` after each change.

CSV files may be saved as "CSV UTF-8" (recommended), as the Shift_JIS "CSV"
of a Japanese Excel, or as UTF-16 "Unicode text". Dates are `2026-10-01`,
`2026/10/01` or `2026年10月1日`; amounts `12000`, `12,000`, `¥12,000` or
`▲5,000` for a credit note.

## Stories and consent

A story appears on the public site only when its `[consent]` status is
`granted`, and shows the real name, figures and quotes only when `scope`
allows them. The example story is `pending`, so the public site lists no
story until you change that.
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_it_writes_are_the_documented_defaults() {
        // The file spells every default out for the user to edit; a default
        // that changes in config/ must change here too.
        let mut diags = crate::diag::Diagnostics::new();
        let config = crate::config::Config::parse(CASEBOOK_TOML, std::path::Path::new("casebook.toml"), &mut diags)
            .expect("the init settings parse");
        assert!(diags.is_empty(), "{diags:?}");
        let mut want = crate::config::Config::with_defaults("Sample Consulting — client reviews", "JPY");
        want.public.title = Some("Sample Consulting: client stories".into());
        assert_eq!(config, want);
    }

    #[test]
    fn refuses_a_folder_with_anything_in_it() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "keep me").unwrap();
        assert!(matches!(create(dir.path()), Err(InitError::NotEmpty(_))));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let file = dir.path().join("notes.txt");
        assert!(matches!(create(&file), Err(InitError::NotAFolder(_))));
    }

    #[test]
    fn writes_every_file_into_an_empty_or_new_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(create(dir.path()).unwrap().len(), FILES.len());
        let nested = dir.path().join("a/b");
        create(&nested).unwrap();
        assert!(nested.join("data/clients/example-client/invoices.csv").is_file());
    }
}
