//! `casebook init DIR`: the new project, and what to do next.

use std::path::Path;

use super::{FAILED, print_failure};
use crate::init;

/// Creates the project and says what to do next (`quiet`: errors only).
pub fn run_init(dir: &Path, quiet: bool) -> Result<(), u8> {
    match init::create(dir) {
        Ok(files) => {
            if !quiet {
                let root = dir.display();
                println!("created a casebook project in {root} ({} files)", files.len());
                println!("next:");
                println!("  casebook --root {root} check     validate the example");
                println!("  casebook --root {root} build     write {root}/site/");
                println!("then replace the example client with your own (see {root}/README.md)");
            }
            Ok(())
        }
        Err(e) => {
            print_failure(&e.to_string());
            Err(FAILED)
        }
    }
}
