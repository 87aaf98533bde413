//! Users and their roles.

use medops_domain::Role;

use crate::{Result, SqlxExt, StorageError, Tx, with_tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub password_hash: String,
    pub language: Option<String>,
    pub active: bool,
    pub must_change_password: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone)]
pub struct User {
    pub row: UserRow,
    pub roles: Vec<Role>,
}

const COLS: &str = "id, username, full_name, password_hash, language, active, must_change_password, created_at, updated_at";

async fn with_roles(tx: &mut Tx, row: UserRow) -> Result<User> {
    let roles = roles_of(tx, row.id).await?;
    Ok(User { row, roles })
}

pub async fn roles_of(tx: &mut Tx, user_id: i64) -> Result<Vec<Role>> {
    let names: Vec<String> = with_tx!(tx, c => sqlx::query_scalar("SELECT role FROM user_role WHERE user_id = $1 ORDER BY role")
        .bind(user_id).fetch_all(&mut *c).await.db())?;
    let mut roles: Vec<Role> = names.iter().filter_map(|n| Role::parse(n)).collect();
    roles.sort();
    Ok(roles)
}

pub async fn find(tx: &mut Tx, id: i64) -> Result<User> {
    let sql = format!("SELECT {COLS} FROM app_user WHERE id = $1");
    let row: UserRow = with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *c).await.db())?;
    with_roles(tx, row).await
}

pub async fn find_by_username(tx: &mut Tx, username: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {COLS} FROM app_user WHERE username = $1");
    let row: Option<UserRow> =
        with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(username).fetch_optional(&mut *c).await.db())?;
    match row {
        Some(r) => Ok(Some(with_roles(tx, r).await?)),
        None => Ok(None),
    }
}

pub async fn list(tx: &mut Tx) -> Result<Vec<User>> {
    let sql = format!("SELECT {COLS} FROM app_user ORDER BY username");
    let rows: Vec<UserRow> = with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await.db())?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(with_roles(tx, r).await?);
    }
    Ok(out)
}

pub async fn count(tx: &mut Tx) -> Result<i64> {
    with_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM app_user").fetch_one(&mut *c).await.db())
}

/// Active users holding `role`.
pub async fn count_active_with_role(tx: &mut Tx, role: Role) -> Result<i64> {
    with_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM app_user u JOIN user_role r ON r.user_id = u.id WHERE u.active = TRUE AND r.role = $1")
        .bind(role.as_str()).fetch_one(&mut *c).await.db())
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub full_name: &'a str,
    pub password_hash: &'a str,
    pub language: Option<&'a str>,
    pub must_change_password: bool,
    pub roles: &'a [Role],
    pub now: i64,
}

/// Creates a user; `Conflict` when the username is taken.
pub async fn create(tx: &mut Tx, u: &NewUser<'_>) -> Result<i64> {
    let id: i64 = with_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO app_user (username, full_name, password_hash, language, active, must_change_password, created_at, updated_at)
         VALUES ($1, $2, $3, $4, TRUE, $5, $6, $6) RETURNING id")
        .bind(u.username).bind(u.full_name).bind(u.password_hash).bind(u.language)
        .bind(u.must_change_password).bind(u.now)
        .fetch_one(&mut *c).await.db())?;
    set_roles(tx, id, u.roles).await?;
    Ok(id)
}

pub async fn set_roles(tx: &mut Tx, user_id: i64, roles: &[Role]) -> Result<()> {
    with_tx!(tx, c => {
        sqlx::query("DELETE FROM user_role WHERE user_id = $1").bind(user_id).execute(&mut *c).await.db()?;
        for r in roles {
            sqlx::query("INSERT INTO user_role (user_id, role) VALUES ($1, $2)")
                .bind(user_id).bind(r.as_str()).execute(&mut *c).await.db()?;
        }
        Ok::<(), StorageError>(())
    })
}

pub async fn set_password(tx: &mut Tx, user_id: i64, hash: &str, must_change: bool, now: i64) -> Result<()> {
    with_tx!(tx, c => sqlx::query("UPDATE app_user SET password_hash = $1, must_change_password = $2, updated_at = $3 WHERE id = $4")
        .bind(hash).bind(must_change).bind(now).bind(user_id).execute(&mut *c).await.map(|_| ()).db())?;
    Ok(())
}

pub async fn set_active(tx: &mut Tx, user_id: i64, active: bool, now: i64) -> Result<()> {
    with_tx!(tx, c => sqlx::query("UPDATE app_user SET active = $1, updated_at = $2 WHERE id = $3")
        .bind(active).bind(now).bind(user_id).execute(&mut *c).await.map(|_| ()).db())?;
    Ok(())
}

pub async fn set_profile(tx: &mut Tx, user_id: i64, full_name: &str, language: Option<&str>, now: i64) -> Result<()> {
    with_tx!(tx, c => sqlx::query("UPDATE app_user SET full_name = $1, language = $2, updated_at = $3 WHERE id = $4")
        .bind(full_name).bind(language).bind(now).bind(user_id).execute(&mut *c).await.map(|_| ()).db())?;
    Ok(())
}

/// Records a login attempt (for throttling).
pub async fn record_attempt(tx: &mut Tx, username: &str, at: i64, success: bool) -> Result<()> {
    with_tx!(tx, c => sqlx::query("INSERT INTO login_attempt (username, at, success) VALUES ($1, $2, $3)")
        .bind(username).bind(at).bind(success).execute(&mut *c).await.map(|_| ()).db())?;
    Ok(())
}

/// Failed attempts for `username` since `since`, and the oldest of them.
pub async fn failures_since(tx: &mut Tx, username: &str, since: i64) -> Result<(i64, Option<i64>)> {
    with_tx!(tx, c => sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM login_attempt WHERE username = $1 AND at >= $2 AND success = FALSE")
        .bind(username).bind(since).fetch_one(&mut *c).await.db())
}
