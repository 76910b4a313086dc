//! The words and catalogues a demo client is drawn from: name syllables,
//! industries, channels, services, outcome KPIs, people, comments, the
//! seasonal pattern of acquisition and the kinds of story consent.

/// Syllables of the coined client names, with their katakana.
pub(super) const SYLLABLES: &[(&str, &str)] = &[
    ("ka", "カ"),
    ("ki", "キ"),
    ("ku", "ク"),
    ("ko", "コ"),
    ("sa", "サ"),
    ("shi", "シ"),
    ("su", "ス"),
    ("so", "ソ"),
    ("ta", "タ"),
    ("chi", "チ"),
    ("tsu", "ツ"),
    ("to", "ト"),
    ("na", "ナ"),
    ("ni", "ニ"),
    ("nu", "ヌ"),
    ("no", "ノ"),
    ("ha", "ハ"),
    ("hi", "ヒ"),
    ("fu", "フ"),
    ("ho", "ホ"),
    ("ma", "マ"),
    ("mi", "ミ"),
    ("mu", "ム"),
    ("mo", "モ"),
    ("ya", "ヤ"),
    ("yu", "ユ"),
    ("yo", "ヨ"),
    ("ra", "ラ"),
    ("ri", "リ"),
    ("ru", "ル"),
    ("ro", "ロ"),
    ("wa", "ワ"),
    ("ga", "ガ"),
    ("gi", "ギ"),
    ("gu", "グ"),
    ("go", "ゴ"),
    ("za", "ザ"),
    ("ji", "ジ"),
    ("zu", "ズ"),
    ("zo", "ゾ"),
    ("ba", "バ"),
    ("bi", "ビ"),
    ("bu", "ブ"),
    ("bo", "ボ"),
    ("da", "ダ"),
    ("do", "ド"),
];

pub(super) struct Industry {
    pub(super) name: &'static str,
    /// Second word of the client's name.
    pub(super) suffix: &'static str,
    /// What the alias calls the client.
    pub(super) noun: &'static str,
}

pub(super) const INDUSTRIES: &[Industry] = &[
    Industry {
        name: "Food manufacturing",
        suffix: "Foods",
        noun: "food manufacturer",
    },
    Industry {
        name: "Cosmetics",
        suffix: "Cosmetics",
        noun: "cosmetics brand",
    },
    Industry {
        name: "Logistics",
        suffix: "Logistics",
        noun: "logistics company",
    },
    Industry {
        name: "Dental clinics",
        suffix: "Dental",
        noun: "dental clinic group",
    },
    Industry {
        name: "Real estate",
        suffix: "Realty",
        noun: "real-estate agency",
    },
    Industry {
        name: "Hotels",
        suffix: "Hotels",
        noun: "hotel group",
    },
    Industry {
        name: "Software",
        suffix: "Software",
        noun: "software company",
    },
    Industry {
        name: "Retail",
        suffix: "Stores",
        noun: "retailer",
    },
    Industry {
        name: "Education",
        suffix: "Academy",
        noun: "private school",
    },
    Industry {
        name: "Insurance",
        suffix: "Insurance",
        noun: "insurance agency",
    },
    Industry {
        name: "Construction",
        suffix: "Construction",
        noun: "builder",
    },
    Industry {
        name: "Travel",
        suffix: "Travel",
        noun: "travel agency",
    },
    Industry {
        name: "Fitness",
        suffix: "Fitness",
        noun: "fitness chain",
    },
    Industry {
        name: "Apparel",
        suffix: "Apparel",
        noun: "fashion label",
    },
    Industry {
        name: "Pharmacies",
        suffix: "Pharmacy",
        noun: "pharmacy chain",
    },
    Industry {
        name: "Games",
        suffix: "Games",
        noun: "game studio",
    },
    Industry {
        name: "Brewing",
        suffix: "Brewing",
        noun: "craft brewery",
    },
    Industry {
        name: "Furniture",
        suffix: "Furniture",
        noun: "furniture maker",
    },
];

pub(super) const SIZES: &[&str] = &[
    "a small",
    "a mid-sized",
    "a large",
    "a regional",
    "a family-owned",
    "a fast-growing",
];

/// (channel, weight, CAC in casebook.toml)
pub(super) const CHANNELS: &[(&str, u32, i64)] = &[
    ("referral", 30, 300_000),
    ("ads", 25, 1_800_000),
    ("partner", 20, 800_000),
    ("event", 15, 1_200_000),
    ("", 10, 0),
];

pub(super) struct Service {
    pub(super) name: &'static str,
    /// Median monthly fee (JPY).
    pub(super) fee: f64,
    pub(super) kpis: &'static [usize],
}

pub(super) const RETAINERS: &[Service] = &[
    Service {
        name: "Performance ads",
        fee: 300_000.0,
        kpis: &[0, 1, 9],
    },
    Service {
        name: "SEO content",
        fee: 200_000.0,
        kpis: &[2, 5],
    },
    Service {
        name: "CRM automation",
        fee: 250_000.0,
        kpis: &[3, 8],
    },
    Service {
        name: "Social media",
        fee: 150_000.0,
        kpis: &[5, 6],
    },
    Service {
        name: "Analytics",
        fee: 180_000.0,
        kpis: &[1, 6],
    },
    Service {
        name: "Ops automation",
        fee: 350_000.0,
        kpis: &[4, 7],
    },
    Service {
        name: "Marketing strategy",
        fee: 400_000.0,
        kpis: &[5, 6, 1],
    },
];

pub(super) const PROJECTS: &[&str] = &[
    "Ads account audit",
    "Website rebuild",
    "Brand workshop",
    "Data migration",
    "Process mapping",
];

pub(super) const ADDONS: &[&str] = &[
    "LINE ads management added to the retainer",
    "second market added to the retainer",
    "weekly reporting added",
    "extra content pieces per month",
    "additional store locations covered",
];

pub(super) struct Kpi {
    pub(super) name: &'static str,
    pub(super) unit: &'static str,
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) decimals: usize,
    pub(super) higher_is_better: bool,
    /// target = baseline × factor
    pub(super) factor: f64,
    /// Words for the story title ("cut its ad CPA").
    pub(super) verb: &'static str,
}

pub(super) const KPIS: &[Kpi] = &[
    Kpi {
        name: "Ad CPA",
        unit: "JPY",
        lo: 3000.0,
        hi: 15000.0,
        decimals: 0,
        higher_is_better: false,
        factor: 0.65,
        verb: "cut its ad cost per acquisition",
    },
    Kpi {
        name: "Conversion rate",
        unit: "%",
        lo: 0.8,
        hi: 3.5,
        decimals: 2,
        higher_is_better: true,
        factor: 1.6,
        verb: "lifted its conversion rate",
    },
    Kpi {
        name: "Organic sessions",
        unit: "sessions",
        lo: 4000.0,
        hi: 90000.0,
        decimals: 0,
        higher_is_better: true,
        factor: 1.8,
        verb: "grew its organic traffic",
    },
    Kpi {
        name: "Repeat purchase rate",
        unit: "%",
        lo: 8.0,
        hi: 30.0,
        decimals: 1,
        higher_is_better: true,
        factor: 1.4,
        verb: "turned first-time buyers into regulars",
    },
    Kpi {
        name: "Month-end close",
        unit: "hours",
        lo: 30.0,
        hi: 160.0,
        decimals: 0,
        higher_is_better: false,
        factor: 0.5,
        verb: "halved its month-end close",
    },
    Kpi {
        name: "Qualified leads",
        unit: "leads",
        lo: 20.0,
        hi: 300.0,
        decimals: 0,
        higher_is_better: true,
        factor: 1.7,
        verb: "filled its sales pipeline",
    },
    Kpi {
        name: "Online bookings",
        unit: "bookings",
        lo: 100.0,
        hi: 2000.0,
        decimals: 0,
        higher_is_better: true,
        factor: 1.5,
        verb: "took more bookings online",
    },
    Kpi {
        name: "Support response time",
        unit: "hours",
        lo: 4.0,
        hi: 48.0,
        decimals: 1,
        higher_is_better: false,
        factor: 0.4,
        verb: "answered its customers faster",
    },
    Kpi {
        name: "Email open rate",
        unit: "%",
        lo: 12.0,
        hi: 30.0,
        decimals: 1,
        higher_is_better: true,
        factor: 1.35,
        verb: "got its newsletters read",
    },
    Kpi {
        name: "Cost per lead",
        unit: "JPY",
        lo: 2000.0,
        hi: 20000.0,
        decimals: 0,
        higher_is_better: false,
        factor: 0.7,
        verb: "brought its cost per lead down",
    },
];

pub(super) const FIRST_NAMES: &[&str] = &[
    "Mika", "Kenji", "Aya", "Hiroshi", "Yuki", "Takeshi", "Naoko", "Sota", "Emi", "Daisuke", "Rina", "Kaito", "Haruka",
    "Ren", "Saki", "Yuto",
];
pub(super) const LAST_NAMES: &[&str] = &[
    "Tanaka",
    "Sato",
    "Suzuki",
    "Takahashi",
    "Ito",
    "Watanabe",
    "Yamamoto",
    "Nakamura",
    "Kobayashi",
    "Kato",
    "Yoshida",
    "Yamada",
    "Sasaki",
    "Matsumoto",
    "Inoue",
    "Kimura",
];
pub(super) const ROLES: &[&str] = &[
    "Head of Marketing",
    "E-commerce lead",
    "COO",
    "CEO",
    "Head of Sales",
    "Operations manager",
    "CFO",
    "Brand manager",
];

pub(super) const PRAISE: &[&str] = &[
    "Great partner; they push back when we are about to waste budget.",
    "The review meetings are the most useful hour of our month.",
    "Fast, honest and practical. We would recommend them to peers.",
    "Results keep improving and we always know why.",
];
pub(super) const NEUTRAL: &[&str] = &[
    "Good work, but reports sometimes arrive late.",
    "Solid, though we would like more proactive ideas.",
    "Helpful team; onboarding our new staff took a while.",
];
pub(super) const COMPLAINTS: &[&str] = &[
    "We are not seeing the results we expected.",
    "Too many tickets stay open for weeks.",
    "Hard to reach the team this quarter.",
    "The budget went up but the numbers did not.",
];

/// Relative acquisitions per calendar month (January first): the new fiscal
/// year in April and the autumn budgets bring clients, Obon and the year end
/// fewer.
pub(super) const SEASON: [f64; 12] = [0.8, 0.9, 1.1, 1.3, 1.0, 1.0, 0.9, 0.7, 1.0, 1.2, 1.1, 0.8];

/// What the story's consent says.
#[derive(Clone, Copy)]
pub(super) struct ConsentKind {
    pub(super) status: &'static str,
    pub(super) scope: &'static [&'static str],
    pub(super) expired: bool,
}

/// One in 25 clients has a story; the kinds of consent cycle through this
/// table, which repeats the common cases.
pub(super) const CONSENTS: &[ConsentKind] = &[
    ConsentKind {
        status: "granted",
        scope: &["name", "figures", "quotes"],
        expired: false,
    },
    ConsentKind {
        status: "granted",
        scope: &["figures", "quotes"],
        expired: false,
    },
    ConsentKind {
        status: "pending",
        scope: &["name", "figures", "quotes"],
        expired: false,
    },
    ConsentKind {
        status: "granted",
        scope: &["name", "quotes"],
        expired: false,
    },
    ConsentKind {
        status: "granted",
        scope: &["name", "figures", "quotes"],
        expired: false,
    },
    ConsentKind {
        status: "revoked",
        scope: &["name", "figures"],
        expired: false,
    },
    ConsentKind {
        status: "granted",
        scope: &["figures"],
        expired: false,
    },
    ConsentKind {
        status: "granted",
        scope: &["name", "figures"],
        expired: false,
    },
    ConsentKind {
        status: "pending",
        scope: &["figures", "quotes"],
        expired: false,
    },
    ConsentKind {
        status: "granted",
        scope: &["quotes"],
        expired: false,
    },
    ConsentKind {
        status: "granted",
        scope: &["name", "figures", "quotes"],
        expired: true,
    },
    ConsentKind {
        status: "granted",
        scope: &[],
        expired: false,
    },
    ConsentKind {
        status: "none",
        scope: &[],
        expired: false,
    },
    ConsentKind {
        status: "granted",
        scope: &["figures", "quotes"],
        expired: false,
    },
];

pub(super) const STORY_EVERY: usize = 25;
