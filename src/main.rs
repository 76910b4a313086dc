//! The `casebook` command line: parses the arguments and hands each command
//! to the library ([`casebook::cli`] prints and picks the exit code).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use casebook::build::BuildOptions;
use casebook::cli::{self, Ui};
use casebook::command::MetricsFormat;
use casebook::input::parse_date;
use casebook::month::Month;

#[derive(Parser)]
#[command(
    name = "casebook",
    version,
    about = "Client reviews, LTV metrics and consented success stories, built as static sites",
    after_help = "Examples:\n  casebook build                      build site/ from the project in this folder\n  casebook check                      validate the project and list every problem\n  casebook serve                      build, serve on 127.0.0.1:8000 and rebuild on every change\n  casebook metrics --month 2026-10    print the metrics as JSON\n  casebook --root ~/clients build --out /tmp/site"
)]
struct Cli {
    /// The project folder (the one holding casebook.toml).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Print errors only.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print the time each stage of a build takes.
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Read every file and render every page: neither use nor update the caches in .casebook-cache/.
    #[arg(long, global = true)]
    no_cache: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build site/internal/ and site/public/ from the project.
    #[command(
        after_help = "Examples:\n  casebook build\n  casebook build --month 2026-09 --today 2026-11-01 --out /tmp/site\n  casebook build --archive    (a report for every month of every client)\n  casebook build --base-url https://example.com/cases/ --public-out public    (deploy public/ only)"
    )]
    Build {
        /// Output folder [default: <root>/site].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The as-of month (YYYY-MM), at most a year after --today [default: the latest month with an invoice on or before --today].
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Option<Month>,
        /// The build date for consent expiry and the default as-of month (YYYY-MM-DD) [default: today].
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
        today: Option<jiff::civil::Date>,
        /// Write a report for every month of every client's life, not only the as-of month.
        #[arg(long)]
        archive: bool,
        /// Threads to use [default: one per core]; the output is the same for any number.
        #[arg(long, short = 'j', value_name = "N")]
        jobs: Option<usize>,
        /// The public site's address for this build (feed, sitemap, canonical links), over [public] base_url.
        #[arg(long, value_name = "URL", value_parser = parse_base_url)]
        base_url: Option<String>,
        /// Where to write the public site [default: [public] out, else <out>/public]; only this folder is deployed.
        #[arg(long, value_name = "DIR")]
        public_out: Option<PathBuf>,
    },
    /// Load and validate the project without building; list every problem.
    #[command(
        after_help = "Examples:\n  casebook check\n  casebook --root ../acme-consulting check\n  casebook check --public    (scan an existing site/public/ for names that must not be there)"
    )]
    Check {
        /// Also scan the existing public site ([public] out, else site/public/) for client names no consent allows.
        #[arg(long)]
        public: bool,
        /// The build date for consent expiry (YYYY-MM-DD) [default: today].
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
        today: Option<jiff::civil::Date>,
        /// Output folder to scan with --public [default: <root>/site].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Print the portfolio, cohort and client metrics (JSON, or one table as CSV).
    #[command(
        after_help = "Examples:\n  casebook metrics\n  casebook metrics --month 2026-06 --format csv > clients.csv\n  casebook metrics --table monthly --bom -o monthly.csv    (for Excel: Japanese names intact)\n  casebook metrics --table cohorts -o cohorts.csv\n\nCSV rounds rates and ratios to 4 decimal places; the JSON keeps them unrounded."
    )]
    Metrics {
        /// The as-of month (YYYY-MM) [default: the latest month with an invoice on or before --today].
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Option<Month>,
        /// The build date (YYYY-MM-DD): bounds the default as-of month and --month [default: today].
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
        today: Option<jiff::civil::Date>,
        /// json, or csv for one table [default: json; csv when --table is given].
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// The table printed as CSV [default: clients].
        #[arg(long, value_enum, value_name = "TABLE")]
        table: Option<TableArg>,
        /// Start the CSV with a UTF-8 byte-order mark, so that Excel reads Japanese text correctly.
        #[arg(long)]
        bom: bool,
        /// Write to this file instead of stdout (the whole file or nothing).
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print monthly reviews of the built site to PDF with a local Chromium, Chrome or Edge.
    #[command(
        after_help = "Examples:\n  casebook pdf                                   both editions of every client's review of the last build's month\n  casebook pdf --client hinode-foods --edition client\n  casebook pdf --month 2026-09 --browser /usr/bin/google-chrome\n\nWrites site/client/<id>/<id>-<YYYY-MM>.pdf (the client edition: the file to send) and\nsite/internal/clients/<id>/<YYYY-MM>.pdf (the briefing). Prints the pages as the last build wrote them:\nrun `casebook build` first (with --month or --archive for another month). A later build keeps a PDF while\nits page stays the same."
    )]
    Pdf {
        /// The month of the reviews (YYYY-MM) [default: the as-of month of the last build].
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Option<Month>,
        /// Only this client (repeat for more) [default: every client with a review that month].
        #[arg(long = "client", value_name = "ID")]
        clients: Vec<String>,
        /// Only this edition [default: both].
        #[arg(long, value_enum)]
        edition: Option<PdfEdition>,
        /// The browser to print with [default: $CASEBOOK_BROWSER, else chromium, google-chrome or msedge on PATH].
        #[arg(long, value_name = "PATH")]
        browser: Option<PathBuf>,
        /// The built site [default: <root>/site].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Build, serve the site on 127.0.0.1 and rebuild it on every change, reloading the browser.
    #[command(
        after_help = "Examples:\n  casebook serve                   then open http://127.0.0.1:8000/internal/index.html\n  casebook serve --port 0 --open   (any free port; open the dashboard in the browser)\n  casebook --root ~/clients serve --month 2026-10\n\nWatches casebook.toml, data/, content/ and templates/. A broken edit shows its errors here and over the\npages in the browser, while the last good site stays served. Ctrl-C stops."
    )]
    Serve {
        /// The port on 127.0.0.1 (0: any free port).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Open the dashboard in the default browser.
        #[arg(long)]
        open: bool,
        /// Output folder [default: <root>/site].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The as-of month (YYYY-MM) [default: the latest month with an invoice on or before the build date].
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Option<Month>,
        /// The build date for consent expiry and the default month (YYYY-MM-DD) [default: the day of each build].
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
        today: Option<jiff::civil::Date>,
    },
    /// Create a new project: settings, one example client and a README, ready to build.
    #[command(
        after_help = "Examples:\n  casebook init my-reviews\n  casebook --root my-reviews build    (builds the example at once)"
    )]
    Init {
        /// The new project's folder: created if missing, refused if not empty.
        dir: PathBuf,
    },
    /// Import data exported by other programs into the project.
    #[command(
        subcommand,
        after_help = "Examples:\n  casebook import invoices export.csv --client-column Client --date-column Date --amount-column Amount\n  casebook import invoices --help    (the options, and the encodings and spellings that are read)"
    )]
    Import(ImportCommand),
    /// Predict customer lifetime value from any transaction log (BG/NBD + Gamma-Gamma), or retention from survivor counts (sBG).
    #[command(
        after_help = "Examples:\n  casebook clv orders.csv --freq W\n  casebook clv orders.csv --customer-column client --date-column day --amount-column total --freq M --horizon 24\n  casebook clv orders.csv --freq W --calibration-end 1997-09-30    (fit, then compare with the purchases after)\n  casebook clv --sbg 1000,631,468,382,326,289,262,241\n  casebook clv --sbg 1000,631,468 --sbg 500,320 --horizon 24\n\nJSON (default) has the fitted parameters and one row per customer; --format csv prints the customer rows.\nNo file is written. Not a project command: --root is ignored."
    )]
    Clv(ClvArgs),
    /// Write a synthetic demo project (the same options always give the same files).
    #[command(
        after_help = "Examples:\n  casebook demo-data --clients 1000 --out /tmp/demo\n  casebook demo-data --clients 50000 --months 36 --seed 7 --out /tmp/demo50k --invoices-csv /tmp/invoices.csv\n  casebook --root /tmp/demo build --today 2026-11-01\n\nThe months end at 2026-10, whatever today's date."
    )]
    DemoData {
        /// Number of clients.
        #[arg(long, default_value_t = 1000, value_name = "N")]
        clients: usize,
        /// Months of history, ending 2026-10.
        #[arg(long, default_value_t = 36, value_name = "M")]
        months: u32,
        /// Seed of the random numbers.
        #[arg(long, default_value_t = 1, value_name = "S")]
        seed: u64,
        /// The project folder to create (it must not exist, or be empty).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Also write every invoice to one flat CSV: client_id,date,amount,service,kind.
        #[arg(long, value_name = "FILE")]
        invoices_csv: Option<PathBuf>,
    },
}

/// The options of `casebook clv` (SPEC 3.9).
#[derive(clap::Args)]
struct ClvArgs {
    /// A transaction log (CSV: one row per purchase); not with --sbg.
    #[arg(value_name = "FILE", required_unless_present = "sbg", conflicts_with = "sbg")]
    file: Option<PathBuf>,
    /// Survivor counts of one cohort at periods 0, 1, 2, ... (repeat for more cohorts): fits sBG instead.
    #[arg(long, value_name = "N,N,...", allow_hyphen_values = true)]
    sbg: Vec<String>,
    /// The column with the customer.
    #[arg(long, default_value = "customer_id", value_name = "COLUMN")]
    customer_column: String,
    /// The column with the date (YYYY-MM-DD or YYYY/MM/DD).
    #[arg(long, default_value = "date", value_name = "COLUMN")]
    date_column: String,
    /// The column with the amount.
    #[arg(long, default_value = "amount", value_name = "COLUMN")]
    amount_column: String,
    /// The period: D (day), W (week, Monday to Sunday) or M (calendar month).
    #[arg(long, default_value = "D", value_name = "D|W|M", value_parser = parse_period)]
    freq: casebook::predict::summary::Period,
    /// Fit on the transactions up to this date and compare predicted with actual purchases after it.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    calibration_end: Option<jiff::civil::Date>,
    /// The end of the observation [default: the latest transaction date].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    observation_end: Option<jiff::civil::Date>,
    /// Periods (of --freq) to predict; with --sbg, the length of the survival curve
    /// [default: a year (365, 52 or 12); with --sbg the longest cohort].
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    horizon: Option<f64>,
    /// Annual discount rate (0.1 is 10 %), applied month by month.
    #[arg(long, default_value_t = 0.0, value_name = "RATE", allow_hyphen_values = true)]
    discount_rate: f64,
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
}

fn parse_period(s: &str) -> Result<casebook::predict::summary::Period, String> {
    casebook::predict::summary::Period::parse(s).ok_or_else(|| format!("`{s}`: expected D, W or M"))
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Split an accounting export into data/clients/<id>/invoices.csv (new clients get a client.toml).
    #[command(
        after_help = "Examples:\n  casebook import invoices export.csv --client-column Client --date-column Date --amount-column Amount\n  casebook import invoices Invoices.csv --preset xero --dry-run\n  casebook --root ~/clients import invoices 請求書.csv --client-column 取引先 --date-column 請求日 --amount-column 小計 --number-column 請求書番号\n\nThe export may be CSV UTF-8, Shift_JIS (Excel's \"CSV\" in Japan) or UTF-16. Columns are named as in its\nheader line. Importing the same file again adds nothing; a row that cannot be read, an invoice number\nseen again with other values, or a probable duplicate is reported as FILE:line and nothing is written."
    )]
    Invoices(Box<casebook::import::cli::InvoiceArgs>),
    /// Add the responses of a survey export to data/clients/<id>/nps.csv (clients matched as for invoices).
    #[command(
        after_help = "Examples:\n  casebook import nps survey.csv --client-column Company --date-column Date --score-column Score --comment-column Comment\n  casebook import nps survey.csv ... --dry-run"
    )]
    Nps(Box<casebook::import::cli::NpsArgs>),
}

#[derive(Clone, Copy, ValueEnum)]
enum PdfEdition {
    /// The client edition (site/client/<id>/), the document that goes to the client.
    Client,
    /// The briefing (site/internal/clients/<id>/), for the consultancy.
    Briefing,
}

impl PdfEdition {
    fn edition(self) -> casebook::pdf::Edition {
        match self {
            PdfEdition::Client => casebook::pdf::Edition::Client,
            PdfEdition::Briefing => casebook::pdf::Edition::Briefing,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Csv,
}

/// The tables of `metrics --format csv`.
#[derive(Clone, Copy, ValueEnum)]
enum TableArg {
    Clients,
    Monthly,
    Cohorts,
    Channels,
}

impl TableArg {
    fn kind(self) -> casebook::metrics::TableKind {
        use casebook::metrics::TableKind;
        match self {
            TableArg::Clients => TableKind::Clients,
            TableArg::Monthly => TableKind::Monthly,
            TableArg::Cohorts => TableKind::Cohorts,
            TableArg::Channels => TableKind::Channels,
        }
    }
}

/// The output format of `metrics` from its flags: CSV when a table is
/// named; a table or a BOM with JSON is a usage error.
fn metrics_format(format: Option<Format>, table: Option<TableArg>, bom: bool) -> Result<MetricsFormat, String> {
    let csv = match format {
        Some(f) => f == Format::Csv,
        None => table.is_some() || bom,
    };
    if !csv {
        if table.is_some() {
            return Err("--table picks a CSV table: use --format csv, or leave --format out".into());
        }
        if bom {
            return Err("--bom is for CSV: use --format csv (a byte-order mark does not belong in JSON)".into());
        }
        return Ok(MetricsFormat::Json);
    }
    Ok(MetricsFormat::Csv {
        table: table.unwrap_or(TableArg::Clients).kind(),
        bom,
    })
}

fn parse_month(s: &str) -> Result<Month, String> {
    Month::parse(s)
}

fn parse_base_url(s: &str) -> Result<String, String> {
    casebook::config::check_base_url(s)
}

fn parse_day(s: &str) -> Result<jiff::civil::Date, String> {
    parse_date(s)
}

fn run_clv(args: ClvArgs) -> Result<(), u8> {
    use casebook::clv::{ClvFormat, ClvInput, ClvOptions, run};
    let format = match args.format {
        Format::Json => ClvFormat::Json,
        Format::Csv => ClvFormat::Csv,
    };
    let input = match args.file {
        None => {
            let horizon = match args.horizon {
                None => None,
                Some(h) if h >= 0.0 && h.fract() == 0.0 && h <= 10_000.0 => Some(h as u32),
                Some(h) => {
                    eprintln!("error: --horizon {h}: with --sbg, a whole number of periods from 0 to 10000");
                    return Err(2);
                }
            };
            ClvInput::Survivors(args.sbg, horizon)
        }
        Some(file) => ClvInput::File(
            file,
            ClvOptions {
                customer_column: args.customer_column,
                date_column: args.date_column,
                amount_column: args.amount_column,
                period: args.freq,
                calibration_end: args.calibration_end,
                observation_end: args.observation_end,
                horizon: args.horizon,
                discount_rate: args.discount_rate,
            },
        ),
    };
    run(input, format)
}

fn today() -> jiff::civil::Date {
    jiff::ZonedDateTime::now().date()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui {
        quiet: cli.quiet,
        verbose: cli.verbose,
        cache: !cli.no_cache,
    };
    match run(cli.command, cli.root, ui) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

/// Runs one command; `Err` is the exit code (the command printed why).
fn run(command: Command, root: PathBuf, ui: Ui) -> Result<(), u8> {
    let quiet = ui.quiet;
    match command {
        Command::Build {
            out,
            month,
            today: day,
            archive,
            jobs,
            base_url,
            public_out,
        } => cli::run_build(
            &BuildOptions {
                out: out.unwrap_or_else(|| root.join("site")),
                root,
                month,
                today: day.unwrap_or_else(today),
                archive,
                jobs,
                incremental: ui.cache,
                progress: !quiet,
                stop: None,
                base_url,
                public_out,
            },
            ui,
        ),
        Command::Check {
            public,
            today: day,
            out,
        } => {
            let out = out.unwrap_or_else(|| root.join("site"));
            cli::run_check(&root, public.then_some(out.as_path()), day.unwrap_or_else(today), ui)
        }
        Command::Metrics {
            month,
            today: day,
            format,
            table,
            bom,
            output,
        } => match metrics_format(format, table, bom) {
            Ok(format) => cli::run_metrics(&root, month, day.unwrap_or_else(today), format, output.as_deref(), ui),
            Err(msg) => Cli::command()
                .error(clap::error::ErrorKind::ArgumentConflict, msg)
                .exit(),
        },
        Command::Pdf {
            month,
            clients,
            edition,
            browser,
            out,
        } => cli::run_pdf(
            &casebook::pdf::PdfOptions {
                out: out.unwrap_or_else(|| root.join("site")),
                month,
                clients,
                edition: edition.map(PdfEdition::edition),
                browser,
            },
            quiet,
        ),
        Command::Serve {
            port,
            open,
            out,
            month,
            today: day,
        } => casebook::serve::run(
            casebook::serve::ServeOptions {
                out: out.unwrap_or_else(|| root.join("site")),
                root,
                port,
                open,
                month,
                today: day,
            },
            ui,
        ),
        Command::Init { dir } => cli::run_init(&dir, quiet),
        Command::Import(ImportCommand::Invoices(args)) => casebook::import::cli::run_invoices(&root, &args, quiet),
        Command::Import(ImportCommand::Nps(args)) => casebook::import::cli::run_nps(&root, &args, quiet),
        Command::Clv(args) => run_clv(args),
        Command::DemoData {
            clients,
            months,
            seed,
            out,
            invoices_csv,
        } => {
            let opts = casebook::demo::DemoOptions {
                clients,
                months,
                seed,
                out,
                invoices_csv,
            };
            casebook::demo::run(&opts, quiet)
        }
    }
}

// Rendering allocates many short-lived strings on every thread; mimalloc
// handles that pattern markedly better than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
