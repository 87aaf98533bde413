//! The first visit: walk-in → waiting room → start → note → diagnoses → complete,
//! each refused step, concurrency, audit and roles, through the real HTTP app.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use medops_domain::Role;
use medops_testkit::{StatusCode, TestApp, TestUser, db_test};
use serde_json::{Value, json};

/// A few ICD-11 rows: a chapter, a block, selectable categories (one residual),
/// a `_NOCODEASSIGNED` row and an extension code, flagged as the importer does.
async fn icd_fixture(app: &TestApp) {
    let rows = [
        (
            "c01",
            None,
            Some("BlockL1-1A0"),
            "Certain infectious or parasitic diseases",
            "chapter",
            "01",
            false,
        ),
        (
            "b1a0",
            None,
            Some("BlockL1-1A0"),
            "Intestinal infectious diseases",
            "block",
            "01",
            false,
        ),
        ("1a00", Some("1A00"), None, "Cholera", "category", "01", true),
        ("1a11z", Some("1A11.Z"), None, "Shigellosis, unspecified", "category", "01", true),
        (
            "1a03",
            Some("1A03"),
            None,
            "Intestinal infections due to Escherichia coli",
            "category",
            "01",
            true,
        ),
        ("nocode", Some("_NOCODEASSIGNED"), None, "Placeholder", "category", "01", false),
        ("xs8h", Some("XS8H"), None, "Acute", "category", "X", false),
    ];
    for (i, (uri, code, block, title, kind, chapter, sel)) in rows.iter().enumerate() {
        let code = code.map(|c| format!("'{c}'")).unwrap_or("NULL".into());
        let block = block.map(|c| format!("'{c}'")).unwrap_or("NULL".into());
        app.exec_sql(&format!(
            "INSERT INTO icd11_entity (uri, code, block_id, title, class_kind, chapter_no, depth, position, is_leaf, is_residual, selectable, release)
             VALUES ('http://id.who.int/icd/release/11/mms/{uri}', {code}, {block}, '{title}', '{kind}', '{chapter}', 0, {i}, TRUE, FALSE, {sel}, '2025-01')"
        ))
        .await;
    }
}

static PATIENTS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Creates a patient through the patients API (as a nurse, created on first use) and returns its id.
async fn patient(app: &TestApp, first: &str, last: &str) -> i64 {
    let n = PATIENTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if app.services.user_id_by_name("visits.nurse").await.is_err() {
        app.user("visits.nurse", &[medops_domain::Role::Nurse]).await;
    }
    let token = app.login("visits.nurse", medops_testkit::PASSWORD).await;
    let body = serde_json::json!({"first_name": first, "last_name": last, "cedula": format!("V{}", 10_000_000 + n),
        "birth_date": "1990-05-17", "sex": "female"});
    let (st, p) = app.post(Some(&token), "/api/v1/patients", &body).await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    p["id"].as_i64().unwrap()
}

async fn walk_in(app: &TestApp, who: &TestUser, patient_id: i64, doctor: &TestUser, emergency: bool) -> (StatusCode, Value) {
    app.post(
        Some(&who.token),
        "/api/v1/waiting-room/walk-ins",
        &json!({"patient_id": patient_id, "doctor_id": doctor.id, "reason": "Fiebre", "emergency": emergency}),
    )
    .await
}

/// Walk-in and start; returns (appointment id, consultation id).
async fn started(app: &TestApp, recep: &TestUser, doctor: &TestUser, pid: i64) -> (i64, i64) {
    let (st, a) = walk_in(app, recep, pid, doctor, false).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let id = a["id"].as_i64().unwrap();
    let (st, s) = app
        .post(Some(&doctor.token), &format!("/api/v1/appointments/{id}/start"), &json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{s}");
    (id, s["consultation_id"].as_i64().unwrap())
}

db_test!(full_walk_in_flow_and_audit, |app| {
    icd_fixture(&app).await;
    let admin = app.admin().await;
    let recep = app.receptionist().await;
    let doctor = app.doctor().await;
    let pid = patient(&app, "María", "Pérez").await;

    let (st, a) = walk_in(&app, &recep, pid, &doctor, false).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    assert_eq!(a["status"], "waiting");
    assert_eq!(a["patient_id"], pid);
    assert_eq!(a["doctor_id"], doctor.id);
    assert_eq!(a["priority"], "normal");
    assert_eq!(a["date"], app.services.today().to_string());
    assert!(a["arrived_at"].as_str().unwrap().ends_with('Z'));
    let aid = a["id"].as_i64().unwrap();

    let (st, room) = app.get(Some(&recep.token), "/api/v1/waiting-room").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(room["items"][0]["patient_name"], "María Pérez");
    assert_eq!(room["items"][0]["doctor_name"], "Test doctor1");
    assert_eq!(room["items"][0]["reason"], "Fiebre");
    assert_eq!(room["items"][0]["waited_minutes"], 0);

    app.services.clock().advance(jiff::SignedDuration::from_mins(12));
    let (st, s) = app
        .post(Some(&doctor.token), &format!("/api/v1/appointments/{aid}/start"), &json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{s}");
    assert_eq!(s["status"], "in_consultation");
    assert!(s["wait_seconds"].as_i64().unwrap() >= 720);
    let cid = s["consultation_id"].as_i64().unwrap();

    let note = json!({"subjective": "Fiebre de 3 días", "objective": "T 38,5", "assessment": "", "plan": "Hidratación"});
    let (st, n) = app
        .put(Some(&doctor.token), &format!("/api/v1/consultations/{cid}/note"), &note)
        .await;
    assert_eq!(st, StatusCode::OK, "{n}");
    assert_eq!(n["plan"], "Hidratación");

    let (st, d1) = app
        .post(
            Some(&doctor.token),
            &format!("/api/v1/consultations/{cid}/diagnoses"),
            &json!({"code": "1a00", "primary": true, "certainty": "presumptive"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{d1}");
    assert_eq!(d1["code"], "1A00");
    assert_eq!(d1["title"], "Cholera");
    assert_eq!(d1["primary"], true);
    let (st, d2) = app
        .post(
            Some(&doctor.token),
            &format!("/api/v1/consultations/{cid}/diagnoses"),
            &json!({"code": "1A11.Z", "primary": true, "certainty": "confirmed", "notes": "cultivo"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{d2}");
    // A second primary demotes the first.
    let (st, c) = app.get(Some(&doctor.token), &format!("/api/v1/consultations/{cid}")).await;
    assert_eq!(st, StatusCode::OK);
    let dx = c["diagnoses"].as_array().unwrap();
    assert_eq!(dx.len(), 2);
    assert_eq!(dx.iter().filter(|d| d["primary"] == true).count(), 1);
    assert_eq!(dx[0]["code"], "1A11.Z");
    assert_eq!(c["note"]["subjective"], "Fiebre de 3 días");
    assert_eq!(c["patient"]["full_name"], "María Pérez");
    assert_eq!(c["patient"]["sex"], "female");
    assert_eq!(c["patient"]["age"]["unit"], "years");
    assert_eq!(c["status"], "in_progress");

    // The same code twice is refused.
    let (st, _) = app
        .post(
            Some(&doctor.token),
            &format!("/api/v1/consultations/{cid}/diagnoses"),
            &json!({"code": "1A00", "certainty": "confirmed"}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    // Delete one.
    let did = d1["id"].as_i64().unwrap();
    let (st, _) = app
        .delete(Some(&doctor.token), &format!("/api/v1/consultations/{cid}/diagnoses/{did}"))
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = app
        .delete(Some(&doctor.token), &format!("/api/v1/consultations/{cid}/diagnoses/{did}"))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    let (st, done) = app
        .post(Some(&doctor.token), &format!("/api/v1/appointments/{aid}/complete"), &json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "completed");
    let (_, c) = app.get(Some(&doctor.token), &format!("/api/v1/consultations/{cid}")).await;
    assert_eq!(c["status"], "completed");
    // Out of the waiting room.
    let (_, room) = app.get(Some(&recep.token), "/api/v1/waiting-room").await;
    assert_eq!(room["items"].as_array().unwrap().len(), 0);

    // Audit events, each with the patient.
    for action in [
        "appointment.walk_in",
        "consultation.start",
        "consultation.note",
        "diagnosis.add",
        "diagnosis.delete",
        "appointment.complete",
        "consultation.read",
    ] {
        let ev = app.audit(&admin.token, &format!("action={action}")).await;
        assert!(!ev.is_empty(), "{action} not audited");
        assert_eq!(ev[0]["patient_id"], pid, "{action}");
    }
    let note_ev = &app.audit(&admin.token, "action=consultation.note").await[0];
    assert_eq!(note_ev["changes"]["plan"]["old"], "");
    assert_eq!(note_ev["changes"]["plan"]["new"], "Hidratación");
    assert!(note_ev["changes"].get("assessment").is_none(), "unchanged field audited: {note_ev}");
    let start_ev = &app.audit(&admin.token, "action=consultation.start").await[0];
    assert_eq!(start_ev["changes"]["status"]["new"], "in_consultation");
    let dx_ev = app.audit(&admin.token, "action=diagnosis.add").await;
    assert_eq!(dx_ev.len(), 2);
    assert_eq!(dx_ev[0]["changes"]["demoted_primary"], did);

    // The patient page list: doctors and nurses see it, others get nothing.
    let consults = list_consultations(&app, &doctor, pid).await;
    assert_eq!(consults.len(), 1);
    assert_eq!(consults[0].diagnoses[0].code, "1A11.Z");
    assert!(list_consultations(&app, &recep, pid).await.is_empty());
});

async fn list_consultations(app: &TestApp, user: &TestUser, pid: i64) -> Vec<medops_services::visits::PatientConsultation> {
    let actor = app.services.authenticate(&user.token).await.unwrap();
    let caller = medops_services::Caller {
        actor,
        meta: Default::default(),
    };
    app.services.patient_consultations(&caller, pid).await.unwrap()
}

db_test!(refused_steps, |app| {
    icd_fixture(&app).await;
    let recep = app.receptionist().await;
    let doctor = app.doctor().await;
    let cashier = app.cashier().await;
    let p1 = patient(&app, "Ana", "Gómez").await;
    let p2 = patient(&app, "Luis", "Díaz").await;

    // Validation names the field.
    let (st, b) = app
        .post(
            Some(&recep.token),
            "/api/v1/waiting-room/walk-ins",
            &json!({"patient_id": 999_999, "doctor_id": recep.id}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["error"]["fields"]["patient_id"].is_string(), "{b}");
    assert!(b["error"]["fields"]["doctor_id"].is_string(), "{b}");
    app.exec_sql(&format!("UPDATE patient SET archived = TRUE WHERE id = {p2}")).await;
    let (st, b) = walk_in(&app, &recep, p2, &doctor, false).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["error"]["fields"]["patient_id"].is_string());
    app.exec_sql(&format!("UPDATE patient SET archived = FALSE WHERE id = {p2}")).await;
    // Cashier reads but does not write the waiting room.
    let (st, _) = walk_in(&app, &cashier, p1, &doctor, false).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = app.get(Some(&cashier.token), "/api/v1/waiting-room").await;
    assert_eq!(st, StatusCode::OK);

    // Second walk-in of the same patient.
    let (st, a1) = walk_in(&app, &recep, p1, &doctor, false).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, b) = walk_in(&app, &recep, p1, &doctor, false).await;
    assert_eq!(st, StatusCode::CONFLICT, "{b}");
    assert_eq!(b["error"]["code"], "conflict");

    // Two consultations at once for one doctor.
    let a1 = a1["id"].as_i64().unwrap();
    let (st, s1) = app
        .post(Some(&doctor.token), &format!("/api/v1/appointments/{a1}/start"), &json!({}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let cid = s1["consultation_id"].as_i64().unwrap();
    let (_, a2) = walk_in(&app, &recep, p2, &doctor, false).await;
    let a2 = a2["id"].as_i64().unwrap();
    let (st, b) = app
        .post(Some(&doctor.token), &format!("/api/v1/appointments/{a2}/start"), &json!({}))
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{b}");
    // A wrong transition names the current state.
    let (st, b) = app
        .post(Some(&doctor.token), &format!("/api/v1/appointments/{a1}/start"), &json!({}))
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert!(b["error"]["message"].as_str().unwrap().contains("en consulta"), "{b}");

    // Non-selectable codes.
    for code in ["BlockL1-1A0", "01", "_NOCODEASSIGNED", "XS8H", "ZZ99", ""] {
        let (st, b) = app
            .post(
                Some(&doctor.token),
                &format!("/api/v1/consultations/{cid}/diagnoses"),
                &json!({"code": code, "certainty": "confirmed"}),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{code}: {b}");
        assert!(b["error"]["fields"]["code"].is_string(), "{code}: {b}");
    }
    let (st, b) = app
        .post(
            Some(&doctor.token),
            &format!("/api/v1/consultations/{cid}/diagnoses"),
            &json!({"code": "1A00", "certainty": "maybe"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["error"]["fields"]["certainty"].is_string());

    // Diagnoses but none primary: complete refused.
    let (st, _) = app
        .post(
            Some(&doctor.token),
            &format!("/api/v1/consultations/{cid}/diagnoses"),
            &json!({"code": "1A00", "primary": false, "certainty": "confirmed"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, b) = app
        .post(Some(&doctor.token), &format!("/api/v1/appointments/{a1}/complete"), &json!({}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["error"]["fields"]["diagnoses"].is_string());
    let (st, _) = app
        .post(
            Some(&doctor.token),
            &format!("/api/v1/consultations/{cid}/diagnoses"),
            &json!({"code": "1A03", "primary": true, "certainty": "confirmed"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = app
        .post(Some(&doctor.token), &format!("/api/v1/appointments/{a1}/complete"), &json!({}))
        .await;
    assert_eq!(st, StatusCode::OK);

    // Every write after completion answers 409.
    let (st, _) = app
        .put(
            Some(&doctor.token),
            &format!("/api/v1/consultations/{cid}/note"),
            &json!({"plan": "x"}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, _) = app
        .post(
            Some(&doctor.token),
            &format!("/api/v1/consultations/{cid}/diagnoses"),
            &json!({"code": "1A11.Z", "certainty": "confirmed"}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, _) = app
        .post(Some(&doctor.token), &format!("/api/v1/appointments/{a1}/complete"), &json!({}))
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, _) = app
        .post(
            Some(&recep.token),
            &format!("/api/v1/appointments/{a1}/cancel"),
            &json!({"reason": "x"}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);

    // Cancel needs a reason; then the doctor can start the next one.
    let (st, b) = app
        .post(
            Some(&recep.token),
            &format!("/api/v1/appointments/{a2}/cancel"),
            &json!({"reason": "  "}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["error"]["fields"]["reason"].is_string());
    let (st, b) = app
        .post(
            Some(&recep.token),
            &format!("/api/v1/appointments/{a2}/cancel"),
            &json!({"reason": "Se fue"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "canceled");
    assert_eq!(b["cancel_reason"], "Se fue");
    // Canceled patient may walk in again.
    let (st, _) = walk_in(&app, &recep, p2, &doctor, false).await;
    assert_eq!(st, StatusCode::CREATED);
});

db_test!(cancel_in_consultation_keeps_the_record, |app| {
    icd_fixture(&app).await;
    let recep = app.receptionist().await;
    let doctor = app.doctor().await;
    let pid = patient(&app, "Rosa", "Mora").await;
    let (aid, cid) = started(&app, &recep, &doctor, pid).await;
    app.put(
        Some(&doctor.token),
        &format!("/api/v1/consultations/{cid}/note"),
        &json!({"subjective": "Tos"}),
    )
    .await;
    let (st, _) = app
        .post(
            Some(&doctor.token),
            &format!("/api/v1/appointments/{aid}/cancel"),
            &json!({"reason": "Referido a emergencia"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, c) = app.get(Some(&doctor.token), &format!("/api/v1/consultations/{cid}")).await;
    assert_eq!(c["status"], "canceled");
    assert_eq!(c["note"]["subjective"], "Tos");
    let (st, _) = app
        .put(
            Some(&doctor.token),
            &format!("/api/v1/consultations/{cid}/note"),
            &json!({"subjective": "x"}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    // The doctor is free again.
    let p2 = patient(&app, "Juan", "Mora").await;
    started(&app, &recep, &doctor, p2).await;
});

db_test!(waiting_room_order, |app| {
    let recep = app.receptionist().await;
    let d1 = app.doctor().await;
    let d2 = app.user("doctor2", &[Role::Doctor]).await;
    let pa = patient(&app, "Primero", "Llegado").await;
    let pb = patient(&app, "Segundo", "Llegado").await;
    let pc = patient(&app, "Tercero", "Urgente").await;
    let pd = patient(&app, "Cuarto", "Atendido").await;
    for (p, d, e) in [(pa, &d1, false), (pb, &d1, false), (pc, &d1, true), (pd, &d2, false)] {
        let (st, _) = walk_in(&app, &recep, p, d, e).await;
        assert_eq!(st, StatusCode::CREATED);
        app.services.clock().advance(jiff::SignedDuration::from_mins(1));
    }
    let (_, room) = app.get(Some(&recep.token), "/api/v1/waiting-room").await;
    let dstart = room["items"].as_array().unwrap().iter().find(|e| e["patient_id"] == pd).unwrap()["id"]
        .as_i64()
        .unwrap();
    let (st, _) = app
        .post(Some(&d2.token), &format!("/api/v1/appointments/{dstart}/start"), &json!({}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, room) = app.get(Some(&recep.token), "/api/v1/waiting-room").await;
    let order: Vec<i64> = room["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["patient_id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, vec![pd, pc, pa, pb]);
    let first = &room["items"][0];
    assert_eq!(first["status"], "in_consultation");
    assert_eq!(room["items"][1]["priority"], "emergency");
    assert_eq!(room["items"][2]["waited_minutes"], 4);
});

db_test!(concurrent_duplicate_walk_ins_create_one, |app| {
    let recep = app.receptionist().await;
    let doctor = app.doctor().await;
    let pid = patient(&app, "Carla", "Concurrente").await;
    let body = json!({"patient_id": pid, "doctor_id": doctor.id});
    let futs = (0..8).map(|_| app.post(Some(&recep.token), "/api/v1/waiting-room/walk-ins", &body));
    let results = futures::future::join_all(futs).await;
    let created = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let conflicts = results.iter().filter(|(s, _)| *s == StatusCode::CONFLICT).count();
    assert_eq!((created, conflicts), (1, 7), "{results:?}");
    let (_, room) = app.get(Some(&recep.token), "/api/v1/waiting-room").await;
    assert_eq!(room["items"].as_array().unwrap().len(), 1);
});

db_test!(concurrent_starts_by_one_doctor_open_one_consultation, |app| {
    let recep = app.receptionist().await;
    let doctor = app.doctor().await;
    let mut ids = Vec::new();
    for i in 0..4 {
        let p = patient(&app, "Paciente", &format!("Número{}", ["Uno", "Dos", "Tres", "Cuatro"][i])).await;
        let (_, a) = walk_in(&app, &recep, p, &doctor, false).await;
        ids.push(a["id"].as_i64().unwrap());
    }
    let paths: Vec<String> = ids.iter().map(|id| format!("/api/v1/appointments/{id}/start")).collect();
    let empty = json!({});
    let futs = paths.iter().map(|p| app.post(Some(&doctor.token), p, &empty));
    let results = futures::future::join_all(futs).await;
    let ok = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(ok, 1, "{results:?}");
    assert!(results.iter().all(|(s, _)| *s == StatusCode::OK || *s == StatusCode::CONFLICT));
});

db_test!(roles_on_consultations, |app| {
    icd_fixture(&app).await;
    let recep = app.receptionist().await;
    let nurse = app.nurse().await;
    let doctor = app.doctor().await;
    let other = app.user("doctor2", &[Role::Doctor]).await;
    let admin = app.admin().await;
    let pid = patient(&app, "Elena", "Roles").await;
    let (aid, cid) = started(&app, &recep, &doctor, pid).await;
    let path = format!("/api/v1/consultations/{cid}");

    let (st, _) = app.get(Some(&recep.token), &path).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = app.get(Some(&admin.token), &path).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, c) = app.get(Some(&nurse.token), &path).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(c["id"], cid);
    let (st, _) = app.get(Some(&other.token), &path).await;
    assert_eq!(st, StatusCode::OK);

    // Only the consultation's own doctor writes.
    let (st, _) = app.put(Some(&other.token), &format!("{path}/note"), &json!({"plan": "x"})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = app.put(Some(&nurse.token), &format!("{path}/note"), &json!({"plan": "x"})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = app
        .post(
            Some(&other.token),
            &format!("{path}/diagnoses"),
            &json!({"code": "1A00", "primary": true}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = app
        .post(Some(&other.token), &format!("/api/v1/appointments/{aid}/complete"), &json!({}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (_, c) = app.get(Some(&doctor.token), &path).await;
    assert_eq!(c["note"]["plan"], "");
    assert_eq!(c["diagnoses"].as_array().unwrap().len(), 0);
    // Another doctor cannot start someone else's patient either.
    let p2 = patient(&app, "Otro", "Paciente").await;
    let (_, a2) = walk_in(&app, &recep, p2, &doctor, false).await;
    let (st, _) = app
        .post(Some(&other.token), &format!("/api/v1/appointments/{}/start", a2["id"]), &json!({}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let denied = app.audit(&admin.token, "action=access.denied").await;
    assert!(denied.iter().any(|e| e["changes"]["attempted"] == "consultation.note"));
    // Unknown consultation.
    let (st, _) = app.get(Some(&doctor.token), "/api/v1/consultations/999999").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
});

async fn page(app: &TestApp, user: &TestUser, path: &str) -> (StatusCode, String) {
    let res = app
        .client
        .get(app.url(path))
        .header("Cookie", format!("medops_session={}", user.token))
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn form(app: &TestApp, user: &TestUser, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String, String) {
    let actor = app.services.authenticate(&user.token).await.unwrap();
    let mut all: Vec<(&str, &str)> = vec![("_csrf", actor.csrf_token.as_str())];
    all.extend_from_slice(fields);
    let res = app
        .client
        .post(app.url(path))
        .header("Cookie", format!("medops_session={}", user.token))
        .form(&all)
        .send()
        .await
        .unwrap();
    let loc = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (res.status(), loc, res.text().await.unwrap())
}

db_test!(pages_walk_in_to_completed_consultation, |app| {
    icd_fixture(&app).await;
    let recep = app.receptionist().await;
    let doctor = app.doctor().await;
    let pid = patient(&app, "Sofía", "Páginas").await;

    let (st, html) = page(&app, &recep, "/waiting-room").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.contains("data-typeahead=\"/api/v1/patients\"") && html.contains("Registrar llegada sin cita"),
        "{html}"
    );
    // Plain search fallback finds the patient without accents.
    let (_, html) = page(&app, &recep, "/waiting-room?q=sofia").await;
    assert!(html.contains(&format!("patient_id={pid}")), "{html}");
    // Missing doctor: re-rendered with the error and the typed values.
    let (st, _, html) = form(
        &app,
        &recep,
        "/waiting-room/walk-in",
        &[
            ("patient_id", &pid.to_string()),
            ("patient_label", "Sofía Páginas"),
            ("reason", "Dolor de cabeza"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("field--invalid") && html.contains("Dolor de cabeza"), "{html}");
    let (st, loc, _) = form(
        &app,
        &recep,
        "/waiting-room/walk-in",
        &[
            ("patient_id", &pid.to_string()),
            ("doctor_id", &doctor.id.to_string()),
            ("reason", "Dolor de cabeza"),
            ("emergency", "1"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{loc}");
    assert!(loc.contains("flash-walk-in"));
    let (_, html) = page(&app, &recep, "/waiting-room").await;
    assert!(
        html.contains("Sofía Páginas") && html.contains("is-emergency") && html.contains("class=\"waited\""),
        "{html}"
    );
    assert!(!html.contains("Iniciar consulta"), "receptionist sees no start button");
    let (_, html) = page(&app, &doctor, "/waiting-room").await;
    assert!(html.contains("Iniciar consulta"));

    let (_, room) = app.get(Some(&recep.token), "/api/v1/waiting-room").await;
    let aid = room["items"][0]["id"].as_i64().unwrap();
    let (st, loc, _) = form(&app, &doctor, &format!("/appointments/{aid}/start"), &[]).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let cpath = loc.split('?').next().unwrap().to_owned();
    assert!(cpath.starts_with("/consultations/"));
    let (st, html) = page(&app, &doctor, &cpath).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.contains(&format!("data-autosave=\"/api/v1{cpath}/note\"")) && html.contains("data-typeahead=\"/api/v1/icd11/search\""),
        "{html}"
    );
    let (st, _, _) = form(
        &app,
        &doctor,
        &format!("{cpath}/note"),
        &[("subjective", "Cefalea"), ("objective", ""), ("assessment", ""), ("plan", "")],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, _, html) = form(
        &app,
        &doctor,
        &format!("{cpath}/diagnoses"),
        &[("code", "XS8H"), ("code_label", "XS8H Acute"), ("certainty", "confirmed")],
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("no es un diagnóstico CIE-11 seleccionable") && html.contains("XS8H Acute"),
        "{html}"
    );
    let (st, _, _) = form(
        &app,
        &doctor,
        &format!("{cpath}/diagnoses"),
        &[("code", "1A00"), ("primary", "1"), ("certainty", "confirmed")],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, loc, _) = form(&app, &doctor, &format!("/appointments/{aid}/complete"), &[]).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{loc}");
    let (_, html) = page(&app, &doctor, &cpath).await;
    assert!(
        html.contains("Cefalea") && html.contains("Cholera") && html.contains("solo lectura") && !html.contains("data-autosave="),
        "{html}"
    );
    // Receptionist cannot open the consultation page.
    let (st, _) = page(&app, &recep, &cpath).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
});
