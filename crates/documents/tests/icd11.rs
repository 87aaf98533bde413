//! ICD-11 release file parsing (spec §6.1) against the shipped WHO files and
//! synthetic malformed inputs, plus the search index over the real catalogue.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_arguments)]

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use medops_documents::icd11::{Icd11File, ParseError, parse_bytes, parse_path, parse_txt, parse_xlsx};
use medops_domain::icd11::{ClassKind, Icd11Index, IndexEntry, MatchRank};

const TXT: &str = "LinearizationMiniOutput-MMS-en.txt";
const XLSX: &str = "LinearizationMiniOutput-MMS-en.xlsx";
const RELEASE: &str = "2025 Nov 06 - 10:24 UTC";
const MMS: &str = "http://id.who.int/icd/release/11/beta/mms/";

fn data_dir() -> PathBuf {
    match std::env::var_os("MEDOPS_ICD11_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/icd11")),
    }
}

/// The shipped file's bytes, or `None` (with a loud note) when it is not there.
fn real_bytes(name: &str) -> Option<&'static [u8]> {
    static TXT_BYTES: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    static XLSX_BYTES: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    let cell = if name == TXT { &TXT_BYTES } else { &XLSX_BYTES };
    let bytes = cell.get_or_init(|| std::fs::read(data_dir().join(name)).ok()).as_deref();
    if bytes.is_none() {
        eprintln!("SKIPPED: {} not found (set MEDOPS_ICD11_DIR)", data_dir().join(name).display());
    }
    bytes
}

fn real_txt() -> Option<&'static Icd11File> {
    static PARSED: OnceLock<Icd11File> = OnceLock::new();
    let bytes = real_bytes(TXT)?;
    Some(PARSED.get_or_init(|| {
        let t = Instant::now();
        let f = parse_txt(bytes).unwrap();
        eprintln!("parsed {TXT} in {:?}", t.elapsed());
        f
    }))
}

fn real_xlsx() -> Option<&'static Icd11File> {
    static PARSED: OnceLock<Icd11File> = OnceLock::new();
    let bytes = real_bytes(XLSX)?;
    Some(PARSED.get_or_init(|| {
        let t = Instant::now();
        let f = parse_xlsx(bytes).unwrap();
        eprintln!("parsed {XLSX} in {:?}", t.elapsed());
        f
    }))
}

fn by_code<'a>(file: &'a Icd11File, code: &str) -> &'a medops_domain::icd11::Icd11Row {
    file.rows.iter().find(|r| r.code.as_deref() == Some(code)).unwrap()
}

fn by_uri<'a>(file: &'a Icd11File, uri: &str) -> &'a medops_domain::icd11::Icd11Row {
    file.rows.iter().find(|r| r.linearization_uri == uri).unwrap()
}

// ---------------------------------------------------------------- real files

#[test]
fn real_txt_counts_and_release() {
    let Some(file) = real_txt() else { return };
    assert_eq!(file.release, RELEASE);
    assert_eq!(file.rows.len(), 37_050);
    let count = |k: ClassKind| file.rows.iter().filter(|r| r.class_kind == k).count();
    assert_eq!(count(ClassKind::Chapter), 28);
    assert_eq!(count(ClassKind::Block), 1_418);
    assert_eq!(count(ClassKind::Category), 35_604);
    let codes: HashSet<&str> = file.rows.iter().filter_map(|r| r.code.as_deref()).collect();
    assert_eq!(codes.len(), 35_552);
    assert!(file.rows.iter().all(|r| r.release == RELEASE));
    let uris: HashSet<&str> = file.rows.iter().map(|r| r.linearization_uri.as_str()).collect();
    assert_eq!(uris.len(), 37_050);
    // Clean titles: no depth marker left, nothing to trim.
    assert!(
        file.rows
            .iter()
            .all(|r| !r.title.starts_with("- ") && r.title.trim() == r.title && !r.title.is_empty())
    );
    let chapters: Vec<&str> = file
        .rows
        .iter()
        .filter(|r| r.class_kind == ClassKind::Chapter)
        .map(|r| r.chapter_no.as_str())
        .collect();
    assert_eq!(chapters.first(), Some(&"01"));
    assert_eq!(chapters.last(), Some(&"X"));
}

#[test]
fn real_txt_no_code_assigned_becomes_none() {
    let Some(file) = real_txt() else { return };
    let text = std::str::from_utf8(real_bytes(TXT).unwrap()).unwrap();
    let placeholder_uris: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("\t_NOCODEASSIGNED\t"))
        .map(|l| l.split('\t').nth(1).unwrap())
        .collect();
    assert_eq!(placeholder_uris.len(), 55);
    for uri in &placeholder_uris {
        let row = by_uri(file, uri);
        assert_eq!(row.code, None, "{uri}");
        assert_eq!(row.class_kind, ClassKind::Category);
        assert!(!row.is_selectable(true));
    }
    let codeless_categories = file.rows.iter().filter(|r| r.class_kind == ClassKind::Category && r.code.is_none());
    assert_eq!(codeless_categories.count(), 55);
    assert!(file.rows.iter().all(|r| r.code.as_deref() != Some("_NOCODEASSIGNED")));
}

#[test]
fn real_txt_selectable_rules() {
    let Some(file) = real_txt() else { return };
    let extension: Vec<_> = file.rows.iter().filter(|r| r.chapter_no == "X" && r.code.is_some()).collect();
    assert_eq!(extension.len(), 17_078);
    assert!(
        extension.iter().all(|r| !r.is_selectable(true)),
        "extension codes are never selectable"
    );
    let blocks_with_codes: Vec<&str> = file
        .rows
        .iter()
        .filter(|r| r.class_kind == ClassKind::Block && r.code.is_some())
        .map(|r| r.code.as_deref().unwrap())
        .collect();
    assert_eq!(blocks_with_codes, ["XJ8HG", "XJ7JD", "XJ1D4"]);
    assert!(
        file.rows
            .iter()
            .filter(|r| r.class_kind != ClassKind::Category)
            .all(|r| !r.is_selectable(true))
    );
    let selectable = file.rows.iter().filter(|r| r.is_selectable(true)).count();
    assert_eq!(selectable, 18_474);
    assert!(
        file.rows.iter().all(|r| !r.is_selectable(false)),
        "retired rows are never selectable"
    );

    let z = by_code(file, "1A11.Z");
    assert!(z.is_residual && z.is_selectable(true));
    assert!(z.linearization_uri.ends_with("/unspecified") && z.foundation_uri.is_none());
    let y = by_code(file, "1A1Y");
    assert!(y.is_residual && y.is_selectable(true));
    assert!(y.linearization_uri.ends_with("/other"));
    let botulism = by_code(file, "1A11");
    assert!(!botulism.is_leaf && botulism.is_selectable(true), "non-leaf category with a code");
    let residual_ok = file.rows.iter().filter(|r| r.is_residual).all(|r| {
        let u = &r.linearization_uri;
        (u.ends_with("/other") || u.ends_with("/unspecified")) && r.foundation_uri.is_none()
    });
    assert!(residual_ok);
}

#[test]
fn real_txt_parent_chains() {
    let Some(file) = real_txt() else { return };
    let chain = |code: &str| {
        let mut out = Vec::new();
        let mut row = by_code(file, code);
        while let Some(p) = &row.parent_uri {
            row = by_uri(file, p);
            out.push((
                row.linearization_uri.trim_start_matches(MMS).to_string(),
                row.class_kind,
                row.title.clone(),
            ));
        }
        out
    };
    let cholera = by_code(file, "1A00");
    assert_eq!(cholera.title, "Cholera");
    assert_eq!(cholera.depth, 3);
    assert_eq!(cholera.chapter_no, "01");
    assert_eq!(cholera.linearization_uri, format!("{MMS}257068234"));
    assert_eq!(
        chain("1A00"),
        [
            ("135352227".into(), ClassKind::Block, "Bacterial intestinal infections".into()),
            (
                "588616678".into(),
                ClassKind::Block,
                "Gastroenteritis or colitis of infectious origin".into()
            ),
            (
                "1435254666".into(),
                ClassKind::Chapter,
                "Certain infectious or parasitic diseases".into()
            ),
        ]
    );
    assert_eq!(by_uri(file, &format!("{MMS}135352227")).block_id.as_deref(), Some("BlockL2-1A0"));
    assert_eq!(
        chain("1A11.Z"),
        [
            ("78422942".into(), ClassKind::Category, "Botulism".into()),
            ("1834648119".into(), ClassKind::Block, "Bacterial foodborne intoxications".into()),
            (
                "588616678".into(),
                ClassKind::Block,
                "Gastroenteritis or colitis of infectious origin".into()
            ),
            (
                "1435254666".into(),
                ClassKind::Chapter,
                "Certain infectious or parasitic diseases".into()
            ),
        ]
    );
    let t2 = chain("5A11");
    assert_eq!(t2[0], ("465177735".into(), ClassKind::Block, "Diabetes mellitus".into()));
    assert_eq!(t2.last().unwrap().2, "Endocrine, nutritional or metabolic diseases");
    assert_eq!(chain("BA00").len(), 2);

    // Every parent is the nearest row above with one level less.
    let mut seen = std::collections::HashMap::new();
    for r in &file.rows {
        match &r.parent_uri {
            None => assert_eq!((r.class_kind, r.depth), (ClassKind::Chapter, 0)),
            Some(p) => assert_eq!(seen[p.as_str()] + 1, r.depth, "{}", r.linearization_uri),
        }
        seen.insert(r.linearization_uri.as_str(), r.depth);
    }
}

#[test]
fn real_txt_and_xlsx_agree() {
    let (Some(txt), Some(xlsx)) = (real_txt(), real_xlsx()) else {
        return;
    };
    assert_eq!(xlsx.release, txt.release);
    assert_eq!(xlsx.rows.len(), txt.rows.len());
    for (a, b) in txt.rows.iter().zip(&xlsx.rows) {
        assert_eq!(a, b);
    }
    assert_eq!(txt, xlsx);
}

#[test]
fn parse_path_and_bytes_choose_the_format() {
    let Some(_) = real_bytes(TXT) else { return };
    let via_path = parse_path(&data_dir().join(TXT)).unwrap();
    assert_eq!(via_path.rows.len(), 37_050);
    assert_eq!(parse_bytes(real_bytes(TXT).unwrap()).unwrap().rows.len(), 37_050);
    let Some(xlsx) = real_bytes(XLSX) else { return };
    assert_eq!(parse_bytes(xlsx).unwrap().rows.len(), 37_050);
    assert!(matches!(
        parse_path(&data_dir().join("README.md")),
        Err(ParseError::UnsupportedExtension(_))
    ));
    assert!(matches!(parse_path(&data_dir().join("absent.txt")), Err(ParseError::Io { .. })));
}

#[test]
fn real_txt_truncated_mid_line() {
    let Some(bytes) = real_bytes(TXT) else { return };
    // Cut in the middle of a line (inside the title of some row past the half).
    let mid = bytes.len() / 2;
    let line_start = mid + bytes[mid..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let cut = &bytes[..line_start + 120];
    let err = parse_txt(cut).unwrap_err();
    assert!(matches!(err, ParseError::TruncatedRow { expected: 20, .. }), "{err}");
    assert!(err.to_string().contains("truncated"), "{err}");
    // A cut one byte before the end (inside the last line's CRLF) still has every cell.
    assert!(parse_txt(&bytes[..bytes.len() - 1]).is_ok());
    // Cut inside the last line's cells.
    let err = parse_txt(&bytes[..bytes.len() - 12]).unwrap_err();
    assert!(matches!(err, ParseError::TruncatedRow { row: 37_051, .. }), "{err}");
}

#[test]
fn real_txt_truncated_at_line_boundary() {
    let Some(bytes) = real_bytes(TXT) else { return };
    let text = std::str::from_utf8(bytes).unwrap();
    let line_ends: Vec<usize> = text.match_indices("\r\n").map(|(i, _)| i + 2).collect();
    let lines: Vec<&str> = text.split("\r\n").collect();
    // Right after a parent row (isLeaf False): its children are gone.
    let parent_line = lines.iter().position(|l| l.contains("\t1A11\t")).unwrap();
    let err = parse_txt(&bytes[..line_ends[parent_line]]).unwrap_err();
    assert!(
        matches!(err, ParseError::ChildlessNonLeaf { row, .. } if row == parent_line + 1),
        "{err}"
    );
    // After a leaf, at a chapter boundary or inside a subtree before chapter X.
    for code in ["\t5A10\t", "\t1A00\t", "\tBA00.Z\t"] {
        let leaf_line = lines.iter().position(|l| l.contains(code)).unwrap();
        let err = parse_txt(&bytes[..line_ends[leaf_line]]).unwrap_err();
        assert!(matches!(err, ParseError::MissingExtensionChapter { .. }), "{err}");
    }
    // Only the header left.
    assert_eq!(parse_txt(&bytes[..line_ends[0]]).unwrap_err(), ParseError::NoRows);
}

// ---------------------------------------------------------------- synthetic files

const HEADER: &str = "Foundation URI\tLinearization (release) URI\tCode\tBlockId\tTitle\tClassKind\tDepthInKind\t\
IsResidual\tPrimaryLocation\tChapterNo\tBrowserLink\tisLeaf\tnoOfNonResidualChildren\tPrimary tabulation\t\
Grouping1\tGrouping2\tGrouping3\tGrouping4\tGrouping5\tVersion:2025 Nov 06 - 10:24 UTC";

fn line(id: &str, code: &str, block: &str, title: &str, kind: &str, residual: &str, chapter: &str, leaf: &str) -> String {
    let found = if residual == "True" {
        String::new()
    } else {
        format!("http://id.who.int/icd/entity/{id}")
    };
    format!(
        "{found}\t{MMS}{id}\t{code}\t{block}\t{title}\t{kind}\t1\t{residual}\tTrue\t{chapter}\t\
         =hyperlink(\"x\",\"browser\")\t{leaf}\t0\t\t\t\t\t\t\t"
    )
}

fn mini_lines() -> Vec<String> {
    vec![
        HEADER.to_string(),
        line(
            "1",
            "",
            "",
            "Certain infectious or parasitic diseases",
            "chapter",
            "False",
            "01",
            "False",
        ),
        line(
            "2",
            "",
            "BlockL1-1A0",
            "- Gastroenteritis or colitis of infectious origin",
            "block",
            "False",
            "01",
            "False",
        ),
        line("3", "1A00", "", "- - Cholera", "category", "False", "01", "True"),
        line(
            "4",
            "1A01",
            "",
            "- - Intestinal infection due to other Vibrio",
            "category",
            "False",
            "01",
            "False",
        ),
        line(
            "4/unspecified",
            "1A01.Z",
            "",
            "- - - Intestinal infection, unspecified",
            "category",
            "True",
            "01",
            "True",
        ),
        line(
            "5",
            "_NOCODEASSIGNED",
            "",
            "- - Foodborne Vibrio vulnificus intoxication",
            "category",
            "False",
            "01",
            "True",
        ),
        line("6", "", "", "Extension Codes", "chapter", "False", "X", "False"),
        line("7", "XS8H", "", "- Mild", "category", "False", "X", "True"),
    ]
}

fn join(lines: &[String]) -> Vec<u8> {
    let mut s = lines.join("\r\n");
    s.push_str("\r\n");
    s.into_bytes()
}

fn with_line(i: usize, l: String) -> Vec<u8> {
    let mut lines = mini_lines();
    lines[i] = l;
    join(&lines)
}

#[test]
fn mini_file_parses() {
    let file = parse_txt(&join(&mini_lines())).unwrap();
    assert_eq!(file.release, RELEASE);
    assert_eq!(file.rows.len(), 8);
    let r = &file.rows[4];
    assert_eq!(r.code.as_deref(), Some("1A01.Z"));
    assert_eq!(r.title, "Intestinal infection, unspecified");
    assert_eq!(r.depth, 3);
    assert_eq!(r.parent_uri.as_deref(), Some(&*format!("{MMS}4")));
    assert!(r.is_residual && r.foundation_uri.is_none());
    assert_eq!(file.rows[5].code, None, "_NOCODEASSIGNED");
    assert_eq!(file.rows[1].block_id.as_deref(), Some("BlockL1-1A0"));
    assert_eq!(file.rows[7].parent_uri.as_deref(), Some(&*format!("{MMS}6")));
    assert_eq!(file.rows[0].parent_uri, None);

    // BOM, LF line ends, no final newline, trailing blank lines: same rows.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(join(&mini_lines()));
    assert_eq!(parse_txt(&bom).unwrap(), file);
    assert_eq!(parse_txt(mini_lines().join("\n").as_bytes()).unwrap(), file);
    let mut blank_tail = join(&mini_lines());
    blank_tail.extend_from_slice(b"\r\n\r\n");
    assert_eq!(parse_txt(&blank_tail).unwrap(), file);
    // Columns found by name: reorder two columns.
    let swapped: Vec<String> = mini_lines()
        .iter()
        .map(|l| {
            let mut c: Vec<&str> = l.split('\t').collect();
            c.swap(2, 4);
            c.join("\t")
        })
        .collect();
    assert_eq!(parse_txt(&join(&swapped)).unwrap(), file);
}

#[test]
fn refuses_empty_and_non_text() {
    assert_eq!(parse_txt(b"").unwrap_err(), ParseError::Empty);
    assert_eq!(parse_txt(b"\xEF\xBB\xBF \r\n").unwrap_err(), ParseError::Empty);
    assert_eq!(parse_xlsx(b"").unwrap_err(), ParseError::Empty);
    assert!(matches!(parse_txt(b"PK\x03\x04rest"), Err(ParseError::NotText(_))));
    assert!(matches!(parse_txt(b"\xFF\xFEF\0o\0"), Err(ParseError::NotText(_))));
    assert!(matches!(parse_txt(b"Foundation URI\t\xC3\x28\r\n"), Err(ParseError::NotText(_))));
    assert!(matches!(parse_txt(b"Foundation URI,Code,Title\r\n"), Err(ParseError::NotText(_))));
    // Random bytes as .xlsx, with and without a ZIP signature.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect();
    let err = parse_xlsx(&random).unwrap_err();
    assert!(matches!(err, ParseError::NotXlsx(_)), "{err}");
    let mut zipish = b"PK\x03\x04".to_vec();
    zipish.extend_from_slice(&random);
    let err = parse_xlsx(&zipish).unwrap_err();
    assert!(matches!(err, ParseError::NotXlsx(_)), "{err}");
    assert!(err.to_string().starts_with("not a readable .xlsx workbook"), "{err}");
    // The text file given as .xlsx.
    assert!(matches!(parse_xlsx(&join(&mini_lines())), Err(ParseError::NotXlsx(_))));
}

#[test]
fn refuses_a_missing_column() {
    for (column, at) in [("Code", 2), ("Linearization (release) URI", 1), ("isLeaf", 11), ("ChapterNo", 9)] {
        let mut lines = mini_lines();
        let mut h: Vec<&str> = HEADER.split('\t').collect();
        h[at] = "Something else";
        lines[0] = h.join("\t");
        let err = parse_txt(&join(&lines)).unwrap_err();
        assert!(
            matches!(&err, ParseError::MissingColumn { row: 1, column: c } if *c == column),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            format!("row 1: required column \"{column}\" is missing from the header row")
        );
    }
    // Missing release cell.
    let mut lines = mini_lines();
    lines[0] = HEADER.replace("Version:2025 Nov 06 - 10:24 UTC", "");
    let err = parse_txt(&join(&lines)).unwrap_err();
    assert!(matches!(err, ParseError::MissingRelease { row: 1, .. }), "{err}");
    // Duplicate column.
    let mut lines = mini_lines();
    lines[0] = HEADER.replace("Grouping1", "Code");
    assert!(matches!(
        parse_txt(&join(&lines)),
        Err(ParseError::DuplicateColumn { column: "Code", .. })
    ));
}

#[test]
fn refuses_truncated_text() {
    let full = join(&mini_lines());
    // Cut in the middle of the last line.
    let cut = &full[..full.len() - 30];
    let err = parse_txt(cut).unwrap_err();
    assert!(matches!(err, ParseError::TruncatedRow { row: 9, expected: 20, .. }), "{err}");
    assert!(err.to_string().starts_with("row 9: the file is truncated"), "{err}");
    // A short row that is not the last one.
    let short = with_line(3, "a\tb\tc".into());
    assert!(matches!(
        parse_txt(&short),
        Err(ParseError::ColumnCount {
            row: 4,
            expected: 20,
            found: 3
        })
    ));
    // Cut at a line boundary right below a parent (isLeaf False).
    let lines = mini_lines();
    let err = parse_txt(&join(&lines[..5])).unwrap_err();
    assert_eq!(
        err,
        ParseError::ChildlessNonLeaf {
            row: 5,
            title: "Intestinal infection due to other Vibrio".into()
        }
    );
    // Cut at a line boundary before chapter X.
    let err = parse_txt(&join(&lines[..7])).unwrap_err();
    assert_eq!(err, ParseError::MissingExtensionChapter { last_chapter: "01".into() });
    // Header only; an empty row in the middle.
    assert_eq!(parse_txt(&join(&lines[..1])).unwrap_err(), ParseError::NoRows);
    let mut gap = lines.clone();
    gap.insert(3, String::new());
    assert_eq!(parse_txt(&join(&gap)).unwrap_err(), ParseError::EmptyRow { row: 4 });
}

#[test]
fn refuses_bad_cells() {
    let cases: Vec<(usize, String, &str)> = vec![
        (
            3,
            line("3", "1A00", "", "- - Cholera", "window", "False", "01", "True"),
            "ClassKind",
        ),
        (
            3,
            line("3", "1A00", "", "- - Cholera", "category", "yes", "01", "True"),
            "IsResidual",
        ),
        (3, line("3", "1A00", "", "- - Cholera", "category", "False", "01", "1"), "isLeaf"),
        (3, line("3", "1a00", "", "- - Cholera", "category", "False", "01", "True"), "Code"),
        (
            3,
            line("3", "1A00.123", "", "- - Cholera", "category", "False", "01", "True"),
            "Code",
        ),
        (3, line("3", "1A00", "", "- - ", "category", "False", "01", "True"), "Title"),
        (
            3,
            line("3", "1A00", "", "- - Cholera", "category", "False", "02", "True"),
            "ChapterNo",
        ),
        (
            3,
            line("3", "1A00", "", "- - Cholera", "category", "False", "", "True"),
            "ChapterNo",
        ),
        (
            1,
            line("1", "", "", "- Certain infectious", "chapter", "False", "01", "False"),
            "Title",
        ),
    ];
    for (i, l, column) in cases {
        let err = parse_txt(&with_line(i, l)).unwrap_err();
        assert!(
            matches!(&err, ParseError::Invalid { row, column: c, .. } if *row == i + 1 && *c == column),
            "{err}"
        );
        assert!(
            err.to_string().starts_with(&format!("row {}, column \"{column}\": ", i + 1)),
            "{err}"
        );
    }
    // Empty linearization URI.
    let mut cells: Vec<String> = mini_lines()[3].split('\t').map(String::from).collect();
    cells[1] = String::new();
    let err = parse_txt(&with_line(3, cells.join("\t"))).unwrap_err();
    assert!(
        matches!(
            err,
            ParseError::Invalid {
                row: 4,
                column: "Linearization (release) URI",
                ..
            }
        ),
        "{err}"
    );
    // DepthInKind not a number.
    let bad_depth = mini_lines()[3].replacen("\tcategory\t1\t", "\tcategory\tx\t", 1);
    let err = parse_txt(&with_line(3, bad_depth)).unwrap_err();
    assert!(
        matches!(
            err,
            ParseError::Invalid {
                row: 4,
                column: "DepthInKind",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn refuses_broken_hierarchy_and_duplicates() {
    // A category with no "- " marker: no possible parent.
    let err = parse_txt(&with_line(3, line("3", "1A00", "", "Cholera", "category", "False", "01", "True"))).unwrap_err();
    assert_eq!(
        err,
        ParseError::NoParent {
            row: 4,
            kind: ClassKind::Category,
            depth: 0
        }
    );
    // The first row is not a chapter.
    let mut lines = mini_lines();
    lines.remove(1);
    let err = parse_txt(&join(&lines)).unwrap_err();
    assert_eq!(
        err,
        ParseError::NoParent {
            row: 2,
            kind: ClassKind::Block,
            depth: 1
        }
    );
    // Depth jump (two levels at once).
    let err = parse_txt(&with_line(
        3,
        line("3", "1A00", "", "- - - Cholera", "category", "False", "01", "True"),
    ))
    .unwrap_err();
    assert_eq!(err, ParseError::DepthJump { row: 4, from: 1, to: 3 });
    // Duplicate linearization URI and code.
    let err = parse_txt(&with_line(4, line("3", "1A02", "", "- - Other", "category", "False", "01", "True"))).unwrap_err();
    assert!(matches!(err, ParseError::DuplicateUri { row: 5, first_row: 4, .. }), "{err}");
    let mut lines = mini_lines();
    lines[5] = line(
        "4/unspecified",
        "1A00",
        "",
        "- - - Intestinal infection, unspecified",
        "category",
        "True",
        "01",
        "True",
    );
    let err = parse_txt(&join(&lines)).unwrap_err();
    assert!(matches!(err, ParseError::DuplicateCode { row: 6, first_row: 4, .. }), "{err}");
    // A repeated chapter number.
    let mut lines = mini_lines();
    lines[7] = line("6", "", "", "Extension Codes", "chapter", "False", "01", "False");
    lines[8] = line("7", "XS8H", "", "- Mild", "category", "False", "01", "True");
    let err = parse_txt(&join(&lines)).unwrap_err();
    assert!(
        matches!(
            err,
            ParseError::Invalid {
                row: 8,
                column: "ChapterNo",
                ..
            }
        ),
        "{err}"
    );
}

// ---------------------------------------------------------------- search over the real file

fn real_index() -> Option<(&'static Icd11File, Icd11Index)> {
    let file = real_txt()?;
    let t = Instant::now();
    let ix = Icd11Index::new(file.rows.iter().enumerate().map(|(i, r)| IndexEntry::from_row(i as i64, r, true)));
    eprintln!(
        "index: {} entities built in {:?}, ~{:.1} MB heap",
        ix.len(),
        t.elapsed(),
        ix.heap_bytes() as f64 / 1_048_576.0
    );
    Some((file, ix))
}

#[test]
fn real_index_search() {
    let Some((_, ix)) = real_index() else { return };
    let first = |q: &str| ix.entry(ix.search(q, 10)[0].entity).unwrap();

    let hits = ix.search("ba00", 10);
    assert_eq!(hits[0].rank, MatchRank::ExactCode);
    assert_eq!(ix.entry(hits[0].entity).unwrap().title, "Essential hypertension");
    assert!(hits[1..].iter().all(|h| h.rank == MatchRank::CodePrefix));
    assert_eq!(first("1A00").title, "Cholera");

    let prefix: Vec<&str> = ix
        .search("BA0", 5)
        .iter()
        .map(|h| ix.entry(h.entity).unwrap().code.unwrap())
        .collect();
    assert_eq!(prefix, ["BA00", "BA01", "BA02", "BA03", "BA04"]);

    let z = first("1a11.z");
    assert_eq!(z.code, Some("1A11.Z"));
    assert!(z.selectable && z.is_residual);

    for q in ["diab mell", "mell diab", "diabétes mellitus", "Diabetes MELLITUS"] {
        let hits = ix.search(q, 20);
        let titles: Vec<&str> = hits.iter().map(|h| ix.entry(h.entity).unwrap().title).collect();
        assert_eq!(titles[0], "Diabetes mellitus", "{q}: {titles:?}");
        assert!(titles.contains(&"Type 2 diabetes mellitus"), "{q}: {titles:?}");
        assert!(titles.contains(&"Type 1 diabetes mellitus"), "{q}: {titles:?}");
        assert!(hits.iter().all(|h| h.rank == MatchRank::AllWords), "{q}");
        // The block is shown but marked.
        let block = ix.entry(hits[0].entity).unwrap();
        assert_eq!(block.class_kind, ClassKind::Block);
        assert!(!block.selectable);
    }
    let t2 = first("type 2 diabetes");
    assert_eq!(t2.code, Some("5A11"));
    assert!(t2.selectable);

    let vibrio = first("foodborne vibrio vulnificus");
    assert_eq!((vibrio.code, vibrio.selectable), (None, false), "_NOCODEASSIGNED");
    let ext = ix.entry(ix.find_code("XS8H").unwrap()).unwrap();
    assert!(!ext.selectable);
    assert!(ix.search("", 10).is_empty() && ix.search("  ", 10).is_empty());
}

#[test]
fn real_index_timing() {
    let Some((file, ix)) = real_index() else {
        return;
    };
    // ~1,000 queries drawn from the catalogue: codes, code prefixes, word prefixes.
    let mut queries: Vec<String> = Vec::new();
    for (i, r) in file.rows.iter().enumerate().step_by(37) {
        let words: Vec<&str> = r.title.split_whitespace().filter(|w| w.len() > 3).collect();
        match (i / 37) % 4 {
            0 => queries.push(r.code.clone().unwrap_or_else(|| r.title.clone()).to_lowercase()),
            1 => queries.push(r.code.as_deref().map_or("1A", |c| &c[..3]).to_string()),
            2 => queries.push(words.iter().take(2).map(|w| &w[..4.min(w.len())]).collect::<Vec<_>>().join(" ")),
            _ => queries.push(words.iter().rev().take(3).copied().collect::<Vec<_>>().join(" ")),
        }
    }
    for q in ["a", "d", "of", "disease", "other specified", "neoplasm malignant", "xyzzy", "e"] {
        queries.push(q.to_string());
    }
    let mut total = 0usize;
    let mut slowest = (std::time::Duration::ZERO, "");
    let t = Instant::now();
    for q in &queries {
        let one = Instant::now();
        total += ix.search(q, 20).len();
        slowest = slowest.max((one.elapsed(), q.as_str()));
    }
    let elapsed = t.elapsed();
    eprintln!("search: slowest query {:?} took {:?}", slowest.1, slowest.0);
    eprintln!(
        "search: {} queries in {:?}, {:.1} µs per query ({} hits)",
        queries.len(),
        elapsed,
        elapsed.as_secs_f64() * 1e6 / queries.len() as f64,
        total
    );
    assert!(total > 0);
}
