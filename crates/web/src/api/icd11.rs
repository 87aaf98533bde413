//! ICD-11 catalogue API (spec §6): search, entity by code or id, chapters.

use axum::Json;
use axum::extract::{Path, State};
use medops_services::icd11::{Icd11Entity, Icd11Item, Icd11Status, MAX_LIMIT};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::ctx::{ApiQuery, Ctx, Id};
use crate::error::{ApiResult, ErrorBody};

/// Default number of search results.
pub const DEFAULT_LIMIT: usize = 20;

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchParams {
    /// Code (`BA00`, `ba00`), code prefix (`BA0`) or words in any order (`diab mell`);
    /// case- and accent-insensitive. Empty → no results.
    pub q: Option<String>,
    /// Results wanted: default 20, at most 100 (a larger value is reduced to 100; 0 or
    /// less gives 1).
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Items {
    pub items: Vec<Icd11Item>,
}

/// Clamps `?limit=` to 1..=100 (default 20).
pub fn limit_of(limit: Option<i64>) -> usize {
    limit.map_or(DEFAULT_LIMIT, |l| {
        usize::try_from(l.clamp(1, MAX_LIMIT as i64)).unwrap_or(DEFAULT_LIMIT)
    })
}

/// Ranked search: exact code, then code prefix, then titles with all words (shorter
/// titles and leaf categories first), then partial matches. Non-selectable entries
/// (chapters, blocks, `_NOCODEASSIGNED`, extension codes) are included with
/// `selectable: false`. `limit` above 100 is reduced to 100.
#[utoipa::path(get, path = "/api/v1/icd11/search", tag = "icd11", params(SearchParams),
    responses((status = 200, body = Items), (status = 401, body = ErrorBody)))]
async fn search(State(s): State<AppState>, ctx: Ctx, ApiQuery(p): ApiQuery<SearchParams>) -> ApiResult<Json<Items>> {
    let q = p.q.unwrap_or_default();
    let items = s.services.icd11_search(&ctx.caller, &q, limit_of(p.limit)).await?;
    Ok(Json(Items { items }))
}

/// The chapters, in WHO's order (no codes; browse them at `/api/v1/icd11/entities/{id}`).
#[utoipa::path(get, path = "/api/v1/icd11/chapters", tag = "icd11",
    responses((status = 200, body = Items), (status = 401, body = ErrorBody)))]
async fn chapters(State(s): State<AppState>, ctx: Ctx) -> ApiResult<Json<Items>> {
    Ok(Json(Items {
        items: s.services.icd11_chapters(&ctx.caller).await?,
    }))
}

/// Release and active entity counts.
#[utoipa::path(get, path = "/api/v1/icd11/status", tag = "icd11",
    responses((status = 200, body = Icd11Status), (status = 401, body = ErrorBody)))]
async fn status(State(s): State<AppState>, ctx: Ctx) -> ApiResult<Json<Icd11Status>> {
    Ok(Json(s.services.icd11_status(&ctx.caller).await?))
}

/// An entity by code (case-insensitive), with `parents` (chapter → … → direct parent)
/// and active `children`. Unknown code → 404. Retired entities are still returned
/// (`active: false`, `selectable: false`).
#[utoipa::path(get, path = "/api/v1/icd11/{code}", tag = "icd11", params(("code" = String, Path, description = "MMS code, e.g. 1A11.Z")),
    responses((status = 200, body = Icd11Entity), (status = 404, body = ErrorBody)))]
async fn by_code(State(s): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> ApiResult<Json<Icd11Entity>> {
    Ok(Json(s.services.icd11_entity(&ctx.caller, &code).await?))
}

/// An entity by row id: the browse route for chapters, blocks and `_NOCODEASSIGNED`
/// rows, which have no code (ids come from `items[].id`). Same body as by code.
#[utoipa::path(get, path = "/api/v1/icd11/entities/{id}", tag = "icd11", params(("id" = i64, Path)),
    responses((status = 200, body = Icd11Entity), (status = 404, body = ErrorBody)))]
async fn by_id(State(s): State<AppState>, ctx: Ctx, Id(id): Id) -> ApiResult<Json<Icd11Entity>> {
    Ok(Json(s.services.icd11_entity_by_id(&ctx.caller, id).await?))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(chapters))
        .routes(routes!(status))
        .routes(routes!(by_code))
        .routes(routes!(by_id))
}
