//! Every role against every route of the first release: one table, both databases.
//! Each row says which roles succeed (and with which status); everyone else must get 403.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use medops_domain::Role;
use medops_testkit::{StatusCode, TestApp, TestUser, db_test};
use reqwest::Method;
use serde_json::{Value, json};

const LETTERS: [&str; 6] = ["a", "b", "c", "d", "e", "f"];
const ALL: [Role; 5] = [Role::Admin, Role::Doctor, Role::Nurse, Role::Receptionist, Role::Cashier];

struct Fixture {
    users: Vec<(Role, TestUser)>,
    doctor_id: i64,
    patient_id: i64,
    consultation_id: i64,
}

async fn patient(app: &TestApp, token: &str, n: usize) -> i64 {
    let (st, p) = app
        .post(Some(token), "/api/v1/patients", &json!({"first_name": "Prueba", "last_name": format!("Rol{}", LETTERS[n % LETTERS.len()]), "cedula": format!("V{}", 20_000_000 + n)}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    p["id"].as_i64().unwrap()
}

async fn fixture(app: &TestApp) -> Fixture {
    medops_testkit::icd11::load_fixture(app).await;
    let mut users = Vec::new();
    for r in ALL {
        users.push((r, app.user(&format!("u_{}", r.as_str()), &[r]).await));
    }
    let doctor = users[1].1.clone();
    let recep = users[3].1.token.clone();
    let patient_id = patient(app, &recep, 0).await;
    let other = patient(app, &recep, 1).await;
    let (st, a) = app
        .post(
            Some(&recep),
            "/api/v1/waiting-room/walk-ins",
            &json!({"patient_id": other, "doctor_id": doctor.id}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let (st, s) = app
        .post(Some(&doctor.token), &format!("/api/v1/appointments/{}/start", a["id"]), &json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{s}");
    Fixture {
        users,
        doctor_id: doctor.id,
        patient_id,
        consultation_id: s["consultation_id"].as_i64().unwrap(),
    }
}

/// (method, path, body, roles allowed, success status)
fn table(f: &Fixture, n: usize) -> Vec<(Method, String, Value, Vec<Role>, StatusCode)> {
    use Role::*;
    let p = f.patient_id;
    let c = f.consultation_id;
    vec![
        (Method::GET, "/api/v1/users".into(), Value::Null, vec![Admin], StatusCode::OK),
        (
            Method::POST,
            "/api/v1/users".into(),
            json!({"username": format!("nuevo{n}"), "password": "una-clave-larga", "roles": ["nurse"]}),
            vec![Admin],
            StatusCode::CREATED,
        ),
        (
            Method::GET,
            "/api/v1/settings/institution".into(),
            Value::Null,
            ALL.to_vec(),
            StatusCode::OK,
        ),
        (
            Method::PUT,
            "/api/v1/settings/institution".into(),
            json!({"phone": "0212-555.00.00"}),
            vec![Admin],
            StatusCode::OK,
        ),
        (Method::GET, "/api/v1/doctors".into(), Value::Null, ALL.to_vec(), StatusCode::OK),
        (
            Method::GET,
            format!("/api/v1/doctors/{}", f.doctor_id),
            Value::Null,
            ALL.to_vec(),
            StatusCode::OK,
        ),
        (Method::GET, "/api/v1/audit".into(), Value::Null, vec![Admin], StatusCode::OK),
        (
            Method::GET,
            "/api/v1/patients?q=prueba".into(),
            Value::Null,
            ALL.to_vec(),
            StatusCode::OK,
        ),
        (
            Method::POST,
            "/api/v1/patients".into(),
            json!({"first_name": "Nueva", "last_name": format!("Persona{}", LETTERS[n % LETTERS.len()]), "cedula": format!("V{}", 30_000_000 + n)}),
            vec![Admin, Doctor, Nurse, Receptionist],
            StatusCode::CREATED,
        ),
        (
            Method::GET,
            format!("/api/v1/patients/{p}"),
            Value::Null,
            ALL.to_vec(),
            StatusCode::OK,
        ),
        (
            Method::PATCH,
            format!("/api/v1/patients/{p}"),
            json!({"occupation": format!("Oficio {n}")}),
            vec![Admin, Doctor, Nurse, Receptionist],
            StatusCode::OK,
        ),
        (
            Method::GET,
            "/api/v1/icd11/search?q=chol".into(),
            Value::Null,
            ALL.to_vec(),
            StatusCode::OK,
        ),
        (Method::GET, "/api/v1/icd11/1A00".into(), Value::Null, ALL.to_vec(), StatusCode::OK),
        (
            Method::GET,
            "/api/v1/waiting-room".into(),
            Value::Null,
            ALL.to_vec(),
            StatusCode::OK,
        ),
        (
            Method::GET,
            format!("/api/v1/consultations/{c}"),
            Value::Null,
            vec![Doctor, Nurse],
            StatusCode::OK,
        ),
        (
            Method::PUT,
            format!("/api/v1/consultations/{c}/note"),
            json!({"subjective": format!("s{n}"), "objective": "", "assessment": "", "plan": ""}),
            vec![Doctor],
            StatusCode::OK,
        ),
        (
            Method::POST,
            format!("/api/v1/consultations/{c}/diagnoses"),
            json!({"code": "1A00", "primary": false, "certainty": "presumptive"}),
            vec![Doctor],
            StatusCode::CREATED,
        ),
    ]
}

db_test!(every_role_against_every_route, |app| {
    let f = fixture(&app).await;
    let mut failures = Vec::new();
    for (i, (role, user)) in f.users.iter().enumerate() {
        for (method, path, body, allowed, ok) in table(&f, i) {
            let body = (!body.is_null()).then_some(&body);
            let (st, res) = app.send(method.clone(), Some(&user.token), &path, body, None).await;
            let expected = if allowed.contains(role) { ok } else { StatusCode::FORBIDDEN };
            if st != expected {
                failures.push(format!("{role} {method} {path}: expected {expected}, got {st} {res}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Without a token every one of those routes answers 401.
    for (method, path, body, _, _) in table(&f, 99) {
        let body = (!body.is_null()).then_some(&body);
        let (st, _) = app.send(method.clone(), None, &path, body, None).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    // Refusals are audited.
    let admin = &f.users[0].1;
    assert!(app.audit(&admin.token, "outcome=denied&actor=u_cashier").await.len() >= 5);
});
