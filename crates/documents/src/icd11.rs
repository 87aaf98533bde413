//! Reader for WHO's ICD-11 MMS "LinearizationMiniOutput" (spec §6.1), as tab-separated
//! `.txt` (UTF-8, CRLF, header row, optional BOM) or `.xlsx` (first worksheet).
//!
//! Columns are found by header name (ASCII case and surrounding spaces ignored). The
//! last non-empty header cell holds the release (`Version:2025 Nov 06 - 10:24 UTC`).
//! `BrowserLink` (a formula) and the other informative columns are ignored.
//!
//! The whole file is refused (never partly imported) when:
//! - it is empty, not UTF-8 text (`.txt`) or not a readable workbook (`.xlsx`);
//! - a required column is missing or repeated, or the release cell is missing;
//! - a row has a different number of columns than the header (on the last line of a
//!   `.txt`: reported as truncated), or an empty row sits between data rows;
//! - a cell is invalid: empty linearization URI or title, `ClassKind` other than
//!   chapter/block/category, `IsResidual`/`isLeaf` not True/False, `DepthInKind` not a
//!   whole number, `ChapterNo` not 1–3 letters/digits, a code of invalid shape
//!   (see [`medops_domain::icd11::is_valid_code_shape`]), a spreadsheet error value;
//! - the hierarchy is broken: the first row is not a chapter, a block/category has no
//!   "- " marker (no possible parent), a chapter is indented, the depth grows by more
//!   than one level from one row to the next, a row's `ChapterNo` differs from its
//!   chapter's, a chapter number repeats;
//! - a linearization URI or a code appears twice;
//! - truncation at a line boundary, as far as the file can tell: no data rows; a row
//!   marked `isLeaf` False with no child rows after it (cut right below a parent); the
//!   extension chapter X missing (WHO always puts it last, so this catches any cut
//!   before it). A cut right after a leaf row *inside* chapter X, where the remaining
//!   rows still form a consistent tree, cannot be told from a complete file.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use medops_domain::icd11::{
    ClassKind, EXTENSION_CHAPTER, Icd11Row, NO_CODE_ASSIGNED, is_valid_code_shape, parse_release, strip_depth_markers,
};

pub const COL_FOUNDATION_URI: &str = "Foundation URI";
pub const COL_LINEARIZATION_URI: &str = "Linearization (release) URI";
pub const COL_CODE: &str = "Code";
pub const COL_BLOCK_ID: &str = "BlockId";
pub const COL_TITLE: &str = "Title";
pub const COL_CLASS_KIND: &str = "ClassKind";
pub const COL_DEPTH_IN_KIND: &str = "DepthInKind";
pub const COL_IS_RESIDUAL: &str = "IsResidual";
pub const COL_CHAPTER_NO: &str = "ChapterNo";
pub const COL_IS_LEAF: &str = "isLeaf";

/// Columns the file must have.
pub const REQUIRED_COLUMNS: [&str; 10] = [
    COL_FOUNDATION_URI,
    COL_LINEARIZATION_URI,
    COL_CODE,
    COL_BLOCK_ID,
    COL_TITLE,
    COL_CLASS_KIND,
    COL_DEPTH_IN_KIND,
    COL_IS_RESIDUAL,
    COL_CHAPTER_NO,
    COL_IS_LEAF,
];

/// A parsed release file: rows in file (hierarchy) order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Icd11File {
    /// `2025 Nov 06 - 10:24 UTC`
    pub release: String,
    pub rows: Vec<Icd11Row>,
}

/// Why a file was refused. `row` is the 1-based line (`.txt`) or sheet row (`.xlsx`)
/// number; the header is row 1 in WHO's files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    #[error("the file is empty")]
    Empty,
    #[error("not a UTF-8 tab-separated text file: {0}")]
    NotText(String),
    #[error("not a readable .xlsx workbook: {0}")]
    NotXlsx(String),
    #[error("the workbook has no worksheet")]
    NoWorksheet,
    #[error("unsupported file type {0:?}: expected .txt or .xlsx")]
    UnsupportedExtension(String),
    #[error("cannot read {path}: {message}")]
    Io { path: String, message: String },
    #[error("row {row}: required column \"{column}\" is missing from the header row")]
    MissingColumn { row: usize, column: &'static str },
    #[error("row {row}: column \"{column}\" appears more than once in the header row")]
    DuplicateColumn { row: usize, column: &'static str },
    #[error("row {row}: the last header cell should hold the release as \"Version:…\", found \"{found}\"")]
    MissingRelease { row: usize, found: String },
    #[error("row {row}: the file is truncated: its last row has {found} of the header's {expected} columns")]
    TruncatedRow { row: usize, expected: usize, found: usize },
    #[error("row {row}: {found} columns where the header has {expected}")]
    ColumnCount { row: usize, expected: usize, found: usize },
    #[error("row {row} is empty")]
    EmptyRow { row: usize },
    #[error("row {row}, column \"{column}\": {problem}")]
    Invalid { row: usize, column: &'static str, problem: String },
    #[error(
        "row {row}, column \"Title\": this {kind} at depth {depth} has no possible parent \
         (the first row must be a chapter and only chapters stand without a \"- \" marker)"
    )]
    NoParent { row: usize, kind: ClassKind, depth: usize },
    #[error(
        "row {row}, column \"Title\": depth jumps from {from} to {to} (\"- \" markers); \
         a row may go at most one level below the row above it"
    )]
    DepthJump { row: usize, from: usize, to: usize },
    #[error("row {row}, column \"Linearization (release) URI\": {uri} already appears on row {first_row}")]
    DuplicateUri { row: usize, first_row: usize, uri: String },
    #[error("row {row}, column \"Code\": {code} already appears on row {first_row}")]
    DuplicateCode { row: usize, first_row: usize, code: String },
    #[error("the file has a header row but no data rows")]
    NoRows,
    #[error(
        "row {row}, column \"isLeaf\": \"{title}\" is marked as having children but no row follows \
         under it: the file looks truncated"
    )]
    ChildlessNonLeaf { row: usize, title: String },
    #[error(
        "the extension-codes chapter X, which WHO always puts last, is missing (the last chapter is \
         {last_chapter}): the file looks truncated"
    )]
    MissingExtensionChapter { last_chapter: String },
}

/// Reads a file, choosing the format by extension (`.txt`/`.tsv` or `.xlsx`).
pub fn parse_path(path: &Path) -> Result<Icd11File, ParseError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let parse: fn(&[u8]) -> Result<Icd11File, ParseError> = match ext.as_str() {
        "txt" | "tsv" => parse_txt,
        "xlsx" => parse_xlsx,
        _ => return Err(ParseError::UnsupportedExtension(ext)),
    };
    let bytes = std::fs::read(path).map_err(|e| ParseError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse(&bytes)
}

/// Reads an upload whose name is not trusted: a ZIP signature means `.xlsx`, anything
/// else is read as text.
pub fn parse_bytes(bytes: &[u8]) -> Result<Icd11File, ParseError> {
    if bytes.starts_with(ZIP_MAGIC) {
        parse_xlsx(bytes)
    } else {
        parse_txt(bytes)
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Parses the tab-separated text layout.
pub fn parse_txt(bytes: &[u8]) -> Result<Icd11File, ParseError> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return Err(ParseError::NotText("this is a ZIP archive (an .xlsx workbook?)".into()));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(ParseError::NotText("UTF-16 text; save it as UTF-8".into()));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        ParseError::NotText(format!("invalid UTF-8 on line {line}"))
    })?;
    if let Some(at) = text.find('\0') {
        let line = text[..at].matches('\n').count() + 1;
        return Err(ParseError::NotText(format!("binary data (NUL byte) on line {line}")));
    }

    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let last = lines.iter().rposition(|l| !l.trim().is_empty()).unwrap_or(0);
    let header: Vec<&str> = lines.first().map(|h| h.split('\t').collect()).unwrap_or_default();
    if header.len() < 2 {
        return Err(ParseError::NotText("the first line has no tab-separated columns".into()));
    }
    let mut builder = Builder::new(1, &header)?;
    let width = header.len();
    let mut cells: Vec<&str> = Vec::with_capacity(width);
    for (i, line) in lines.iter().enumerate().take(last + 1).skip(1) {
        let row = i + 1;
        if line.trim().is_empty() {
            return Err(ParseError::EmptyRow { row });
        }
        cells.clear();
        cells.extend(line.split('\t'));
        if cells.len() != width {
            let (expected, found) = (width, cells.len());
            return Err(if i == last && found < width {
                ParseError::TruncatedRow { row, expected, found }
            } else {
                ParseError::ColumnCount { row, expected, found }
            });
        }
        builder.push(row, &cells)?;
    }
    builder.finish()
}

/// Parses the `.xlsx` layout (first worksheet).
pub fn parse_xlsx(bytes: &[u8]) -> Result<Icd11File, ParseError> {
    if bytes.is_empty() {
        return Err(ParseError::Empty);
    }
    if !bytes.starts_with(ZIP_MAGIC) {
        return Err(ParseError::NotXlsx("the file is not a ZIP archive".into()));
    }
    let mut workbook: Xlsx<Cursor<&[u8]>> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|e: calamine::XlsxError| ParseError::NotXlsx(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(ParseError::NoWorksheet)?
        .map_err(|e| ParseError::NotXlsx(e.to_string()))?;
    drop(workbook);
    let first_row = range.start().map_or(1, |(r, _)| r as usize + 1);
    let mut rows = range.rows();
    let Some(header_cells) = rows.next() else {
        return Err(ParseError::Empty);
    };
    let header: Vec<Cow<'_, str>> = header_cells.iter().map(|c| cell_text(c, false)).collect();
    let header: Vec<&str> = header.iter().map(|c| c.as_ref()).collect();
    let mut builder = Builder::new(first_row, &header)?;
    let cols = builder.cols;

    let data: Vec<&[Data]> = rows.collect();
    let last = data.iter().rposition(|r| !r.iter().all(is_blank)).map_or(0, |p| p + 1);
    let mut owned: Vec<Cow<'_, str>> = Vec::with_capacity(header.len());
    for (i, cells) in data.iter().take(last).enumerate() {
        let row = first_row + 1 + i;
        if cells.iter().all(is_blank) {
            return Err(ParseError::EmptyRow { row });
        }
        for (column, &at) in REQUIRED_COLUMNS.iter().zip(cols.all().iter()) {
            if let Some(Data::Error(e)) = cells.get(at) {
                let problem = format!("holds the spreadsheet error {e}");
                return Err(ParseError::Invalid { row, column, problem });
            }
        }
        owned.clear();
        owned.extend(cells.iter().enumerate().map(|(at, c)| cell_text(c, at == cols.chapter_no)));
        let texts: Vec<&str> = owned.iter().map(|c| c.as_ref()).collect();
        builder.push(row, &texts)?;
    }
    builder.finish()
}

fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A cell as the text the `.txt` layout would hold. A numeric chapter number (a sheet
/// re-saved by a spreadsheet program) gets its leading zero back.
fn cell_text(cell: &Data, chapter_no: bool) -> Cow<'_, str> {
    match cell {
        Data::String(s) => Cow::Borrowed(s.as_str()),
        Data::Empty => Cow::Borrowed(""),
        Data::Bool(true) => Cow::Borrowed("True"),
        Data::Bool(false) => Cow::Borrowed("False"),
        Data::Int(i) if chapter_no => Cow::Owned(format!("{i:02}")),
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
            let i = *f as i64;
            Cow::Owned(if chapter_no { format!("{i:02}") } else { i.to_string() })
        }
        other => Cow::Owned(other.to_string()),
    }
}

/// Positions of the required columns.
#[derive(Debug, Clone, Copy)]
struct Columns {
    foundation_uri: usize,
    linearization_uri: usize,
    code: usize,
    block_id: usize,
    title: usize,
    class_kind: usize,
    depth_in_kind: usize,
    is_residual: usize,
    chapter_no: usize,
    is_leaf: usize,
}

impl Columns {
    /// In the order of [`REQUIRED_COLUMNS`].
    fn all(&self) -> [usize; 10] {
        [
            self.foundation_uri,
            self.linearization_uri,
            self.code,
            self.block_id,
            self.title,
            self.class_kind,
            self.depth_in_kind,
            self.is_residual,
            self.chapter_no,
            self.is_leaf,
        ]
    }

    fn find(row: usize, header: &[&str]) -> Result<Self, ParseError> {
        let mut at = [0usize; 10];
        for (slot, &column) in at.iter_mut().zip(REQUIRED_COLUMNS.iter()) {
            let mut found = header.iter().enumerate().filter(|(_, h)| h.trim().eq_ignore_ascii_case(column));
            *slot = found.next().map(|(i, _)| i).ok_or(ParseError::MissingColumn { row, column })?;
            if found.next().is_some() {
                return Err(ParseError::DuplicateColumn { row, column });
            }
        }
        let [
            foundation_uri,
            linearization_uri,
            code,
            block_id,
            title,
            class_kind,
            depth_in_kind,
            is_residual,
            chapter_no,
            is_leaf,
        ] = at;
        Ok(Self {
            foundation_uri,
            linearization_uri,
            code,
            block_id,
            title,
            class_kind,
            depth_in_kind,
            is_residual,
            chapter_no,
            is_leaf,
        })
    }
}

/// Checks rows one by one and links each to its parent.
struct Builder {
    cols: Columns,
    release: String,
    rows: Vec<Icd11Row>,
    /// Source row number of each parsed row.
    row_nos: Vec<usize>,
    has_child: Vec<bool>,
    /// Indices (into `rows`) of the open path: `path[d]` is the last row seen at depth d.
    path: Vec<usize>,
    /// Chapter number → row number.
    chapters: HashMap<String, usize>,
}

fn invalid(row: usize, column: &'static str, problem: impl Into<String>) -> ParseError {
    ParseError::Invalid {
        row,
        column,
        problem: problem.into(),
    }
}

fn parse_bool(row: usize, column: &'static str, v: &str) -> Result<bool, ParseError> {
    if v.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if v.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(invalid(row, column, format!("\"{v}\" is not True or False")))
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

impl Builder {
    fn new(row: usize, header: &[&str]) -> Result<Self, ParseError> {
        let header: Vec<&str> = header.iter().map(|h| h.trim_start_matches('\u{feff}')).collect();
        let cols = Columns::find(row, &header)?;
        let last = header.iter().rev().find(|h| !h.trim().is_empty()).copied().unwrap_or("");
        let release = parse_release(last).ok_or_else(|| ParseError::MissingRelease {
            row,
            found: last.trim().into(),
        })?;
        Ok(Self {
            cols,
            release: release.to_string(),
            rows: Vec::new(),
            row_nos: Vec::new(),
            has_child: Vec::new(),
            path: Vec::new(),
            chapters: HashMap::new(),
        })
    }

    fn push(&mut self, row: usize, cells: &[&str]) -> Result<(), ParseError> {
        let c = self.cols;
        let get = |i: usize| cells.get(i).map_or("", |s| s.trim());

        let linearization_uri = get(c.linearization_uri);
        if linearization_uri.is_empty() {
            return Err(invalid(row, COL_LINEARIZATION_URI, "is empty"));
        }
        let kind_text = get(c.class_kind);
        let class_kind = ClassKind::parse(kind_text)
            .ok_or_else(|| invalid(row, COL_CLASS_KIND, format!("\"{kind_text}\" is not chapter, block or category")))?;
        let raw_title = cells.get(c.title).copied().unwrap_or("").trim_start();
        let (depth, title) = strip_depth_markers(raw_title);
        if title.is_empty() {
            return Err(invalid(row, COL_TITLE, "is empty"));
        }
        let is_residual = parse_bool(row, COL_IS_RESIDUAL, get(c.is_residual))?;
        let is_leaf = parse_bool(row, COL_IS_LEAF, get(c.is_leaf))?;
        let depth_in_kind = get(c.depth_in_kind);
        if depth_in_kind.is_empty() || !depth_in_kind.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(
                row,
                COL_DEPTH_IN_KIND,
                format!("\"{depth_in_kind}\" is not a whole number"),
            ));
        }
        let chapter_no = get(c.chapter_no);
        if chapter_no.is_empty() || chapter_no.len() > 3 || !chapter_no.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid(row, COL_CHAPTER_NO, format!("\"{chapter_no}\" is not a chapter number")));
        }
        let code = match get(c.code) {
            "" | NO_CODE_ASSIGNED => None,
            code if is_valid_code_shape(code) => Some(code.to_string()),
            code => {
                return Err(invalid(row, COL_CODE, format!("\"{code}\" is not a valid ICD-11 code")));
            }
        };

        // Hierarchy: the parent is the nearest row above with one level less.
        let open = self.path.len();
        if class_kind == ClassKind::Chapter && depth > 0 {
            return Err(invalid(
                row,
                COL_TITLE,
                format!("a chapter must not be indented (found depth {depth})"),
            ));
        }
        if (depth == 0 && class_kind != ClassKind::Chapter) || (depth > 0 && open == 0) {
            return Err(ParseError::NoParent {
                row,
                kind: class_kind,
                depth,
            });
        }
        if depth > open {
            return Err(ParseError::DepthJump {
                row,
                from: open - 1,
                to: depth,
            });
        }
        let depth_u8 = u8::try_from(depth).map_err(|_| invalid(row, COL_TITLE, format!("depth {depth} is too deep")))?;
        self.path.truncate(depth);
        let parent = self.path.last().copied();
        if let Some(&chapter) = self.path.first() {
            let (chapter_row, chapter_of_row) = (self.row_nos[chapter], &self.rows[chapter].chapter_no);
            if chapter_of_row != chapter_no {
                return Err(invalid(
                    row,
                    COL_CHAPTER_NO,
                    format!("is {chapter_no} but the row sits under chapter {chapter_of_row} (row {chapter_row})"),
                ));
            }
        } else if let Some(first) = self.chapters.insert(chapter_no.to_string(), row) {
            return Err(invalid(
                row,
                COL_CHAPTER_NO,
                format!("chapter {chapter_no} already appears on row {first}"),
            ));
        }
        if let Some(p) = parent {
            self.has_child[p] = true;
        }

        self.path.push(self.rows.len());
        self.rows.push(Icd11Row {
            linearization_uri: linearization_uri.to_string(),
            foundation_uri: non_empty(get(c.foundation_uri)),
            code,
            block_id: non_empty(get(c.block_id)),
            title: title.to_string(),
            class_kind,
            depth: depth_u8,
            chapter_no: chapter_no.to_string(),
            is_leaf,
            is_residual,
            parent_uri: parent.map(|p| self.rows[p].linearization_uri.clone()),
            release: self.release.clone(),
        });
        self.row_nos.push(row);
        self.has_child.push(false);
        Ok(())
    }

    fn finish(self) -> Result<Icd11File, ParseError> {
        let Builder {
            release,
            rows,
            row_nos,
            has_child,
            ..
        } = self;
        if rows.is_empty() {
            return Err(ParseError::NoRows);
        }

        // Duplicate keys: sort positions by key, compare neighbours, report the later row.
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|&a, &b| rows[a].linearization_uri.cmp(&rows[b].linearization_uri).then(a.cmp(&b)));
        if let Some(w) = order
            .windows(2)
            .find(|w| rows[w[0]].linearization_uri == rows[w[1]].linearization_uri)
        {
            let (first, dup) = (w[0], w[1]);
            return Err(ParseError::DuplicateUri {
                row: row_nos[dup],
                first_row: row_nos[first],
                uri: rows[dup].linearization_uri.clone(),
            });
        }
        let mut coded: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].code.is_some()).collect();
        coded.sort_by(|&a, &b| rows[a].code.cmp(&rows[b].code).then(a.cmp(&b)));
        if let Some(w) = coded.windows(2).find(|w| rows[w[0]].code == rows[w[1]].code) {
            let (first, dup) = (w[0], w[1]);
            return Err(ParseError::DuplicateCode {
                row: row_nos[dup],
                first_row: row_nos[first],
                code: rows[dup].code.clone().unwrap_or_default(),
            });
        }

        if let Some(i) = (0..rows.len()).find(|&i| !rows[i].is_leaf && !has_child[i]) {
            return Err(ParseError::ChildlessNonLeaf {
                row: row_nos[i],
                title: rows[i].title.clone(),
            });
        }
        if !rows
            .iter()
            .any(|r| r.class_kind == ClassKind::Chapter && r.chapter_no == EXTENSION_CHAPTER)
        {
            let last_chapter = rows.iter().rev().find(|r| r.class_kind == ClassKind::Chapter);
            return Err(ParseError::MissingExtensionChapter {
                last_chapter: last_chapter.map(|r| r.chapter_no.clone()).unwrap_or_default(),
            });
        }
        Ok(Icd11File { release, rows })
    }
}
