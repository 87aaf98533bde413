//! The audit log table. Appends are serialized (SQLite: the write transaction's lock;
//! PostgreSQL: a transaction-scoped advisory lock) so the hash chain stays linear
//! under concurrent writers, including several app servers.

use medops_domain::audit::{AuditContent, GENESIS};

use crate::{Result, SqlxExt, Tx, with_tx};

/// Advisory lock key guarding the chain head on PostgreSQL.
const CHAIN_LOCK: i64 = 0x6d65_646f_7073_0001;

#[derive(Debug, Clone, Default)]
pub struct NewEvent {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_username: String,
    pub actor_roles: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub patient_id: Option<i64>,
    pub outcome: String,
    pub severity: String,
    pub request_id: String,
    pub ip: String,
    pub user_agent: String,
    /// JSON text of changed fields `{"field": {"old": …, "new": …}}` or other details.
    pub changes: String,
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct EventRow {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_username: String,
    pub actor_roles: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub patient_id: Option<i64>,
    pub outcome: String,
    pub severity: String,
    pub request_id: String,
    pub ip: String,
    pub user_agent: String,
    pub changes: String,
    pub prev_hash: String,
    pub hash: String,
}

impl EventRow {
    pub fn content(&self) -> AuditContent<'_> {
        AuditContent {
            seq: self.seq,
            at: self.at,
            actor_id: self.actor_id,
            actor_username: &self.actor_username,
            actor_roles: &self.actor_roles,
            action: &self.action,
            entity: &self.entity,
            entity_id: self.entity_id.as_deref(),
            patient_id: self.patient_id,
            outcome: &self.outcome,
            severity: &self.severity,
            request_id: &self.request_id,
            ip: &self.ip,
            user_agent: &self.user_agent,
            changes: &self.changes,
        }
    }
}

const COLUMNS: &str = "seq, at, actor_id, actor_username, actor_roles, action, entity, entity_id, patient_id, outcome, severity, request_id, ip, user_agent, changes, prev_hash, hash";

/// Appends one event inside `tx`, chaining it to the current head. Returns its seq.
pub async fn append(tx: &mut Tx, e: &NewEvent) -> Result<i64> {
    if let Tx::Pg(t) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(CHAIN_LOCK)
            .execute(&mut **t)
            .await
            .db()?;
    }
    let head: Option<(i64, String)> = with_tx!(tx, c => sqlx::query_as("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *c).await.db())?;
    let (prev_seq, prev_hash) = head.unwrap_or((0, GENESIS.to_owned()));
    let seq = prev_seq + 1;
    let content = AuditContent {
        seq,
        at: e.at,
        actor_id: e.actor_id,
        actor_username: &e.actor_username,
        actor_roles: &e.actor_roles,
        action: &e.action,
        entity: &e.entity,
        entity_id: e.entity_id.as_deref(),
        patient_id: e.patient_id,
        outcome: &e.outcome,
        severity: &e.severity,
        request_id: &e.request_id,
        ip: &e.ip,
        user_agent: &e.user_agent,
        changes: &e.changes,
    };
    let hash = content.hash(&prev_hash);
    with_tx!(tx, c => sqlx::query(
        "INSERT INTO audit_event (seq, at, actor_id, actor_username, actor_roles, action, entity, entity_id, patient_id, outcome, severity, request_id, ip, user_agent, changes, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)")
        .bind(seq).bind(e.at).bind(e.actor_id).bind(&e.actor_username).bind(&e.actor_roles)
        .bind(&e.action).bind(&e.entity).bind(&e.entity_id).bind(e.patient_id).bind(&e.outcome)
        .bind(&e.severity).bind(&e.request_id).bind(&e.ip).bind(&e.user_agent).bind(&e.changes)
        .bind(&prev_hash).bind(&hash)
        .execute(&mut *c).await.map(|_| ()).db())?;
    Ok(seq)
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub patient_id: Option<i64>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub outcome: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// Newest first, paginated. Filters are bound parameters; a NULL parameter disables its filter.
pub async fn list(tx: &mut Tx, f: &Filter, limit: i64, offset: i64) -> Result<(Vec<EventRow>, i64)> {
    const WHERE: &str = "WHERE ($1 IS NULL OR patient_id = $1)
        AND ($2 IS NULL OR entity = $2)
        AND ($3 IS NULL OR entity_id = $3)
        AND ($4 IS NULL OR actor_username = $4)
        AND ($5 IS NULL OR action LIKE $5)
        AND ($6 IS NULL OR outcome = $6)
        AND ($7 IS NULL OR at >= $7)
        AND ($8 IS NULL OR at < $8)";
    let action = f.action.as_ref().map(|a| {
        if a.ends_with('*') {
            format!("{}%", a.trim_end_matches('*'))
        } else {
            a.clone()
        }
    });
    let rows_sql = format!("SELECT {COLUMNS} FROM audit_event {WHERE} ORDER BY seq DESC LIMIT $9 OFFSET $10");
    let count_sql = format!("SELECT COUNT(*) FROM audit_event {WHERE}");
    with_tx!(tx, c => {
        let rows: Vec<EventRow> = sqlx::query_as(sqlx::AssertSqlSafe(rows_sql))
            .bind(f.patient_id).bind(&f.entity).bind(&f.entity_id).bind(&f.actor).bind(&action)
            .bind(&f.outcome).bind(f.from).bind(f.to).bind(limit).bind(offset)
            .fetch_all(&mut *c).await.db()?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
            .bind(f.patient_id).bind(&f.entity).bind(&f.entity_id).bind(&f.actor).bind(&action)
            .bind(&f.outcome).bind(f.from).bind(f.to)
            .fetch_one(&mut *c).await.db()?;
        Ok((rows, total))
    })
}

/// Events with `seq > after`, in chain order, at most `limit` (for streaming verification).
pub async fn chain_page(tx: &mut Tx, after: i64, limit: i64) -> Result<Vec<EventRow>> {
    let sql = format!("SELECT {COLUMNS} FROM audit_event WHERE seq > $1 ORDER BY seq LIMIT $2");
    with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(after).bind(limit).fetch_all(&mut *c).await.db())
}
