//! Small typed access to TOML (and YAML) documents with positions, so that
//! every value error can be reported as `path:line:column`.
//!
//! `client.toml`, `casebook.toml` and markdown front matter all go through
//! [`Node`] trees: TOML keeps exact spans; YAML (front matter only) gets the
//! line of its key.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::str::FromStr;

use jiff::civil::Date;
use rust_decimal::Decimal;
use serde_spanned::Spanned;
use toml::de::{DeTable, DeValue};

use super::spelling::{parse_date, parse_money, within_bounds};
use crate::diag::{Diagnostics, key_line, line_col};

#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Str(String),
    /// Integers and floats keep their source text so that money and margins
    /// convert to decimals exactly.
    Num(String),
    Bool(bool),
    /// A TOML date or date-time, as written.
    Date(String),
    Array(Vec<Node>),
    Table(NodeMap),
    Null,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub val: Val,
    pub line: Option<u64>,
    pub column: Option<u64>,
}

pub type NodeMap = BTreeMap<String, Node>;

impl Val {
    fn type_name(&self) -> &'static str {
        match self {
            Val::Str(_) => "a string",
            Val::Num(_) => "a number",
            Val::Bool(_) => "a boolean",
            Val::Date(_) => "a date",
            Val::Array(_) => "an array",
            Val::Table(_) => "a table",
            Val::Null => "empty",
        }
    }
}

/// Parses a TOML document. `first_line` is the line in the file where
/// `text` starts (front matter starts after its `+++` line).
pub fn parse_toml(text: &str, first_line: u64) -> Result<NodeMap, (u64, u64, String)> {
    match DeTable::parse(text) {
        Ok(t) => Ok(convert_table(t.get_ref(), text, first_line)),
        Err(e) => {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            let msg = e.message().lines().next().unwrap_or("invalid TOML").to_string();
            Err((line + first_line - 1, col, format!("invalid TOML: {msg}")))
        }
    }
}

fn convert_table(t: &DeTable<'_>, text: &str, first_line: u64) -> NodeMap {
    t.iter()
        .map(|(k, v)| (k.get_ref().to_string(), convert_value(v, text, first_line)))
        .collect()
}

fn convert_value(v: &Spanned<DeValue<'_>>, text: &str, first_line: u64) -> Node {
    let (line, col) = line_col(text, v.span().start);
    let val = match v.get_ref() {
        DeValue::String(s) => Val::Str(s.to_string()),
        DeValue::Integer(i) => {
            if i.radix() == 10 {
                Val::Num(i.as_str().replace('_', ""))
            } else {
                match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                    Ok(n) => Val::Num(n.to_string()),
                    Err(_) => Val::Num(i.as_str().to_string()),
                }
            }
        }
        DeValue::Float(f) => Val::Num(f.as_str().replace('_', "")),
        DeValue::Boolean(b) => Val::Bool(*b),
        DeValue::Datetime(d) => Val::Date(d.to_string()),
        DeValue::Array(a) => Val::Array(a.iter().map(|x| convert_value(x, text, first_line)).collect()),
        DeValue::Table(t) => Val::Table(convert_table(t, text, first_line)),
    };
    Node {
        val,
        line: Some(line + first_line - 1),
        column: Some(col),
    }
}

/// Parses a YAML mapping (front matter). Positions are the lines of the
/// top-level keys.
pub fn parse_yaml(text: &str, first_line: u64) -> Result<NodeMap, (u64, u64, String)> {
    let value: yaml_serde::Value = match yaml_serde::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let (line, col) = e
                .location()
                .map(|l| (l.line() as u64, l.column() as u64))
                .unwrap_or((1, 1));
            let msg = e.to_string();
            let msg = msg.split(" at line").next().unwrap_or(&msg).to_string();
            return Err((line + first_line - 1, col, format!("invalid YAML: {msg}")));
        }
    };
    match value {
        yaml_serde::Value::Mapping(_) => match convert_yaml(&value, text, first_line, None).val {
            Val::Table(t) => Ok(t),
            _ => unreachable!("a mapping converts to a table"),
        },
        yaml_serde::Value::Null => Ok(NodeMap::new()),
        _ => Err((
            first_line,
            1,
            "YAML front matter must be a mapping of `key: value` lines".into(),
        )),
    }
}

fn convert_yaml(v: &yaml_serde::Value, text: &str, first_line: u64, line: Option<u64>) -> Node {
    use yaml_serde::Value as Y;
    let val = match v {
        Y::Null => Val::Null,
        Y::Bool(b) => Val::Bool(*b),
        Y::Number(n) => Val::Num(n.to_string()),
        Y::String(s) => {
            // YAML has no date type of its own in this parser: a bare
            // 2026-09-15 arrives as a string and is read as a date on demand.
            Val::Str(s.clone())
        }
        Y::Sequence(items) => Val::Array(items.iter().map(|x| convert_yaml(x, text, first_line, line)).collect()),
        Y::Mapping(m) => {
            let mut t = NodeMap::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s.clone(),
                    other => yaml_serde::to_string(other).unwrap_or_default().trim().to_string(),
                };
                let kline = key_line(text, &key).map(|l| l + first_line - 1).or(line);
                t.insert(key, convert_yaml(v, text, first_line, kline));
            }
            Val::Table(t)
        }
        Y::Tagged(t) => return convert_yaml(&t.value, text, first_line, line),
    };
    Node {
        val,
        line,
        column: if line.is_some() { Some(1) } else { None },
    }
}

/// Reads typed fields out of a [`NodeMap`], reporting problems against the
/// file and remembering which keys were read (the rest are "unknown").
pub struct Fields<'a, 'd> {
    table: &'a NodeMap,
    text: &'a str,
    path: &'a Path,
    diags: &'d mut Diagnostics,
    seen: BTreeSet<String>,
}

impl<'a, 'd> Fields<'a, 'd> {
    pub fn new(table: &'a NodeMap, text: &'a str, path: &'a Path, diags: &'d mut Diagnostics) -> Self {
        Fields {
            table,
            text,
            path,
            diags,
            seen: BTreeSet::new(),
        }
    }

    pub fn diags(&mut self) -> &mut Diagnostics {
        self.diags
    }

    fn get(&mut self, key: &str) -> Option<&'a Node> {
        self.seen.insert(key.to_string());
        self.table.get(key)
    }

    fn pos(&self, key: &str) -> (Option<u64>, Option<u64>) {
        match self.table.get(key) {
            Some(n) if n.line.is_some() => (n.line, n.column),
            _ => (key_line(self.text, key), None),
        }
    }

    pub fn error_at(&mut self, key: &str, msg: impl Into<String>) {
        let (l, c) = self.pos(key);
        self.diags.error(self.path, l, c, msg);
    }

    fn wrong_type(&mut self, key: &str, want: &str, node: &Node) {
        let msg = format!("`{key}` must be {want}, not {}", node.val.type_name());
        self.diags.error(self.path, node.line, node.column, msg);
    }

    pub fn string(&mut self, key: &str) -> Option<String> {
        let node = self.get(key)?;
        match &node.val {
            Val::Str(s) => Some(s.clone()),
            Val::Null => None,
            _ => {
                self.wrong_type(key, "a string", node);
                None
            }
        }
    }

    pub fn required_string(&mut self, key: &str) -> Option<String> {
        if !self.table.contains_key(key) {
            self.seen.insert(key.to_string());
            self.diags
                .error(self.path, None, None, format!("missing required key `{key}`"));
            return None;
        }
        let s = self.string(key)?;
        if s.trim().is_empty() {
            self.error_at(key, format!("`{key}` must not be empty"));
            return None;
        }
        Some(s)
    }

    pub fn strings(&mut self, key: &str) -> Vec<String> {
        let Some(node) = self.get(key) else { return Vec::new() };
        match &node.val {
            Val::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match &item.val {
                        Val::Str(s) => out.push(s.clone()),
                        _ => self.wrong_type(key, "an array of strings", item),
                    }
                }
                out
            }
            Val::Str(s) => vec![s.clone()],
            Val::Null => Vec::new(),
            _ => {
                self.wrong_type(key, "an array of strings", node);
                Vec::new()
            }
        }
    }

    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        let node = self.get(key)?;
        match &node.val {
            Val::Bool(b) => Some(*b),
            _ => {
                self.wrong_type(key, "true or false", node);
                None
            }
        }
    }

    pub fn number(&mut self, key: &str) -> Option<f64> {
        let node = self.get(key)?;
        match &node.val {
            Val::Num(n) => match n.parse::<f64>() {
                Ok(v) if v.is_finite() => Some(v),
                _ => {
                    self.wrong_type(key, "a finite number", node);
                    None
                }
            },
            _ => {
                self.wrong_type(key, "a number", node);
                None
            }
        }
    }

    pub fn positive_int(&mut self, key: &str) -> Option<u32> {
        let node = self.get(key)?;
        match &node.val {
            Val::Num(n) => match n.parse::<u32>() {
                Ok(v) if v > 0 => Some(v),
                _ => {
                    let msg = format!("`{key}` must be a whole number of at least 1, not {n}");
                    self.diags.error(self.path, node.line, node.column, msg);
                    None
                }
            },
            _ => {
                self.wrong_type(key, "a whole number", node);
                None
            }
        }
    }

    /// A whole number in `lo ..= hi` (e.g. a month number 1–12); `what`
    /// names the range in the error, e.g. "a month number".
    pub fn int_in(&mut self, key: &str, lo: u32, hi: u32, what: &str) -> Option<u32> {
        let node = self.get(key)?;
        match &node.val {
            Val::Num(n) => match n.parse::<u32>() {
                Ok(v) if (lo..=hi).contains(&v) => Some(v),
                _ => {
                    let msg = format!("`{key}` must be {what} from {lo} to {hi}, not {n}");
                    self.diags.error(self.path, node.line, node.column, msg);
                    None
                }
            },
            _ => {
                self.wrong_type(key, &format!("{what} from {lo} to {hi}"), node);
                None
            }
        }
    }

    /// A decimal between 0 and 1 (a gross margin).
    pub fn fraction(&mut self, key: &str) -> Option<Decimal> {
        let node = self.get(key)?;
        let parsed = match &node.val {
            Val::Num(n) => Decimal::from_str(n).or_else(|_| Decimal::from_scientific(n)).ok(),
            _ => {
                self.wrong_type(key, "a number between 0 and 1", node);
                return None;
            }
        };
        match parsed {
            Some(v) if v >= Decimal::ZERO && v <= Decimal::ONE => Some(v),
            _ => {
                let msg = format!("`{key}` must be a number between 0 and 1");
                self.diags.error(self.path, node.line, node.column, msg);
                None
            }
        }
    }

    /// Money written as a number or as a string such as "¥30,000".
    pub fn money(&mut self, key: &str) -> Option<Decimal> {
        let node = self.get(key)?;
        let parsed = match &node.val {
            Val::Num(n) => Decimal::from_str(n)
                .or_else(|_| Decimal::from_scientific(n))
                .map_err(|_| format!("`{n}` is not an amount"))
                .and_then(|v| within_bounds(v, n)),
            Val::Str(s) => parse_money(s),
            _ => {
                self.wrong_type(key, "an amount", node);
                return None;
            }
        };
        match parsed {
            Ok(v) if v >= Decimal::ZERO => Some(v),
            Ok(_) => {
                self.diags.error(
                    self.path,
                    node.line,
                    node.column,
                    format!("`{key}` must not be negative"),
                );
                None
            }
            Err(e) => {
                self.diags
                    .error(self.path, node.line, node.column, format!("`{key}`: {e}"));
                None
            }
        }
    }

    /// A calendar date: a TOML date, or a string `YYYY-MM-DD`.
    pub fn date(&mut self, key: &str) -> Option<Date> {
        let node = self.get(key)?;
        let text = match &node.val {
            Val::Date(d) | Val::Str(d) => d.clone(),
            Val::Null => return None,
            _ => {
                self.wrong_type(key, "a date (YYYY-MM-DD)", node);
                return None;
            }
        };
        match parse_date(&text) {
            Ok(d) => Some(d),
            Err(e) => {
                self.diags
                    .error(self.path, node.line, node.column, format!("`{key}`: {e}"));
                None
            }
        }
    }

    pub fn table(&mut self, key: &str) -> Option<&'a NodeMap> {
        let node = self.get(key)?;
        match &node.val {
            Val::Table(t) => Some(t),
            _ => {
                self.wrong_type(key, "a table", node);
                None
            }
        }
    }

    pub fn array_of_tables(&mut self, key: &str) -> Option<Vec<&'a NodeMap>> {
        let node = self.get(key)?;
        match &node.val {
            Val::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match &item.val {
                        Val::Table(t) => out.push(t),
                        _ => self.wrong_type(key, "an array of tables", item),
                    }
                }
                Some(out)
            }
            _ => {
                self.wrong_type(key, "an array of tables", node);
                None
            }
        }
    }

    /// Warns about every key that is neither known nor was read.
    pub fn warn_unknown(&mut self, known: &[&str]) {
        for (key, node) in self.table {
            if !known.contains(&key.as_str()) && !self.seen.contains(key) {
                let msg = format!("unknown key `{key}` is ignored");
                self.diags
                    .warning(self.path, node.line.or_else(|| key_line(self.text, key)), None, msg);
            }
        }
    }
}

impl Fields<'_, '_> {
    /// An error for every key that is neither known nor was read: for
    /// tables where an ignored key could fail open (a misspelt `expires`
    /// in `[consent]` would publish a story past its expiry).
    pub fn refuse_unknown(&mut self, known: &[&str], table: &str) {
        for (key, node) in self.table {
            if !known.contains(&key.as_str()) && !self.seen.contains(key) {
                let hint = match known.iter().find(|k| edit_distance(k, key) <= 2) {
                    Some(k) => format!("did you mean `{k}`?"),
                    None => format!("expected one of {}", known.join(", ")),
                };
                let msg = format!("unknown key `{key}` in {table}: {hint}");
                self.diags
                    .error(self.path, node.line.or_else(|| key_line(self.text, key)), None, msg);
            }
        }
    }
}

/// Levenshtein distance of two short strings (by characters).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Parses a whole TOML file into a table, reporting a syntax error.
pub fn parse_table(text: &str, path: &Path, diags: &mut Diagnostics) -> Option<NodeMap> {
    match parse_toml(text, 1) {
        Ok(t) => Some(t),
        Err((line, col, msg)) => {
            diags.error(path, Some(line), Some(col), msg);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("expires", "expires"), 0);
        assert_eq!(edit_distance("expires", "expire"), 1);
        assert_eq!(edit_distance("expires", "expiers"), 2);
        assert_eq!(edit_distance("scope", "scopes"), 1);
        assert_eq!(edit_distance("status", "expires"), 6);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn toml_positions_point_at_values() {
        let t = parse_toml("a = 1\nb = \"x\"\n", 1).unwrap();
        assert_eq!(t["b"].line, Some(2));
        assert_eq!(t["b"].column, Some(5));
        assert_eq!(t["a"].val, Val::Num("1".into()));
    }

    #[test]
    fn toml_with_offset() {
        let t = parse_toml("a = 1\nb = 2020-01-01\n", 5).unwrap();
        assert_eq!(t["b"].line, Some(6));
        assert_eq!(t["b"].val, Val::Date("2020-01-01".into()));
    }

    #[test]
    fn yaml_keys_have_lines() {
        let t = parse_yaml("title: Hello\nconsent:\n  status: granted\n  scope: [name]\n", 2).unwrap();
        assert_eq!(t["title"].val, Val::Str("Hello".into()));
        assert_eq!(t["title"].line, Some(2));
        let Val::Table(c) = &t["consent"].val else { panic!() };
        assert_eq!(c["status"].line, Some(4));
    }

    #[test]
    fn bad_yaml_is_an_error_not_a_panic() {
        assert!(parse_yaml("title: [unclosed\n", 2).is_err());
        assert!(parse_yaml("- a\n- b\n", 2).is_err());
    }
}
