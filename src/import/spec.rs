//! What an export looks like: its columns, date format, statuses to skip,
//! which amount to take and how its rows make invoices — given on the
//! command line, or by a preset for a known accounting product.
//!
//! The presets and their sources are listed in docs/data-format.md §18.

/// How the rows of an export make invoices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Every row holds its client (one row per invoice, or per line item
    /// with the invoice fields repeated).
    Flat,
    /// A report grouped by customer (QuickBooks Sales by Customer Detail):
    /// a row holding only the customer's name in the first column heads its
    /// lines, and `Total for …` rows close the group.
    Grouped,
    /// An invoice row followed by its item rows (Money Forward 縦並び): a
    /// row with a client name is an invoice; the rows below it without one
    /// are its items, already counted in the invoice row's amount.
    Vertical,
}

/// Where an invoice's amount comes from, when several rows share one
/// invoice number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmountPer {
    /// Each row has a line amount: the lines are summed.
    Line,
    /// Each row repeats the invoice's total: it is taken once (rows that
    /// disagree are an error).
    Invoice,
}

/// The columns of an export, each by the header names that may spell it.
#[derive(Clone, Debug, Default)]
pub struct Columns {
    pub client: Vec<String>,
    pub date: Vec<String>,
    pub amount: Vec<String>,
    /// Subtracted from `amount` (Stripe's `Tax`, Xero's `TaxTotal`): the
    /// amount before tax.
    pub tax: Vec<String>,
    pub service: Vec<String>,
    pub kind: Vec<String>,
    pub description: Vec<String>,
    pub number: Vec<String>,
    pub status: Vec<String>,
    pub currency: Vec<String>,
    /// Tells invoices from credit notes (Xero `Type`, QuickBooks
    /// `Transaction Type`).
    pub doc_type: Vec<String>,
}

/// Everything that says how to read an export.
#[derive(Clone, Debug)]
pub struct Spec {
    pub columns: Columns,
    pub layout: Layout,
    pub amount_per: AmountPer,
    /// strftime-style, e.g. `%m/%d/%Y`.
    pub date_format: Option<String>,
    /// Status values whose rows are left out (compared folded).
    pub skip_status: Vec<String>,
    /// Document types whose amounts are credits (made negative).
    pub credit_types: Vec<String>,
    /// The 1-based line of the header; `None`: found (SPEC §8).
    pub header_row: Option<u64>,
    /// Columns named on the command line: the export must have them.
    pub explicit: Vec<String>,
}

/// A known export.
pub struct Preset {
    pub name: &'static str,
    /// Which screen writes it, and which file.
    pub export: &'static str,
    pub client: &'static [&'static str],
    pub date: &'static [&'static str],
    pub amount: &'static [&'static str],
    pub tax: &'static [&'static str],
    pub number: &'static [&'static str],
    pub status: &'static [&'static str],
    pub skip_status: &'static [&'static str],
    pub currency: &'static [&'static str],
    pub service: &'static [&'static str],
    pub description: &'static [&'static str],
    pub doc_type: &'static [&'static str],
    pub credit_types: &'static [&'static str],
    pub date_format: Option<&'static str>,
    pub layout: Layout,
    pub amount_per: AmountPer,
}

/// The presets whose layout is publicly documented (sources in
/// docs/data-format.md §18).
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "xero",
        export: "Xero: Sales › Invoices › Export (one row per line item, the invoice fields repeated)",
        client: &["ContactName"],
        date: &["InvoiceDate"],
        amount: &["Total"],
        tax: &["TaxTotal"],
        number: &["InvoiceNumber"],
        status: &["Status"],
        skip_status: &["Draft", "Voided", "Deleted"],
        currency: &["Currency"],
        service: &[],
        description: &["Reference"],
        doc_type: &["Type"],
        credit_types: &["Sales credit note", "ACCRECCREDIT"],
        date_format: Some("%d/%m/%Y"),
        layout: Layout::Flat,
        amount_per: AmountPer::Invoice,
    },
    Preset {
        name: "stripe",
        export: "Stripe Dashboard: Invoices › Export (one row per invoice)",
        client: &["Customer Name", "Customer"],
        date: &["Date (UTC)"],
        amount: &["Total"],
        tax: &["Tax"],
        number: &["Number", "id"],
        status: &["Status"],
        skip_status: &["draft", "void", "uncollectible"],
        currency: &["Currency"],
        service: &[],
        description: &["Description"],
        doc_type: &[],
        credit_types: &[],
        date_format: None,
        layout: Layout::Flat,
        amount_per: AmountPer::Invoice,
    },
    Preset {
        name: "quickbooks",
        export: "QuickBooks Online: Reports › Sales by Customer Detail › Export to CSV",
        client: &["Customer", "Customer full name", "Name"],
        date: &["Date"],
        amount: &["Amount"],
        tax: &[],
        number: &["Num", "No."],
        status: &[],
        skip_status: &[],
        currency: &[],
        service: &["Product/Service", "Product/Service full name"],
        description: &["Memo/Description"],
        doc_type: &["Transaction Type"],
        credit_types: &["Credit Memo", "Refund Receipt"],
        date_format: Some("%m/%d/%Y"),
        layout: Layout::Grouped,
        amount_per: AmountPer::Line,
    },
    Preset {
        name: "moneyforward",
        export: "マネーフォワード クラウド請求書: 請求書一覧 › CSV (縦並び)",
        client: &["取引先名称", "取引先名", "取引先"],
        date: &["請求日"],
        amount: &["小計"],
        tax: &[],
        number: &["請求書番号"],
        status: &["ステータス"],
        skip_status: &["下書き", "取消", "取り消し", "キャンセル"],
        currency: &[],
        service: &["品目", "品名"],
        description: &["件名"],
        doc_type: &[],
        credit_types: &[],
        date_format: None,
        layout: Layout::Vertical,
        amount_per: AmountPer::Invoice,
    },
];

/// Exports named by the issue whose layout could not be confirmed from a
/// public source: the message tells what to do instead of guessing.
pub const UNCONFIRMED: &[(&str, &str)] = &[("freee", "freee 請求書"), ("misoca", "Misoca")];

/// The preset called `name`.
pub fn preset(name: &str) -> Result<&'static Preset, String> {
    let name = name.trim().to_ascii_lowercase();
    if let Some(p) = PRESETS.iter().find(|p| p.name == name) {
        return Ok(p);
    }
    if let Some((_, product)) = UNCONFIRMED.iter().find(|(n, _)| *n == name) {
        return Err(format!(
            "the layout of {product}'s invoice export could not be confirmed from a public source, so there is no preset for it; name its columns instead, e.g. --client-column 取引先 --date-column 請求日 --amount-column 小計 --number-column 請求書番号 --status-column ステータス --skip-status 下書き,取消 (see docs/data-format.md §18)"
        ));
    }
    let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
    Err(format!("unknown preset `{name}`; known presets: {}", names.join(", ")))
}

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

impl Preset {
    pub fn spec(&self) -> Spec {
        Spec {
            columns: Columns {
                client: owned(self.client),
                date: owned(self.date),
                amount: owned(self.amount),
                tax: owned(self.tax),
                service: owned(self.service),
                kind: Vec::new(),
                description: owned(self.description),
                number: owned(self.number),
                status: owned(self.status),
                currency: owned(self.currency),
                doc_type: owned(self.doc_type),
            },
            layout: self.layout,
            amount_per: self.amount_per,
            date_format: self.date_format.map(String::from),
            skip_status: owned(self.skip_status),
            credit_types: owned(self.credit_types),
            header_row: None,
            explicit: Vec::new(),
        }
    }
}

/// What `--skip-status` and presets compare: folded width, case and spaces.
pub fn fold_status(text: &str) -> String {
    crate::input::fold_width(text)
        .trim()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
