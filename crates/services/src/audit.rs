//! Writing and reading the audit log (spec §9). Every service writes its event
//! through [`Services::record`] inside the transaction of the change it records.

use medops_domain::Capability;
use medops_domain::audit::{ChainBreak, ChainVerifier};
use medops_storage::Tx;
use medops_storage::audit::{self as store, EventRow, Filter, NewEvent};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::{Actor, Caller, RequestMeta, ServiceError, ServiceResult, Services};

/// What happened, to which entity.
#[derive(Debug, Clone)]
pub struct Event {
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: Option<String>,
    pub patient_id: Option<i64>,
    pub changes: Value,
    pub severity: &'static str,
}

impl Event {
    pub fn new(action: &'static str, entity: &'static str, entity_id: impl ToString) -> Event {
        Event {
            action,
            entity,
            entity_id: Some(entity_id.to_string()),
            patient_id: None,
            changes: json!({}),
            severity: "normal",
        }
    }
    pub fn patient(mut self, id: i64) -> Event {
        self.patient_id = Some(id);
        self
    }
    pub fn changes(mut self, v: Value) -> Event {
        self.changes = v;
        self
    }
    pub fn high(mut self) -> Event {
        self.severity = "high";
        self
    }
}

/// Changed top-level fields of two serialisable values: `{"field": {"old": …, "new": …}}`.
/// A `None` side stands for "did not exist" (creation / deletion).
pub fn diff<T: Serialize>(old: Option<&T>, new: Option<&T>) -> Value {
    let to_map = |v: Option<&T>| match v.map(serde_json::to_value) {
        Some(Ok(Value::Object(m))) => m,
        _ => Map::new(),
    };
    let (a, b) = (to_map(old), to_map(new));
    let mut out = Map::new();
    for (k, nv) in &b {
        let ov = a.get(k).cloned().unwrap_or(Value::Null);
        if &ov != nv {
            out.insert(k.clone(), json!({"old": ov, "new": nv}));
        }
    }
    for (k, ov) in &a {
        if !b.contains_key(k) {
            out.insert(k.clone(), json!({"old": ov, "new": Value::Null}));
        }
    }
    Value::Object(out)
}

fn new_event(actor: Option<&Actor>, meta: Option<&RequestMeta>, at: i64, e: &Event, outcome: &str) -> NewEvent {
    NewEvent {
        at,
        actor_id: actor.map(|a| a.user_id),
        actor_username: actor.map(|a| a.username.clone()).unwrap_or_else(|| "-".into()),
        actor_roles: actor.map(|a| a.roles_text()).unwrap_or_default(),
        action: e.action.to_owned(),
        entity: e.entity.to_owned(),
        entity_id: e.entity_id.clone(),
        patient_id: e.patient_id,
        outcome: outcome.to_owned(),
        severity: e.severity.to_owned(),
        request_id: meta.map(|m| m.request_id.clone()).unwrap_or_default(),
        ip: meta.map(|m| m.ip.clone()).unwrap_or_default(),
        user_agent: meta.map(|m| m.user_agent.clone()).unwrap_or_default(),
        changes: e.changes.to_string(),
    }
}

/// One audit event as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditView {
    pub seq: i64,
    #[schema(value_type = String, format = DateTime)]
    pub at: jiff::Timestamp,
    pub actor_id: Option<i64>,
    pub actor_username: String,
    pub actor_roles: Vec<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub patient_id: Option<i64>,
    pub outcome: String,
    pub severity: String,
    pub request_id: String,
    pub ip: String,
    pub user_agent: String,
    #[schema(value_type = Object)]
    pub changes: Value,
    pub hash: String,
}

impl From<EventRow> for AuditView {
    fn from(r: EventRow) -> Self {
        AuditView {
            seq: r.seq,
            at: jiff::Timestamp::from_microsecond(r.at).unwrap_or(jiff::Timestamp::UNIX_EPOCH),
            actor_id: r.actor_id,
            actor_roles: r.actor_roles.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            actor_username: r.actor_username,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            patient_id: r.patient_id,
            outcome: r.outcome,
            severity: r.severity,
            request_id: r.request_id,
            ip: r.ip,
            user_agent: r.user_agent,
            changes: serde_json::from_str(&r.changes).unwrap_or(Value::Null),
            hash: r.hash,
        }
    }
}

/// Outcome of `medops audit verify`.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    pub verified: i64,
    pub first_break: Option<ChainBreak>,
}

impl Services {
    /// Appends `e` for `caller` inside `tx` (the transaction of the change itself).
    pub async fn record(&self, tx: &mut Tx, caller: &Caller, e: Event) -> ServiceResult<()> {
        store::append(
            tx,
            &new_event(Some(&caller.actor), Some(&caller.meta), self.now_us(), &e, "success"),
        )
        .await?;
        Ok(())
    }

    /// As [`Services::record`], for events without a logged-in user (failed logins, CLI).
    pub(crate) async fn record_system(&self, tx: &mut Tx, meta: Option<&RequestMeta>, e: Event, outcome: &str) -> ServiceResult<()> {
        store::append(tx, &new_event(None, meta, self.now_us(), &e, outcome)).await?;
        Ok(())
    }

    /// Records a refused attempt in its own transaction (the refused change never happened).
    pub(crate) async fn audit_denied(&self, caller: &Caller, action: &str, entity_id: Option<String>) {
        let e = Event {
            action: "access.denied",
            entity: "request",
            entity_id,
            patient_id: None,
            changes: json!({ "attempted": action }),
            severity: "normal",
        };
        let res = async {
            let mut tx = self.db().begin().await?;
            store::append(
                &mut tx,
                &new_event(Some(&caller.actor), Some(&caller.meta), self.now_us(), &e, "denied"),
            )
            .await?;
            tx.commit().await
        }
        .await;
        if let Err(err) = res {
            tracing::error!(error = %err, "could not record a denied access");
        }
    }

    /// Admin: the audit log, newest first.
    pub async fn audit_list(&self, caller: &Caller, f: &Filter, page: i64, per_page: i64) -> ServiceResult<(Vec<AuditView>, i64)> {
        self.require(caller, Capability::AuditRead, "audit.list").await?;
        let per_page = per_page.clamp(1, 100);
        let page = page.max(1);
        let mut tx = self.db().read().await?;
        let (rows, total) = store::list(&mut tx, f, per_page, (page - 1) * per_page).await?;
        tx.commit().await?;
        Ok((rows.into_iter().map(AuditView::from).collect(), total))
    }

    /// Re-computes the whole chain, in pages, and reports the first break.
    pub async fn audit_verify(&self) -> ServiceResult<VerifyReport> {
        let mut v = ChainVerifier::default();
        let mut after = 0;
        loop {
            let mut tx = self.db().read().await?;
            let page = store::chain_page(&mut tx, after, 5_000).await?;
            tx.commit().await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for row in &page {
                if let Err(b) = v.check(&row.content(), &row.prev_hash, &row.hash) {
                    return Ok(VerifyReport {
                        verified: v.verified(),
                        first_break: Some(b),
                    });
                }
            }
        }
        Ok(VerifyReport {
            verified: v.verified(),
            first_break: None,
        })
    }
}

impl From<ChainBreak> for ServiceError {
    fn from(b: ChainBreak) -> Self {
        ServiceError::Internal(b.to_string())
    }
}
