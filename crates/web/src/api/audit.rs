//! Admin: the audit log.

use axum::Json;
use axum::extract::State;
use medops_services::audit::AuditView;
use medops_services::types::AuditFilter as Filter;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::Page;
use crate::ctx::{ApiQuery, Ctx};
use crate::error::{ApiResult, ErrorBody};

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct AuditQuery {
    pub patient_id: Option<i64>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// Username of the actor.
    pub actor: Option<String>,
    /// Exact action, or a prefix ending in `*` (`patient.*`).
    pub action: Option<String>,
    pub outcome: Option<String>,
    /// RFC 3339 instant or `YYYY-MM-DD` (start of that clinic day).
    pub from: Option<String>,
    /// RFC 3339 instant or `YYYY-MM-DD` (end of that clinic day).
    pub to: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Parses a bound of the time filter in the clinic's zone.
pub fn parse_bound(
    raw: Option<&str>,
    tz: &jiff::tz::TimeZone,
    end: bool,
    field: &str,
) -> Result<Option<i64>, medops_services::ServiceError> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if let Ok(ts) = raw.parse::<jiff::Timestamp>() {
        return Ok(Some(ts.as_microsecond()));
    }
    let date: jiff::civil::Date = raw.parse().map_err(|_| medops_services::ServiceError::invalid(field, "err-type"))?;
    let day = if end { date.tomorrow().unwrap_or(date) } else { date };
    let ts = day
        .to_zoned(tz.clone())
        .map_err(|_| medops_services::ServiceError::invalid(field, "err-type"))?
        .timestamp();
    Ok(Some(ts.as_microsecond()))
}

impl AuditQuery {
    pub fn filter(&self, tz: &jiff::tz::TimeZone) -> Result<Filter, medops_services::ServiceError> {
        let clean = |v: &Option<String>| v.as_ref().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(Filter {
            patient_id: self.patient_id,
            entity: clean(&self.entity),
            entity_id: clean(&self.entity_id),
            actor: clean(&self.actor),
            action: clean(&self.action),
            outcome: clean(&self.outcome),
            from: parse_bound(self.from.as_deref(), tz, false, "from")?,
            to: parse_bound(self.to.as_deref(), tz, true, "to")?,
        })
    }
}

/// Audit events, newest first (admin only).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = inline(Page<AuditView>)), (status = 403, body = ErrorBody)))]
async fn list_audit(State(s): State<AppState>, ctx: Ctx, ApiQuery(q): ApiQuery<AuditQuery>) -> ApiResult<Json<Page<AuditView>>> {
    let f = q.filter(&s.services.config().tz)?;
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(50).clamp(1, 100);
    let (items, total) = s.services.audit_list(&ctx.caller, &f, page, per_page).await?;
    Ok(Json(Page {
        items,
        total,
        page,
        per_page,
    }))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}
