//! Waiting room (walk-ins) and the consultation screen.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, RawPathParams, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use medops_domain::Capability;
use medops_domain::appointment::SoapNote;
use medops_services::ServiceError;
use medops_services::visits::{ConsultationView, DiagnosisInput, PatientHit, WaitingEntry, WalkInInput};
use serde::Deserialize;

use super::{PageCtx, field_errors, render};
use crate::AppState;
use crate::ctx::{Ctx, Id, path_id};
use crate::error::{PageError, PageResult};
use crate::i18n::Tr;

/// One waiting-room row, ready to show.
struct Row {
    e: WaitingEntry,
    arrived_iso: String,
    arrived_hm: String,
    /// The logged-in doctor's own waiting entry (may start it).
    can_start: bool,
    /// The logged-in doctor's own consultation in progress.
    can_open: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct WalkInForm {
    patient_id: String,
    patient_label: String,
    doctor_id: String,
    reason: String,
    emergency: Option<String>,
    new_first_name: String,
    new_last_name: String,
    new_cedula: String,
    new_birth_date: String,
    new_sex: String,
    new_phone: String,
}

impl WalkInForm {
    fn has_new_patient(&self) -> bool {
        [
            &self.new_first_name,
            &self.new_last_name,
            &self.new_cedula,
            &self.new_birth_date,
            &self.new_phone,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
    }
}

#[derive(Template)]
#[template(path = "visits/waiting_room.html")]
struct WaitingRoomPage {
    page: PageCtx,
    date: String,
    rows: Vec<Row>,
    doctors: Vec<(i64, String)>,
    can_write: bool,
    form: WalkInForm,
    errors: HashMap<String, String>,
    error: Option<String>,
    q: String,
    hits: Option<Vec<PatientHit>>,
}

impl WaitingRoomPage {
    fn err(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }
    fn status_label(&self, s: &str) -> String {
        self.page.tr.t(&format!("visit-status-{s}"))
    }
    fn doctor_selected(&self, id: &i64) -> bool {
        self.form.doctor_id.trim() == id.to_string()
    }
    fn sex_label(&self, s: &str) -> String {
        self.page.tr.t(&format!("visit-sex-{s}"))
    }
    fn new_fields(&self) -> Vec<(&'static str, &'static str, &'static str, String)> {
        let f = &self.form;
        vec![
            ("new_first_name", "wr-new-first-name", "text", f.new_first_name.clone()),
            ("new_last_name", "wr-new-last-name", "text", f.new_last_name.clone()),
            ("new_cedula", "wr-new-cedula", "text", f.new_cedula.clone()),
            ("new_birth_date", "wr-new-birth-date", "date", f.new_birth_date.clone()),
            ("new_phone", "wr-new-phone", "tel", f.new_phone.clone()),
        ]
    }
    fn new_open(&self) -> bool {
        self.form.has_new_patient() || self.errors.keys().any(|k| k.starts_with("new_"))
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct RoomQuery {
    flash: Option<String>,
    q: Option<String>,
    patient_id: Option<String>,
    patient_label: Option<String>,
}

async fn room_page(
    s: &AppState,
    ctx: &Ctx,
    form: WalkInForm,
    errors: HashMap<String, String>,
    error: Option<String>,
    q: String,
    flash: Option<&str>,
) -> PageResult<Response> {
    let page = PageCtx::new(s, ctx, "/waiting-room").await.with_flash(flash);
    let entries = s.services.waiting_room(&ctx.caller).await?;
    let doctors = s.services.visit_doctors(&ctx.caller).await?;
    let tz = s.services.config().tz.clone();
    let me = ctx.caller.actor.user_id;
    let is_doctor = ctx.caller.actor.can(Capability::ConsultationWrite);
    let rows = entries
        .into_iter()
        .map(|e| Row {
            arrived_iso: e.arrived_at.map(|t| t.to_string()).unwrap_or_default(),
            arrived_hm: e
                .arrived_at
                .map(|t| t.to_zoned(tz.clone()).strftime("%H:%M").to_string())
                .unwrap_or_default(),
            can_start: is_doctor && e.doctor_id == me && e.status == "waiting",
            can_open: is_doctor && e.doctor_id == me && e.status == "in_consultation" && e.consultation_id.is_some(),
            e,
        })
        .collect();
    let hits = if q.trim().is_empty() {
        None
    } else {
        Some(s.services.visit_patient_search(&ctx.caller, &q).await?)
    };
    let status = if errors.is_empty() && error.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let tpl = WaitingRoomPage {
        date: medops_domain::clock::format_date(s.services.today()),
        can_write: ctx.caller.actor.can(Capability::WaitingRoomWrite),
        page,
        rows,
        doctors,
        form,
        errors,
        error,
        q,
        hits,
    };
    Ok((status, render(&tpl)).into_response())
}

async fn waiting_room(State(s): State<AppState>, ctx: Ctx, Query(q): Query<RoomQuery>) -> PageResult<Response> {
    let form = WalkInForm {
        patient_id: q.patient_id.unwrap_or_default(),
        patient_label: q.patient_label.unwrap_or_default(),
        ..Default::default()
    };
    room_page(&s, &ctx, form, HashMap::new(), None, q.q.unwrap_or_default(), q.flash.as_deref()).await
}

fn conflict_message(tr: Tr, e: &ServiceError) -> Option<String> {
    match e {
        ServiceError::Invalid(_) => None,
        other => Some(crate::error::body_of(other, tr, "").error.message),
    }
}

async fn walk_in_submit(State(s): State<AppState>, ctx: Ctx, Form(mut f): Form<WalkInForm>) -> PageResult<Response> {
    let tr = ctx.tr();
    let doctor_id = f.doctor_id.trim().parse::<i64>().ok();
    let mut patient_id = f.patient_id.trim().parse::<i64>().ok();
    if patient_id.is_none() && f.has_new_patient() {
        // Check the doctor before creating the patient, so a refused walk-in saves nothing.
        let doctors = s.services.visit_doctors(&ctx.caller).await?;
        if !doctor_id.is_some_and(|d| doctors.iter().any(|(id, _)| *id == d)) {
            let mut errors = HashMap::new();
            errors.insert("doctor_id".to_owned(), tr.t("err-required"));
            return room_page(&s, &ctx, f, errors, None, String::new(), None).await;
        }
        match create_patient(&s, &ctx, &f).await {
            Ok(id) => {
                patient_id = Some(id);
                f.patient_id = id.to_string();
                f.patient_label = format!("{} {}", f.new_first_name.trim(), f.new_last_name.trim());
                for v in [
                    &mut f.new_first_name,
                    &mut f.new_last_name,
                    &mut f.new_cedula,
                    &mut f.new_birth_date,
                    &mut f.new_sex,
                    &mut f.new_phone,
                ] {
                    v.clear();
                }
            }
            Err(e) => {
                let errors = field_errors(tr, &e).into_iter().map(|(k, v)| (format!("new_{k}"), v)).collect();
                let error = Some(conflict_message(tr, &e).unwrap_or_else(|| tr.t("wr-form-errors")));
                return room_page(&s, &ctx, f, errors, error, String::new(), None).await;
            }
        }
    }
    let input = WalkInInput {
        patient_id,
        doctor_id,
        reason: Some(f.reason.clone()),
        emergency: f.emergency.is_some(),
    };
    match s.services.walk_in(&ctx.caller, input).await {
        Ok(_) => Ok(Redirect::to("/waiting-room?flash=flash-walk-in").into_response()),
        Err(ServiceError::Forbidden) => Err(PageError(ServiceError::Forbidden)),
        Err(e) => {
            let errors = field_errors(tr, &e);
            let error = Some(conflict_message(tr, &e).unwrap_or_else(|| tr.t("wr-form-errors")));
            // Typed a name without picking: offer the plain search for it.
            let q = if patient_id.is_none() {
                f.patient_label.clone()
            } else {
                String::new()
            };
            room_page(&s, &ctx, f, errors, error, q, None).await
        }
    }
}

/// Creates the inline new patient (minimal fields) through the patients service.
async fn create_patient(s: &AppState, ctx: &Ctx, f: &WalkInForm) -> Result<i64, ServiceError> {
    let opt = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let input = medops_domain::patient::PatientInput {
        first_name: opt(&f.new_first_name),
        last_name: opt(&f.new_last_name),
        cedula: opt(&f.new_cedula),
        birth_date: opt(&f.new_birth_date),
        sex: opt(&f.new_sex),
        phone: opt(&f.new_phone),
        ..Default::default()
    };
    s.services.patient_create(&ctx.caller, input).await.map(|p| p.id)
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct CancelForm {
    reason: String,
}

async fn start_submit(State(s): State<AppState>, ctx: Ctx, Id(id): Id) -> PageResult<Redirect> {
    let a = s.services.appointment_start(&ctx.caller, id).await?;
    let cid = a.consultation_id.ok_or(ServiceError::NotFound)?;
    Ok(Redirect::to(&format!("/consultations/{cid}?flash=flash-consultation-started")))
}

async fn cancel_submit(State(s): State<AppState>, ctx: Ctx, Id(id): Id, Form(f): Form<CancelForm>) -> PageResult<Response> {
    match s.services.appointment_cancel(&ctx.caller, id, Some(&f.reason)).await {
        Ok(_) => Ok(Redirect::to("/waiting-room?flash=flash-appointment-canceled").into_response()),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict { .. })) => {
            let tr = ctx.tr();
            let msg = field_errors(tr, &e)
                .remove("reason")
                .map(|m| format!("{}: {m}", tr.t("wr-cancel-reason")))
                .or_else(|| conflict_message(tr, &e));
            room_page(&s, &ctx, WalkInForm::default(), HashMap::new(), msg, String::new(), None).await
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct DxForm {
    code: String,
    code_label: String,
    primary: Option<String>,
    certainty: String,
    notes: String,
}

#[derive(Template)]
#[template(path = "visits/consultation.html")]
struct ConsultationPage {
    page: PageCtx,
    c: ConsultationView,
    can_write: bool,
    age: String,
    started: String,
    updated_iso: String,
    dx: DxForm,
    dx_errors: HashMap<String, String>,
    error: Option<String>,
}

impl ConsultationPage {
    fn t_status(&self, s: &str) -> String {
        self.page.tr.t(&format!("visit-status-{s}"))
    }
    fn t_certainty(&self, s: &str) -> String {
        self.page.tr.t(&format!("visit-certainty-{s}"))
    }
    fn t_sex(&self, s: &str) -> String {
        self.page.tr.t(&format!("visit-sex-{s}"))
    }
    fn note_parts(&self) -> Vec<(&'static str, String)> {
        let n = &self.c.note;
        vec![
            ("cons-subjective", n.subjective.clone()),
            ("cons-objective", n.objective.clone()),
            ("cons-assessment", n.assessment.clone()),
            ("cons-plan", n.plan.clone()),
        ]
    }
    fn dx_err(&self, name: &str) -> Option<&String> {
        self.dx_errors.get(name)
    }
    fn allergy_class(&self, severity: &Option<String>) -> &'static str {
        match severity.as_deref() {
            Some("severe") => " chip--severe",
            Some("moderate") => " chip--moderate",
            _ => "",
        }
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct FlashQuery {
    flash: Option<String>,
}

async fn consultation_page(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    dx: DxForm,
    dx_errors: HashMap<String, String>,
    error: Option<String>,
    flash: Option<&str>,
) -> PageResult<Response> {
    let c = s.services.consultation_get(&ctx.caller, id).await?;
    let page = PageCtx::new(s, ctx, "/waiting-room").await.with_flash(flash);
    let tz = s.services.config().tz.clone();
    let can_write =
        c.status == "in_progress" && c.doctor_id == ctx.caller.actor.user_id && ctx.caller.actor.can(Capability::ConsultationWrite);
    let status = if dx_errors.is_empty() && error.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let tpl = ConsultationPage {
        age: c.patient.age.map(|a| a.display(ctx.lang)).unwrap_or_default(),
        started: c.started_at.to_zoned(tz).strftime("%d/%m/%Y %H:%M").to_string(),
        updated_iso: c.updated_at.to_string(),
        page,
        c,
        can_write,
        dx,
        dx_errors,
        error,
    };
    Ok((status, render(&tpl)).into_response())
}

async fn consultation(State(s): State<AppState>, ctx: Ctx, Id(id): Id, Query(q): Query<FlashQuery>) -> PageResult<Response> {
    consultation_page(&s, &ctx, id, DxForm::default(), HashMap::new(), None, q.flash.as_deref()).await
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct NoteForm {
    subjective: String,
    objective: String,
    assessment: String,
    plan: String,
}

async fn note_submit(State(s): State<AppState>, ctx: Ctx, Id(id): Id, Form(f): Form<NoteForm>) -> PageResult<Response> {
    let note = SoapNote {
        subjective: f.subjective,
        objective: f.objective,
        assessment: f.assessment,
        plan: f.plan,
    };
    match s.services.consultation_note(&ctx.caller, id, note).await {
        Ok(_) => Ok(Redirect::to(&format!("/consultations/{id}?flash=flash-note-saved")).into_response()),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict { .. })) => {
            let tr = ctx.tr();
            let msg = conflict_message(tr, &e).unwrap_or_else(|| field_errors(tr, &e).into_values().collect::<Vec<_>>().join(" "));
            consultation_page(&s, &ctx, id, DxForm::default(), HashMap::new(), Some(msg), None).await
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn diagnosis_submit(State(s): State<AppState>, ctx: Ctx, Id(id): Id, Form(f): Form<DxForm>) -> PageResult<Response> {
    let input = DiagnosisInput {
        code: Some(f.code.clone()),
        primary: f.primary.is_some(),
        certainty: Some(f.certainty.clone()),
        notes: Some(f.notes.clone()),
    };
    match s.services.diagnosis_add(&ctx.caller, id, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/consultations/{id}?flash=flash-diagnosis-added")).into_response()),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict { .. })) => {
            let tr = ctx.tr();
            let errors = field_errors(tr, &e);
            let msg = conflict_message(tr, &e);
            consultation_page(&s, &ctx, id, f, errors, msg, None).await
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn diagnosis_delete_submit(State(s): State<AppState>, ctx: Ctx, params: RawPathParams) -> PageResult<Redirect> {
    let id = path_id(&params, "id").map_err(|e| PageError(e.0))?;
    let dx = path_id(&params, "diagnosis_id").map_err(|e| PageError(e.0))?;
    s.services.diagnosis_delete(&ctx.caller, id, dx).await?;
    Ok(Redirect::to(&format!("/consultations/{id}?flash=flash-diagnosis-removed")))
}

async fn complete_submit(State(s): State<AppState>, ctx: Ctx, Id(id): Id) -> PageResult<Response> {
    match s.services.appointment_complete(&ctx.caller, id).await {
        Ok(a) => {
            let cid = a.consultation_id.ok_or(ServiceError::NotFound)?;
            Ok(Redirect::to(&format!("/consultations/{cid}?flash=flash-consultation-completed")).into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict { .. })) => {
            let tr = ctx.tr();
            let msg = conflict_message(tr, &e).unwrap_or_else(|| field_errors(tr, &e).into_values().collect::<Vec<_>>().join(" "));
            // Back on the consultation of this appointment, with the reason.
            let room = s.services.waiting_room(&ctx.caller).await?;
            match room.iter().find(|r| r.id == id).and_then(|r| r.consultation_id) {
                Some(cid) => consultation_page(&s, &ctx, cid, DxForm::default(), HashMap::new(), Some(msg), None).await,
                None => Err(PageError(e)),
            }
        }
        Err(e) => Err(PageError(e)),
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/waiting-room", get(waiting_room))
        .route("/waiting-room/walk-in", post(walk_in_submit))
        .route("/appointments/{id}/start", post(start_submit))
        .route("/appointments/{id}/cancel", post(cancel_submit))
        .route("/appointments/{id}/complete", post(complete_submit))
        .route("/consultations/{id}", get(consultation))
        .route("/consultations/{id}/note", post(note_submit))
        .route("/consultations/{id}/diagnoses", post(diagnosis_submit))
        .route("/consultations/{id}/diagnoses/{diagnosis_id}/delete", post(diagnosis_delete_submit))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use medops_services::visits::{DiagnosisView, PatientConsultation};

    #[derive(Template)]
    #[template(path = "visits/patient_consultations.html")]
    struct Include {
        page: PageCtx,
        consultations: Vec<PatientConsultation>,
    }

    #[test]
    fn patient_consultations_include_renders() {
        let page = PageCtx {
            tr: Tr(medops_domain::Lang::Es),
            user: Some(crate::pages::UserNav {
                full_name: "Dra. Rivas".into(),
                roles_label: String::new(),
                roles: vec![medops_domain::Role::Doctor],
            }),
            csrf: String::new(),
            demo: false,
            clinic: "X".into(),
            flash: None,
            active: "",
            tz: String::new(),
        };
        let dx = DiagnosisView {
            id: 1,
            code: "1A00".into(),
            title: "Cólera".into(),
            primary: true,
            certainty: "confirmed".into(),
            notes: String::new(),
        };
        let pc = PatientConsultation {
            consultation_id: 7,
            appointment_id: 3,
            date: "2026-03-10".into(),
            doctor_name: "Dra. Rivas".into(),
            status: "completed".into(),
            diagnoses: vec![dx],
        };
        let html = Include {
            page: page.clone(),
            consultations: vec![pc],
        }
        .render()
        .unwrap();
        assert!(
            html.contains("1A00") && html.contains("Cólera") && html.contains("/consultations/7") && html.contains("Completada"),
            "{html}"
        );
        let html = Include {
            page,
            consultations: vec![],
        }
        .render()
        .unwrap();
        assert!(html.contains("Sin consultas registradas."));
    }
}
