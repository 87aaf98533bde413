//! The clinic's settings (a single row).

use crate::{Result, SqlxExt, Tx, with_tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct InstitutionRow {
    pub name: String,
    pub legal_name: String,
    pub rif: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub footer: String,
    pub paper_size: String,
    pub chart_access: String,
    pub base_currency: String,
    pub logo_mime: Option<String>,
    pub is_demo: bool,
    pub updated_at: i64,
}

const COLS: &str =
    "name, legal_name, rif, address, phone, email, footer, paper_size, chart_access, base_currency, logo_mime, is_demo, updated_at";

/// The settings row, if it exists yet (read-only).
pub async fn find(tx: &mut Tx) -> Result<Option<InstitutionRow>> {
    let sql = format!("SELECT {COLS} FROM institution WHERE id = 1");
    with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_optional(&mut *c).await.db())
}

/// The settings; a fresh database gets a default row on first read.
pub async fn get(tx: &mut Tx, now: i64) -> Result<InstitutionRow> {
    let sql = format!("SELECT {COLS} FROM institution WHERE id = 1");
    let row: Option<InstitutionRow> =
        with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_optional(&mut *c).await.db())?;
    if let Some(r) = row {
        return Ok(r);
    }
    with_tx!(tx, c => sqlx::query("INSERT INTO institution (id, name, updated_at) VALUES (1, 'MedOps', $1) ON CONFLICT (id) DO NOTHING")
        .bind(now).execute(&mut *c).await.map(|_| ()).db())?;
    with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_one(&mut *c).await.db())
}

pub async fn update(tx: &mut Tx, r: &InstitutionRow) -> Result<()> {
    with_tx!(tx, c => sqlx::query(
        "UPDATE institution SET name = $1, legal_name = $2, rif = $3, address = $4, phone = $5, email = $6, footer = $7,
         paper_size = $8, chart_access = $9, base_currency = $10, is_demo = $11, updated_at = $12 WHERE id = 1")
        .bind(&r.name).bind(&r.legal_name).bind(&r.rif).bind(&r.address).bind(&r.phone).bind(&r.email)
        .bind(&r.footer).bind(&r.paper_size).bind(&r.chart_access).bind(&r.base_currency).bind(r.is_demo)
        .bind(r.updated_at)
        .execute(&mut *c).await.map(|_| ()).db())?;
    Ok(())
}

pub async fn set_logo(tx: &mut Tx, bytes: &[u8], mime: &str, now: i64) -> Result<()> {
    with_tx!(tx, c => sqlx::query("UPDATE institution SET logo = $1, logo_mime = $2, updated_at = $3 WHERE id = 1")
        .bind(bytes).bind(mime).bind(now).execute(&mut *c).await.map(|_| ()).db())?;
    Ok(())
}

pub async fn logo(tx: &mut Tx) -> Result<Option<(Vec<u8>, String)>> {
    let row: Option<(Option<Vec<u8>>, Option<String>)> = with_tx!(tx, c => sqlx::query_as("SELECT logo, logo_mime FROM institution WHERE id = 1")
        .fetch_optional(&mut *c).await.db())?;
    Ok(match row {
        Some((Some(b), Some(m))) => Some((b, m)),
        _ => None,
    })
}
