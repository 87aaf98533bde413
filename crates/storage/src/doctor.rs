//! Doctor profiles (attached to users holding the doctor role) and specialties.

use crate::{Result, SqlxExt, StorageError, Tx, with_tx};

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct SpecialtyRow {
    pub id: i64,
    pub code: String,
    pub name_es: String,
    pub name_en: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProfileRow {
    pub user_id: i64,
    pub full_name: String,
    pub cedula: Option<String>,
    pub colegiado: String,
    pub mpps: String,
    pub consulting_room: String,
    pub default_minutes: i32,
    pub active: bool,
}

pub async fn specialties(tx: &mut Tx) -> Result<Vec<SpecialtyRow>> {
    with_tx!(tx, c => sqlx::query_as("SELECT id, code, name_es, name_en FROM specialty ORDER BY name_es")
        .fetch_all(&mut *c).await.db())
}

/// Doctors: users holding the doctor role, with their profile when one exists.
pub async fn list(tx: &mut Tx) -> Result<Vec<ProfileRow>> {
    with_tx!(tx, c => sqlx::query_as(
        "SELECT u.id AS user_id, u.full_name, p.cedula, COALESCE(p.colegiado, '') AS colegiado, COALESCE(p.mpps, '') AS mpps,
                COALESCE(p.consulting_room, '') AS consulting_room, COALESCE(p.default_minutes, 30) AS default_minutes, u.active
         FROM app_user u JOIN user_role r ON r.user_id = u.id AND r.role = 'doctor'
         LEFT JOIN doctor_profile p ON p.user_id = u.id
         ORDER BY u.full_name")
        .fetch_all(&mut *c).await.db())
}

pub async fn find(tx: &mut Tx, user_id: i64) -> Result<ProfileRow> {
    with_tx!(tx, c => sqlx::query_as(
        "SELECT u.id AS user_id, u.full_name, p.cedula, COALESCE(p.colegiado, '') AS colegiado, COALESCE(p.mpps, '') AS mpps,
                COALESCE(p.consulting_room, '') AS consulting_room, COALESCE(p.default_minutes, 30) AS default_minutes, u.active
         FROM app_user u JOIN user_role r ON r.user_id = u.id AND r.role = 'doctor'
         LEFT JOIN doctor_profile p ON p.user_id = u.id
         WHERE u.id = $1")
        .bind(user_id).fetch_one(&mut *c).await.db())
}

pub async fn specialties_of(tx: &mut Tx, user_id: i64) -> Result<Vec<SpecialtyRow>> {
    with_tx!(tx, c => sqlx::query_as(
        "SELECT s.id, s.code, s.name_es, s.name_en FROM specialty s JOIN doctor_specialty d ON d.specialty_id = s.id
         WHERE d.user_id = $1 ORDER BY s.name_es")
        .bind(user_id).fetch_all(&mut *c).await.db())
}

pub struct ProfileInput<'a> {
    pub cedula: Option<&'a str>,
    pub colegiado: &'a str,
    pub mpps: &'a str,
    pub consulting_room: &'a str,
    pub default_minutes: i32,
    pub specialty_ids: &'a [i64],
}

pub async fn upsert(tx: &mut Tx, user_id: i64, p: &ProfileInput<'_>, now: i64) -> Result<()> {
    with_tx!(tx, c => {
        sqlx::query(
            "INSERT INTO doctor_profile (user_id, cedula, colegiado, mpps, consulting_room, default_minutes, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (user_id) DO UPDATE SET cedula = excluded.cedula, colegiado = excluded.colegiado, mpps = excluded.mpps,
               consulting_room = excluded.consulting_room, default_minutes = excluded.default_minutes, updated_at = excluded.updated_at")
            .bind(user_id).bind(p.cedula).bind(p.colegiado).bind(p.mpps).bind(p.consulting_room)
            .bind(p.default_minutes).bind(now)
            .execute(&mut *c).await.db()?;
        sqlx::query("DELETE FROM doctor_specialty WHERE user_id = $1").bind(user_id).execute(&mut *c).await.db()?;
        for s in p.specialty_ids {
            sqlx::query("INSERT INTO doctor_specialty (user_id, specialty_id) VALUES ($1, $2)")
                .bind(user_id).bind(s).execute(&mut *c).await.db()?;
        }
        Ok::<(), StorageError>(())
    })
}
