//! The first visit (spec §4 walk-in path, §5 note and diagnoses): walk-in →
//! waiting room → start → SOAP note → diagnoses → complete (or cancel).
//!
//! Decisions:
//! - Starting, writing and completing a consultation is for its own doctor only
//!   (doctor role and the appointment's doctor); anyone else gets 403.
//! - A second primary diagnosis demotes the previous one in the same transaction
//!   (the audit event of the addition names the demoted diagnosis).
//! - Completing with diagnoses but none primary is refused with 422 on field
//!   `diagnoses`; an empty diagnosis list is allowed.
//! - The diagnosis code is checked inside the write transaction against the
//!   catalogue's `selectable` flag (§6.3; extension codes and `_NOCODEASSIGNED`
//!   are refused whatever the flag says).
//! - `patient_consultations` answers an empty list to roles without
//!   consultation read access (the patient page simply shows nothing).

use jiff::Timestamp;
use medops_domain::appointment::{self as appt, AppointmentEvent, AppointmentStatus, Certainty, Priority, SoapNote, WaitingKey};
use medops_domain::patient::{Age, age};
use medops_domain::{Capability, FieldError, Invalid, text};
use medops_storage::visit::{self as store, AppointmentRow, ConsultationRow, DiagnosisRow, PatientBrief};
use medops_storage::{StorageError, Tx};
use serde::Serialize;
use serde_json::json;

use crate::audit::{Event, diff};
use crate::{Caller, ServiceError, ServiceResult, Services};

pub const REASON_MAX: usize = 500;

fn ts(us: i64) -> Timestamp {
    Timestamp::from_microsecond(us).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// An appointment as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AppointmentView {
    pub id: i64,
    pub status: String,
    pub patient_id: i64,
    pub doctor_id: i64,
    /// Clinic date, `YYYY-MM-DD`.
    pub date: String,
    pub source: String,
    pub reason: String,
    pub priority: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub arrived_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub started_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub canceled_at: Option<Timestamp>,
    pub cancel_reason: Option<String>,
    /// Start − arrival, once started.
    pub wait_seconds: Option<i64>,
    pub consultation_id: Option<i64>,
}

impl AppointmentView {
    fn new(r: AppointmentRow, consultation_id: Option<i64>) -> Self {
        AppointmentView {
            id: r.id,
            status: r.status,
            patient_id: r.patient_id,
            doctor_id: r.doctor_id,
            date: r.date,
            source: r.source,
            reason: r.reason,
            priority: r.priority,
            arrived_at: r.arrived_at.map(ts),
            started_at: r.started_at.map(ts),
            completed_at: r.completed_at.map(ts),
            canceled_at: r.canceled_at.map(ts),
            cancel_reason: r.cancel_reason,
            wait_seconds: r.wait_seconds,
            consultation_id,
        }
    }
}

/// One line of the waiting room.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WaitingEntry {
    pub id: i64,
    /// `in_consultation`, `waiting`, or `scheduled` (expected, not yet arrived).
    pub status: String,
    pub priority: String,
    pub patient_id: i64,
    pub patient_name: String,
    /// First name and last initial (lobby screen).
    pub lobby_name: String,
    pub doctor_id: i64,
    pub doctor_name: String,
    pub reason: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub arrived_at: Option<Timestamp>,
    /// Minutes waited: until now while waiting, until the start once in consultation.
    pub waited_minutes: Option<i64>,
    pub consultation_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AllergyView {
    pub substance: String,
    pub reaction: Option<String>,
    pub severity: Option<String>,
}

/// The patient as a clinical screen shows them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PatientSummary {
    pub id: i64,
    pub full_name: String,
    pub cedula: Option<String>,
    pub birth_date: Option<String>,
    /// `{"unit": "years"|"months"|"days", "value": n}`.
    #[schema(value_type = Option<Object>)]
    pub age: Option<Age>,
    pub sex: String,
    pub allergies: Vec<AllergyView>,
    pub no_known_allergies: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DiagnosisView {
    pub id: i64,
    pub code: String,
    /// The title as chosen (kept even if a later release retitles the code).
    pub title: String,
    pub primary: bool,
    pub certainty: String,
    pub notes: String,
}

impl From<DiagnosisRow> for DiagnosisView {
    fn from(d: DiagnosisRow) -> Self {
        DiagnosisView {
            id: d.id,
            code: d.code,
            title: d.title,
            primary: d.is_primary,
            certainty: d.certainty,
            notes: d.notes,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConsultationView {
    pub id: i64,
    pub appointment_id: i64,
    /// `in_progress`, `completed` or `canceled`.
    pub status: String,
    pub appointment_status: String,
    pub doctor_id: i64,
    pub doctor_name: String,
    pub reason: String,
    pub patient: PatientSummary,
    #[schema(value_type = Object)]
    pub note: SoapNote,
    pub diagnoses: Vec<DiagnosisView>,
    #[schema(value_type = String, format = DateTime)]
    pub started_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// The note after a save.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoteView {
    pub subjective: String,
    pub objective: String,
    pub assessment: String,
    pub plan: String,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// A past (or current) consultation on the patient page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PatientConsultation {
    pub consultation_id: i64,
    pub appointment_id: i64,
    pub date: String,
    pub doctor_name: String,
    pub status: String,
    pub diagnoses: Vec<DiagnosisView>,
}

#[derive(Debug, Clone, Default)]
pub struct WalkInInput {
    pub patient_id: Option<i64>,
    pub doctor_id: Option<i64>,
    pub reason: Option<String>,
    pub emergency: bool,
}

#[derive(Debug, Clone, Default)]
pub struct DiagnosisInput {
    pub code: Option<String>,
    pub primary: bool,
    pub certainty: Option<String>,
    pub notes: Option<String>,
}

fn transition(status: &str, event: AppointmentEvent) -> ServiceResult<AppointmentStatus> {
    let from = AppointmentStatus::parse(status).ok_or_else(|| ServiceError::Internal(format!("bad status {status}")))?;
    appt::apply(from, event).map_err(|e| ServiceError::Conflict {
        key: "visit-err-transition",
        args: e.args(),
    })
}

/// `V12345678` → `V-12.345.678` for screens.
fn cedula_display(c: &str) -> String {
    medops_domain::cedula::Cedula::parse(c)
        .map(|c| c.display())
        .unwrap_or_else(|_| c.to_owned())
}

fn closed() -> ServiceError {
    ServiceError::conflict("err-consultation-closed")
}

fn summary(p: PatientBrief, allergies: Vec<store::AllergyRow>, today: jiff::civil::Date) -> PatientSummary {
    let birth = p.birth_date.as_deref().and_then(medops_domain::clock::parse_date);
    PatientSummary {
        id: p.id,
        full_name: p.full_name,
        cedula: p.cedula.as_deref().map(cedula_display),
        birth_date: p.birth_date,
        age: birth.map(|b| age(b, today)),
        sex: p.sex,
        allergies: allergies
            .into_iter()
            .map(|a| AllergyView {
                substance: a.substance,
                reaction: a.reaction,
                severity: a.severity,
            })
            .collect(),
        no_known_allergies: p.no_known_allergies,
    }
}

fn note_of(c: &ConsultationRow) -> SoapNote {
    SoapNote {
        subjective: c.subjective.clone(),
        objective: c.objective.clone(),
        assessment: c.assessment.clone(),
        plan: c.plan.clone(),
    }
}

impl Services {
    /// Refuses after dropping the open transaction (the denial is audited in its own one).
    async fn deny<T>(&self, caller: &Caller, action: &str, id: i64, tx: Tx) -> ServiceResult<T> {
        drop(tx);
        self.audit_denied(caller, action, Some(id.to_string())).await;
        Err(ServiceError::Forbidden)
    }

    /// Registers a patient who arrives without an appointment: today's appointment, directly `waiting`.
    pub async fn walk_in(&self, caller: &Caller, input: WalkInInput) -> ServiceResult<AppointmentView> {
        self.require(caller, Capability::WaitingRoomWrite, "appointment.walk_in").await?;
        let mut errs = Invalid::default();
        if input.patient_id.is_none() {
            errs.push(FieldError::new("patient_id", "err-required"));
        }
        if input.doctor_id.is_none() {
            errs.push(FieldError::new("doctor_id", "err-required"));
        }
        let reason = match text::multiline_field("reason", input.reason.as_deref(), REASON_MAX) {
            Ok(r) => r.unwrap_or_default(),
            Err(e) => {
                errs.push(e);
                String::new()
            }
        };
        errs.clone().into_result()?;
        let (Some(patient_id), Some(doctor_id)) = (input.patient_id, input.doctor_id) else {
            return Err(errs.into());
        };
        let priority = if input.emergency { Priority::Emergency } else { Priority::Normal };
        let mut tx = self.db().begin().await?;
        let mut errs = Invalid::default();
        match store::patient_brief(&mut tx, patient_id).await? {
            Some(p) if !p.archived => {}
            _ => errs.push(FieldError::new("patient_id", "err-patient-unknown")),
        }
        if store::active_doctor_name(&mut tx, doctor_id).await?.is_none() {
            errs.push(FieldError::new("doctor_id", "err-doctor-unknown"));
        }
        errs.into_result()?;
        if store::active_appointment_of_patient(&mut tx, patient_id).await?.is_some() {
            return Err(ServiceError::conflict("err-already-in-room"));
        }
        let date = self.today().to_string();
        let now = self.now_us();
        let new = store::NewWalkIn {
            patient_id,
            doctor_id,
            date: &date,
            reason: &reason,
            priority: priority.as_str(),
            created_by: caller.actor.user_id,
            now,
        };
        let id = match store::insert_walk_in(&mut tx, &new).await {
            Ok(id) => id,
            Err(StorageError::Conflict { .. }) => return Err(ServiceError::conflict("err-already-in-room")),
            Err(e) => return Err(e.into()),
        };
        let view = AppointmentView::new(store::find_appointment(&mut tx, id).await?, None);
        self.record(
            &mut tx,
            caller,
            Event::new("appointment.walk_in", "appointment", id)
                .patient(patient_id)
                .changes(diff(None, Some(&view))),
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Today's waiting room in §4 order.
    pub async fn waiting_room(&self, caller: &Caller) -> ServiceResult<Vec<WaitingEntry>> {
        self.require(caller, Capability::WaitingRoomRead, "waiting_room.read").await?;
        let mut tx = self.db().read().await?;
        let rows = store::waiting_room(&mut tx, &self.today().to_string()).await?;
        tx.commit().await?;
        let now = self.now();
        let mut out: Vec<(WaitingKey, WaitingEntry)> = rows
            .into_iter()
            .map(|r| {
                let status = AppointmentStatus::parse(&r.status).unwrap_or(AppointmentStatus::Scheduled);
                let priority = Priority::parse(&r.priority).unwrap_or(Priority::Normal);
                let arrived_at = r.arrived_at.map(ts);
                let until = match status {
                    AppointmentStatus::InConsultation => r.started_at.map(ts).unwrap_or(now),
                    _ => now,
                };
                let waited_minutes = arrived_at.map(|a| medops_domain::clock::minutes_between(a, until));
                let key = WaitingKey {
                    status,
                    priority,
                    arrived_at,
                };
                let entry = WaitingEntry {
                    id: r.id,
                    status: r.status,
                    priority: r.priority,
                    patient_id: r.patient_id,
                    patient_name: r.full_name,
                    lobby_name: medops_domain::patient::lobby_name(&r.first_name, &r.last_name),
                    doctor_id: r.doctor_id,
                    doctor_name: r.doctor_name,
                    reason: r.reason,
                    arrived_at,
                    waited_minutes,
                    consultation_id: r.consultation_id,
                };
                (key, entry)
            })
            .collect();
        out.sort_by(|a, b| appt::waiting_room_order(&a.0, &b.0).then(a.1.id.cmp(&b.1.id)));
        Ok(out.into_iter().map(|(_, e)| e).collect())
    }

    /// Active doctors `(id, name)` for the walk-in form.
    pub async fn visit_doctors(&self, caller: &Caller) -> ServiceResult<Vec<(i64, String)>> {
        self.require(caller, Capability::WaitingRoomRead, "doctor.list").await?;
        let mut tx = self.db().read().await?;
        let out = store::active_doctors(&mut tx).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Starts the appointment's consultation (its own doctor, on its date).
    pub async fn appointment_start(&self, caller: &Caller, appointment_id: i64) -> ServiceResult<AppointmentView> {
        self.require(caller, Capability::ConsultationWrite, "consultation.start").await?;
        let mut tx = self.db().begin().await?;
        let a = store::find_appointment(&mut tx, appointment_id).await?;
        if a.doctor_id != caller.actor.user_id {
            return self.deny(caller, "consultation.start", appointment_id, tx).await;
        }
        transition(&a.status, AppointmentEvent::Start)?;
        let date = medops_domain::clock::parse_date(&a.date).ok_or_else(|| ServiceError::Internal("bad appointment date".into()))?;
        appt::check_event_date(AppointmentEvent::Start, date, self.today()).map_err(|_| ServiceError::conflict("visit-err-not-today"))?;
        if store::doctor_busy(&mut tx, a.doctor_id).await? {
            return Err(ServiceError::conflict("err-doctor-busy"));
        }
        let now = self.now_us();
        let wait_seconds = a.arrived_at.map(|t| ((now - t) / 1_000_000).max(0)).unwrap_or(0);
        let busy = |e: StorageError| match e {
            StorageError::Conflict { .. } => ServiceError::conflict("err-doctor-busy"),
            e => e.into(),
        };
        if !store::mark_started(&mut tx, a.id, now, wait_seconds).await.map_err(busy)? {
            return Err(ServiceError::conflict("err-conflict"));
        }
        let cid = store::insert_consultation(&mut tx, a.id, a.patient_id, a.doctor_id, now)
            .await
            .map_err(busy)?;
        let view = AppointmentView::new(store::find_appointment(&mut tx, a.id).await?, Some(cid));
        let changes = json!({
            "appointment_id": a.id,
            "status": {"old": a.status, "new": view.status},
            "wait_seconds": {"old": null, "new": wait_seconds},
        });
        self.record(
            &mut tx,
            caller,
            Event::new("consultation.start", "consultation", cid)
                .patient(a.patient_id)
                .changes(changes),
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    async fn consultation_view(&self, tx: &mut Tx, c: ConsultationRow) -> ServiceResult<ConsultationView> {
        let p = store::patient_brief(tx, c.patient_id).await?.ok_or(ServiceError::NotFound)?;
        let allergies = store::allergies(tx, c.patient_id).await?;
        let diagnoses = store::diagnoses(tx, c.id).await?.into_iter().map(DiagnosisView::from).collect();
        let note = note_of(&c);
        Ok(ConsultationView {
            id: c.id,
            appointment_id: c.appointment_id,
            status: c.status,
            appointment_status: c.appointment_status,
            doctor_id: c.doctor_id,
            doctor_name: c.doctor_name,
            reason: c.reason,
            patient: summary(p, allergies, self.today()),
            note,
            diagnoses,
            started_at: ts(c.started_at),
            completed_at: c.completed_at.map(ts),
            updated_at: ts(c.updated_at),
        })
    }

    /// A consultation with its patient summary, note and diagnoses (doctor, nurse; audited).
    pub async fn consultation_get(&self, caller: &Caller, id: i64) -> ServiceResult<ConsultationView> {
        self.require(caller, Capability::ConsultationRead, "consultation.read").await?;
        let mut tx = self.db().begin().await?;
        let c = store::find_consultation(&mut tx, id).await?;
        let pid = c.patient_id;
        let view = self.consultation_view(&mut tx, c).await?;
        self.record(&mut tx, caller, Event::new("consultation.read", "consultation", id).patient(pid))
            .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Loads an in-progress consultation the caller owns, for a write.
    async fn own_open(&self, caller: &Caller, action: &'static str, id: i64) -> ServiceResult<(Tx, ConsultationRow)> {
        self.require(caller, Capability::ConsultationWrite, action).await?;
        let mut tx = self.db().begin().await?;
        let c = store::find_consultation(&mut tx, id).await?;
        if c.doctor_id != caller.actor.user_id {
            return self.deny(caller, action, id, tx).await;
        }
        if c.status != "in_progress" {
            return Err(closed());
        }
        Ok((tx, c))
    }

    /// Saves the SOAP note (autosave calls this often; each change is audited with old and new).
    pub async fn consultation_note(&self, caller: &Caller, id: i64, note: SoapNote) -> ServiceResult<NoteView> {
        note.validate()?;
        let (mut tx, c) = self.own_open(caller, "consultation.note", id).await?;
        let before = note_of(&c);
        let mut updated_at = c.updated_at;
        if before != note {
            let now = self.now_us();
            if !store::update_note(&mut tx, id, &note.subjective, &note.objective, &note.assessment, &note.plan, now).await? {
                return Err(closed());
            }
            updated_at = now;
            self.record(
                &mut tx,
                caller,
                Event::new("consultation.note", "consultation", id)
                    .patient(c.patient_id)
                    .changes(diff(Some(&before), Some(&note))),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(NoteView {
            subjective: note.subjective,
            objective: note.objective,
            assessment: note.assessment,
            plan: note.plan,
            updated_at: ts(updated_at),
        })
    }

    /// Adds an ICD-11 diagnosis; a new primary demotes the previous primary.
    pub async fn diagnosis_add(&self, caller: &Caller, consultation_id: i64, input: DiagnosisInput) -> ServiceResult<DiagnosisView> {
        let mut errs = Invalid::default();
        let code = input.code.as_deref().map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty());
        if code.is_none() {
            errs.push(FieldError::new("code", "err-required"));
        }
        let certainty = match input.certainty.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(Certainty::Confirmed),
            Some(s) => {
                let c = Certainty::parse(s);
                if c.is_none() {
                    errs.push(FieldError::new("certainty", "err-invalid-choice").arg("allowed", Certainty::allowed()));
                }
                c
            }
        };
        let notes = match appt::diagnosis_notes(input.notes.as_deref()) {
            Ok(n) => n.unwrap_or_default(),
            Err(e) => {
                errs.push(e);
                String::new()
            }
        };
        let (mut tx, c) = self.own_open(caller, "diagnosis.add", consultation_id).await?;
        errs.clone().into_result()?;
        let (Some(code), Some(certainty)) = (code, certainty) else {
            return Err(errs.into());
        };
        let Some((icd11_id, code, title)) = store::selectable_icd11(&mut tx, &code).await? else {
            return Err(ServiceError::invalid("code", "err-icd-not-selectable"));
        };
        let demoted = if input.primary {
            store::demote_primary(&mut tx, consultation_id).await?
        } else {
            None
        };
        let new = store::NewDiagnosis {
            consultation_id,
            icd11_id,
            code: &code,
            title: &title,
            is_primary: input.primary,
            certainty: certainty.as_str(),
            notes: &notes,
            created_by: caller.actor.user_id,
            now: self.now_us(),
        };
        let id = match store::insert_diagnosis(&mut tx, &new).await {
            Ok(id) => id,
            Err(StorageError::Conflict { .. }) => return Err(ServiceError::conflict("err-diagnosis-duplicate")),
            Err(e) => return Err(e.into()),
        };
        let view = DiagnosisView::from(store::find_diagnosis(&mut tx, consultation_id, id).await?);
        let mut changes = diff(None, Some(&view));
        if let (Some(d), Some(m)) = (demoted, changes.as_object_mut()) {
            m.insert("demoted_primary".into(), json!(d));
        }
        m_consultation(&mut changes, consultation_id);
        self.record(
            &mut tx,
            caller,
            Event::new("diagnosis.add", "diagnosis", id).patient(c.patient_id).changes(changes),
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    pub async fn diagnosis_delete(&self, caller: &Caller, consultation_id: i64, diagnosis_id: i64) -> ServiceResult<()> {
        let (mut tx, c) = self.own_open(caller, "diagnosis.delete", consultation_id).await?;
        let old = DiagnosisView::from(store::find_diagnosis(&mut tx, consultation_id, diagnosis_id).await?);
        store::delete_diagnosis(&mut tx, diagnosis_id).await?;
        let mut changes = diff(Some(&old), None);
        m_consultation(&mut changes, consultation_id);
        self.record(
            &mut tx,
            caller,
            Event::new("diagnosis.delete", "diagnosis", diagnosis_id)
                .patient(c.patient_id)
                .changes(changes),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Completes the appointment and freezes its consultation.
    pub async fn appointment_complete(&self, caller: &Caller, appointment_id: i64) -> ServiceResult<AppointmentView> {
        self.require(caller, Capability::ConsultationWrite, "appointment.complete").await?;
        let mut tx = self.db().begin().await?;
        let a = store::find_appointment(&mut tx, appointment_id).await?;
        if a.doctor_id != caller.actor.user_id {
            return self.deny(caller, "appointment.complete", appointment_id, tx).await;
        }
        transition(&a.status, AppointmentEvent::Complete)?;
        let c = store::consultation_of_appointment(&mut tx, a.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let dx = store::diagnoses(&mut tx, c.id).await?;
        if !dx.is_empty() && !dx.iter().any(|d| d.is_primary) {
            return Err(ServiceError::invalid("diagnoses", "err-primary-required"));
        }
        let now = self.now_us();
        if !store::mark_completed(&mut tx, a.id, now).await? || !store::close_consultation(&mut tx, c.id, "completed", now).await? {
            return Err(ServiceError::conflict("err-conflict"));
        }
        let view = AppointmentView::new(store::find_appointment(&mut tx, a.id).await?, Some(c.id));
        let changes = json!({"status": {"old": a.status, "new": view.status}, "consultation_id": c.id});
        self.record(
            &mut tx,
            caller,
            Event::new("appointment.complete", "appointment", a.id)
                .patient(a.patient_id)
                .changes(changes),
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Cancels with a reason, from scheduled, waiting or in consultation; what was recorded stays.
    pub async fn appointment_cancel(&self, caller: &Caller, appointment_id: i64, reason: Option<&str>) -> ServiceResult<AppointmentView> {
        self.require(caller, Capability::WaitingRoomWrite, "appointment.cancel").await?;
        let reason = appt::cancel_reason(reason).map_err(|e| ServiceError::Invalid(Invalid(vec![e])))?;
        let mut tx = self.db().begin().await?;
        let a = store::find_appointment(&mut tx, appointment_id).await?;
        transition(&a.status, AppointmentEvent::Cancel)?;
        let now = self.now_us();
        if !store::mark_canceled(&mut tx, a.id, &a.status, &reason, now).await? {
            return Err(ServiceError::conflict("err-conflict"));
        }
        let c = store::consultation_of_appointment(&mut tx, a.id).await?;
        if let Some(c) = &c {
            store::close_consultation(&mut tx, c.id, "canceled", now).await?;
        }
        let view = AppointmentView::new(store::find_appointment(&mut tx, a.id).await?, c.map(|c| c.id));
        let changes = json!({"status": {"old": a.status, "new": view.status}, "cancel_reason": {"old": null, "new": reason}});
        self.record(
            &mut tx,
            caller,
            Event::new("appointment.cancel", "appointment", a.id)
                .patient(a.patient_id)
                .changes(changes),
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The patient's consultations, newest first (at most 100), for the patient page.
    /// Roles without consultation read access get an empty list.
    pub async fn patient_consultations(&self, caller: &Caller, patient_id: i64) -> ServiceResult<Vec<PatientConsultation>> {
        if !caller.actor.can(Capability::ConsultationRead) {
            return Ok(Vec::new());
        }
        let mut tx = self.db().read().await?;
        let rows = store::patient_consultations(&mut tx, patient_id, 100).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let diagnoses = store::diagnoses(&mut tx, r.id)
                .await?
                .into_iter()
                .map(DiagnosisView::from)
                .collect();
            out.push(PatientConsultation {
                consultation_id: r.id,
                appointment_id: r.appointment_id,
                date: r.date,
                doctor_name: r.doctor_name,
                status: r.status,
                diagnoses,
            });
        }
        tx.commit().await?;
        Ok(out)
    }
}

/// A patient found by the walk-in form's plain search.
#[derive(Debug, Clone, Serialize)]
pub struct PatientHit {
    pub id: i64,
    pub full_name: String,
    pub cedula: Option<String>,
    pub birth_date: Option<String>,
}

impl Services {
    /// Patient search for the walk-in form without JavaScript: the patients area's indexed
    /// search (any word order, accents ignored, cédula in any format), first 20 hits.
    pub async fn visit_patient_search(&self, caller: &Caller, q: &str) -> ServiceResult<Vec<PatientHit>> {
        if q.trim().is_empty() {
            return Ok(Vec::new());
        }
        let (items, _) = self.patient_search(caller, q, false, 1, 20).await?;
        Ok(items
            .into_iter()
            .map(|p| PatientHit {
                id: p.id,
                full_name: p.full_name,
                cedula: p.cedula_display,
                birth_date: p.birth_date,
            })
            .collect())
    }
}

fn m_consultation(changes: &mut serde_json::Value, consultation_id: i64) {
    if let Some(m) = changes.as_object_mut() {
        m.insert("consultation_id".into(), json!(consultation_id));
    }
}
