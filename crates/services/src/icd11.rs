//! ICD-11 catalogue: import, search, browse (spec §6).
//!
//! Search runs on an in-memory [`Icd11Index`] held in [`Cache`]: no database access on
//! the hot path except a generation check at most every [`RECHECK`], so several app
//! servers converge on a new import within that delay (the importing process reloads
//! at once).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use medops_documents::icd11::{self as parser, Icd11File};
use medops_domain::icd11::{ClassKind, EntryRef, Icd11Index, IndexEntry, is_selectable};
use medops_domain::{Capability, FieldError, Invalid};
use medops_storage::icd11::{self as store, EntityRow};
use serde::Serialize;

use crate::audit::Event;

use crate::{Caller, ServiceError, ServiceResult, Services};
/// The parser, re-exported for callers that hold no `medops-documents` dependency (tests).
pub use medops_documents::icd11::{Icd11File as File, ParseError, parse_path};

/// How often a process checks `icd11_meta.generation` for imports made elsewhere.
pub const RECHECK: Duration = Duration::from_secs(5);
/// Most search results returned; larger `limit`s are reduced to this.
pub const MAX_LIMIT: usize = 100;
/// Longest query considered (characters); the rest is ignored.
const MAX_QUERY_CHARS: usize = 200;

/// Counts reported by an import.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportSummary {
    pub release: String,
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub retired: usize,
}

/// An active, selectable entity: what a diagnosis records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Icd11Pick {
    pub id: i64,
    pub code: String,
    pub title: String,
}

/// A search result or a node of the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Icd11Item {
    /// Row id; browse entities without a code at `/api/v1/icd11/entities/{id}`.
    pub id: i64,
    /// The MMS code; `null` for chapters, most blocks and `_NOCODEASSIGNED` rows.
    pub code: Option<String>,
    pub title: String,
    /// Chapter number as WHO writes it (`01`…`26`, `V`, `X`).
    pub chapter: String,
    /// `chapter`, `block` or `category`.
    pub class_kind: String,
    pub is_leaf: bool,
    pub is_residual: bool,
    /// May be used as a diagnosis (spec §6.3).
    pub selectable: bool,
}

impl Icd11Item {
    fn from_ref(e: &EntryRef<'_>) -> Self {
        Icd11Item {
            id: e.id,
            code: e.code.map(str::to_owned),
            title: e.title.to_owned(),
            chapter: e.chapter_no.to_owned(),
            class_kind: e.class_kind.as_str().to_owned(),
            is_leaf: e.is_leaf,
            is_residual: e.is_residual,
            selectable: e.selectable,
        }
    }
    fn from_row(r: &EntityRow) -> Self {
        Icd11Item {
            id: r.id,
            code: r.code.clone(),
            title: r.title.clone(),
            chapter: r.chapter_no.clone(),
            class_kind: r.class_kind.clone(),
            is_leaf: r.is_leaf,
            is_residual: r.is_residual,
            selectable: r.selectable && r.active,
        }
    }
}

/// One entity with its place in the hierarchy.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Icd11Entity {
    #[serde(flatten)]
    pub item: Icd11Item,
    pub block_id: Option<String>,
    pub uri: String,
    pub foundation_uri: Option<String>,
    /// False for entities retired by a newer release (kept for old diagnoses).
    pub active: bool,
    pub release: String,
    /// From the chapter down to the direct parent.
    pub parents: Vec<Icd11Item>,
    /// Active children in WHO's order.
    pub children: Vec<Icd11Item>,
}

/// Catalogue status for the page footer / admin.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Icd11Status {
    pub release: Option<String>,
    pub chapters: i64,
    pub blocks: i64,
    pub categories: i64,
}

struct Loaded {
    generation: i64,
    index: Icd11Index,
}

#[derive(Default)]
struct CacheState {
    loaded: Option<Arc<Loaded>>,
    checked_at: Option<Instant>,
}

/// The per-process search index (one field of `Services`).
#[derive(Default)]
pub struct Cache {
    state: Mutex<CacheState>,
    reload: tokio::sync::Mutex<()>,
}

impl Cache {
    /// The index when it was checked less than [`RECHECK`] ago.
    fn fresh(&self) -> (Option<Arc<Loaded>>, bool) {
        match self.state.lock() {
            Ok(s) => (s.loaded.clone(), s.checked_at.is_some_and(|t| t.elapsed() < RECHECK)),
            Err(_) => (None, false),
        }
    }
    fn set(&self, loaded: Option<Arc<Loaded>>) {
        if let Ok(mut s) = self.state.lock() {
            if loaded.is_some() {
                s.loaded = loaded;
            }
            s.checked_at = Some(Instant::now());
        }
    }
    fn invalidate(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.checked_at = None;
        }
    }
}

fn parse_error(e: &parser::ParseError) -> ServiceError {
    let mut inv = Invalid::default();
    inv.push(FieldError::new("file", "err-icd11-file").arg("detail", e.to_string()));
    ServiceError::Invalid(inv)
}

impl Services {
    /// Imports WHO's MMS table from `.xlsx` or `.txt` bytes; `progress` is called with (done, total).
    /// A refused file leaves the catalogue untouched (422 on field `file`, key `err-icd11-file`).
    pub async fn icd11_import(
        &self,
        file_name: &str,
        bytes: Vec<u8>,
        progress: &(dyn Fn(usize, usize) + Send + Sync),
    ) -> ServiceResult<ImportSummary> {
        let lower = file_name.to_ascii_lowercase();
        let parsed = tokio::task::spawn_blocking(move || {
            if lower.ends_with(".xlsx") {
                parser::parse_xlsx(&bytes)
            } else if lower.ends_with(".txt") || lower.ends_with(".tsv") {
                parser::parse_txt(&bytes)
            } else {
                parser::parse_bytes(&bytes)
            }
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("icd11 parse task: {e}")))?;
        let file = parsed.map_err(|e| parse_error(&e))?;
        self.icd11_import_with_progress(file, progress).await
    }

    /// Imports an already parsed file (tests, fixtures).
    pub async fn icd11_import_parsed(&self, file: Icd11File) -> ServiceResult<ImportSummary> {
        self.icd11_import_with_progress(file, &|_, _| {}).await
    }

    async fn icd11_import_with_progress(
        &self,
        file: Icd11File,
        progress: &(dyn Fn(usize, usize) + Send + Sync),
    ) -> ServiceResult<ImportSummary> {
        let now = self.now_us();
        let mut tx = self.db().begin().await?;
        let counts = store::import(&mut tx, &file.release, &file.rows, now, progress).await?;
        let summary = ImportSummary {
            release: file.release.clone(),
            rows: file.rows.len(),
            added: counts.added,
            updated: counts.updated,
            retired: counts.retired,
        };
        let changes = serde_json::to_value(&summary).map_err(|e| ServiceError::Internal(e.to_string()))?;
        self.record_system(
            &mut tx,
            None,
            Event::new("icd11.import", "icd11", &file.release).changes(changes),
            "success",
        )
        .await?;
        tx.commit().await?;
        self.inner.icd.invalidate();
        // Warm the index now so the first search after an import is fast; a failure
        // here only means the next search loads it.
        if let Err(e) = self.icd11_index().await {
            tracing::warn!(error = %e, "icd11 index reload after import failed");
        }
        Ok(summary)
    }

    /// The current index, reloaded when another import changed the generation.
    async fn icd11_index(&self) -> ServiceResult<Arc<Loaded>> {
        let cache = &self.inner.icd;
        if let (Some(l), true) = cache.fresh() {
            return Ok(l);
        }
        let _guard = cache.reload.lock().await;
        let (cur, fresh) = cache.fresh();
        if let (Some(l), true) = (&cur, fresh) {
            return Ok(l.clone());
        }
        let generation = store::generation(self.db()).await?;
        if let Some(l) = cur.filter(|l| l.generation == generation) {
            cache.set(None);
            return Ok(l);
        }
        let mut tx = self.db().read().await?;
        let rows = store::all_active(&mut tx).await?;
        drop(tx);
        let index = tokio::task::spawn_blocking(move || {
            Icd11Index::new(rows.into_iter().map(|r| IndexEntry {
                id: r.id,
                selectable: r.active
                    && ClassKind::parse(&r.class_kind).is_some_and(|k| is_selectable(k, r.code.as_deref(), &r.chapter_no, r.active)),
                class_kind: ClassKind::parse(&r.class_kind).unwrap_or(ClassKind::Category),
                code: r.code,
                title: r.title,
                chapter_no: r.chapter_no,
                is_leaf: r.is_leaf,
                is_residual: r.is_residual,
            }))
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("icd11 index task: {e}")))?;
        let loaded = Arc::new(Loaded { generation, index });
        cache.set(Some(loaded.clone()));
        Ok(loaded)
    }

    /// The active, selectable entity with `code` (case-insensitive), for diagnoses.
    pub async fn icd11_lookup_selectable(&self, code: &str) -> ServiceResult<Option<Icd11Pick>> {
        let code = code.trim();
        if code.is_empty() || code.len() > 16 {
            return Ok(None);
        }
        let mut tx = self.db().read().await?;
        let row = store::by_code(&mut tx, code).await?;
        Ok(row.filter(|r| r.active && r.selectable).and_then(|r| {
            r.code.map(|code| Icd11Pick {
                id: r.id,
                code,
                title: r.title,
            })
        }))
    }

    /// Ranked search (spec §6.4); `limit` is clamped to 1..=[`MAX_LIMIT`].
    pub async fn icd11_search(&self, caller: &Caller, q: &str, limit: usize) -> ServiceResult<Vec<Icd11Item>> {
        self.require(caller, Capability::CatalogueRead, "icd11.search").await?;
        let q: String = q.chars().take(MAX_QUERY_CHARS).collect();
        if q.trim().is_empty() {
            return Ok(Vec::new());
        }
        let loaded = self.icd11_index().await?;
        let limit = limit.clamp(1, MAX_LIMIT);
        Ok(loaded
            .index
            .search(&q, limit)
            .iter()
            .filter_map(|h| loaded.index.entry(h.entity))
            .map(|e| Icd11Item::from_ref(&e))
            .collect())
    }

    /// An entity by code (case-insensitive) with its parents and children.
    pub async fn icd11_entity(&self, caller: &Caller, code: &str) -> ServiceResult<Icd11Entity> {
        self.require(caller, Capability::CatalogueRead, "icd11.read").await?;
        let code = code.trim();
        if code.is_empty() || code.len() > 16 {
            return Err(ServiceError::NotFound);
        }
        let mut tx = self.db().read().await?;
        let row = store::by_code(&mut tx, code).await?.ok_or(ServiceError::NotFound)?;
        entity_of(&mut tx, row).await
    }

    /// An entity by row id (chapters and blocks have no code).
    pub async fn icd11_entity_by_id(&self, caller: &Caller, id: i64) -> ServiceResult<Icd11Entity> {
        self.require(caller, Capability::CatalogueRead, "icd11.read").await?;
        let mut tx = self.db().read().await?;
        let row = store::by_id(&mut tx, id).await?.ok_or(ServiceError::NotFound)?;
        entity_of(&mut tx, row).await
    }

    /// The chapters, in WHO's order.
    pub async fn icd11_chapters(&self, caller: &Caller) -> ServiceResult<Vec<Icd11Item>> {
        self.require(caller, Capability::CatalogueRead, "icd11.read").await?;
        let mut tx = self.db().read().await?;
        Ok(store::chapters(&mut tx).await?.iter().map(Icd11Item::from_row).collect())
    }

    /// Release and active counts per class kind.
    pub async fn icd11_status(&self, caller: &Caller) -> ServiceResult<Icd11Status> {
        self.require(caller, Capability::CatalogueRead, "icd11.read").await?;
        let mut tx = self.db().read().await?;
        let meta = store::meta(&mut tx).await?;
        let counts = store::count_by_kind(&mut tx).await?;
        let get = |k: &str| counts.iter().find(|(kind, _)| kind == k).map_or(0, |(_, n)| *n);
        Ok(Icd11Status {
            release: meta.map(|m| m.0),
            chapters: get("chapter"),
            blocks: get("block"),
            categories: get("category"),
        })
    }
}

async fn entity_of(tx: &mut medops_storage::Tx, row: EntityRow) -> ServiceResult<Icd11Entity> {
    let parents = store::parents(tx, &row).await?;
    let children = store::children(tx, &row.uri).await?;
    Ok(Icd11Entity {
        item: Icd11Item::from_row(&row),
        block_id: row.block_id,
        foundation_uri: (!row.foundation_uri.is_empty()).then_some(row.foundation_uri),
        uri: row.uri,
        active: row.active,
        release: row.release,
        parents: parents.iter().map(Icd11Item::from_row).collect(),
        children: children.iter().map(Icd11Item::from_row).collect(),
    })
}
