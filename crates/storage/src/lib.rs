//! MedOps storage: SQL and migrations for SQLite (embedded, default) and PostgreSQL.
//!
//! Every query is written once and compiled twice, for the concrete SQLite and
//! PostgreSQL drivers, through [`with_db!`] and [`with_tx!`]. Only dialect-specific
//! statements (locks, upserts) are split, inside the entity's module.
//! Architecture invariant: nothing here checks permissions or writes audit events on
//! its own initiative; services decide both.

pub mod audit;
pub mod doctor;
pub mod icd11;
pub mod institution;
pub mod patient;
pub mod session;
pub mod user;
pub mod visit;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};

/// A connection pool to one of the two supported databases.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

/// An open transaction. Dropping it without [`Tx::commit`] rolls back.
#[derive(Debug)]
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Pg(sqlx::Transaction<'static, Postgres>),
}

/// Runs `$body` with `$p` bound to the concrete pool.
#[macro_export]
macro_rules! with_db {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($p) => $body,
            $crate::Db::Pg($p) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the transaction's concrete connection
/// (`&mut SqliteConnection` / `&mut PgConnection`; pass it on as `&mut *$c`).
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::Pg(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("not found")]
    NotFound,
    /// A unique or exclusion constraint refused the write; `constraint` names it as
    /// well as the backend allows (index name on PostgreSQL, column list on SQLite).
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    #[error("database error: {0}")]
    Other(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL (expected sqlite:… or postgres://…)")]
    BadUrl,
}

impl StorageError {
    /// Maps sqlx's errors once: missing rows and constraint violations become typed.
    pub fn from_sqlx(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StorageError::NotFound,
            sqlx::Error::Database(d) if d.is_unique_violation() => StorageError::Conflict {
                constraint: d.constraint().map(str::to_owned).unwrap_or_else(|| d.message().to_owned()),
            },
            _ => StorageError::Other(e),
        }
    }

    /// True when the conflict concerns `name` (an index name, or on SQLite a column like `patient.cedula`).
    pub fn is_conflict_on(&self, name: &str) -> bool {
        matches!(self, StorageError::Conflict { constraint } if constraint.contains(name))
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// Lets `?` convert sqlx errors inside storage functions.
pub(crate) trait SqlxExt<T> {
    fn db(self) -> Result<T>;
}
impl<T> SqlxExt<T> for std::result::Result<T, sqlx::Error> {
    fn db(self) -> Result<T> {
        self.map_err(StorageError::from_sqlx)
    }
}

impl Db {
    /// Connects by URL: `sqlite://path/to/file.db` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Db> {
        Self::connect_in_schema(url, None).await
    }

    /// As [`Db::connect`]; on PostgreSQL every connection uses `schema` as its
    /// search path (each test gets its own schema).
    pub async fn connect_in_schema(url: &str, schema: Option<&str>) -> Result<Db> {
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .db()?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(15))
                .foreign_keys(true)
                .pragma("cache_size", "-2000")
                // Each pooled connection keeps its prepared statements; a small cache keeps idle memory low.
                .statement_cache_capacity(32);
            let pool = SqlitePoolOptions::new()
                // SQLite serialises writers anyway; four readers keep two cores busy.
                .max_connections(4)
                .min_connections(1)
                .connect_with(opts)
                .await
                .db()?;
            Ok(Db::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let mut opts = PgConnectOptions::from_str(url).db()?;
            if let Some(s) = schema {
                opts = opts.options([("search_path", s)]);
            }
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await
                .db()?;
            Ok(Db::Pg(pool))
        } else {
            Err(StorageError::BadUrl)
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Pg(_) => "postgres",
        }
    }

    /// Applies pending migrations of this backend.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(p) => sqlx::migrate!("migrations/sqlite").run(p).await?,
            Db::Pg(p) => sqlx::migrate!("migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so a read-then-write transaction cannot fail midway
    /// with SQLITE_BUSY when another writer got there first.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await.db()?),
            Db::Pg(p) => Tx::Pg(p.begin().await.db()?),
        })
    }

    /// Starts a read-only (deferred) transaction: a consistent snapshot without
    /// taking SQLite's write lock.
    pub async fn read(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin().await.db()?),
            Db::Pg(p) => Tx::Pg(p.begin().await.db()?),
        })
    }

    pub async fn close(&self) {
        with_db!(self, p => p.close().await)
    }

    pub async fn ping(&self) -> Result<()> {
        with_db!(self, p => sqlx::query("SELECT 1").execute(p).await.db().map(|_| ()))
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await.db(),
            Tx::Pg(t) => t.commit().await.db(),
        }
    }
}

/// Number of rows of a table (`table` must be a trusted identifier).
pub async fn count_rows(db: &Db, table: &'static str) -> Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    with_db!(db, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).fetch_one(p).await.db())
}

#[cfg(test)]
mod tests {
    /// Both backends must have the same migrations, under the same names.
    #[test]
    fn migration_dirs_match() {
        let names = |dir: &str| -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
                .map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
                .unwrap_or_default();
            v.sort();
            v
        };
        let (sqlite, pg) = (names("sqlite"), names("postgres"));
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, pg);
    }
}
