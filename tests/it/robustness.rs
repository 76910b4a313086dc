//! casebook never panics on user input: truncated and garbled copies of the
//! sample's CSV, TOML and markdown files give errors, not panics.

use std::fs;
use std::path::Path;

use crate::common::*;

/// A small deterministic generator, so failures can be replayed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() as usize) % n.max(1)
    }
}

const GARBAGE: &[&[u8]] = &[
    b"\xff\xfe\x00",
    b"\"",
    b",,,,,,",
    b"\n\n+++\n",
    b"---\n: :\n",
    b"\r",
    b"\x00",
    "\u{feff}".as_bytes(),
    b"[consent]\nstatus = 3\n",
    b"9999999999999999999999999999999",
    b"-",
    "１２，０００円".as_bytes(),
    b"2026-02-30",
    b"[[[",
];

fn mutate(bytes: &[u8], rng: &mut Lcg) -> Vec<u8> {
    let mut out = bytes.to_vec();
    match rng.below(4) {
        0 => out.truncate(rng.below(out.len() + 1)),
        1 => {
            let at = rng.below(out.len() + 1);
            let g = GARBAGE[rng.below(GARBAGE.len())];
            out.splice(at..at, g.iter().copied());
        }
        2 => {
            let at = rng.below(out.len() + 1);
            let len = rng.below(40).min(out.len() - at);
            out.drain(at..at + len);
        }
        _ => {
            for _ in 0..1 + rng.below(5) {
                if out.is_empty() {
                    break;
                }
                let at = rng.below(out.len());
                out[at] = (rng.next() & 0xff) as u8;
            }
        }
    }
    out
}

fn input_files(root: &Path) -> Vec<std::path::PathBuf> {
    let mut files = vec![root.join("casebook.toml")];
    for part in ["data", "content"] {
        for e in walkdir::WalkDir::new(root.join(part)).sort_by_file_name() {
            let e = e.unwrap();
            if e.file_type().is_file() {
                files.push(e.path().to_path_buf());
            }
        }
    }
    files
}

#[test]
fn garbled_inputs_give_errors_not_panics() {
    let project = copy_project(&repo());
    let root = project.path();
    let files = input_files(root);
    let mut rng = Lcg(20261125);
    let mut failures = 0;
    // Each round garbles one file, loads and (when it still loads) computes
    // and renders, then restores the file.
    for round in 0..160 {
        let file = &files[if round < 12 {
            round * 7 % files.len()
        } else {
            rng.below(files.len())
        }];
        let original = fs::read(file).unwrap();
        fs::write(file, mutate(&original, &mut rng)).unwrap();
        let loaded = casebook::load::load(root);
        if let Some(p) = &loaded.project {
            let month = casebook::metrics::default_as_of(p, jiff::civil::date(2026, 11, 25))
                .unwrap_or(casebook::month::Month::new(2026, 10).unwrap());
            let m = casebook::metrics::compute(p, month);
            let _ = casebook::metrics::to_json(&m);
        } else {
            failures += 1;
            assert!(loaded.diagnostics.has_errors());
            for d in loaded.diagnostics.errors() {
                assert!(!d.message.is_empty());
            }
        }
        fs::write(file, &original).unwrap();
    }
    assert!(
        failures > 20,
        "only {failures} of 160 garbled projects were rejected; the mutations are too weak"
    );
}

#[test]
fn the_cli_exits_1_not_101_on_garbled_input() {
    let project = copy_project(&repo());
    let root = project.path();
    fs::write(
        root.join("data/clients/hinode-foods/invoices.csv"),
        b"date,amount\n\xff\xfe,\"unterminated\n",
    )
    .unwrap();
    fs::write(
        root.join("casebook.toml"),
        b"title = \"x\"\ncurrency = \"JPY\"\n[[health.components]]\nmetric = 3\n",
    )
    .unwrap();
    let (code, _, stderr) = build(root, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("casebook.toml:4:"), "{stderr}");
}

/// Issue 11 item 4: an amount as large as a Decimal holds passed `check` and
/// made `build` and `metrics` panic ("Addition overflowed"). Amounts are
/// bounded at 10^15 when read, so no total can overflow.
#[test]
fn an_amount_too_large_to_add_up_is_an_error_not_a_panic() {
    let project = copy_project(&repo());
    let root = project.path();
    let invoices = root.join("data/clients/hinode-foods/invoices.csv");
    let mut text = fs::read_to_string(&invoices).unwrap();
    text.push_str("2026-07-01,79228162514264337593543950335,,,\n");
    fs::write(&invoices, &text).unwrap();
    let line = text.lines().count();
    for args in [
        &["check", "--today", "2026-11-25"][..],
        &["build", "--today", "2026-11-25"],
        &["metrics"],
    ] {
        let (code, _, stderr) = run(root, args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "data/clients/hinode-foods/invoices.csv:{line}:12: `79228162514264337593543950335` is too large"
            )),
            "{stderr}"
        );
    }
    // client.toml's `cac` is bounded the same way, as a number or a string.
    for cac in ["cac = 1000000000000001", "cac = \"¥1,000,000,000,000,001\""] {
        let toml = root.join("data/clients/hinode-foods/client.toml");
        let original = fs::read_to_string(&toml).unwrap();
        fs::write(&toml, format!("{original}{cac}\n")).unwrap();
        let (code, _, stderr) = run(root, &["check", "--today", "2026-11-25"]);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("too large"), "{stderr}");
        fs::write(&toml, original).unwrap();
    }
}

/// The largest amounts allowed, in every client and every month, with
/// credit notes as large, still build and compute.
#[test]
fn the_largest_amounts_allowed_build_and_compute() {
    let project = copy_project(&repo());
    let root = project.path();
    for e in fs::read_dir(root.join("data/clients")).unwrap() {
        let dir = e.unwrap().path();
        let mut text = String::from("date,amount,kind\n");
        for m in 1..=12 {
            text.push_str(&format!("2025-{m:02}-01,\"1,000,000,000,000,000\",\n"));
            text.push_str(&format!("2026-{m:02}-01,1000000000000000,upsell\n"));
            text.push_str(&format!("2026-{m:02}-02,-999999999999999.99,\n"));
        }
        fs::write(dir.join("invoices.csv"), text).unwrap();
        let toml = dir.join("client.toml");
        let original = fs::read_to_string(&toml).unwrap();
        let kept: Vec<&str> = original.lines().filter(|l| !l.starts_with("cac")).collect();
        fs::write(&toml, format!("{}\ncac = 1000000000000000\n", kept.join("\n"))).unwrap();
    }
    let (code, _, stderr) = build(root, &["--archive"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = run(root, &["metrics"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\"clients\""), "{stdout}");
}
