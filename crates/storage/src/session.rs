//! Server-side sessions (web cookie and API bearer token). Only the SHA-256 of a
//! token is stored, so a database leak does not leak live sessions.

use crate::{Result, SqlxExt, Tx, with_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub kind: &'a str,
    pub csrf_token: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

pub async fn create(tx: &mut Tx, s: &NewSession<'_>) -> Result<i64> {
    with_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO user_session (token_hash, user_id, kind, csrf_token, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id")
        .bind(s.token_hash).bind(s.user_id).bind(s.kind).bind(s.csrf_token).bind(s.now).bind(s.expires_at)
        .fetch_one(&mut *c).await.db())
}

pub async fn find_by_hash(tx: &mut Tx, token_hash: &str) -> Result<Option<SessionRow>> {
    with_tx!(tx, c => sqlx::query_as(
        "SELECT id, user_id, kind, csrf_token, created_at, last_seen_at, expires_at, revoked_at FROM user_session WHERE token_hash = $1")
        .bind(token_hash).fetch_optional(&mut *c).await.db())
}

pub async fn touch(tx: &mut Tx, id: i64, now: i64) -> Result<()> {
    with_tx!(tx, c => sqlx::query("UPDATE user_session SET last_seen_at = $1 WHERE id = $2")
        .bind(now).bind(id).execute(&mut *c).await.map(|_| ()).db())?;
    Ok(())
}

pub async fn revoke(tx: &mut Tx, id: i64, now: i64) -> Result<()> {
    with_tx!(tx, c => sqlx::query("UPDATE user_session SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now).bind(id).execute(&mut *c).await.map(|_| ()).db())?;
    Ok(())
}

/// Ends every live session of a user (disable, password reset).
pub async fn revoke_all_for_user(tx: &mut Tx, user_id: i64, now: i64) -> Result<()> {
    with_tx!(tx, c => sqlx::query("UPDATE user_session SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now).bind(user_id).execute(&mut *c).await.map(|_| ()).db())?;
    Ok(())
}
