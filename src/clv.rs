//! `casebook clv`: the predictive models of SPEC 3.9 on any flat
//! transaction log (customer, date, amount), or sBG on survivor counts —
//! what an analyst would otherwise do with lifetimes in Python.
//!
//! Reads and checks the whole file first (every bad row reported as
//! `FILE:line:column: message`), then summarises, fits and prints JSON or
//! CSV to stdout. Writes no file.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde_json::{Value, json};

use crate::diag::{Diagnostics, format_errors};
use crate::format::to_f64;
use crate::input::{Column, ReadOptions, parse_date, parse_money, read_rows_with};

use crate::predict::bgnbd::BgNbdFit;
use crate::predict::gamma_gamma::GammaGammaFit;
use crate::predict::sbg::{self, Cohort, Sbg, SbgError};
use crate::predict::summary::{CustomerSummary, Period, summarise};
use crate::predict::{self, CustomerForecast, fit_bgnbd, fit_gamma_gamma};

/// The options of `casebook clv FILE`.
#[derive(Clone, Debug)]
pub struct ClvOptions {
    pub customer_column: String,
    pub date_column: String,
    pub amount_column: String,
    pub period: Period,
    /// Fit on the transactions up to this date and compare the prediction
    /// with the purchases after it (up to the observation end).
    pub calibration_end: Option<Date>,
    /// The end of the data [default: the latest transaction date].
    pub observation_end: Option<Date>,
    /// Periods of `period` to predict [default: a year: 365, 52 or 12].
    pub horizon: Option<f64>,
    /// Annual rate; discounted month by month (see [`predict::expected_value`]).
    pub discount_rate: f64,
}

/// One transaction of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct Transaction {
    pub customer: String,
    pub date: Date,
    pub amount: f64,
}

/// Reads the log; every row that cannot be read goes to `diags`.
pub fn read_transactions(bytes: &[u8], path: &Path, opts: &ClvOptions, diags: &mut Diagnostics) -> Vec<Transaction> {
    let columns = [
        Column::named(opts.customer_column.clone(), true),
        Column::named(opts.date_column.clone(), true),
        Column::named(opts.amount_column.clone(), true),
    ];
    let read = ReadOptions {
        warn_unknown_columns: false,
        loose_header: true,
        ..ReadOptions::default()
    };
    let Some(rows) = read_rows_with(bytes, path, &columns, read, diags) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let customer = row.get(&opts.customer_column);
        if customer.is_empty() {
            diags.error(
                path,
                Some(row.line),
                row.column(&opts.customer_column),
                "the customer is empty",
            );
        }
        let date = parse_date(row.get(&opts.date_column))
            .map_err(|e| diags.error(path, Some(row.line), row.column(&opts.date_column), e))
            .ok();
        let amount = parse_money(row.get(&opts.amount_column))
            .map_err(|e| diags.error(path, Some(row.line), row.column(&opts.amount_column), e))
            .ok();
        if let (false, Some(date), Some(amount)) = (customer.is_empty(), date, amount) {
            out.push(Transaction {
                customer: customer.to_string(),
                date,
                amount: to_f64(amount),
            });
        }
    }
    out
}

/// The calibration / holdout comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Holdout {
    pub calibration_end: Date,
    pub observation_end: Date,
    /// Periods from the calibration end's period to the observation end's.
    pub duration: f64,
    /// Per customer (same order as the report's), purchases in the holdout:
    /// distinct periods with a transaction after the calibration end.
    pub actual: Vec<f64>,
    pub predicted: Vec<f64>,
}

/// Everything `casebook clv FILE` prints.
#[derive(Clone, Debug)]
pub struct ClvReport {
    pub period: Period,
    pub horizon: f64,
    pub observation_end: Date,
    pub bgnbd: Option<BgNbdFit>,
    pub gamma_gamma: Option<GammaGammaFit>,
    pub customers: Vec<CustomerSummary>,
    /// Per customer; None without a BG/NBD fit.
    pub forecasts: Vec<Option<CustomerForecast>>,
    pub holdout: Option<Holdout>,
    pub notes: Vec<String>,
}

/// The default horizon: a year of `period`s.
pub fn default_horizon(period: Period) -> f64 {
    match period {
        Period::Day => 365.0,
        Period::Week => 52.0,
        Period::Month => 12.0,
    }
}

/// Summarises, fits and predicts. Err with a message when there is
/// nothing to analyse or the dates contradict each other.
pub fn analyse(transactions: &[Transaction], opts: &ClvOptions) -> Result<ClvReport, String> {
    let latest = transactions
        .iter()
        .map(|t| t.date)
        .max()
        .ok_or("the file has no transactions")?;
    let observation_end = opts.observation_end.unwrap_or(latest);
    let horizon = opts.horizon.unwrap_or_else(|| default_horizon(opts.period));
    if !(horizon >= 0.0 && horizon.is_finite()) {
        return Err(format!("--horizon {horizon}: expected a number of periods >= 0"));
    }
    if !(opts.discount_rate > -1.0 && opts.discount_rate.is_finite()) {
        return Err(format!(
            "--discount-rate {}: expected an annual rate above -1 (0.1 is 10 %)",
            opts.discount_rate
        ));
    }
    let fit_end = match opts.calibration_end {
        Some(c) if c >= observation_end => {
            return Err(format!(
                "--calibration-end {c} is not before the observation end {observation_end}: there is no holdout period"
            ));
        }
        Some(c) => c,
        None => observation_end,
    };
    let fitted: Vec<&Transaction> = transactions.iter().filter(|t| t.date <= fit_end).collect();
    let customers = summarise(
        fitted.iter().map(|t| (t.customer.as_str(), t.date, t.amount)),
        opts.period,
        fit_end,
    );
    if customers.is_empty() {
        return Err(format!("no transaction on or before {fit_end}"));
    }
    let mut notes = Vec::new();
    let bg = fit_bgnbd(&customers, &mut notes);
    let gg = fit_gamma_gamma(&customers, &mut notes);
    let monthly_discount = predict::per_period_discount(opts.discount_rate, 12.0);
    let forecasts = customers
        .iter()
        .map(|c| {
            bg.map(|b| {
                predict::forecast(
                    &b.model,
                    gg.as_ref().map(|g| &g.model),
                    &c.rfm,
                    c.monetary_value,
                    horizon,
                    opts.period,
                    monthly_discount,
                )
            })
        })
        .collect();
    let holdout = match (opts.calibration_end, bg) {
        (Some(cal), Some(b)) => Some(holdout(transactions, &customers, &b, opts.period, cal, observation_end)),
        (Some(_), None) => {
            notes.push("no holdout comparison without a BG/NBD fit".into());
            None
        }
        _ => None,
    };
    Ok(ClvReport {
        period: opts.period,
        horizon,
        observation_end: fit_end,
        bgnbd: bg,
        gamma_gamma: gg,
        customers,
        forecasts,
        holdout,
        notes,
    })
}

/// lifetimes' `calibration_and_holdout_data`: holdout purchases are the
/// distinct periods with a transaction dated after `cal` and up to `end`,
/// for the customers of the calibration summary.
fn holdout(
    transactions: &[Transaction],
    customers: &[CustomerSummary],
    bg: &BgNbdFit,
    period: Period,
    cal: Date,
    end: Date,
) -> Holdout {
    let mut periods: std::collections::BTreeMap<&str, std::collections::BTreeSet<i64>> = Default::default();
    for t in transactions.iter().filter(|t| t.date > cal && t.date <= end) {
        periods
            .entry(t.customer.as_str())
            .or_default()
            .insert(period.index(t.date));
    }
    let duration = (period.index(end) - period.index(cal)) as f64;
    let actual = customers
        .iter()
        .map(|c| periods.get(c.id.as_str()).map_or(0.0, |p| p.len() as f64))
        .collect();
    let predicted = customers
        .iter()
        .map(|c| bg.model.expected_purchases(&c.rfm, duration))
        .collect();
    Holdout {
        calibration_end: cal,
        observation_end: end,
        duration,
        actual,
        predicted,
    }
}

/// A JSON number, or null when not finite.
fn num(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

pub fn bgnbd_json(fit: Option<&BgNbdFit>) -> Value {
    fit.map_or(Value::Null, |f| {
        json!({"r": num(f.model.r), "alpha": num(f.model.alpha), "a": num(f.model.a), "b": num(f.model.b),
               "log_likelihood": num(f.log_likelihood)})
    })
}

pub fn gamma_gamma_json(fit: Option<&GammaGammaFit>) -> Value {
    fit.map_or(Value::Null, |f| {
        json!({"p": num(f.model.p), "q": num(f.model.q), "gamma": num(f.model.gamma),
               "log_likelihood": num(f.log_likelihood)})
    })
}

/// One customer of the JSON output (serialised straight from the report,
/// without an intermediate tree: the log can hold hundreds of thousands of
/// customers). Non-finite numbers are written as null.
#[derive(serde::Serialize)]
struct CustomerJson<'a> {
    id: &'a str,
    frequency: f64,
    recency: f64,
    #[serde(rename = "T")]
    age: f64,
    monetary_value: f64,
    p_alive: Option<f64>,
    expected_purchases: Option<f64>,
    expected_avg_value: Option<f64>,
    expected_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    holdout_purchases: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    predicted_holdout_purchases: Option<f64>,
}

#[derive(serde::Serialize)]
struct ReportJson<'a> {
    freq: &'static str,
    horizon: f64,
    observation_end: String,
    bgnbd: Value,
    gamma_gamma: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    holdout: Option<Value>,
    notes: &'a [String],
    customers: Vec<CustomerJson<'a>>,
}

/// The JSON of SPEC 3.9, with `freq`, `horizon`, `observation_end` and
/// `notes` beside it (and `holdout` with `--calibration-end`), pretty-printed
/// with a trailing newline.
pub fn report_json(r: &ClvReport) -> String {
    let customers = r
        .customers
        .iter()
        .zip(&r.forecasts)
        .enumerate()
        .map(|(i, (c, f))| CustomerJson {
            id: &c.id,
            frequency: c.rfm.frequency,
            recency: c.rfm.recency,
            age: c.rfm.age,
            monetary_value: c.monetary_value,
            p_alive: f.map(|f| f.p_alive),
            expected_purchases: f.map(|f| f.expected_purchases),
            expected_avg_value: f.and_then(|f| f.expected_avg_value),
            expected_value: f.and_then(|f| f.expected_value),
            holdout_purchases: r.holdout.as_ref().map(|h| h.actual[i]),
            predicted_holdout_purchases: r.holdout.as_ref().map(|h| h.predicted[i]),
        })
        .collect();
    let holdout = r.holdout.as_ref().map(|h| {
        json!({
            "calibration_end": h.calibration_end.to_string(),
            "observation_end": h.observation_end.to_string(),
            "duration": num(h.duration),
            "customers": h.actual.len(),
            "actual_purchases": num(h.actual.iter().sum()),
            "predicted_purchases": num(h.predicted.iter().sum()),
        })
    });
    let out = ReportJson {
        freq: r.period.code(),
        horizon: r.horizon,
        observation_end: r.observation_end.to_string(),
        bgnbd: bgnbd_json(r.bgnbd.as_ref()),
        gamma_gamma: gamma_gamma_json(r.gamma_gamma.as_ref()),
        holdout,
        notes: &r.notes,
        customers,
    };
    let mut s = serde_json::to_string_pretty(&out).expect("the report serialises");
    s.push('\n');
    s
}

/// The customers table as CSV (parameters are in the JSON only).
pub fn report_csv(r: &ClvReport) -> String {
    let mut out = String::from(
        "id,frequency,recency,T,monetary_value,p_alive,expected_purchases,expected_avg_value,expected_value",
    );
    if r.holdout.is_some() {
        out.push_str(",holdout_purchases,predicted_holdout_purchases");
    }
    out.push('\n');
    let cell = |v: Option<f64>| v.filter(|v| v.is_finite()).map_or(String::new(), |v| v.to_string());
    for (i, (c, f)) in r.customers.iter().zip(&r.forecasts).enumerate() {
        let fields = [
            csv_text(&c.id),
            cell(Some(c.rfm.frequency)),
            cell(Some(c.rfm.recency)),
            cell(Some(c.rfm.age)),
            cell(Some(c.monetary_value)),
            cell(f.map(|f| f.p_alive)),
            cell(f.map(|f| f.expected_purchases)),
            cell(f.and_then(|f| f.expected_avg_value)),
            cell(f.and_then(|f| f.expected_value)),
        ];
        out.push_str(&fields.join(","));
        if let Some(h) = &r.holdout {
            out.push_str(&format!(",{},{}", cell(Some(h.actual[i])), cell(Some(h.predicted[i]))));
        }
        out.push('\n');
    }
    out
}

/// Quotes a CSV field when it needs it; a leading `=`, `+`, `-` or `@` is
/// prefixed with `'` so that a spreadsheet does not run it as a formula.
fn csv_text(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Parses one `--sbg` value: survivor counts at periods 0, 1, 2, ...
pub fn parse_counts(text: &str) -> Result<Cohort, String> {
    let mut counts = Vec::new();
    for (i, part) in text.split(',').enumerate() {
        let part = part.trim();
        let n: u64 = part
            .parse()
            .map_err(|_| format!("--sbg {text}: `{part}` (count {}) is not a whole number >= 0", i + 1))?;
        counts.push(n);
    }
    if counts.len() < 2 {
        return Err(format!(
            "--sbg {text}: give the survivors at period 0 and at least one later period, e.g. 1000,631,468"
        ));
    }
    if counts[0] == 0 {
        return Err(format!("--sbg {text}: the cohort starts with 0 customers"));
    }
    Cohort::from_survivors(&counts).ok_or_else(|| {
        let i = counts.windows(2).position(|w| w[1] > w[0]).unwrap_or(0);
        format!(
            "--sbg {text}: survivors cannot rise ({} at period {i}, {} at period {})",
            counts[i],
            counts[i + 1],
            i + 1
        )
    })
}

/// `{"sbg": {...}}` for survivor-count cohorts: survival S(t) for t = 0
/// ..= horizon (default: the longest cohort's last period) and retention
/// r(t) = S(t)/S(t − 1) for t = 1 ..= horizon.
pub fn sbg_json(cohorts: &[Cohort], horizon: Option<u32>) -> Result<Value, String> {
    let fit = sbg::fit(cohorts).map_err(|e| match e {
        SbgError::NoClients => "--sbg: no customers in any cohort".to_string(),
        SbgError::NoChurn => "--sbg: nobody churned, so there is nothing to fit".to_string(),
        SbgError::NotConverged => "--sbg: the likelihood search did not converge".to_string(),
    })?;
    let longest = cohorts.iter().map(|c| c.churned.len()).max().unwrap_or(0) as u32;
    let horizon = horizon.unwrap_or(longest);
    let (alpha, beta, churn) = match fit {
        Sbg::Beta { alpha, beta, .. } => (num(alpha), num(beta), Value::Null),
        Sbg::Geometric { churn, .. } => (Value::Null, Value::Null, num(churn)),
    };
    Ok(json!({"sbg": {
        "alpha": alpha,
        "beta": beta,
        "monthly_churn": churn,
        "log_likelihood": num(fit.log_likelihood()),
        "survival": fit.survival(horizon).into_iter().map(num).collect::<Vec<_>>(),
        "retention": (1..=horizon).map(|t| num(fit.retention(t))).collect::<Vec<_>>(),
    }}))
}

/// Output format of `casebook clv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClvFormat {
    Json,
    Csv,
}

/// What the command was asked to do.
pub enum ClvInput {
    File(PathBuf, ClvOptions),
    Survivors(Vec<String>, Option<u32>),
}

/// Runs `casebook clv` and prints the result; errors go to stderr.
pub fn run(input: ClvInput, format: ClvFormat) -> Result<(), u8> {
    let text = match input {
        ClvInput::Survivors(values, horizon) => {
            let mut cohorts = Vec::new();
            let mut errors = Vec::new();
            for v in &values {
                match parse_counts(v) {
                    Ok(c) => cohorts.push(c),
                    Err(e) => errors.push(e),
                }
            }
            if !errors.is_empty() {
                for e in errors {
                    eprintln!("error: {e}");
                }
                return Err(2);
            }
            if format == ClvFormat::Csv {
                eprintln!("error: --sbg prints JSON only (drop --format csv)");
                return Err(2);
            }
            match sbg_json(&cohorts, horizon) {
                Ok(v) => pretty(&v),
                Err(e) => {
                    eprintln!("error: {e}");
                    return Err(1);
                }
            }
        }
        ClvInput::File(path, opts) => {
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("error: {}: {e}", path.display());
                    return Err(1);
                }
            };
            let mut diags = Diagnostics::new();
            let transactions = read_transactions(&bytes, &path, &opts, &mut diags);
            if diags.has_errors() {
                diags.sort();
                let n = diags.errors().count();
                eprint!("{}", format_errors(diags.errors()));
                eprintln!(
                    "error: {n} problem{} found; nothing was fitted",
                    if n == 1 { "" } else { "s" }
                );
                return Err(1);
            }
            let report = match analyse(&transactions, &opts) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {}: {e}", path.display());
                    return Err(1);
                }
            };
            match format {
                ClvFormat::Json => report_json(&report),
                ClvFormat::Csv => {
                    // The CSV has no room for them: say why columns are empty.
                    for note in &report.notes {
                        eprintln!("note: {note}");
                    }
                    report_csv(&report)
                }
            }
        }
    };
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    Ok(())
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("a JSON value serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_checked() {
        assert_eq!(
            parse_counts("1000, 631,468").unwrap(),
            Cohort {
                churned: vec![369, 163],
                survivors: 468
            }
        );
        assert!(parse_counts("1000").unwrap_err().contains("at least one later period"));
        assert!(parse_counts("1000,abc").unwrap_err().contains("`abc` (count 2)"));
        assert!(parse_counts("1000,-5").unwrap_err().contains("`-5`"));
        assert!(parse_counts("100,90,95").unwrap_err().contains("95 at period 2"));
        assert!(parse_counts("0,0").unwrap_err().contains("starts with 0"));
    }

    #[test]
    fn sbg_json_has_survival_and_retention() {
        let c = parse_counts("1000,631,468,382,326,289,262,241").unwrap();
        let v = sbg_json(&[c], None).unwrap();
        let s = &v["sbg"];
        assert_eq!(s["survival"].as_array().unwrap().len(), 8);
        assert_eq!(s["retention"].as_array().unwrap().len(), 7);
        assert!(s["monthly_churn"].is_null());
        let (a, b) = (s["alpha"].as_f64().unwrap(), s["beta"].as_f64().unwrap());
        let r1 = s["retention"][0].as_f64().unwrap();
        assert!((r1 - b / (a + b)).abs() < 1e-12);
        assert!((s["survival"][1].as_f64().unwrap() - r1).abs() < 1e-12);
        let v = sbg_json(&[parse_counts("100,100").unwrap()], Some(3));
        assert!(v.unwrap_err().contains("nobody churned"));
    }

    #[test]
    fn csv_text_is_quoted_and_defused() {
        assert_eq!(csv_text("a,b"), "\"a,b\"");
        assert_eq!(csv_text("=1+1"), "'=1+1");
        assert_eq!(csv_text("plain"), "plain");
    }
}
