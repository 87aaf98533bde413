//! Demo clinic (spec §15, as far as this release goes): institution, three doctors, one user
//! per role, about 60 patients with Venezuelan names, the ICD-11 catalogue from WHO's table,
//! a few completed coded consultations and today's waiting room. Everything goes through
//! the same use cases as real data (validation, audit), acting as the demo users.

use medops_domain::Role;
use medops_domain::appointment::SoapNote;
use medops_domain::patient::PatientInput;
use medops_storage::{institution, user};
use serde_json::json;

use crate::settings::{DoctorProfileInput, InstitutionInput};
use crate::users::{NewUserCmd, UserView};
use crate::visits::{DiagnosisInput, WalkInInput};
use crate::{Actor, Caller, RequestMeta, ServiceError, ServiceResult, Services};

/// Password of every demo user (documented in the README as demo-only).
pub const DEMO_PASSWORD: &str = "medops-demo";

const FIRST_F: &[&str] = &[
    "María José",
    "Carmen",
    "Ana Lucía",
    "Rosa",
    "Gabriela",
    "Yolanda",
    "Valentina",
    "Luisa Elena",
    "Sofía",
    "Beatriz",
    "Mariángel",
    "Isabel",
    "Daniela",
    "Begoña",
    "Milagros",
];
const FIRST_M: &[&str] = &[
    "José Gregorio",
    "Luis",
    "Carlos",
    "Jesús",
    "Pedro",
    "Andrés",
    "Rafael",
    "Héctor",
    "Ramón",
    "Víctor",
    "Ángel",
    "Óscar",
    "Simón",
    "Iñaki",
    "Nicolás",
];
const LAST: &[&str] = &[
    "Pérez",
    "González",
    "Rodríguez",
    "Hernández",
    "Martínez",
    "Núñez",
    "Díaz",
    "Sánchez",
    "Ramírez",
    "Briceño",
    "Quintero",
    "Zambrano",
    "Ordóñez",
    "Villalobos",
    "Peña",
    "Chacón",
    "Márquez",
    "Suárez",
    "Urdaneta",
    "Colmenares",
    "Arráiz",
    "Ibáñez",
    "Montilla",
    "Escalona",
];
const PREFIXES: &[&str] = &["0414", "0416", "0424", "0426", "0412"];
const BLOOD: &[&str] = &["O+", "A+", "B+", "O-", "AB+", "A-"];
const ALLERGENS: &[(&str, &str, &str)] = &[
    ("Penicilina", "Anafilaxia", "severe"),
    ("Ibuprofeno", "Urticaria", "moderate"),
    ("Sulfas", "Erupción cutánea", "moderate"),
    ("Mariscos", "Edema de labios", "severe"),
    ("Ácido acetilsalicílico", "Broncoespasmo", "severe"),
    ("Polen", "Rinitis", "mild"),
];
/// (code, subjective, objective, assessment, plan) of the completed demo consultations.
const VISITS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "BA00",
        "Cefalea occipital matutina de 2 semanas.",
        "TA 152/96 mmHg, FC 78/min.",
        "Hipertensión esencial.",
        "Losartán 50 mg diarios; control en 4 semanas.",
    ),
    (
        "5A11",
        "Polidipsia y poliuria de 3 meses.",
        "Glucemia capilar 238 mg/dL. IMC 31,2.",
        "Diabetes mellitus tipo 2 de reciente diagnóstico.",
        "Metformina 850 mg con el almuerzo; HbA1c; dieta.",
    ),
    (
        "CA02",
        "Odinofagia y fiebre de 2 días.",
        "Faringe eritematosa sin exudado. T 38,1 °C.",
        "Faringitis aguda.",
        "Sintomáticos e hidratación; reconsultar si persiste.",
    ),
    (
        "8A80.0",
        "Cefalea hemicraneana pulsátil con náuseas.",
        "Examen neurológico normal.",
        "Migraña sin aura.",
        "Diario de cefaleas; analgésico a demanda.",
    ),
    (
        "ME84.2",
        "Lumbalgia tras esfuerzo hace 5 días.",
        "Contractura paravertebral, Lasègue negativo.",
        "Lumbalgia mecánica.",
        "Reposo relativo, calor local, fisioterapia.",
    ),
    (
        "DA42.Z",
        "Epigastralgia postprandial.",
        "Dolor a la palpación en epigastrio.",
        "Gastritis.",
        "Omeprazol 20 mg en ayunas por 4 semanas.",
    ),
];

fn demo_caller(u: &UserView) -> Caller {
    Caller {
        actor: Actor {
            user_id: u.id,
            username: u.username.clone(),
            full_name: u.full_name.clone(),
            roles: u.roles.clone(),
            lang: None,
            session_id: 0,
            csrf_token: String::new(),
            must_change_password: false,
        },
        meta: RequestMeta {
            request_id: "demo".into(),
            ip: String::new(),
            user_agent: "medops demo".into(),
        },
    }
}

impl Services {
    /// Fills an empty database once with the demo clinic. Returns false when users already exist.
    pub async fn demo_load(&self, icd11_xlsx: Option<&std::path::Path>) -> ServiceResult<bool> {
        let mut tx = self.db().read().await?;
        let users = user::count(&mut tx).await?;
        tx.commit().await?;
        if users > 0 {
            return Ok(false);
        }
        let mk = |username: &str, full_name: &str, roles: &[Role]| NewUserCmd {
            username: username.into(),
            full_name: full_name.into(),
            password: DEMO_PASSWORD.into(),
            roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
            language: None,
        };
        let admin = self
            .create_user_unchecked(None, mk("admin", "Administración Los Samanes", &[Role::Admin]), false)
            .await?;
        let admin_c = demo_caller(&admin);
        let mut doctors = Vec::new();
        for (u, name, spec, room) in [
            ("dra.rivas", "Dra. Carmen Rivas", "internal_medicine", "Consultorio 1"),
            ("dr.mendoza", "Dr. Luis Mendoza", "pediatrics", "Consultorio 2"),
            ("dra.salazar", "Dra. Elena Salazar", "cardiology", "Consultorio 3"),
        ] {
            let d = self
                .create_user_unchecked(Some(&admin_c), mk(u, name, &[Role::Doctor]), false)
                .await?;
            let spec_id = self.specialties().await?.into_iter().find(|s| s.code == spec).map(|s| s.id);
            let profile = DoctorProfileInput {
                cedula: Some(format!("V-{}", 9_000_000 + d.id * 131)),
                colegiado: Some(format!("{}", 11_000 + d.id * 7)),
                mpps: Some(format!("{}", 80_000 + d.id * 13)),
                consulting_room: Some(room.into()),
                default_minutes: Some(30),
                specialty_ids: Some(spec_id.into_iter().collect::<Vec<i64>>()),
            };
            self.doctor_update(&admin_c, d.id, profile).await?;
            doctors.push(d);
        }
        let nurse = self
            .create_user_unchecked(Some(&admin_c), mk("enfermera", "Lcda. Rosa Quintero", &[Role::Nurse]), false)
            .await?;
        let recep = self
            .create_user_unchecked(Some(&admin_c), mk("recepcion", "Yolanda Peña", &[Role::Receptionist]), false)
            .await?;
        self.create_user_unchecked(Some(&admin_c), mk("caja", "Ramón Chacón", &[Role::Cashier]), false)
            .await?;

        self.institution_update(
            &admin_c,
            InstitutionInput {
                name: Some("Centro Médico Los Samanes".into()),
                legal_name: Some("Centro Médico Los Samanes, C.A.".into()),
                rif: Some("J-40123456-7".into()),
                address: Some("Av. Principal de Los Samanes, Torre Ávila, piso 3, Caracas".into()),
                phone: Some("0212-555.12.34".into()),
                email: Some("contacto@lossamanes.example".into()),
                footer: Some("Datos de demostración — clínica ficticia.".into()),
                ..Default::default()
            },
        )
        .await?;
        let mut tx = self.db().begin().await?;
        let mut inst = institution::get(&mut tx, self.now_us()).await?;
        inst.is_demo = true;
        institution::update(&mut tx, &inst).await?;
        tx.commit().await?;

        if let Some(path) = icd11_xlsx {
            match std::fs::read(path) {
                Ok(bytes) => {
                    self.icd11_import("LinearizationMiniOutput-MMS-en.xlsx", bytes, &|_, _| {}).await?;
                }
                Err(e) => tracing::warn!(error = %e, "demo: ICD-11 table not readable; catalogue left empty"),
            }
        }

        // Patients, created by the nurse (who may record clinical background).
        let nurse_c = demo_caller(&nurse);
        let mut patient_ids = Vec::new();
        for i in 0..60usize {
            let female = i % 2 == 0;
            let first = if female {
                FIRST_F[i % FIRST_F.len()]
            } else {
                FIRST_M[i % FIRST_M.len()]
            };
            let last = LAST[(i * 7) % LAST.len()];
            let last2 = LAST[(i * 11 + 3) % LAST.len()];
            let year = 1940 + (i * 13) % 80;
            let minor = year > 2008;
            let mut p = json!({
                "first_name": first, "last_name": last, "second_last_name": last2,
                "birth_date": format!("{year}-{:02}-{:02}", 1 + i % 12, 1 + (i * 3) % 28),
                "sex": if female { "female" } else { "male" },
                "phone": format!("{}-{:03}.{:02}.{:02}", PREFIXES[i % PREFIXES.len()], 100 + (i * 7) % 900, i % 100, (i * 3) % 100),
                "address": "Caracas",
                "blood_type": BLOOD[i % BLOOD.len()],
            });
            if minor {
                p["guardian"] = json!({"name": format!("{} {}", FIRST_F[(i + 3) % FIRST_F.len()], last), "relationship": "Madre", "phone": "0414-555.20.20"});
            } else {
                p["cedula"] = json!(format!("V-{}", 4_000_000 + i * 250_173));
            }
            if i % 4 == 0 {
                let (s, r, sev) = ALLERGENS[i % ALLERGENS.len()];
                p["allergies"] = json!([{"substance": s, "reaction": r, "severity": sev}]);
            } else if i % 4 == 1 {
                p["no_known_allergies"] = json!(true);
            }
            if i % 5 == 0 {
                p["medical_history"] = json!([{"kind": "past_condition", "description": "Hipertensión arterial"}, {"kind": "family", "description": "Madre con diabetes tipo 2"}]);
                p["habits"] = json!({"tobacco": "former", "packs_per_year": "5", "physical_activity": "Camina 30 min diarios"});
            }
            let input: PatientInput = serde_json::from_value(p).map_err(|e| ServiceError::Internal(format!("demo patient: {e}")))?;
            patient_ids.push(self.patient_create(&nurse_c, input).await?.id);
        }

        // A few completed, coded consultations (today, earlier in the day), then who is waiting now.
        let recep_c = demo_caller(&recep);
        let have_icd = icd11_xlsx.is_some();
        for (n, (code, s, o, a, plan)) in VISITS.iter().enumerate() {
            let doctor = &doctors[n % doctors.len()];
            let doc_c = demo_caller(doctor);
            let appt = self
                .walk_in(
                    &recep_c,
                    WalkInInput {
                        patient_id: Some(patient_ids[n * 5]),
                        doctor_id: Some(doctor.id),
                        reason: Some(s.to_string()),
                        emergency: false,
                    },
                )
                .await?;
            let started = self.appointment_start(&doc_c, appt.id).await?;
            let cid = started
                .consultation_id
                .ok_or_else(|| ServiceError::Internal("demo: no consultation".into()))?;
            let note = SoapNote {
                subjective: s.to_string(),
                objective: o.to_string(),
                assessment: a.to_string(),
                plan: plan.to_string(),
            };
            self.consultation_note(&doc_c, cid, note).await?;
            if have_icd {
                let d = DiagnosisInput {
                    code: Some(code.to_string()),
                    primary: true,
                    certainty: Some("confirmed".into()),
                    notes: None,
                };
                self.diagnosis_add(&doc_c, cid, d).await?;
            }
            self.appointment_complete(&doc_c, appt.id).await?;
        }
        for (n, (reason, emergency)) in [
            ("Control de tensión arterial", false),
            ("Fiebre y tos de 3 días", false),
            ("Dolor torácico", true),
            ("Resultados de laboratorio", false),
        ]
        .into_iter()
        .enumerate()
        {
            let doctor = &doctors[n % doctors.len()];
            self.walk_in(
                &recep_c,
                WalkInInput {
                    patient_id: Some(patient_ids[31 + n * 3]),
                    doctor_id: Some(doctor.id),
                    reason: Some(reason.into()),
                    emergency,
                },
            )
            .await?;
        }
        Ok(true)
    }
}
