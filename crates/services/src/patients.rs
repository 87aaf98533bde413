//! Patients (spec §3 and the access matrix of §1): create, read (audited), PATCH
//! update, archive/restore and search.
//!
//! Clinical background (allergies, medical history, habits, "no known allergies")
//! is only shown to and written by roles with the clinical-background capabilities
//! (doctor, nurse); for the others those fields are left out of every view, and a
//! write that would change them is refused (403) as a whole.

use medops_domain::cedula::{self, Cedula};
use medops_domain::patient::{
    Age, AllergyInput, EmergencyContactInput, GuardianInput, HabitsInput, HistoryInput, PatientInput, ValidPatient, age,
};
use medops_domain::{Capability, Invalid, Lang, text};
use medops_storage::Tx;
use medops_storage::patient::{self as store, Patient, Search, SummaryRow, Term};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::audit::{Event, diff};
use crate::{Caller, ServiceError, ServiceResult, Services};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AllergyEntry {
    pub substance: String,
    pub reaction: Option<String>,
    /// `mild`, `moderate`, `severe`.
    pub severity: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HistoryItem {
    /// `past_condition`, `surgery`, `family`, `genetic`.
    pub kind: String,
    pub description: String,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct GuardianView {
    pub name: Option<String>,
    pub cedula: Option<String>,
    pub cedula_display: Option<String>,
    pub relationship: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct EmergencyContactView {
    pub name: Option<String>,
    pub relationship: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DuplicateHint {
    pub id: i64,
    pub full_name: String,
}

/// A patient as the API returns it. The clinical fields are `None` (absent from
/// the JSON) for callers without clinical-background read access.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PatientView {
    pub id: i64,
    /// Canonical, `V12345678`.
    pub cedula: Option<String>,
    /// `V-12.345.678`.
    pub cedula_display: Option<String>,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: String,
    pub second_last_name: Option<String>,
    pub full_name: String,
    pub passport: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// In words, in the caller's language ("34 años", "5 months").
    pub age: Option<String>,
    #[serde(skip)]
    pub age_value: Option<Age>,
    /// `female`, `male`, `intersex`, `unknown`.
    pub sex: String,
    /// E.164.
    pub phone: Option<String>,
    pub phone2: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub occupation: Option<String>,
    pub marital_status: Option<String>,
    /// `A+` … `O-`, or `unknown`.
    pub blood_type: String,
    pub guardian: Option<GuardianView>,
    pub emergency_contact: Option<EmergencyContactView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allergies: Option<Vec<AllergyEntry>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_known_allergies: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medical_history: Option<Vec<HistoryItem>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub habits: Option<Value>,
    pub archived: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: jiff::Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: jiff::Timestamp,
    /// On creation only: other patients with the same name and birth date (a warning).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub possible_duplicates: Option<Vec<DuplicateHint>>,
}

impl PatientView {
    /// Re-renders the age in `lang` (the API uses the request's language).
    pub fn localize(&mut self, lang: Lang) {
        self.age = self.age_value.map(|a| a.display(lang));
    }
}

/// One row of a patient list or search.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PatientListItem {
    pub id: i64,
    pub full_name: String,
    pub cedula: Option<String>,
    pub cedula_display: Option<String>,
    pub birth_date: Option<String>,
    pub age: Option<String>,
    #[serde(skip)]
    pub age_value: Option<Age>,
    pub sex: String,
    pub phone: Option<String>,
    pub archived: bool,
}

/// The search result row (alias kept for callers).
pub type PatientSummary = PatientListItem;

impl PatientListItem {
    pub fn localize(&mut self, lang: Lang) {
        self.age = self.age_value.map(|a| a.display(lang));
    }
}

fn join_name(first: &str, middle: Option<&str>, last: &str, second: Option<&str>) -> String {
    [Some(first), middle, Some(last), second]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

fn display_cedula(c: Option<&str>) -> Option<String> {
    c.map(|c| Cedula::parse(c).map(|c| c.display()).unwrap_or_else(|_| c.to_owned()))
}

fn ts(us: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_microsecond(us).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

fn age_of(birth: Option<&str>, today: jiff::civil::Date) -> Option<Age> {
    birth.and_then(medops_domain::clock::parse_date).map(|b| age(b, today))
}

/// The stored record in input form (canonical values), for PATCH merging, for
/// the edit form and for audit diffs.
pub fn to_input(p: &Patient) -> PatientInput {
    let r = &p.row;
    PatientInput {
        first_name: Some(r.first_name.clone()),
        middle_name: r.middle_name.clone(),
        last_name: Some(r.last_name.clone()),
        second_last_name: r.second_last_name.clone(),
        cedula: r.cedula.clone(),
        passport: r.passport.clone(),
        birth_date: r.birth_date.clone(),
        sex: Some(r.sex.clone()),
        phone: r.phone.clone(),
        phone2: r.phone2.clone(),
        email: r.email.clone(),
        address: r.address.clone(),
        occupation: r.occupation.clone(),
        marital_status: r.marital_status.clone(),
        blood_type: r.blood_type.clone(),
        guardian: GuardianInput {
            name: r.guardian_name.clone(),
            cedula: r.guardian_cedula.clone(),
            relationship: r.guardian_relationship.clone(),
            phone: r.guardian_phone.clone(),
        },
        emergency_contact: EmergencyContactInput {
            name: r.emergency_name.clone(),
            relationship: r.emergency_relationship.clone(),
            phone: r.emergency_phone.clone(),
        },
        allergies: p
            .allergies
            .iter()
            .map(|a| AllergyInput {
                substance: Some(a.substance.clone()),
                reaction: a.reaction.clone(),
                severity: a.severity.clone(),
            })
            .collect(),
        no_known_allergies: r.no_known_allergies,
        habits: serde_json::from_str::<HabitsInput>(&r.habits).unwrap_or_default(),
        medical_history: p
            .history
            .iter()
            .map(|h| HistoryInput {
                kind: Some(h.kind.clone()),
                description: Some(h.description.clone()),
            })
            .collect(),
    }
}

/// The clinical part of a validated patient, to detect changes to it.
fn clinical(v: &ValidPatient) -> Value {
    json!({
        "allergies": v.allergies,
        "no_known_allergies": v.no_known_allergies,
        "medical_history": v.medical_history,
        "habits": v.habits,
    })
}

/// Audit form of a record: the input form without empty values, so diffs name
/// only what changed (`{"phone": {"old": …, "new": …}}`).
fn audit_form(i: &PatientInput) -> Value {
    serde_json::to_value(i).unwrap_or(Value::Null)
}

/// RFC 7396 JSON merge patch: objects merge recursively, anything else replaces.
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                match t.get_mut(k) {
                    Some(slot) if v.is_object() && slot.is_object() => merge(slot, v),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// Deserialises a merged input; a type error names the offending top-level field.
fn parse_input(merged: Value, patch: &Map<String, Value>) -> ServiceResult<PatientInput> {
    match serde_json::from_value::<PatientInput>(merged) {
        Ok(i) => Ok(i),
        Err(_) => {
            let field = patch
                .iter()
                .find(|(k, v)| {
                    let mut one = Map::new();
                    one.insert((*k).clone(), (*v).clone());
                    serde_json::from_value::<PatientInput>(Value::Object(one)).is_err()
                })
                .map(|(k, _)| k.clone())
                .unwrap_or_else(|| "body".into());
            Err(ServiceError::Invalid(Invalid::one(field, "err-type")))
        }
    }
}

fn taken(v: &ValidPatient) -> ServiceError {
    let display = v.cedula.as_ref().map(|c| c.display()).unwrap_or_default();
    ServiceError::conflict_with("err-cedula-taken", "cedula", display)
}

/// Splits a free-text query into search terms (spec §3): cédula-like terms
/// (`12.345.678`, `V-12345678`) and folded name words.
pub fn parse_query(q: &str) -> (Vec<Term>, Option<String>) {
    let cedula_term = |t: &str| -> Option<(Term, String)> {
        if !t.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        let key = cedula::search_key(t)?;
        let digits = cedula::search_digits(t)?;
        Some((
            Term::Cedula {
                canonical: key.to_ascii_lowercase(),
                digits,
            },
            key,
        ))
    };
    if let Some((t, key)) = cedula_term(q) {
        return (vec![t], Some(key));
    }
    let mut terms = Vec::new();
    let mut exact = None;
    for raw in q.split_whitespace() {
        if let Some((t, key)) = cedula_term(raw) {
            exact.get_or_insert(key);
            if !terms.contains(&t) {
                terms.push(t);
            }
            continue;
        }
        for w in text::words(raw) {
            let t = Term::Word(w);
            if !terms.contains(&t) {
                terms.push(t);
            }
        }
    }
    terms.truncate(8);
    (terms, exact)
}

impl Services {
    fn lang_of(&self, caller: &Caller) -> Lang {
        caller.actor.lang.unwrap_or(self.config().default_lang)
    }

    fn view(&self, caller: &Caller, p: Patient) -> PatientView {
        let clinical = caller.actor.can(Capability::ClinicalBackgroundRead);
        let today = self.today();
        let r = p.row;
        let age_value = age_of(r.birth_date.as_deref(), today);
        let guardian = r.guardian_name.is_some().then(|| GuardianView {
            name: r.guardian_name.clone(),
            cedula_display: display_cedula(r.guardian_cedula.as_deref()),
            cedula: r.guardian_cedula.clone(),
            relationship: r.guardian_relationship.clone(),
            phone: r.guardian_phone.clone(),
        });
        let emergency_contact = r.emergency_name.is_some().then(|| EmergencyContactView {
            name: r.emergency_name.clone(),
            relationship: r.emergency_relationship.clone(),
            phone: r.emergency_phone.clone(),
        });
        PatientView {
            id: r.id,
            cedula_display: display_cedula(r.cedula.as_deref()),
            cedula: r.cedula,
            full_name: join_name(&r.first_name, r.middle_name.as_deref(), &r.last_name, r.second_last_name.as_deref()),
            first_name: r.first_name,
            middle_name: r.middle_name,
            last_name: r.last_name,
            second_last_name: r.second_last_name,
            passport: r.passport,
            birth_date: r.birth_date,
            age: age_value.map(|a| a.display(self.lang_of(caller))),
            age_value,
            sex: r.sex,
            phone: r.phone,
            phone2: r.phone2,
            email: r.email,
            address: r.address,
            occupation: r.occupation,
            marital_status: r.marital_status,
            blood_type: r.blood_type.unwrap_or_else(|| "unknown".into()),
            guardian,
            emergency_contact,
            allergies: clinical.then(|| {
                p.allergies
                    .into_iter()
                    .map(|a| AllergyEntry {
                        substance: a.substance,
                        reaction: a.reaction,
                        severity: a.severity,
                    })
                    .collect()
            }),
            no_known_allergies: clinical.then_some(r.no_known_allergies),
            medical_history: clinical.then(|| {
                p.history
                    .into_iter()
                    .map(|h| HistoryItem {
                        kind: h.kind,
                        description: h.description,
                    })
                    .collect()
            }),
            habits: clinical.then(|| serde_json::from_str(&r.habits).unwrap_or_else(|_| json!({}))),
            archived: r.archived,
            created_at: ts(r.created_at),
            updated_at: ts(r.updated_at),
            possible_duplicates: None,
        }
    }

    fn list_item(&self, caller: &Caller, r: SummaryRow, today: jiff::civil::Date) -> PatientListItem {
        let age_value = age_of(r.birth_date.as_deref(), today);
        PatientListItem {
            id: r.id,
            full_name: join_name(&r.first_name, r.middle_name.as_deref(), &r.last_name, r.second_last_name.as_deref()),
            cedula_display: display_cedula(r.cedula.as_deref()),
            cedula: r.cedula,
            birth_date: r.birth_date,
            age: age_value.map(|a| a.display(self.lang_of(caller))),
            age_value,
            sex: r.sex,
            phone: r.phone,
            archived: r.archived,
        }
    }

    /// Refuses (403, audited) a write by a role without clinical-background write access.
    async fn deny_clinical(&self, caller: &Caller, action: &str) -> ServiceError {
        self.audit_denied(caller, action, None).await;
        ServiceError::Forbidden
    }

    /// Registers a patient. Possible duplicates (same name and birth date) come back
    /// in `possible_duplicates` as a warning; a taken cédula is a 409.
    pub async fn patient_create(&self, caller: &Caller, input: PatientInput) -> ServiceResult<PatientView> {
        self.require(caller, Capability::PatientWrite, "patient.create").await?;
        let v = input.validate(self.today())?;
        let empty_clinical = v.allergies.is_empty()
            && v.medical_history.is_empty()
            && !v.no_known_allergies
            && v.habits == medops_domain::patient::Habits::default();
        if !empty_clinical && !caller.actor.can(Capability::ClinicalBackgroundWrite) {
            return Err(self.deny_clinical(caller, "patient.create").await);
        }
        let mut tx = self.db().begin().await?;
        let id = match store::create(&mut tx, &v, Some(caller.actor.user_id), self.now_us()).await {
            Ok(id) => id,
            Err(e) if store::is_cedula_conflict(&e) => return Err(taken(&v)),
            Err(e) => return Err(e.into()),
        };
        let p = store::find(&mut tx, id).await?;
        let after = to_input(&p);
        self.record(
            &mut tx,
            caller,
            Event::new("patient.create", "patient", id)
                .patient(id)
                .changes(diff(None, Some(&audit_form(&after)))),
        )
        .await?;
        let dups = self.duplicates_of(&mut tx, &v, id).await?;
        tx.commit().await?;
        let mut view = self.view(caller, p);
        view.possible_duplicates = Some(dups);
        Ok(view)
    }

    async fn duplicates_of(&self, tx: &mut Tx, v: &ValidPatient, id: i64) -> ServiceResult<Vec<DuplicateHint>> {
        let (Some(key), Some(birth)) = (v.duplicate_key(), v.birth_date) else {
            return Ok(Vec::new());
        };
        let rows = store::born_on(tx, &birth.to_string(), id).await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let name = join_name(&r.first_name, r.middle_name.as_deref(), &r.last_name, r.second_last_name.as_deref());
                let k = format!("{} {}", text::words(&name).join(" "), r.birth_date.as_deref().unwrap_or(""));
                (k == key).then_some(DuplicateHint { id: r.id, full_name: name })
            })
            .collect())
    }

    /// One patient's record; the read is audited (`patient.read`).
    pub async fn patient_get(&self, caller: &Caller, id: i64) -> ServiceResult<PatientView> {
        self.require(caller, Capability::PatientRead, "patient.read").await?;
        let mut tx = self.db().begin().await?;
        let p = store::find(&mut tx, id).await?;
        self.record(&mut tx, caller, Event::new("patient.read", "patient", id).patient(id))
            .await?;
        tx.commit().await?;
        Ok(self.view(caller, p))
    }

    /// The record in input form (for the edit form), without an audit event of its
    /// own (the page that shows it reads through [`Services::patient_get`]). Clinical
    /// fields are emptied for callers who may not read them.
    pub async fn patient_form(&self, caller: &Caller, id: i64) -> ServiceResult<PatientInput> {
        self.require(caller, Capability::PatientWrite, "patient.update").await?;
        let mut tx = self.db().read().await?;
        let p = store::find(&mut tx, id).await?;
        tx.commit().await?;
        let mut i = to_input(&p);
        if !caller.actor.can(Capability::ClinicalBackgroundRead) {
            i.allergies.clear();
            i.medical_history.clear();
            i.habits = HabitsInput::default();
            i.no_known_allergies = false;
        }
        Ok(i)
    }

    /// PATCH: only the fields present in `patch` (a JSON object, merged as RFC 7396)
    /// change; the merged record is validated as a whole.
    pub async fn patient_update(&self, caller: &Caller, id: i64, patch: Value) -> ServiceResult<PatientView> {
        self.require(caller, Capability::PatientWrite, "patient.update").await?;
        let Value::Object(patch_map) = patch else {
            return Err(ServiceError::BadRequest { key: "err-malformed" });
        };
        let mut tx = self.db().begin().await?;
        let before = store::find(&mut tx, id).await?;
        let before_input = to_input(&before);
        let mut merged = serde_json::to_value(&before_input).map_err(|e| ServiceError::Internal(e.to_string()))?;
        merge(&mut merged, &Value::Object(patch_map.clone()));
        let input = parse_input(merged, &patch_map)?;
        let today = self.today();
        let v = input.validate(today)?;
        if !caller.actor.can(Capability::ClinicalBackgroundWrite) {
            let old = before_input.clone().validate(today).map(|o| clinical(&o)).unwrap_or(Value::Null);
            if old != clinical(&v) {
                drop(tx);
                return Err(self.deny_clinical(caller, "patient.update").await);
            }
        }
        match store::update(&mut tx, id, &v, self.now_us()).await {
            Ok(()) => {}
            Err(e) if store::is_cedula_conflict(&e) => return Err(taken(&v)),
            Err(e) => return Err(e.into()),
        }
        let after = store::find(&mut tx, id).await?;
        let changes = diff(Some(&audit_form(&before_input)), Some(&audit_form(&to_input(&after))));
        self.record(
            &mut tx,
            caller,
            Event::new("patient.update", "patient", id).patient(id).changes(changes),
        )
        .await?;
        tx.commit().await?;
        Ok(self.view(caller, after))
    }

    /// Archives (hides from lists; nothing is deleted).
    pub async fn patient_archive(&self, caller: &Caller, id: i64) -> ServiceResult<PatientView> {
        self.set_archived(caller, id, true).await
    }

    pub async fn patient_restore(&self, caller: &Caller, id: i64) -> ServiceResult<PatientView> {
        self.set_archived(caller, id, false).await
    }

    async fn set_archived(&self, caller: &Caller, id: i64, archived: bool) -> ServiceResult<PatientView> {
        let action = if archived { "patient.archive" } else { "patient.restore" };
        self.require(caller, Capability::PatientWrite, action).await?;
        let mut tx = self.db().begin().await?;
        let before = store::find(&mut tx, id).await?;
        if before.row.archived != archived {
            store::set_archived(&mut tx, id, archived, self.now_us()).await?;
            let changes = json!({"archived": {"old": before.row.archived, "new": archived}});
            self.record(&mut tx, caller, Event::new(action, "patient", id).patient(id).changes(changes))
                .await?;
        }
        let after = store::find(&mut tx, id).await?;
        tx.commit().await?;
        Ok(self.view(caller, after))
    }

    /// Names of the given patients (the duplicate warning after a create); no
    /// chart content, so not audited as a read.
    pub async fn patient_names(&self, caller: &Caller, ids: &[i64]) -> ServiceResult<Vec<DuplicateHint>> {
        self.require(caller, Capability::PatientRead, "patient.search").await?;
        let mut tx = self.db().read().await?;
        let rows = store::by_ids(&mut tx, ids).await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|r| DuplicateHint {
                id: r.id,
                full_name: join_name(&r.first_name, r.middle_name.as_deref(), &r.last_name, r.second_last_name.as_deref()),
            })
            .collect())
    }

    /// Free-text search (every word matches a name part or the cédula, any order,
    /// ignoring case and accents) or, with an empty query, the list by last name.
    /// Exact cédula first, then full-name matches, then the rest by last name.
    /// `archived` includes archived patients. Returns the page and the total.
    pub async fn patient_search(
        &self,
        caller: &Caller,
        q: &str,
        archived: bool,
        page: i64,
        per_page: i64,
    ) -> ServiceResult<(Vec<PatientSummary>, i64)> {
        self.require(caller, Capability::PatientRead, "patient.search").await?;
        let per_page = per_page.clamp(1, 100);
        let page = page.clamp(1, 100_000);
        let (terms, exact_cedula) = parse_query(q.chars().take(200).collect::<String>().as_str());
        let s = Search {
            terms,
            exact_cedula,
            include_archived: archived,
        };
        let mut tx = self.db().read().await?;
        let (rows, total) = store::search(&mut tx, &s, per_page, (page - 1) * per_page).await?;
        tx.commit().await?;
        let today = self.today();
        Ok((rows.into_iter().map(|r| self.list_item(caller, r, today)).collect(), total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_terms() {
        let (t, exact) = parse_query("María  José pérez");
        assert_eq!(
            t,
            vec![Term::Word("maria".into()), Term::Word("jose".into()), Term::Word("perez".into())]
        );
        assert_eq!(exact, None);
        for q in ["12.345.678", "V-12345678", "v12345678", "12345678", "V 12 345 678"] {
            let (t, exact) = parse_query(q);
            assert_eq!(
                t,
                vec![Term::Cedula {
                    canonical: "v12345678".into(),
                    digits: "12345678".into()
                }],
                "{q}"
            );
            assert_eq!(exact.as_deref(), Some("V12345678"));
        }
        let (t, _) = parse_query("perez 12.345.678");
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn merge_patch_replaces_and_recurses() {
        let mut a = json!({"first_name": "Ana", "guardian": {"name": "X", "phone": "1"}, "allergies": [1]});
        merge(&mut a, &json!({"guardian": {"phone": null}, "allergies": [], "last_name": "B"}));
        assert_eq!(
            a,
            json!({"first_name": "Ana", "guardian": {"name": "X", "phone": null}, "allergies": [], "last_name": "B"})
        );
    }
}
