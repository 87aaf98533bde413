//! ICD-11 fixtures for integration tests.
//!
//! [`load_fixture`] imports the real WHO rows of chapters 01 (infectious diseases) and
//! 05 (endocrine, nutritional or metabolic diseases): 1,732 rows, well under a second.
//! Good codes it provides:
//! - `1A00` Cholera (leaf, selectable);
//! - `1A11` Botulism (non-leaf category with a code: selectable);
//! - `1A11.Z` Botulism, unspecified (residual `.Z`, selectable);
//! - `1A1Y` Other specified bacterial foodborne intoxications (residual `Y`, selectable);
//! - `5A10` Type 1 diabetes mellitus, `5A11` Type 2 diabetes mellitus (selectable);
//! - "Foodborne Vibrio vulnificus intoxication" has `_NOCODEASSIGNED` (no code, not selectable).
//!
//! Codes of other chapters (e.g. `BA00`) need [`load_full_txt`] (slow in debug builds).

use std::sync::OnceLock;

use medops_services::icd11::{File, ImportSummary, parse_path};

use crate::TestApp;

/// The WHO release, parsed once per test process: the shared `.txt` twin when present
/// (`../shared/data/icd11/`), else the `.xlsx` the repository ships (same rows), so tests also
/// run on a clone that sits elsewhere.
pub fn full_txt() -> &'static File {
    static FILE: OnceLock<File> = OnceLock::new();
    FILE.get_or_init(|| {
        let path = crate::shared_icd11_txt().unwrap_or_else(|| {
            eprintln!("NOTE: using the repository's .xlsx instead of the shared .txt for the ICD-11 fixture");
            crate::repo_icd11_xlsx()
        });
        match parse_path(&path) {
            Ok(f) => f,
            Err(e) => panic!("cannot parse {}: {e}", path.display()),
        }
    })
}

/// Chapters 01 and 05 of the real release, whole (parents always included).
pub fn fixture_file() -> File {
    let full = full_txt();
    File {
        release: full.release.clone(),
        rows: full
            .rows
            .iter()
            .filter(|r| r.chapter_no == "01" || r.chapter_no == "05")
            .cloned()
            .collect(),
    }
}

/// Imports chapters 01 and 05 (see the module docs for the codes available).
pub async fn load_fixture(app: &TestApp) -> ImportSummary {
    match app.services.icd11_import_parsed(fixture_file()).await {
        Ok(s) => s,
        Err(e) => panic!("ICD-11 fixture import failed: {e}"),
    }
}

/// Imports the whole release (37,050 rows; seconds in debug builds).
pub async fn load_full_txt(app: &TestApp) -> ImportSummary {
    match app.services.icd11_import_parsed(full_txt().clone()).await {
        Ok(s) => s,
        Err(e) => panic!("ICD-11 import failed: {e}"),
    }
}
