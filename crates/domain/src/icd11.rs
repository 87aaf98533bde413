//! ICD-11 MMS catalogue (spec §6): the parsed row type, what a diagnosis may use
//! (§6.3) and the in-memory search index (§6.4, see [`Icd11Index`]).
//!
//! Parsing the WHO file (`.txt` / `.xlsx`) lives in `medops-documents`; this module
//! only holds the rules, so it does no I/O.

mod index;

pub use index::{EntryRef, Icd11Index, IndexEntry, MatchRank, SearchHit};

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Placeholder WHO puts in the Code column of 55 categories: not a code.
pub const NO_CODE_ASSIGNED: &str = "_NOCODEASSIGNED";

/// Chapter number of the extension codes (`XJ8HG`, `XS8H`…): they only qualify a
/// stem code and are never a diagnosis on their own.
pub const EXTENSION_CHAPTER: &str = "X";

/// Prefix of the release stamp in the last header cell (`Version:2025 Nov 06 - 10:24 UTC`).
pub const RELEASE_PREFIX: &str = "Version:";

/// The `ClassKind` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClassKind {
    Chapter,
    Block,
    Category,
}

impl ClassKind {
    /// The spelling used by WHO's file and by storage (`chapter`, `block`, `category`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ClassKind::Chapter => "chapter",
            ClassKind::Block => "block",
            ClassKind::Category => "category",
        }
    }

    /// Parses WHO's spelling (surrounding spaces and ASCII case ignored).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        [ClassKind::Chapter, ClassKind::Block, ClassKind::Category]
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for ClassKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of WHO's LinearizationMiniOutput, cleaned (spec §6.1, §6.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Icd11Row {
    /// `Linearization (release) URI`: the stable key, unique in a file.
    pub linearization_uri: String,
    /// `Foundation URI`; `None` when empty (every residual `/other`, `/unspecified` row).
    pub foundation_uri: Option<String>,
    /// A real code; `None` for an empty cell and for `_NOCODEASSIGNED`.
    pub code: Option<String>,
    /// `BlockId` (`BlockL1-1A0`); `None` when empty (chapters, categories).
    pub block_id: Option<String>,
    /// Title without the leading "- " depth markers, trimmed; otherwise WHO's text.
    pub title: String,
    pub class_kind: ClassKind,
    /// Depth in the hierarchy: chapters 0, their children 1… (count of "- " markers).
    pub depth: u8,
    /// `ChapterNo` as written: `01`…`26`, `V`, `X`.
    pub chapter_no: String,
    pub is_leaf: bool,
    /// Residual category (`/other` → code ending `Y`, `/unspecified` → `Z`).
    pub is_residual: bool,
    /// Linearization URI of the nearest row above with one level less; `None` for chapters.
    pub parent_uri: Option<String>,
    /// Release stamp from the header (`2025 Nov 06 - 10:24 UTC`).
    pub release: String,
}

impl Icd11Row {
    /// §6.3 for this row; `active` is false for retired entities.
    pub fn is_selectable(&self, active: bool) -> bool {
        is_selectable(self.class_kind, self.code.as_deref(), &self.chapter_no, active)
    }

    /// True for rows of the extension-codes chapter X.
    pub fn is_extension(&self) -> bool {
        self.chapter_no == EXTENSION_CHAPTER
    }
}

/// Spec §6.3: a diagnosis may use a category with a real code (leaf or not, residual
/// or not), never a chapter or block, never `_NOCODEASSIGNED` or an empty code, never
/// an extension code (chapter X), never a retired (`active == false`) entity.
pub fn is_selectable(kind: ClassKind, code: Option<&str>, chapter_no: &str, active: bool) -> bool {
    active
        && kind == ClassKind::Category
        && chapter_no.trim() != EXTENSION_CHAPTER
        && code.is_some_and(|c| c != NO_CODE_ASSIGNED && is_valid_code_shape(c))
}

/// Shape of a real MMS code, upper case:
/// - stem code: `[0-9A-Z][A-Z][0-9][0-9A-Z]` optionally followed by `.` and one or two
///   of `[0-9A-Z]` (`1A00`, `BA00`, `1A11.Z`, `2C6Z.0Y`);
/// - extension code: `X[A-Z]` followed by two to four of `[0-9A-Z]` (`XS8H`, `XJ8HG`, `XD80Z7`).
///
/// `_NOCODEASSIGNED` and the empty string are not codes.
pub fn is_valid_code_shape(code: &str) -> bool {
    fn alnum(c: &u8) -> bool {
        c.is_ascii_digit() || c.is_ascii_uppercase()
    }
    let stem = match code.as_bytes() {
        [a, b, c, d, rest @ ..] if alnum(a) && b.is_ascii_uppercase() && c.is_ascii_digit() && alnum(d) => match rest {
            [] => true,
            [b'.', ext @ ..] => (1..=2).contains(&ext.len()) && ext.iter().all(alnum),
            _ => false,
        },
        _ => false,
    };
    let extension = match code.as_bytes() {
        [b'X', b, rest @ ..] => b.is_ascii_uppercase() && (2..=4).contains(&rest.len()) && rest.iter().all(alnum),
        _ => false,
    };
    stem || extension
}

/// Splits WHO's title into its depth (number of leading "- " pairs) and the clean,
/// trimmed title: `"- - - Botulism"` → `(3, "Botulism")`.
pub fn strip_depth_markers(raw: &str) -> (usize, &str) {
    let mut rest = raw;
    let mut depth = 0;
    while let Some(r) = rest.strip_prefix("- ") {
        rest = r;
        depth += 1;
    }
    (depth, rest.trim())
}

/// The release from the last header cell: `"Version:2025 Nov 06 - 10:24 UTC"` →
/// `Some("2025 Nov 06 - 10:24 UTC")`; `None` without the prefix or with nothing after it.
pub fn parse_release(header_cell: &str) -> Option<&str> {
    let cell = header_cell.trim();
    let head = cell.get(..RELEASE_PREFIX.len())?;
    if !head.eq_ignore_ascii_case(RELEASE_PREFIX) {
        return None;
    }
    let release = cell.get(RELEASE_PREFIX.len()..)?.trim();
    (!release.is_empty()).then_some(release)
}

/// Case- and accent-insensitive form: lower case, NFKD, combining marks dropped.
/// (Private; same rule as `text::fold`, kept here so the catalogue does not depend
/// on that module while it changes.)
fn fold(s: &str) -> String {
    s.to_lowercase().nfkd().filter(|c| !is_combining_mark(*c)).collect()
}

/// Search words of a text: folded, split on anything not alphanumeric; apostrophes are
/// dropped inside words (`Alzheimer's` → `alzheimers`).
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in fold(s).chars() {
        if c.is_alphanumeric() {
            cur.push(c);
        } else if matches!(c, '\'' | '\u{2019}' | '\u{2bc}') {
            continue;
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn class_kind_parse() {
        assert_eq!(ClassKind::parse("chapter"), Some(ClassKind::Chapter));
        assert_eq!(ClassKind::parse(" Block "), Some(ClassKind::Block));
        assert_eq!(ClassKind::parse("category"), Some(ClassKind::Category));
        assert_eq!(ClassKind::parse("window"), None);
        assert_eq!(ClassKind::parse(""), None);
        assert_eq!(ClassKind::Category.to_string(), "category");
    }

    #[test]
    fn code_shapes() {
        for ok in [
            "1A00", "BA00", "1A11.Z", "1A1Y", "2C6Z.0Y", "5A11", "XS8H", "XJ8HG", "XD80Z7", "VA00", "KA01.00",
        ] {
            assert!(is_valid_code_shape(ok), "{ok}");
        }
        for bad in [
            "",
            "_NOCODEASSIGNED",
            "1A0",
            "ba00",
            "1A00.",
            "1A00.123",
            "11A0",
            "1AA0",
            "X1234",
            "XA1",
            "XABCDEF",
            "1A00 ",
            "1A00-1",
        ] {
            assert!(!is_valid_code_shape(bad), "{bad}");
        }
    }

    #[test]
    fn selectable_rules() {
        use ClassKind::*;
        assert!(is_selectable(Category, Some("1A00"), "01", true));
        assert!(is_selectable(Category, Some("1A11.Z"), "01", true), "residual unspecified");
        assert!(is_selectable(Category, Some("1A1Y"), "01", true), "residual other");
        assert!(!is_selectable(Category, Some("1A00"), "01", false), "retired");
        assert!(!is_selectable(Category, None, "01", true));
        assert!(!is_selectable(Category, Some(NO_CODE_ASSIGNED), "01", true));
        assert!(!is_selectable(Category, Some("XS8H"), "X", true), "extension code");
        assert!(!is_selectable(Block, Some("XJ8HG"), "X", true));
        assert!(!is_selectable(Block, None, "01", true));
        assert!(!is_selectable(Chapter, None, "01", true));
    }

    #[test]
    fn depth_markers() {
        assert_eq!(
            strip_depth_markers("Certain infectious or parasitic diseases"),
            (0, "Certain infectious or parasitic diseases")
        );
        assert_eq!(strip_depth_markers("- - - Botulism"), (3, "Botulism"));
        assert_eq!(
            strip_depth_markers("- - Type 2 diabetes mellitus "),
            (2, "Type 2 diabetes mellitus")
        );
        assert_eq!(strip_depth_markers("- Non-Hodgkin - lymphoma"), (1, "Non-Hodgkin - lymphoma"));
        assert_eq!(strip_depth_markers("- "), (1, ""));
    }

    #[test]
    fn release_cell() {
        assert_eq!(parse_release("Version:2025 Nov 06 - 10:24 UTC"), Some("2025 Nov 06 - 10:24 UTC"));
        assert_eq!(parse_release(" version: 2026 Jan 01 "), Some("2026 Jan 01"));
        assert_eq!(parse_release("Version:"), None);
        assert_eq!(parse_release("Grouping5"), None);
        assert_eq!(parse_release(""), None);
    }

    #[test]
    fn folding_and_words() {
        assert_eq!(fold("Diabétes MELLITUS"), "diabetes mellitus");
        assert_eq!(fold("Ménière"), "meniere");
        assert_eq!(
            words("Alzheimer’s disease, type 2 (non-Hodgkin)"),
            ["alzheimers", "disease", "type", "2", "non", "hodgkin"]
        );
        assert!(words(" \t-,. ").is_empty());
    }

    #[test]
    fn row_helpers() {
        let row = Icd11Row {
            linearization_uri: "http://id.who.int/icd/release/11/beta/mms/78422942/unspecified".into(),
            foundation_uri: None,
            code: Some("1A11.Z".into()),
            block_id: None,
            title: "Botulism, unspecified".into(),
            class_kind: ClassKind::Category,
            depth: 4,
            chapter_no: "01".into(),
            is_leaf: true,
            is_residual: true,
            parent_uri: Some("http://id.who.int/icd/release/11/beta/mms/78422942".into()),
            release: "2025 Nov 06 - 10:24 UTC".into(),
        };
        assert!(row.is_selectable(true));
        assert!(!row.is_selectable(false));
        assert!(!row.is_extension());
        let json = serde_json::to_value(&row).unwrap();
        assert_eq!(json["class_kind"], "category");
    }
}
