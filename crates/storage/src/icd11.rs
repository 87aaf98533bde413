//! ICD-11 catalogue storage (spec §6.2): the transactional import keyed on the
//! linearization URI, and the read queries behind search (index build) and browsing.

use std::collections::{HashMap, HashSet};

use medops_domain::icd11::Icd11Row;

use crate::{Db, Result, SqlxExt, StorageError, Tx, with_db, with_tx};

/// One stored entity.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EntityRow {
    pub id: i64,
    pub uri: String,
    pub foundation_uri: String,
    pub code: Option<String>,
    pub block_id: Option<String>,
    pub title: String,
    pub title_es: Option<String>,
    pub class_kind: String,
    pub chapter_no: String,
    pub parent_uri: Option<String>,
    pub depth: i32,
    pub position: i32,
    pub is_leaf: bool,
    pub is_residual: bool,
    pub selectable: bool,
    pub active: bool,
    pub release: String,
}

const COLS: &str = "id, uri, foundation_uri, code, block_id, title, title_es, class_kind, chapter_no, parent_uri, depth, position, is_leaf, is_residual, selectable, active, release";

/// Counts of an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub added: usize,
    pub updated: usize,
    pub retired: usize,
}

/// The values a file row gives to the stored columns (everything but `id`, `title_es`).
struct Wanted<'a> {
    uri: &'a str,
    foundation_uri: &'a str,
    code: Option<&'a str>,
    block_id: Option<&'a str>,
    title: &'a str,
    class_kind: &'static str,
    chapter_no: &'a str,
    parent_uri: Option<&'a str>,
    depth: i32,
    position: i32,
    is_leaf: bool,
    is_residual: bool,
    selectable: bool,
    release: &'a str,
}

impl<'a> Wanted<'a> {
    fn of(row: &'a Icd11Row, position: usize) -> Self {
        Wanted {
            uri: &row.linearization_uri,
            foundation_uri: row.foundation_uri.as_deref().unwrap_or(""),
            code: row.code.as_deref(),
            block_id: row.block_id.as_deref(),
            title: &row.title,
            class_kind: row.class_kind.as_str(),
            chapter_no: &row.chapter_no,
            parent_uri: row.parent_uri.as_deref(),
            depth: i32::from(row.depth),
            position: i32::try_from(position).unwrap_or(i32::MAX),
            is_leaf: row.is_leaf,
            is_residual: row.is_residual,
            selectable: row.is_selectable(true),
            release: &row.release,
        }
    }

    /// True when the stored row already holds exactly these values (and is active).
    fn same_as(&self, s: &EntityRow) -> bool {
        s.active
            && s.foundation_uri == self.foundation_uri
            && s.code.as_deref() == self.code
            && s.block_id.as_deref() == self.block_id
            && s.title == self.title
            && s.class_kind == self.class_kind
            && s.chapter_no == self.chapter_no
            && s.parent_uri.as_deref() == self.parent_uri
            && s.depth == self.depth
            && s.position == self.position
            && s.is_leaf == self.is_leaf
            && s.is_residual == self.is_residual
            && s.selectable == self.selectable
            && s.release == self.release
    }
}

/// Rows per multi-row INSERT (15 parameters each; well under both backends' limits).
const INSERT_BATCH: usize = 1000;
/// Ids per `UPDATE … WHERE id IN (…)` when retiring.
const RETIRE_BATCH: usize = 1000;

/// Imports a whole release inside `tx`: inserts new URIs, updates changed rows,
/// retires (active = false, selectable = false) active rows absent from `rows`, and
/// bumps `icd11_meta.generation` only when something changed. `progress(done, total)`.
pub async fn import(
    tx: &mut Tx,
    release: &str,
    rows: &[Icd11Row],
    now: i64,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> Result<ImportCounts> {
    let total = rows.len();
    let existing: Vec<EntityRow> = {
        let sql = format!("SELECT {COLS} FROM icd11_entity");
        with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await.db())?
    };
    let by_uri: HashMap<&str, &EntityRow> = existing.iter().map(|r| (r.uri.as_str(), r)).collect();
    let mut counts = ImportCounts::default();
    let mut inserts: Vec<Wanted<'_>> = Vec::new();
    let mut updates: Vec<(i64, Wanted<'_>)> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let w = Wanted::of(row, i);
        seen.insert(w.uri);
        match by_uri.get(w.uri) {
            None => inserts.push(w),
            Some(s) if w.same_as(s) => {}
            Some(s) => updates.push((s.id, w)),
        }
    }
    let retire: Vec<i64> = existing
        .iter()
        .filter(|r| r.active && !seen.contains(r.uri.as_str()))
        .map(|r| r.id)
        .collect();

    let mut done = total - inserts.len() - updates.len();
    progress(done, total);
    for chunk in inserts.chunks(INSERT_BATCH) {
        insert_batch(tx, chunk).await?;
        counts.added += chunk.len();
        done += chunk.len();
        progress(done, total);
    }
    for (n, (id, w)) in updates.iter().enumerate() {
        update_one(tx, *id, w).await?;
        counts.updated += 1;
        if n % 500 == 499 {
            progress(done + n + 1, total);
        }
    }
    for chunk in retire.chunks(RETIRE_BATCH) {
        let sqlite = matches!(tx, Tx::Sqlite(_));
        let list = (1..=chunk.len())
            .map(|i| if sqlite { "?".to_owned() } else { format!("${i}") })
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!("UPDATE icd11_entity SET active = FALSE, selectable = FALSE WHERE id IN ({list})");
        with_tx!(tx, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut *c).await.map(|_| ()).db()
        })?;
        counts.retired += chunk.len();
    }
    progress(total, total);

    let has_meta = generation_tx(tx).await?.is_some();
    if counts.added + counts.updated + counts.retired > 0 || !has_meta {
        with_tx!(tx, c => sqlx::query(
            "INSERT INTO icd11_meta (id, generation, release, imported_at) VALUES (1, 1, $1, $2)
             ON CONFLICT (id) DO UPDATE SET generation = icd11_meta.generation + 1, release = excluded.release, imported_at = excluded.imported_at")
            .bind(release).bind(now).execute(&mut *c).await.map(|_| ()).db())?;
    }
    Ok(counts)
}

async fn insert_batch(tx: &mut Tx, chunk: &[Wanted<'_>]) -> Result<()> {
    const NCOLS: usize = 14;
    let sqlite = matches!(tx, Tx::Sqlite(_));
    let mut sql = String::from(
        "INSERT INTO icd11_entity (uri, foundation_uri, code, block_id, title, class_kind, chapter_no, parent_uri, depth, position, is_leaf, is_residual, selectable, release, active) VALUES ",
    );
    for i in 0..chunk.len() {
        if i > 0 {
            sql.push(',');
        }
        sql.push('(');
        for j in 1..=NCOLS {
            // SQLite binds anonymous `?` in order; its `$N` lookup costs O(parameters) each.
            if sqlite {
                sql.push_str("?,");
            } else {
                sql.push_str(&format!("${},", i * NCOLS + j));
            }
        }
        sql.push_str("TRUE)");
    }
    with_tx!(tx, c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for w in chunk {
            q = q.bind(w.uri).bind(w.foundation_uri).bind(w.code).bind(w.block_id).bind(w.title)
                .bind(w.class_kind).bind(w.chapter_no).bind(w.parent_uri).bind(w.depth).bind(w.position)
                .bind(w.is_leaf).bind(w.is_residual).bind(w.selectable).bind(w.release);
        }
        q.execute(&mut *c).await.map(|_| ()).db()
    })?;
    Ok(())
}

async fn update_one(tx: &mut Tx, id: i64, w: &Wanted<'_>) -> Result<()> {
    with_tx!(tx, c => sqlx::query(
        "UPDATE icd11_entity SET foundation_uri = $1, code = $2, block_id = $3, title = $4, class_kind = $5, chapter_no = $6,
         parent_uri = $7, depth = $8, position = $9, is_leaf = $10, is_residual = $11, selectable = $12, release = $13, active = TRUE
         WHERE id = $14")
        .bind(w.foundation_uri).bind(w.code).bind(w.block_id).bind(w.title).bind(w.class_kind).bind(w.chapter_no)
        .bind(w.parent_uri).bind(w.depth).bind(w.position).bind(w.is_leaf).bind(w.is_residual).bind(w.selectable)
        .bind(w.release).bind(id)
        .execute(&mut *c).await.map(|_| ()).db())?;
    Ok(())
}

async fn generation_tx(tx: &mut Tx) -> Result<Option<i64>> {
    with_tx!(tx, c => sqlx::query_scalar("SELECT generation FROM icd11_meta WHERE id = 1").fetch_optional(&mut *c).await.db())
}

/// The catalogue generation (0 before any import). One cheap query on the pool.
pub async fn generation(db: &Db) -> Result<i64> {
    let g: Option<i64> =
        with_db!(db, p => sqlx::query_scalar("SELECT generation FROM icd11_meta WHERE id = 1").fetch_optional(p).await.db())?;
    Ok(g.unwrap_or(0))
}

/// Release and generation of the last import, if any.
pub async fn meta(tx: &mut Tx) -> Result<Option<(String, i64, i64)>> {
    with_tx!(tx, c => sqlx::query_as("SELECT release, generation, imported_at FROM icd11_meta WHERE id = 1")
        .fetch_optional(&mut *c).await.db())
}

/// Every active entity in file (hierarchy) order, for building the search index.
pub async fn all_active(tx: &mut Tx) -> Result<Vec<EntityRow>> {
    let sql = format!("SELECT {COLS} FROM icd11_entity WHERE active = TRUE ORDER BY position, id");
    with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await.db())
}

/// Entity by code (upper-cased here); the active one first when a retired twin exists.
pub async fn by_code(tx: &mut Tx, code: &str) -> Result<Option<EntityRow>> {
    let sql = format!("SELECT {COLS} FROM icd11_entity WHERE code = $1 ORDER BY active DESC, id DESC LIMIT 1");
    let code = code.trim().to_ascii_uppercase();
    with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(code).fetch_optional(&mut *c).await.db())
}

pub async fn by_id(tx: &mut Tx, id: i64) -> Result<Option<EntityRow>> {
    let sql = format!("SELECT {COLS} FROM icd11_entity WHERE id = $1");
    with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await.db())
}

pub async fn by_uri(tx: &mut Tx, uri: &str) -> Result<Option<EntityRow>> {
    let sql = format!("SELECT {COLS} FROM icd11_entity WHERE uri = $1");
    with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(uri).fetch_optional(&mut *c).await.db())
}

/// Ancestors of `e`, from its chapter down to its direct parent.
pub async fn parents(tx: &mut Tx, e: &EntityRow) -> Result<Vec<EntityRow>> {
    let mut out = Vec::new();
    let mut next = e.parent_uri.clone();
    while let Some(uri) = next {
        if out.len() > 64 {
            return Err(StorageError::Other(sqlx::Error::Protocol("icd11 parent chain loops".into())));
        }
        match by_uri(tx, &uri).await? {
            Some(p) => {
                next = p.parent_uri.clone();
                out.push(p);
            }
            None => break,
        }
    }
    out.reverse();
    Ok(out)
}

/// Active children of the entity with `uri`, in file order.
pub async fn children(tx: &mut Tx, uri: &str) -> Result<Vec<EntityRow>> {
    let sql = format!("SELECT {COLS} FROM icd11_entity WHERE parent_uri = $1 AND active = TRUE ORDER BY position, id");
    with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(uri).fetch_all(&mut *c).await.db())
}

/// Active chapters in file order.
pub async fn chapters(tx: &mut Tx) -> Result<Vec<EntityRow>> {
    let sql = format!("SELECT {COLS} FROM icd11_entity WHERE class_kind = 'chapter' AND active = TRUE ORDER BY position, id");
    with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await.db())
}

/// Active entities per class kind (`chapter`, `block`, `category`).
pub async fn count_by_kind(tx: &mut Tx) -> Result<Vec<(String, i64)>> {
    with_tx!(tx, c => sqlx::query_as(
        "SELECT class_kind, COUNT(*) FROM icd11_entity WHERE active = TRUE GROUP BY class_kind ORDER BY class_kind")
        .fetch_all(&mut *c).await.db())
}
