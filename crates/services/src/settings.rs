//! Clinic settings, logo, specialties and doctor profiles (spec §2).

use medops_domain::{Capability, FieldError, Invalid};
use medops_storage::doctor::{self, ProfileInput, SpecialtyRow};
use medops_storage::institution::{self, InstitutionRow};
use serde::{Deserialize, Serialize};

use crate::audit::{Event, diff};
use crate::{Caller, ServiceError, ServiceResult, Services};

/// Largest accepted logo.
pub const LOGO_MAX_BYTES: usize = 2 * 1024 * 1024;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct InstitutionInput {
    pub name: Option<String>,
    pub legal_name: Option<String>,
    pub rif: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub footer: Option<String>,
    pub paper_size: Option<String>,
    pub chart_access: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DoctorView {
    pub id: i64,
    pub full_name: String,
    pub cedula: Option<String>,
    pub colegiado: String,
    pub mpps: String,
    pub consulting_room: String,
    pub default_minutes: i32,
    pub active: bool,
    pub specialties: Vec<SpecialtyRow>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DoctorProfileInput {
    pub cedula: Option<String>,
    pub colegiado: Option<String>,
    pub mpps: Option<String>,
    pub consulting_room: Option<String>,
    pub default_minutes: Option<i32>,
    /// Replaces the doctor's specialties when present; omitted keeps them.
    pub specialty_ids: Option<Vec<i64>>,
}

fn text(field: &str, v: Option<String>, cur: String, max: usize, required: bool, errs: &mut Invalid) -> String {
    let v = v.map(|s| s.trim().to_owned()).unwrap_or(cur);
    if required && v.is_empty() {
        errs.push(FieldError::new(field, "err-required"));
    } else if v.chars().count() > max {
        errs.push(FieldError::new(field, "err-too-long").arg("max", max));
    }
    v
}

/// RIF: J, V, E, G, P or C, 8 digits and a check digit (`J-12345678-9`), stored with dashes.
fn normalise_rif(raw: &str) -> Option<String> {
    let s: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    if s.is_empty() {
        return Some(String::new());
    }
    let (kind, digits) = s.split_at(1);
    if !"JVEGPC".contains(kind) || digits.len() != 9 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("{kind}-{}-{}", &digits[..8], &digits[8..]))
}

/// `local@domain.tld`: one `@`, a non-empty local part, a dotted domain, no spaces.
fn plausible_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && !s.chars().any(char::is_whitespace)
                && domain.split('.').count() >= 2
                && domain.split('.').all(|p| !p.is_empty())
        }
        None => false,
    }
}

/// Detects PNG or JPEG by content (magic bytes), never by the name or declared type.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    // PNG: signature, an IHDR chunk with non-zero dimensions first, and the IEND chunk last
    // (a truncated or fake file fails). JPEG: start-of-image marker first, end-of-image last.
    const PNG_SIG: &[u8] = b"\x89PNG\r\n\x1a\n";
    const PNG_END: &[u8] = b"IEND\xAE\x42\x60\x82";
    if bytes.starts_with(PNG_SIG) && bytes.len() > 33 && &bytes[12..16] == b"IHDR" && bytes.ends_with(PNG_END) {
        let dim = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        return (dim(16) > 0 && dim(20) > 0).then_some("image/png");
    }
    if bytes.len() > 4 && bytes.starts_with(&[0xFF, 0xD8, 0xFF]) && bytes.ends_with(&[0xFF, 0xD9]) {
        return Some("image/jpeg");
    }
    None
}

impl Services {
    /// Any logged-in user may read the clinic's name and settings (headers, documents).
    pub async fn institution(&self) -> ServiceResult<InstitutionRow> {
        // Read on every page: a read transaction, so SQLite's write lock is taken only once,
        // when a fresh database gets its default row.
        let mut tx = self.db().read().await?;
        let found = institution::find(&mut tx).await?;
        tx.commit().await?;
        if let Some(r) = found {
            return Ok(r);
        }
        let mut tx = self.db().begin().await?;
        let r = institution::get(&mut tx, self.now_us()).await?;
        tx.commit().await?;
        Ok(r)
    }

    /// The settings for the admin's edit form (refused, and audited, for anyone else).
    pub async fn institution_for_edit(&self, caller: &Caller) -> ServiceResult<InstitutionRow> {
        self.require(caller, Capability::ManageSettings, "settings.read").await?;
        self.institution().await
    }

    pub async fn institution_update(&self, caller: &Caller, input: InstitutionInput) -> ServiceResult<InstitutionRow> {
        self.require(caller, Capability::ManageSettings, "settings.update").await?;
        let mut tx = self.db().begin().await?;
        let before = institution::get(&mut tx, self.now_us()).await?;
        let mut errs = Invalid::default();
        let mut after = before.clone();
        after.name = text("name", input.name, before.name.clone(), 200, true, &mut errs);
        after.legal_name = text("legal_name", input.legal_name, before.legal_name.clone(), 200, false, &mut errs);
        let rif = text("rif", input.rif, before.rif.clone(), 20, false, &mut errs);
        match normalise_rif(&rif) {
            Some(r) => after.rif = r,
            None => errs.push(FieldError::new("rif", "err-rif")),
        }
        after.address = text("address", input.address, before.address.clone(), 500, false, &mut errs);
        after.phone = text("phone", input.phone, before.phone.clone(), 50, false, &mut errs);
        after.email = text("email", input.email, before.email.clone(), 200, false, &mut errs);
        if !after.email.is_empty() && !plausible_email(&after.email) {
            errs.push(FieldError::new("email", "err-email"));
        }
        after.footer = text("footer", input.footer, before.footer.clone(), 1000, false, &mut errs);
        after.paper_size = text("paper_size", input.paper_size, before.paper_size.clone(), 20, true, &mut errs);
        if !["a4", "letter", "half_letter"].contains(&after.paper_size.as_str()) {
            errs.push(FieldError::new("paper_size", "err-choice"));
        }
        after.chart_access = text("chart_access", input.chart_access, before.chart_access.clone(), 20, true, &mut errs);
        if !["clinic", "assigned"].contains(&after.chart_access.as_str()) {
            errs.push(FieldError::new("chart_access", "err-choice"));
        }
        errs.into_result()?;
        after.updated_at = self.now_us();
        institution::update(&mut tx, &after).await?;
        let mut changes = diff(Some(&before), Some(&after));
        if let Some(m) = changes.as_object_mut() {
            m.remove("updated_at");
        }
        self.record(&mut tx, caller, Event::new("settings.update", "institution", 1).changes(changes))
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn institution_set_logo(&self, caller: &Caller, bytes: &[u8]) -> ServiceResult<()> {
        self.require(caller, Capability::ManageSettings, "settings.logo").await?;
        if bytes.len() > LOGO_MAX_BYTES {
            return Err(ServiceError::Invalid(Invalid(vec![
                FieldError::new("logo", "err-file-too-large").arg("max", "2 MiB"),
            ])));
        }
        let mime = sniff_image(bytes).ok_or_else(|| ServiceError::invalid("logo", "err-image-type"))?;
        let mut tx = self.db().begin().await?;
        institution::get(&mut tx, self.now_us()).await?;
        institution::set_logo(&mut tx, bytes, mime, self.now_us()).await?;
        let changes = serde_json::json!({"logo": {"new": {"type": mime, "bytes": bytes.len()}}});
        self.record(&mut tx, caller, Event::new("settings.logo", "institution", 1).changes(changes))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn institution_logo(&self) -> ServiceResult<Option<(Vec<u8>, String)>> {
        let mut tx = self.db().read().await?;
        let l = institution::logo(&mut tx).await?;
        tx.commit().await?;
        Ok(l)
    }

    pub async fn specialties(&self) -> ServiceResult<Vec<SpecialtyRow>> {
        let mut tx = self.db().read().await?;
        let s = doctor::specialties(&mut tx).await?;
        tx.commit().await?;
        Ok(s)
    }

    /// Doctors (users with the doctor role) with their profiles; any logged-in user.
    pub async fn doctors(&self) -> ServiceResult<Vec<DoctorView>> {
        let mut tx = self.db().read().await?;
        let rows = doctor::list(&mut tx).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let specialties = doctor::specialties_of(&mut tx, r.user_id).await?;
            out.push(doctor_view(r, specialties));
        }
        tx.commit().await?;
        Ok(out)
    }

    pub async fn doctor(&self, id: i64) -> ServiceResult<DoctorView> {
        let mut tx = self.db().read().await?;
        let r = doctor::find(&mut tx, id).await?;
        let specialties = doctor::specialties_of(&mut tx, id).await?;
        tx.commit().await?;
        Ok(doctor_view(r, specialties))
    }

    /// A doctor profile for its edit form: admin, or the doctor themself.
    pub async fn doctor_for_edit(&self, caller: &Caller, id: i64) -> ServiceResult<DoctorView> {
        if caller.actor.user_id != id {
            self.require(caller, Capability::ManageSettings, "doctor.read").await?;
        }
        self.doctor(id).await
    }

    /// Admin, or the doctor themself, edits a doctor profile. Omitted fields keep
    /// their value (an empty cédula clears it); `specialty_ids` replaces the list when given.
    pub async fn doctor_update(&self, caller: &Caller, id: i64, input: DoctorProfileInput) -> ServiceResult<DoctorView> {
        if caller.actor.user_id != id {
            self.require(caller, Capability::ManageSettings, "doctor.update").await?;
        }
        let before = self.doctor(id).await?;
        let mut errs = Invalid::default();
        let cedula = match input.cedula.as_deref().map(str::trim) {
            None => before.cedula.clone(),
            Some("") => None,
            Some(c) => match medops_domain::cedula::Cedula::parse(c) {
                Ok(c) => Some(c.as_str().to_owned()),
                Err(e) => {
                    errs.push(FieldError::new("cedula", e));
                    None
                }
            },
        };
        let colegiado = text("colegiado", input.colegiado, before.colegiado.clone(), 30, false, &mut errs);
        let mpps = text("mpps", input.mpps, before.mpps.clone(), 30, false, &mut errs);
        let room = text(
            "consulting_room",
            input.consulting_room,
            before.consulting_room.clone(),
            60,
            false,
            &mut errs,
        );
        let minutes = input.default_minutes.unwrap_or(before.default_minutes);
        if !(5..=480).contains(&minutes) {
            errs.push(FieldError::new("default_minutes", "err-range").arg("min", 5).arg("max", 480));
        }
        let known = self.specialties().await?;
        let mut specialty_ids: Vec<i64> = match &input.specialty_ids {
            Some(ids) => ids.clone(),
            None => before.specialties.iter().map(|s| s.id).collect(),
        };
        specialty_ids.sort_unstable();
        specialty_ids.dedup();
        if specialty_ids.iter().any(|s| !known.iter().any(|k| k.id == *s)) {
            errs.push(FieldError::new("specialty_ids", "err-choice"));
        }
        errs.into_result()?;
        let mut tx = self.db().begin().await?;
        let p = ProfileInput {
            cedula: cedula.as_deref(),
            colegiado: &colegiado,
            mpps: &mpps,
            consulting_room: &room,
            default_minutes: minutes,
            specialty_ids: &specialty_ids,
        };
        doctor::upsert(&mut tx, id, &p, self.now_us()).await?;
        let r = doctor::find(&mut tx, id).await?;
        let specialties = doctor::specialties_of(&mut tx, id).await?;
        let after = doctor_view(r, specialties);
        self.record(
            &mut tx,
            caller,
            Event::new("doctor.update", "doctor", id).changes(diff(Some(&before), Some(&after))),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

fn doctor_view(r: doctor::ProfileRow, specialties: Vec<SpecialtyRow>) -> DoctorView {
    DoctorView {
        id: r.user_id,
        full_name: r.full_name,
        cedula: r.cedula,
        colegiado: r.colegiado,
        mpps: r.mpps,
        consulting_room: r.consulting_room,
        default_minutes: r.default_minutes,
        active: r.active,
        specialties,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rif_and_sniff() {
        assert_eq!(normalise_rif("j123456789").as_deref(), Some("J-12345678-9"));
        assert_eq!(normalise_rif("J-12345678-9").as_deref(), Some("J-12345678-9"));
        assert_eq!(normalise_rif("X-1"), None);
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\nrest"), None, "a PNG signature alone is not an image");
        assert_eq!(sniff_image(b"GIF89a"), None);
        assert!(plausible_email("info@clinica.com.ve"));
        for bad in ["x@", "@a.b", "a@b", "a@.b", "a@b.", "a b@c.d", "a@b@c.d"] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }
}
