//! Appointments (walk-ins and the waiting room), consultations and their diagnoses.
//! State changes are guarded updates (`WHERE status = old`); the partial unique
//! indexes of 0001_core.sql enforce the one-in-the-room rules under concurrency.

use crate::{Result, SqlxExt, Tx, with_tx};

/// What the visit screens need to know about a patient.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PatientBrief {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    /// All name parts, for screens where patients must not be confused.
    pub full_name: String,
    pub cedula: Option<String>,
    pub birth_date: Option<String>,
    pub sex: String,
    pub archived: bool,
    pub no_known_allergies: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AllergyRow {
    pub substance: String,
    pub reaction: Option<String>,
    pub severity: Option<String>,
}

pub async fn patient_brief(tx: &mut Tx, id: i64) -> Result<Option<PatientBrief>> {
    with_tx!(tx, c => sqlx::query_as(
        "SELECT id, first_name, last_name, first_name || COALESCE(' ' || middle_name, '') || ' ' || last_name || COALESCE(' ' || second_last_name, '') AS full_name, cedula, birth_date, sex, archived, no_known_allergies FROM patient WHERE id = $1")
        .bind(id).fetch_optional(&mut *c).await.db())
}

pub async fn allergies(tx: &mut Tx, patient_id: i64) -> Result<Vec<AllergyRow>> {
    with_tx!(tx, c => sqlx::query_as(
        "SELECT substance, reaction, severity FROM patient_allergy WHERE patient_id = $1 ORDER BY position, id")
        .bind(patient_id).fetch_all(&mut *c).await.db())
}

/// The full name of an active user holding the doctor role.
pub async fn active_doctor_name(tx: &mut Tx, user_id: i64) -> Result<Option<String>> {
    with_tx!(tx, c => sqlx::query_scalar(
        "SELECT u.full_name FROM app_user u JOIN user_role r ON r.user_id = u.id AND r.role = 'doctor'
         WHERE u.id = $1 AND u.active = TRUE")
        .bind(user_id).fetch_optional(&mut *c).await.db())
}

/// Active doctors (id, full name), for the walk-in form.
pub async fn active_doctors(tx: &mut Tx) -> Result<Vec<(i64, String)>> {
    with_tx!(tx, c => sqlx::query_as(
        "SELECT u.id, u.full_name FROM app_user u JOIN user_role r ON r.user_id = u.id AND r.role = 'doctor'
         WHERE u.active = TRUE ORDER BY u.full_name, u.id")
        .fetch_all(&mut *c).await.db())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AppointmentRow {
    pub id: i64,
    pub patient_id: i64,
    pub doctor_id: i64,
    pub date: String,
    pub source: String,
    pub reason: String,
    pub priority: String,
    pub status: String,
    pub cancel_reason: Option<String>,
    pub arrived_at: Option<i64>,
    pub started_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub canceled_at: Option<i64>,
    pub wait_seconds: Option<i64>,
    pub created_at: i64,
}

const APPT_COLS: &str = "id, patient_id, doctor_id, date, source, reason, priority, status, cancel_reason, arrived_at, started_at, completed_at, canceled_at, wait_seconds, created_at";

pub struct NewWalkIn<'a> {
    pub patient_id: i64,
    pub doctor_id: i64,
    pub date: &'a str,
    pub reason: &'a str,
    pub priority: &'a str,
    pub created_by: i64,
    pub now: i64,
}

/// Inserts a walk-in directly in `waiting`; `Conflict` when the patient is already in the room.
pub async fn insert_walk_in(tx: &mut Tx, a: &NewWalkIn<'_>) -> Result<i64> {
    with_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO appointment (patient_id, doctor_id, date, source, reason, priority, status, arrived_at, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, 'walk_in', $4, $5, 'waiting', $6, $7, $6, $6) RETURNING id")
        .bind(a.patient_id).bind(a.doctor_id).bind(a.date).bind(a.reason).bind(a.priority).bind(a.now).bind(a.created_by)
        .fetch_one(&mut *c).await.db())
}

pub async fn find_appointment(tx: &mut Tx, id: i64) -> Result<AppointmentRow> {
    let sql = format!("SELECT {APPT_COLS} FROM appointment WHERE id = $1");
    with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *c).await.db())
}

/// The patient's appointment currently `waiting` or `in_consultation`, if any.
pub async fn active_appointment_of_patient(tx: &mut Tx, patient_id: i64) -> Result<Option<i64>> {
    with_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM appointment WHERE patient_id = $1 AND status IN ('waiting', 'in_consultation')")
        .bind(patient_id).fetch_optional(&mut *c).await.db())
}

/// `waiting` → `in_consultation`; false when the row was not `waiting` any more.
pub async fn mark_started(tx: &mut Tx, id: i64, now: i64, wait_seconds: i64) -> Result<bool> {
    let n = with_tx!(tx, c => sqlx::query(
        "UPDATE appointment SET status = 'in_consultation', started_at = $2, wait_seconds = $3, updated_at = $2
         WHERE id = $1 AND status = 'waiting'")
        .bind(id).bind(now).bind(wait_seconds).execute(&mut *c).await.map(|r| r.rows_affected()).db())?;
    Ok(n == 1)
}

pub async fn mark_completed(tx: &mut Tx, id: i64, now: i64) -> Result<bool> {
    let n = with_tx!(tx, c => sqlx::query(
        "UPDATE appointment SET status = 'completed', completed_at = $2, updated_at = $2 WHERE id = $1 AND status = 'in_consultation'")
        .bind(id).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()).db())?;
    Ok(n == 1)
}

pub async fn mark_canceled(tx: &mut Tx, id: i64, from: &str, reason: &str, now: i64) -> Result<bool> {
    let n = with_tx!(tx, c => sqlx::query(
        "UPDATE appointment SET status = 'canceled', cancel_reason = $3, canceled_at = $4, updated_at = $4 WHERE id = $1 AND status = $2")
        .bind(id).bind(from).bind(reason).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()).db())?;
    Ok(n == 1)
}

/// One waiting-room line: the appointment with its patient's and doctor's names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoomRow {
    pub id: i64,
    pub patient_id: i64,
    pub doctor_id: i64,
    pub date: String,
    pub reason: String,
    pub priority: String,
    pub status: String,
    pub arrived_at: Option<i64>,
    pub started_at: Option<i64>,
    pub first_name: String,
    pub last_name: String,
    pub full_name: String,
    pub doctor_name: String,
    pub consultation_id: Option<i64>,
}

/// The day's appointments that are in the room or still expected.
pub async fn waiting_room(tx: &mut Tx, date: &str) -> Result<Vec<RoomRow>> {
    with_tx!(tx, c => sqlx::query_as(
        "SELECT a.id, a.patient_id, a.doctor_id, a.date, a.reason, a.priority, a.status, a.arrived_at, a.started_at,
                p.first_name, p.last_name, p.first_name || COALESCE(' ' || p.middle_name, '') || ' ' || p.last_name || COALESCE(' ' || p.second_last_name, '') AS full_name, u.full_name AS doctor_name, k.id AS consultation_id
         FROM appointment a JOIN patient p ON p.id = a.patient_id JOIN app_user u ON u.id = a.doctor_id
         LEFT JOIN consultation k ON k.appointment_id = a.id
         WHERE a.date = $1 AND a.status IN ('scheduled', 'waiting', 'in_consultation')
         ORDER BY a.id")
        .bind(date).fetch_all(&mut *c).await.db())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConsultationRow {
    pub id: i64,
    pub appointment_id: i64,
    pub patient_id: i64,
    pub doctor_id: i64,
    pub status: String,
    pub subjective: String,
    pub objective: String,
    pub assessment: String,
    pub plan: String,
    pub started_at: i64,
    pub completed_at: Option<i64>,
    pub updated_at: i64,
    pub doctor_name: String,
    pub appointment_status: String,
    pub reason: String,
}

const CONS_SELECT: &str =
    "SELECT k.id, k.appointment_id, k.patient_id, k.doctor_id, k.status, k.subjective, k.objective, k.assessment, k.plan,
        k.started_at, k.completed_at, k.updated_at, u.full_name AS doctor_name, a.status AS appointment_status, a.reason
    FROM consultation k JOIN app_user u ON u.id = k.doctor_id JOIN appointment a ON a.id = k.appointment_id";

/// Opens the consultation; `Conflict` when the doctor already has one in progress.
pub async fn insert_consultation(tx: &mut Tx, appointment_id: i64, patient_id: i64, doctor_id: i64, now: i64) -> Result<i64> {
    with_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO consultation (appointment_id, patient_id, doctor_id, status, started_at, updated_at)
         VALUES ($1, $2, $3, 'in_progress', $4, $4) RETURNING id")
        .bind(appointment_id).bind(patient_id).bind(doctor_id).bind(now)
        .fetch_one(&mut *c).await.db())
}

pub async fn find_consultation(tx: &mut Tx, id: i64) -> Result<ConsultationRow> {
    let sql = format!("{CONS_SELECT} WHERE k.id = $1");
    with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *c).await.db())
}

pub async fn consultation_of_appointment(tx: &mut Tx, appointment_id: i64) -> Result<Option<ConsultationRow>> {
    let sql = format!("{CONS_SELECT} WHERE k.appointment_id = $1");
    with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(appointment_id).fetch_optional(&mut *c).await.db())
}

/// Whether the doctor has a consultation in progress.
pub async fn doctor_busy(tx: &mut Tx, doctor_id: i64) -> Result<bool> {
    let n: i64 = with_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM consultation WHERE doctor_id = $1 AND status = 'in_progress'")
        .bind(doctor_id).fetch_one(&mut *c).await.db())?;
    Ok(n > 0)
}

/// Saves the note of an in-progress consultation; false when it is not in progress any more.
pub async fn update_note(tx: &mut Tx, id: i64, s: &str, o: &str, a: &str, p: &str, now: i64) -> Result<bool> {
    let n = with_tx!(tx, c => sqlx::query(
        "UPDATE consultation SET subjective = $2, objective = $3, assessment = $4, plan = $5, updated_at = $6
         WHERE id = $1 AND status = 'in_progress'")
        .bind(id).bind(s).bind(o).bind(a).bind(p).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()).db())?;
    Ok(n == 1)
}

/// `in_progress` → `status` (`completed` or `canceled`).
pub async fn close_consultation(tx: &mut Tx, id: i64, status: &str, now: i64) -> Result<bool> {
    let n = with_tx!(tx, c => sqlx::query(
        "UPDATE consultation SET status = $2, completed_at = $3, updated_at = $3 WHERE id = $1 AND status = 'in_progress'")
        .bind(id).bind(status).bind(now).execute(&mut *c).await.map(|r| r.rows_affected()).db())?;
    Ok(n == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DiagnosisRow {
    pub id: i64,
    pub consultation_id: i64,
    pub code: String,
    pub title: String,
    pub is_primary: bool,
    pub certainty: String,
    pub notes: String,
    pub created_at: i64,
}

const DX_COLS: &str = "id, consultation_id, code, title, is_primary, certainty, notes, created_at";

pub async fn diagnoses(tx: &mut Tx, consultation_id: i64) -> Result<Vec<DiagnosisRow>> {
    let sql = format!("SELECT {DX_COLS} FROM diagnosis WHERE consultation_id = $1 ORDER BY is_primary DESC, id");
    with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(consultation_id).fetch_all(&mut *c).await.db())
}

pub async fn find_diagnosis(tx: &mut Tx, consultation_id: i64, id: i64) -> Result<DiagnosisRow> {
    let sql = format!("SELECT {DX_COLS} FROM diagnosis WHERE consultation_id = $1 AND id = $2");
    with_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(consultation_id).bind(id).fetch_one(&mut *c).await.db())
}

/// A selectable ICD-11 entity by exact code: `(id, code, title)`. The import's
/// `selectable` flag decides (§6.3); chapter X extension codes and the
/// `_NOCODEASSIGNED` placeholder are refused here as well, whatever the flag says.
pub async fn selectable_icd11(tx: &mut Tx, code: &str) -> Result<Option<(i64, String, String)>> {
    with_tx!(tx, c => sqlx::query_as(
        "SELECT id, code, title FROM icd11_entity
         WHERE code = $1 AND selectable = TRUE AND active = TRUE AND class_kind = 'category'
           AND code <> '_NOCODEASSIGNED' AND code NOT LIKE 'X%'
         ORDER BY id LIMIT 1")
        .bind(code).fetch_optional(&mut *c).await.db())
}

/// Clears the primary flag of the consultation's current primary diagnosis; returns its id.
pub async fn demote_primary(tx: &mut Tx, consultation_id: i64) -> Result<Option<i64>> {
    with_tx!(tx, c => sqlx::query_scalar(
        "UPDATE diagnosis SET is_primary = FALSE WHERE consultation_id = $1 AND is_primary = TRUE RETURNING id")
        .bind(consultation_id).fetch_optional(&mut *c).await.db())
}

pub struct NewDiagnosis<'a> {
    pub consultation_id: i64,
    pub icd11_id: i64,
    pub code: &'a str,
    pub title: &'a str,
    pub is_primary: bool,
    pub certainty: &'a str,
    pub notes: &'a str,
    pub created_by: i64,
    pub now: i64,
}

/// `Conflict` when the code is already on the consultation.
pub async fn insert_diagnosis(tx: &mut Tx, d: &NewDiagnosis<'_>) -> Result<i64> {
    with_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO diagnosis (consultation_id, icd11_id, code, title, is_primary, certainty, notes, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(d.consultation_id).bind(d.icd11_id).bind(d.code).bind(d.title).bind(d.is_primary)
        .bind(d.certainty).bind(d.notes).bind(d.created_by).bind(d.now)
        .fetch_one(&mut *c).await.db())
}

pub async fn delete_diagnosis(tx: &mut Tx, id: i64) -> Result<()> {
    with_tx!(tx, c => sqlx::query("DELETE FROM diagnosis WHERE id = $1").bind(id).execute(&mut *c).await.map(|_| ()).db())
}

/// A patient's consultations, newest first.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PatientConsultationRow {
    pub id: i64,
    pub appointment_id: i64,
    pub date: String,
    pub status: String,
    pub doctor_name: String,
    pub started_at: i64,
}

pub async fn patient_consultations(tx: &mut Tx, patient_id: i64, limit: i64) -> Result<Vec<PatientConsultationRow>> {
    with_tx!(tx, c => sqlx::query_as(
        "SELECT k.id, k.appointment_id, a.date, k.status, u.full_name AS doctor_name, k.started_at
         FROM consultation k JOIN appointment a ON a.id = k.appointment_id JOIN app_user u ON u.id = k.doctor_id
         WHERE k.patient_id = $1 ORDER BY k.started_at DESC, k.id DESC LIMIT $2")
        .bind(patient_id).bind(limit).fetch_all(&mut *c).await.db())
}
