//! The command line of `casebook import`: flags, and the summary printed.

use std::path::{Path, PathBuf};

use super::spec::{AmountPer, Columns, Layout, Spec, preset};
use super::{ImportError, ImportSummary, InvoiceImport, NpsImport, import_invoices, import_nps, plural};
use crate::progress::{Colour, paint};

/// `casebook import invoices`.
#[derive(clap::Args, Debug)]
pub struct InvoiceArgs {
    /// The export(s) to import.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// A known export: xero, stripe, quickbooks, moneyforward (sets the columns, date format, statuses to skip
    /// and the amount before tax). Any column flag below overrides it.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// The column with the client's name.
    #[arg(long, value_name = "COLUMN")]
    pub client_column: Option<String>,
    /// The column with the invoice date.
    #[arg(long, value_name = "COLUMN")]
    pub date_column: Option<String>,
    /// The column with the amount (take the one before consumption or sales tax; the summary says which was taken
    /// when the export has both).
    #[arg(long, value_name = "COLUMN")]
    pub amount_column: Option<String>,
    /// The column with what was sold.
    #[arg(long, value_name = "COLUMN")]
    pub service_column: Option<String>,
    /// The column with the kind (new, recurring, upsell, cross-sell, one-off).
    #[arg(long, value_name = "COLUMN")]
    pub kind_column: Option<String>,
    /// The column with a description.
    #[arg(long, value_name = "COLUMN")]
    pub description_column: Option<String>,
    /// The column with the invoice number: a number seen again is skipped when its invoice is identical and a
    /// conflict when it differs; rows sharing a number are the lines of one invoice. Required when a client's
    /// invoices.csv has numbers and the export has a column that looks like one.
    #[arg(long, value_name = "COLUMN")]
    pub number_column: Option<String>,
    /// With --number-column: every line repeats the invoice's total (taken once) instead of its own amount.
    #[arg(long)]
    pub amount_per_invoice: bool,
    /// The column with the invoice's status (see --skip-status).
    #[arg(long, value_name = "COLUMN")]
    pub status_column: Option<String>,
    /// Statuses whose rows are left out, e.g. 取消,下書き or draft,void.
    #[arg(long, value_name = "V,...", value_delimiter = ',')]
    pub skip_status: Vec<String>,
    /// The column with the currency code: a row in another currency than the project's is an error.
    #[arg(long, value_name = "COLUMN")]
    pub currency_column: Option<String>,
    /// How dates are written when the day or month comes first, strftime-style: %m/%d/%Y or %d/%m/%Y.
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// A CSV with the columns name,id: which client an export name is.
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// The line of the header [default: the first of the first 20 rows that holds every named column].
    #[arg(long, value_name = "N")]
    pub header_row: Option<u64>,
    /// Print what would be added per client; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import rows that have the date and amount of an existing row but other values, and rows of one export
    /// that share their client, date and amount.
    #[arg(long)]
    pub allow_duplicates: bool,
}

/// `casebook import nps`.
#[derive(clap::Args, Debug)]
pub struct NpsArgs {
    /// The survey export(s) to import.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[arg(long, value_name = "COLUMN")]
    pub client_column: String,
    #[arg(long, value_name = "COLUMN")]
    pub date_column: String,
    #[arg(long, value_name = "COLUMN")]
    pub score_column: String,
    #[arg(long, value_name = "COLUMN")]
    pub comment_column: Option<String>,
    #[arg(long, value_name = "COLUMN")]
    pub respondent_column: Option<String>,
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    #[arg(long, value_name = "N")]
    pub header_row: Option<u64>,
    #[arg(long)]
    pub dry_run: bool,
}

fn named(flag: &Option<String>, preset: Vec<String>) -> Vec<String> {
    match flag {
        Some(c) => vec![c.clone()],
        None => preset,
    }
}

/// The spec the flags describe (a preset, with any column flag over it).
pub fn spec_of(args: &InvoiceArgs) -> Result<Spec, String> {
    let base = match &args.preset {
        Some(name) => preset(name)?.spec(),
        None => Spec {
            columns: Columns::default(),
            layout: Layout::Flat,
            amount_per: AmountPer::Line,
            date_format: None,
            skip_status: Vec::new(),
            credit_types: Vec::new(),
            header_row: None,
            explicit: Vec::new(),
        },
    };
    let c = base.columns;
    let columns = Columns {
        client: named(&args.client_column, c.client),
        date: named(&args.date_column, c.date),
        amount: named(&args.amount_column, c.amount),
        // An amount column named on the command line is taken as it is.
        tax: if args.amount_column.is_some() {
            Vec::new()
        } else {
            c.tax
        },
        service: named(&args.service_column, c.service),
        kind: named(&args.kind_column, c.kind),
        description: named(&args.description_column, c.description),
        number: named(&args.number_column, c.number),
        status: named(&args.status_column, c.status),
        currency: named(&args.currency_column, c.currency),
        doc_type: c.doc_type,
    };
    for (flag, names) in [
        ("--client-column", &columns.client),
        ("--date-column", &columns.date),
        ("--amount-column", &columns.amount),
    ] {
        if names.is_empty() && !(flag == "--client-column" && base.layout == Layout::Grouped) {
            return Err(format!("name the export's columns with {flag} (or use --preset)"));
        }
    }
    Ok(Spec {
        columns,
        layout: base.layout,
        amount_per: if args.amount_per_invoice {
            AmountPer::Invoice
        } else {
            base.amount_per
        },
        date_format: args.date_format.clone().or(base.date_format),
        skip_status: if args.skip_status.is_empty() {
            base.skip_status
        } else {
            args.skip_status.clone()
        },
        credit_types: base.credit_types,
        header_row: args.header_row,
        explicit: [
            &args.client_column,
            &args.date_column,
            &args.amount_column,
            &args.service_column,
            &args.kind_column,
            &args.description_column,
            &args.number_column,
            &args.status_column,
            &args.currency_column,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect(),
    })
}

/// Prints the errors of a failed import, the last line in red.
fn print_error(e: &ImportError) {
    let text = e.to_string();
    let mut lines: Vec<&str> = text.lines().collect();
    let last = lines.pop().unwrap_or("");
    for line in lines {
        eprintln!("{line}");
    }
    eprintln!("{}", paint(&format!("error: {last}"), Colour::Red));
}

/// The one summary line: "imported 12 invoices for 3 clients (1 new
/// client); skipped 2 cancelled, 1 duplicate; 1 title row".
pub fn summary_line(s: &ImportSummary) -> String {
    let verb = if s.dry_run { "would import" } else { "imported" };
    let mut line = format!(
        "{verb} {} for {}",
        plural(s.invoices(), "invoice", "invoices"),
        plural(s.clients.len(), "client", "clients")
    );
    if s.new_clients() > 0 {
        line.push_str(&format!(" ({})", plural(s.new_clients(), "new client", "new clients")));
    }
    let mut skipped: Vec<String> = s
        .skipped
        .status
        .iter()
        .map(|(status, n)| format!("{n} {status}"))
        .collect();
    if s.duplicates > 0 {
        skipped.push(plural(s.duplicates, "duplicate", "duplicates"));
    }
    if s.skipped.footer_rows > 0 {
        skipped.push(plural(s.skipped.footer_rows, "footer row", "footer rows"));
    }
    if !skipped.is_empty() {
        line.push_str(&format!("; skipped {}", skipped.join(", ")));
    }
    if s.skipped.title_rows > 0 {
        line.push_str(&format!(
            "; {}",
            plural(s.skipped.title_rows, "title row", "title rows")
        ));
    }
    for a in &s.amounts {
        let side = if a.includes_tax { "with tax" } else { "before tax" };
        line.push_str(&format!("; amounts from `{}` ({side}), not `{}`", a.used, a.other));
    }
    line
}

/// The `import invoices` command.
pub fn run_invoices(root: &Path, args: &InvoiceArgs, quiet: bool) -> Result<(), u8> {
    let spec = match spec_of(args) {
        Ok(s) => s,
        Err(m) => {
            print_error(&ImportError::Usage(m));
            return Err(2);
        }
    };
    let job = InvoiceImport {
        files: args.files.clone(),
        spec,
        map: args.map.clone(),
        dry_run: args.dry_run,
        allow_duplicates: args.allow_duplicates,
    };
    match import_invoices(root, &job) {
        Ok(s) => {
            for w in &s.warnings {
                eprintln!("{w}");
            }
            if !quiet {
                for c in &s.clients {
                    if let Some(name) = &c.new {
                        let close = c
                            .close_to
                            .as_ref()
                            .map(|id| format!(" (did you mean {id}? map it with --map)"))
                            .unwrap_or_default();
                        println!("new client {}: {name}{close}", c.id);
                    }
                }
                if s.dry_run {
                    for c in &s.clients {
                        println!(
                            "{}: {}, total {}{}",
                            c.id,
                            plural(c.invoices, "invoice", "invoices"),
                            c.total.normalize(),
                            if c.new.is_some() { " (new client)" } else { "" }
                        );
                    }
                }
                println!("{}", summary_line(&s));
            }
            Ok(())
        }
        Err(e) => {
            print_error(&e);
            Err(1)
        }
    }
}

/// The `import nps` command.
pub fn run_nps(root: &Path, args: &NpsArgs, quiet: bool) -> Result<(), u8> {
    let job = NpsImport {
        files: args.files.clone(),
        client: args.client_column.clone(),
        date: args.date_column.clone(),
        score: args.score_column.clone(),
        comment: args.comment_column.clone(),
        respondent: args.respondent_column.clone(),
        date_format: args.date_format.clone(),
        map: args.map.clone(),
        header_row: args.header_row,
        dry_run: args.dry_run,
    };
    match import_nps(root, &job) {
        Ok(s) => {
            if !quiet {
                let verb = if s.dry_run { "would import" } else { "imported" };
                let mut line = format!(
                    "{verb} {} for {}",
                    plural(s.responses, "NPS response", "NPS responses"),
                    plural(s.clients, "client", "clients")
                );
                if s.duplicates > 0 {
                    line.push_str(&format!(
                        "; skipped {}",
                        plural(s.duplicates, "duplicate", "duplicates")
                    ));
                }
                println!("{line}");
            }
            Ok(())
        }
        Err(e) => {
            print_error(&e);
            Err(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{AmountChoice, ClientAdded};
    use rust_decimal::Decimal;

    fn client(id: &str, invoices: usize, new: bool) -> ClientAdded {
        ClientAdded {
            id: id.to_string(),
            invoices,
            total: Decimal::from(100),
            new: new.then(|| id.to_string()),
            close_to: None,
        }
    }

    #[test]
    fn the_summary_line_spells_each_count_for_its_number() {
        let mut s = ImportSummary {
            clients: vec![client("acme", 1, true)],
            duplicates: 1,
            ..ImportSummary::default()
        };
        s.skipped.footer_rows = 1;
        s.skipped.title_rows = 1;
        s.skipped.status.insert("取消".to_string(), 1);
        assert_eq!(
            summary_line(&s),
            "imported 1 invoice for 1 client (1 new client); skipped 1 取消, 1 duplicate, 1 footer row; 1 title row"
        );
        s.clients.push(client("beta", 1233, true));
        s.duplicates = 2;
        s.skipped.footer_rows = 2;
        s.skipped.title_rows = 3;
        s.dry_run = true;
        s.amounts.push(AmountChoice {
            used: "小計".to_string(),
            other: "合計金額".to_string(),
            includes_tax: false,
        });
        assert_eq!(
            summary_line(&s),
            "would import 1,234 invoices for 2 clients (2 new clients); skipped 1 取消, 2 duplicates, 2 footer rows; 3 title rows; amounts from `小計` (before tax), not `合計金額`"
        );
        assert_eq!(
            summary_line(&ImportSummary::default()),
            "imported 0 invoices for 0 clients"
        );
    }
}
