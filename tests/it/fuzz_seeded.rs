//! The fuzz targets of `fuzz/targets.rs`, fed by a seeded random-input
//! generator: structure-aware mutations (tokens that matter to CSV, money,
//! dates, front matter, markdown, HTML and names) of the sample project's
//! own files. Deterministic: the same seed gives the same inputs, and a
//! failing input is written to `target/fuzz-failures/` with its seed and
//! round. `.ci/fuzz` runs the same targets coverage-guided with libFuzzer.
//!
//! `CASEBOOK_FUZZ_ROUNDS=N` sets the inputs per target (default 1,500);
//! `CASEBOOK_FUZZ_SEED=S` another seed.

#[allow(dead_code)]
#[path = "../../fuzz/targets.rs"]
mod targets;

use std::fs;
use std::path::Path;

use crate::common::repo;

/// xorshift64*: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Pieces that mean something to one of the parsers.
const TOKENS: &[&str] = &[
    "\"",
    ",",
    "\n",
    "\r\n",
    "\r",
    "\"\"",
    ",\"",
    "\"\n",
    "+++\n",
    "---\n",
    "[",
    "]",
    "{",
    "}",
    "[consent]\n",
    "status = \"granted\"\n",
    "scope = [\"name\"]\n",
    "title: ",
    "- ",
    "> ",
    "1. ",
    "  ",
    "\t",
    "* ",
    "**",
    "`",
    "```\n",
    "](",
    "[x](javascript:alert(1))",
    "<div>",
    "</div>",
    "<ruby>Sak<rt>さ</rt>ura</ruby>",
    "<!--",
    "-->",
    "<br>",
    "&#65;",
    "%E6%A0%AA",
    "¥",
    "￥",
    "$",
    "€",
    "▲",
    "△",
    "-",
    ".",
    ",000",
    "１２，０００円",
    "79228162514264337593543950335",
    "0.0000000000000000000000000001",
    "1e9",
    "2026-10-31",
    "2026/1/5",
    "2026年10月1日",
    "２０２６／１０／０１",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "2026-10",
    "\u{feff}",
    "\u{0}",
    "\u{1b}[31m",
    "\u{202e}",
    "\u{ff}",
    "Sakura Cosmetics",
    "Sak**ura** Cos*metics*",
    "さくら化粧品",
    "Hinode Foods",
    "日の出食品",
    "HINODE",
    "ｓａｋｕｒａ",
    "Sakura",
];

fn mutate(seed: &[u8], others: &[Vec<u8>], rng: &mut Rng) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(out.len() + 1);
        match rng.below(8) {
            0 | 1 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                let times = if rng.below(16) == 0 { 1 + rng.below(300) } else { 1 };
                let insert: Vec<u8> = token.repeat(times);
                out.splice(at..at, insert);
            }
            2 => {
                let len = rng.below(64).min(out.len() - at);
                out.drain(at..at + len);
            }
            3 => {
                if at < out.len() {
                    out[at] = rng.next() as u8;
                }
            }
            4 => {
                // Repeat a piece of the input itself.
                let len = rng.below(32).min(out.len() - at);
                let piece = out[at..at + len].to_vec();
                out.splice(at..at, piece.repeat(1 + rng.below(4)));
            }
            5 => {
                // Splice in a piece of another seed.
                let other = &others[rng.below(others.len())];
                let from = rng.below(other.len() + 1);
                let len = rng.below(200).min(other.len() - from);
                out.splice(at..at, other[from..from + len].iter().copied());
            }
            6 => out.truncate(at),
            _ => {
                // Swap two lines.
                let text = String::from_utf8_lossy(&out).into_owned();
                let mut lines: Vec<&str> = text.split('\n').collect();
                if lines.len() > 1 {
                    let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                    lines.swap(a, b);
                    out = lines.join("\n").into_bytes();
                }
            }
        }
    }
    out
}

/// Every file under `dir` whose name ends with one of `extensions`.
fn files(dir: &Path, extensions: &[&str]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && extensions.iter().any(|e| name.ends_with(e)) {
            out.push(fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// The first column of every data row of the sample's invoices.csv files
/// whose header names `column` (dates, amounts).
fn column_values(column: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for csv in files(&repo().join("data"), &["invoices.csv"]) {
        let text = String::from_utf8_lossy(&csv).trim_start_matches('\u{feff}').to_string();
        let mut lines = text.lines();
        let Some(i) = lines.next().and_then(|h| h.split(',').position(|c| c == column)) else {
            continue;
        };
        out.extend(lines.filter_map(|l| l.split(',').nth(i)).map(|v| v.as_bytes().to_vec()));
    }
    out.sort();
    out.dedup();
    out
}

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let root = repo();
    let mut seeds = match target {
        "csv_rows" => {
            let mut s = files(&root.join("data"), &[".csv"]);
            s.extend(files(&root.join("tests/fixtures"), &[".csv"]));
            s
        }
        "money" => column_values("amount"),
        "dates" => column_values("date"),
        "front_matter" | "public_html" => files(&root.join("content"), &[".md"]),
        other => panic!("no seeds for {other}"),
    };
    seeds.extend(TOKENS.iter().map(|t| t.as_bytes().to_vec()));
    seeds
}

#[test]
fn every_parser_survives_seeded_random_input() {
    let rounds: usize = std::env::var("CASEBOOK_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    let seed: u64 = std::env::var("CASEBOOK_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20261202);
    for target in targets::TARGETS {
        let seeds = seeds(target);
        assert!(seeds.len() > TOKENS.len(), "{target}: no seeds from the sample");
        let mut rng = Rng(seed ^ target.len() as u64 ^ 0x9e37_79b9_7f4a_7c15);
        for round in 0..rounds {
            let input = if round < seeds.len() {
                seeds[round].clone()
            } else {
                mutate(&seeds[rng.below(seeds.len())], &seeds, &mut rng)
            };
            let outcome = std::panic::catch_unwind(|| targets::run(target, &input));
            if let Err(panic) = outcome {
                let dir = repo().join("target/fuzz-failures");
                fs::create_dir_all(&dir).unwrap();
                let file = dir.join(format!("{target}-seed{seed}-round{round}"));
                fs::write(&file, &input).unwrap();
                eprintln!(
                    "{target} failed on round {round} of seed {seed}; input in {}",
                    file.display()
                );
                std::panic::resume_unwind(panic);
            }
        }
    }
}
