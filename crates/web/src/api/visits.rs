//! Walk-ins, the waiting room, consultations (note, diagnoses), complete and cancel.

use axum::Json;
use axum::extract::{RawPathParams, State};
use axum::http::StatusCode;
use medops_domain::appointment::SoapNote;
use medops_services::visits::{AppointmentView, ConsultationView, DiagnosisInput, DiagnosisView, NoteView, WaitingEntry, WalkInInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::ctx::{ApiJson, Ctx, Id, path_id};
use crate::error::{ApiResult, ErrorBody};

#[derive(Debug, Deserialize, ToSchema)]
pub struct WalkInRequest {
    pub patient_id: Option<i64>,
    pub doctor_id: Option<i64>,
    pub reason: Option<String>,
    /// Emergency priority (moves the entry to the top of the waiting list).
    pub emergency: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingRoom {
    /// The clinic's today, `YYYY-MM-DD`.
    pub date: String,
    pub items: Vec<WaitingEntry>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NoteRequest {
    pub subjective: Option<String>,
    pub objective: Option<String>,
    pub assessment: Option<String>,
    pub plan: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DiagnosisRequest {
    /// ICD-11 MMS code; must be selectable (§6.3).
    pub code: Option<String>,
    /// A new primary demotes the current one.
    pub primary: Option<bool>,
    /// `confirmed` (default), `presumptive`, `ruled_out`.
    pub certainty: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CancelRequest {
    pub reason: Option<String>,
}

/// Register a patient who arrives without an appointment (today, directly waiting).
#[utoipa::path(post, path = "/api/v1/waiting-room/walk-ins", tag = "visits", request_body = WalkInRequest,
    responses((status = 201, body = AppointmentView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn walk_in(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(r): ApiJson<WalkInRequest>,
) -> ApiResult<(StatusCode, Json<AppointmentView>)> {
    let input = WalkInInput {
        patient_id: r.patient_id,
        doctor_id: r.doctor_id,
        reason: r.reason,
        emergency: r.emergency.unwrap_or(false),
    };
    Ok((StatusCode::CREATED, Json(s.services.walk_in(&ctx.caller, input).await?)))
}

/// Today's waiting room: in consultation first, then emergencies, then by arrival.
#[utoipa::path(get, path = "/api/v1/waiting-room", tag = "visits", responses((status = 200, body = WaitingRoom), (status = 403, body = ErrorBody)))]
async fn waiting_room(State(s): State<AppState>, ctx: Ctx) -> ApiResult<Json<WaitingRoom>> {
    let items = s.services.waiting_room(&ctx.caller).await?;
    Ok(Json(WaitingRoom {
        date: s.services.today().to_string(),
        items,
    }))
}

/// Start the consultation (the appointment's own doctor, on its date).
#[utoipa::path(post, path = "/api/v1/appointments/{id}/start", tag = "visits", params(("id" = i64, Path)),
    responses((status = 200, body = AppointmentView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn start(State(s): State<AppState>, ctx: Ctx, Id(id): Id) -> ApiResult<Json<AppointmentView>> {
    Ok(Json(s.services.appointment_start(&ctx.caller, id).await?))
}

/// Complete the appointment; the consultation becomes read-only.
#[utoipa::path(post, path = "/api/v1/appointments/{id}/complete", tag = "visits", params(("id" = i64, Path)),
    responses((status = 200, body = AppointmentView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn complete(State(s): State<AppState>, ctx: Ctx, Id(id): Id) -> ApiResult<Json<AppointmentView>> {
    Ok(Json(s.services.appointment_complete(&ctx.caller, id).await?))
}

/// Cancel with a reason (from scheduled, waiting or in consultation).
#[utoipa::path(post, path = "/api/v1/appointments/{id}/cancel", tag = "visits", params(("id" = i64, Path)), request_body = CancelRequest,
    responses((status = 200, body = AppointmentView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn cancel(State(s): State<AppState>, ctx: Ctx, Id(id): Id, ApiJson(r): ApiJson<CancelRequest>) -> ApiResult<Json<AppointmentView>> {
    Ok(Json(s.services.appointment_cancel(&ctx.caller, id, r.reason.as_deref()).await?))
}

/// A consultation with the patient summary, note and diagnoses (doctor, nurse).
#[utoipa::path(get, path = "/api/v1/consultations/{id}", tag = "visits", params(("id" = i64, Path)),
    responses((status = 200, body = ConsultationView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_consultation(State(s): State<AppState>, ctx: Ctx, Id(id): Id) -> ApiResult<Json<ConsultationView>> {
    Ok(Json(s.services.consultation_get(&ctx.caller, id).await?))
}

/// Save the SOAP note (autosave; own consultation, while in progress).
#[utoipa::path(put, path = "/api/v1/consultations/{id}/note", tag = "visits", params(("id" = i64, Path)), request_body = NoteRequest,
    responses((status = 200, body = NoteView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_note(State(s): State<AppState>, ctx: Ctx, Id(id): Id, ApiJson(r): ApiJson<NoteRequest>) -> ApiResult<Json<NoteView>> {
    let note = SoapNote {
        subjective: r.subjective.unwrap_or_default(),
        objective: r.objective.unwrap_or_default(),
        assessment: r.assessment.unwrap_or_default(),
        plan: r.plan.unwrap_or_default(),
    };
    Ok(Json(s.services.consultation_note(&ctx.caller, id, note).await?))
}

/// Add an ICD-11 diagnosis.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/diagnoses", tag = "visits", params(("id" = i64, Path)), request_body = DiagnosisRequest,
    responses((status = 201, body = DiagnosisView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_diagnosis(
    State(s): State<AppState>,
    ctx: Ctx,
    Id(id): Id,
    ApiJson(r): ApiJson<DiagnosisRequest>,
) -> ApiResult<(StatusCode, Json<DiagnosisView>)> {
    let input = DiagnosisInput {
        code: r.code,
        primary: r.primary.unwrap_or(false),
        certainty: r.certainty,
        notes: r.notes,
    };
    Ok((StatusCode::CREATED, Json(s.services.diagnosis_add(&ctx.caller, id, input).await?)))
}

/// Remove a diagnosis.
#[utoipa::path(delete, path = "/api/v1/consultations/{id}/diagnoses/{diagnosis_id}", tag = "visits",
    params(("id" = i64, Path), ("diagnosis_id" = i64, Path)), responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_diagnosis(State(s): State<AppState>, ctx: Ctx, params: RawPathParams) -> ApiResult<StatusCode> {
    let id = path_id(&params, "id")?;
    let dx = path_id(&params, "diagnosis_id")?;
    s.services.diagnosis_delete(&ctx.caller, id, dx).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(walk_in))
        .routes(routes!(waiting_room))
        .routes(routes!(start))
        .routes(routes!(complete))
        .routes(routes!(cancel))
        .routes(routes!(get_consultation))
        .routes(routes!(put_note))
        .routes(routes!(add_diagnosis))
        .routes(routes!(delete_diagnosis))
}
