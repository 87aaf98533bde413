//! Patients API (spec §3): list/search, create, read, PATCH, archive, restore.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use medops_domain::patient::PatientInput;
use medops_services::patients::{PatientListItem, PatientView};
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Page;
use crate::AppState;
use crate::ctx::{ApiJson, ApiQuery, Ctx, Id};
use crate::error::{ApiResult, ErrorBody};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ListParams {
    /// Free text: name words in any order (accents and case ignored) or a cédula in any format.
    pub q: Option<String>,
    pub page: Option<i64>,
    /// 1–100, default 20.
    pub per_page: Option<i64>,
    /// Include archived patients.
    pub archived: Option<bool>,
}

/// List or search patients (paginated). Exact cédula first, then full-name matches, then by last name.
#[utoipa::path(get, path = "/api/v1/patients", tag = "patients", params(ListParams),
    responses((status = 200, body = Page<PatientListItem>), (status = 422, body = ErrorBody)))]
async fn list_patients(State(s): State<AppState>, ctx: Ctx, ApiQuery(p): ApiQuery<ListParams>) -> ApiResult<Json<Page<PatientListItem>>> {
    let page = p.page.unwrap_or(1).max(1);
    let per_page = p.per_page.unwrap_or(20).clamp(1, 100);
    let (mut items, total) = s
        .services
        .patient_search(
            &ctx.caller,
            p.q.as_deref().unwrap_or(""),
            p.archived.unwrap_or(false),
            page,
            per_page,
        )
        .await?;
    for i in &mut items {
        i.localize(ctx.lang);
    }
    Ok(Json(Page {
        items,
        total,
        page,
        per_page,
    }))
}

/// Register a patient. `possible_duplicates` lists patients with the same name and birth date (a warning).
#[utoipa::path(post, path = "/api/v1/patients", tag = "patients", request_body(content = Object, description = "PatientInput"),
    responses((status = 201, body = PatientView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_patient(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<PatientInput>,
) -> ApiResult<(StatusCode, Json<PatientView>)> {
    let mut v = s.services.patient_create(&ctx.caller, input).await?;
    v.localize(ctx.lang);
    Ok((StatusCode::CREATED, Json(v)))
}

/// One patient (the read is audited). Clinical background only for doctors and nurses.
#[utoipa::path(get, path = "/api/v1/patients/{id}", tag = "patients", params(("id" = i64, Path)),
    responses((status = 200, body = PatientView), (status = 404, body = ErrorBody)))]
async fn get_patient(State(s): State<AppState>, ctx: Ctx, Id(id): Id) -> ApiResult<Json<PatientView>> {
    let mut v = s.services.patient_get(&ctx.caller, id).await?;
    v.localize(ctx.lang);
    Ok(Json(v))
}

/// Change some fields (JSON merge patch: only the fields sent change; `null` clears).
#[utoipa::path(patch, path = "/api/v1/patients/{id}", tag = "patients", params(("id" = i64, Path)), request_body(content = Object, description = "Partial PatientInput"),
    responses((status = 200, body = PatientView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_patient(State(s): State<AppState>, ctx: Ctx, Id(id): Id, ApiJson(patch): ApiJson<Value>) -> ApiResult<Json<PatientView>> {
    let mut v = s.services.patient_update(&ctx.caller, id, patch).await?;
    v.localize(ctx.lang);
    Ok(Json(v))
}

/// Archive (hidden from lists and search; nothing is deleted).
#[utoipa::path(delete, path = "/api/v1/patients/{id}", tag = "patients", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn archive_patient(State(s): State<AppState>, ctx: Ctx, Id(id): Id) -> ApiResult<StatusCode> {
    s.services.patient_archive(&ctx.caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Bring an archived patient back.
#[utoipa::path(post, path = "/api/v1/patients/{id}/restore", tag = "patients", params(("id" = i64, Path)),
    responses((status = 200, body = PatientView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn restore_patient(State(s): State<AppState>, ctx: Ctx, Id(id): Id) -> ApiResult<Json<PatientView>> {
    let mut v = s.services.patient_restore(&ctx.caller, id).await?;
    v.localize(ctx.lang);
    Ok(Json(v))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_patients, create_patient))
        .routes(routes!(get_patient, update_patient, archive_patient))
        .routes(routes!(restore_patient))
}
