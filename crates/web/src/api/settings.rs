//! Clinic settings, logo, specialties and doctors.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use medops_services::settings::{DoctorProfileInput, DoctorView, InstitutionInput};
use medops_services::types::{InstitutionRow, SpecialtyRow};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::ctx::{ApiJson, Ctx, Id};
use crate::error::{ApiResult, ErrorBody};

/// Clinic settings (any logged-in user may read them).
#[utoipa::path(get, path = "/api/v1/settings/institution", tag = "settings", responses((status = 200, body = InstitutionRow)))]
async fn get_institution(State(s): State<AppState>, _ctx: Ctx) -> ApiResult<Json<InstitutionRow>> {
    Ok(Json(s.services.institution().await?))
}

/// Update clinic settings (admin).
#[utoipa::path(put, path = "/api/v1/settings/institution", tag = "settings", request_body = InstitutionInput,
    responses((status = 200, body = InstitutionRow), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_institution(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(input): ApiJson<InstitutionInput>,
) -> ApiResult<Json<InstitutionRow>> {
    Ok(Json(s.services.institution_update(&ctx.caller, input).await?))
}

/// The clinic's logo.
#[utoipa::path(get, path = "/api/v1/settings/logo", tag = "settings", responses((status = 200, content_type = "image/png"), (status = 404, body = ErrorBody)))]
async fn get_logo(State(s): State<AppState>, _ctx: Ctx) -> ApiResult<Response> {
    match s.services.institution_logo().await? {
        Some((bytes, mime)) => Ok(([(header::CONTENT_TYPE, mime)], bytes).into_response()),
        None => Err(medops_services::ServiceError::NotFound.into()),
    }
}

/// Upload the logo: the raw PNG or JPEG bytes as the body (checked by content, ≤ 2 MiB).
#[utoipa::path(put, path = "/api/v1/settings/logo", tag = "settings", request_body(content = Vec<u8>, content_type = "image/png"),
    responses((status = 204), (status = 422, body = ErrorBody)))]
async fn put_logo(State(s): State<AppState>, ctx: Ctx, body: Bytes) -> ApiResult<StatusCode> {
    s.services.institution_set_logo(&ctx.caller, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The specialties list.
#[utoipa::path(get, path = "/api/v1/specialties", tag = "settings", responses((status = 200, body = Vec<SpecialtyRow>)))]
async fn list_specialties(State(s): State<AppState>, _ctx: Ctx) -> ApiResult<Json<Vec<SpecialtyRow>>> {
    Ok(Json(s.services.specialties().await?))
}

/// Doctors (users with the doctor role); `id` is the user id.
#[utoipa::path(get, path = "/api/v1/doctors", tag = "settings", responses((status = 200, body = Vec<DoctorView>)))]
async fn list_doctors(State(s): State<AppState>, _ctx: Ctx) -> ApiResult<Json<Vec<DoctorView>>> {
    Ok(Json(s.services.doctors().await?))
}

/// One doctor.
#[utoipa::path(get, path = "/api/v1/doctors/{id}", tag = "settings", params(("id" = i64, Path)), responses((status = 200, body = DoctorView), (status = 404, body = ErrorBody)))]
async fn get_doctor(State(s): State<AppState>, _ctx: Ctx, Id(id): Id) -> ApiResult<Json<DoctorView>> {
    Ok(Json(s.services.doctor(id).await?))
}

/// Edit a doctor profile (admin, or the doctor themself).
#[utoipa::path(put, path = "/api/v1/doctors/{id}", tag = "settings", params(("id" = i64, Path)), request_body = DoctorProfileInput,
    responses((status = 200, body = DoctorView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_doctor(
    State(s): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    ApiJson(input): ApiJson<DoctorProfileInput>,
) -> ApiResult<Json<DoctorView>> {
    Ok(Json(s.services.doctor_update(&ctx.caller, id, input).await?))
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_institution, put_institution))
        // Above the 2 MiB logo maximum, so an oversized logo gets the service's 422 naming `logo`.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(get_logo, put_logo))
                .layer(axum::extract::DefaultBodyLimit::max(3 * 1024 * 1024)),
        )
        .routes(routes!(list_specialties))
        .routes(routes!(list_doctors))
        .routes(routes!(get_doctor, put_doctor))
}
