//! `client.toml` (SPEC §1.1), read the same way by `load` and `import`.

use std::path::Path;

use super::document::Fields;
use crate::diag::Diagnostics;
use crate::model::{Client, Contract};

/// Reads a client's settings; `None` when the file cannot be parsed or has
/// no `name`. The client has no invoices or other data yet.
pub fn parse_client_toml(id: &str, text: &str, rel: &Path, diags: &mut Diagnostics) -> Option<Client> {
    let table = super::document::parse_table(text, rel, diags)?;
    let mut f = Fields::new(&table, text, rel, diags);
    let name = f.required_string("name");
    let alias = f.string("alias").filter(|s| !s.trim().is_empty());
    let aka: Vec<String> = f.strings("aka").into_iter().filter(|s| !s.trim().is_empty()).collect();
    let industry = f.string("industry").filter(|s| !s.trim().is_empty());
    let channel = f.string("channel").filter(|s| !s.trim().is_empty());
    let acquired = f.date("acquired");
    let cac = f.money("cac");
    let gross_margin = f.fraction("gross_margin");
    let ended = f.date("ended");
    let contract = f.string("contract").and_then(|v| {
        let parsed = Contract::parse(&v);
        if parsed.is_none() {
            f.error_at(
                "contract",
                format!("unknown contract `{v}`; expected \"retainer\" or \"project\" (or leave it out to infer it)"),
            );
        }
        parsed
    });
    let lang = f.string("lang").and_then(|code| {
        let lang = crate::i18n::Lang::parse(&code);
        if lang.is_none() {
            f.error_at("lang", crate::i18n::Lang::unknown(&code));
        }
        lang
    });
    f.warn_unknown(&[
        "name",
        "alias",
        "aka",
        "industry",
        "channel",
        "acquired",
        "cac",
        "gross_margin",
        "ended",
        "contract",
        "lang",
    ]);
    Some(Client {
        id: id.to_string(),
        name: name?,
        alias,
        aka,
        industry,
        channel,
        acquired,
        cac,
        gross_margin,
        ended,
        contract,
        lang,
        invoices: Vec::new(),
        nps: Vec::new(),
        activity: Vec::new(),
        outcomes: Vec::new(),
        notes: Vec::new(),
        story: None,
    })
}
