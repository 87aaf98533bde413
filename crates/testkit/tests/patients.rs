//! Patients end to end (spec §3, access matrix §1): API, search, roles, audit, pages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use medops_testkit::{PASSWORD, StatusCode, TestApp, db_test};
use serde_json::{Value, json};

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let (st, p) = app.post(Some(token), "/api/v1/patients", &body).await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    p
}

async fn search(app: &TestApp, token: &str, q: &str) -> Value {
    let path = format!("/api/v1/patients?q={}", urlencoding(q));
    let (st, body) = app.get(Some(token), &path).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["full_name"].as_str().unwrap().to_owned())
        .collect()
}

db_test!(crud_with_canonical_cedula_and_phones, |app| {
    let rec = app.receptionist().await;
    let p = create(
        &app,
        &rec.token,
        json!({"first_name": " María ", "middle_name": "José", "last_name": "Pérez", "second_last_name": "Gómez",
               "cedula": "v-12.345.678", "birth_date": "1990-05-17", "sex": "female", "phone": "0414-123.45.67",
               "emergency_contact": {"name": "Juan Pérez", "relationship": "hermano", "phone": "0212 555 12 34"}}),
    )
    .await;
    assert_eq!(p["cedula"], "V12345678");
    assert_eq!(p["cedula_display"], "V-12.345.678");
    assert_eq!(p["first_name"], "María");
    assert_eq!(p["full_name"], "María José Pérez Gómez");
    assert_eq!(p["phone"], "+584141234567");
    assert_eq!(p["emergency_contact"]["phone"], "+582125551234");
    assert_eq!(p["sex"], "female");
    assert_eq!(p["archived"], false);
    assert!(p["age"].as_str().unwrap().ends_with("años"), "{p}");
    assert_eq!(p["possible_duplicates"], json!([]));
    let id = p["id"].as_i64().unwrap();

    let (st, got) = app.get(Some(&rec.token), &format!("/api/v1/patients/{id}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(got["full_name"], "María José Pérez Gómez");
    assert!(got.get("possible_duplicates").is_none());

    // PATCH: only the fields sent change.
    let (st, upd) = app
        .patch(
            Some(&rec.token),
            &format!("/api/v1/patients/{id}"),
            &json!({"phone": "+57 300 123 4567", "email": "MJ@Example.COM"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{upd}");
    assert_eq!(upd["phone"], "+573001234567");
    assert_eq!(upd["email"], "MJ@example.com");
    assert_eq!(upd["cedula"], "V12345678");
    assert_eq!(upd["middle_name"], "José");
    assert_eq!(upd["emergency_contact"]["name"], "Juan Pérez");

    let (st, _) = app.get(Some(&rec.token), "/api/v1/patients/999999").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
});

db_test!(cedula_formats_are_one_person_and_conflict_409, |app| {
    let rec = app.receptionist().await;
    create(
        &app,
        &rec.token,
        json!({"first_name": "Ana", "last_name": "Uno", "cedula": "V-12.345.678"}),
    )
    .await;
    for other in ["v12345678", "12345678", "12.345.678", "V 12 345 678"] {
        let (st, body) = app
            .post(
                Some(&rec.token),
                "/api/v1/patients",
                &json!({"first_name": "Otra", "last_name": "Persona", "cedula": other}),
            )
            .await;
        assert_eq!(st, StatusCode::CONFLICT, "{other}: {body}");
        assert_eq!(body["error"]["code"], "conflict");
        assert!(body["error"]["message"].as_str().unwrap().contains("V-12.345.678"), "{body}");
    }
    // An E cédula with the same digits is another document.
    let e = create(
        &app,
        &rec.token,
        json!({"first_name": "Eve", "last_name": "Extranjera", "cedula": "e-12345678"}),
    )
    .await;
    assert_eq!(e["cedula"], "E12345678");
    // Taking a cédula by update is refused too, and nothing changes.
    let b = create(&app, &rec.token, json!({"first_name": "Bea", "last_name": "Dos"})).await;
    let (st, _) = app
        .patch(
            Some(&rec.token),
            &format!("/api/v1/patients/{}", b["id"]),
            &json!({"cedula": "12345678"}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (_, b2) = app.get(Some(&rec.token), &format!("/api/v1/patients/{}", b["id"])).await;
    assert_eq!(b2["cedula"], Value::Null);
    // Archived patients keep their cédula.
    let (st, _) = app.delete(Some(&rec.token), &format!("/api/v1/patients/{}", e["id"])).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = app
        .post(
            Some(&rec.token),
            "/api/v1/patients",
            &json!({"first_name": "X", "last_name": "Y", "cedula": "E12345678"}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
});

db_test!(concurrent_creates_with_one_cedula_give_one_patient, |app| {
    let rec = app.receptionist().await;
    let mut handles = Vec::new();
    for i in 0..6 {
        let client = app.client.clone();
        let url = app.url("/api/v1/patients");
        let token = rec.token.clone();
        handles.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"first_name": "Doble", "last_name": format!("Intento{}", "a".repeat(i + 1)), "cedula": "V-7.654.321"}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 5, "{statuses:?}");
});

db_test!(validation_errors_in_both_languages_and_nothing_saved, |app| {
    let rec = app.receptionist().await;
    let bad = json!({"first_name": "", "last_name": "P3rez", "cedula": "12", "phone": "123", "birth_date": "2999-01-01", "email": "nope", "sex": "other"});
    let (st, es) = app
        .send(reqwest::Method::POST, Some(&rec.token), "/api/v1/patients", Some(&bad), Some("es"))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(es["error"]["code"], "validation");
    let f = &es["error"]["fields"];
    assert_eq!(f["first_name"], "Este campo es obligatorio.");
    assert_eq!(f["last_name"], "Use solo letras, espacios, apóstrofos y guiones.");
    assert!(f["cedula"].as_str().unwrap().starts_with("Introduzca una cédula"));
    assert!(f["phone"].as_str().unwrap().starts_with("Introduzca un número venezolano"));
    assert_eq!(f["birth_date"], "La fecha no puede ser futura.");
    assert!(f["email"].as_str().unwrap().starts_with("Introduzca un correo"));
    assert!(f["sex"].as_str().unwrap().contains("female, male, intersex, unknown"));
    let (st, en) = app
        .send(reqwest::Method::POST, Some(&rec.token), "/api/v1/patients", Some(&bad), Some("en"))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(en["error"]["fields"]["first_name"], "This field is required.");
    assert_eq!(en["error"]["fields"]["birth_date"], "The date cannot be in the future.");
    // Wrong JSON type names the field.
    let (st, body) = app
        .post(
            Some(&rec.token),
            "/api/v1/patients",
            &json!({"first_name": ["x"], "last_name": "Y"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, list) = app.get(Some(&rec.token), "/api/v1/patients").await;
    assert_eq!(list["total"], 0);
    // A bad PATCH changes nothing and names the field.
    let p = create(&app, &rec.token, json!({"first_name": "Ana", "last_name": "Ruiz"})).await;
    let (st, body) = app
        .send(
            reqwest::Method::PATCH,
            Some(&rec.token),
            &format!("/api/v1/patients/{}", p["id"]),
            Some(&json!({"last_name": "", "phone": "0414-1234567"})),
            Some("en"),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"]["last_name"], "This field is required.");
    let (_, got) = app.get(Some(&rec.token), &format!("/api/v1/patients/{}", p["id"])).await;
    assert_eq!(got["last_name"], "Ruiz");
    assert_eq!(got["phone"], Value::Null);
    let (st, body) = app
        .patch(
            Some(&rec.token),
            &format!("/api/v1/patients/{}", p["id"]),
            &json!({"birth_date": 5}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"].get("birth_date").is_some(), "{body}");
});

db_test!(search_accents_word_order_cedula_and_ranking, |app| {
    let rec = app.receptionist().await;
    create(
        &app,
        &rec.token,
        json!({"first_name": "María", "middle_name": "José", "last_name": "Pérez", "second_last_name": "Gómez", "cedula": "V-12.345.678"}),
    )
    .await;
    create(
        &app,
        &rec.token,
        json!({"first_name": "Mariana", "last_name": "Josefina", "second_last_name": "Perezoso", "cedula": "V-1.234.567"}),
    )
    .await;
    create(
        &app,
        &rec.token,
        json!({"first_name": "Pedro", "last_name": "Álvarez", "cedula": "E-81.234.567"}),
    )
    .await;
    create(&app, &rec.token, json!({"first_name": "Luis", "last_name": "O'Brien"})).await;

    for q in ["maria jose perez", "PEREZ maría", "gomez jose", "MARÍA JOSÉ PÉREZ GÓMEZ"] {
        let r = search(&app, &rec.token, q).await;
        assert_eq!(names(&r)[0], "María José Pérez Gómez", "{q}: {r}");
    }
    // Prefixes match, both patients; the full-name match comes first.
    let r = search(&app, &rec.token, "mari jose perez").await;
    assert_eq!(r["total"], 2);
    let r = search(&app, &rec.token, "maria jose perez").await;
    assert_eq!(names(&r), vec!["María José Pérez Gómez", "Mariana Josefina Perezoso"]);
    let r = search(&app, &rec.token, "perezoso").await;
    assert_eq!(names(&r), vec!["Mariana Josefina Perezoso"]);
    let r = search(&app, &rec.token, "jose maria").await;
    assert_eq!(names(&r)[0], "María José Pérez Gómez");
    // Every word must match.
    assert_eq!(search(&app, &rec.token, "maria alvarez").await["total"], 0);
    // Cédula in three formats; exact cédula first (1234567 is also a prefix of 12345678).
    for q in ["12345678", "12.345.678", "V-12345678", "v12345678"] {
        let r = search(&app, &rec.token, q).await;
        assert_eq!(names(&r)[0], "María José Pérez Gómez", "{q}");
        assert_eq!(r["items"][0]["cedula_display"], "V-12.345.678");
    }
    let r = search(&app, &rec.token, "1.234.567").await;
    assert_eq!(r["total"], 2, "{r}");
    assert_eq!(names(&r)[0], "Mariana Josefina Perezoso");
    let r = search(&app, &rec.token, "81234567").await;
    assert_eq!(names(&r), vec!["Pedro Álvarez"]);
    let r = search(&app, &rec.token, "obrien").await;
    assert_eq!(names(&r), vec!["Luis O'Brien"]);
    // Empty query: everyone, by last name.
    let r = search(&app, &rec.token, "").await;
    assert_eq!(
        names(&r),
        vec![
            "Pedro Álvarez",
            "Mariana Josefina Perezoso",
            "Luis O'Brien",
            "María José Pérez Gómez"
        ]
    );
    let item = &r["items"][0];
    for k in [
        "id",
        "full_name",
        "cedula",
        "cedula_display",
        "birth_date",
        "age",
        "sex",
        "phone",
        "archived",
    ] {
        assert!(item.get(k).is_some(), "{k} missing in {item}");
    }
});

db_test!(pagination_archive_and_restore, |app| {
    let rec = app.receptionist().await;
    let mut ids = Vec::new();
    for i in 0..25u8 {
        let p = create(
            &app,
            &rec.token,
            json!({"first_name": "Paciente", "last_name": format!("Apellido{}", (b'a' + i) as char)}),
        )
        .await;
        ids.push(p["id"].as_i64().unwrap());
    }
    let (_, p1) = app.get(Some(&rec.token), "/api/v1/patients?per_page=10&page=1").await;
    let (_, p3) = app.get(Some(&rec.token), "/api/v1/patients?per_page=10&page=3").await;
    assert_eq!(p1["total"], 25);
    assert_eq!(p3["total"], 25);
    assert_eq!(p1["items"].as_array().unwrap().len(), 10);
    assert_eq!(p3["items"].as_array().unwrap().len(), 5);
    assert_eq!(p1["items"][0]["full_name"], "Paciente Apellidoa");
    assert_eq!(p3["items"][4]["full_name"], "Paciente Apellidoy");
    assert_eq!((p1["page"].clone(), p1["per_page"].clone()), (json!(1), json!(10)));
    let (_, s2) = app.get(Some(&rec.token), "/api/v1/patients?q=paciente&per_page=10&page=2").await;
    assert_eq!(s2["total"], 25);
    assert_eq!(s2["items"][0]["full_name"], "Paciente Apellidok");

    let (st, _) = app.delete(Some(&rec.token), &format!("/api/v1/patients/{}", ids[0])).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, l) = app.get(Some(&rec.token), "/api/v1/patients?q=apellidoa").await;
    assert_eq!(l["total"], 0);
    let (_, l) = app.get(Some(&rec.token), "/api/v1/patients").await;
    assert_eq!(l["total"], 24);
    let (_, l) = app.get(Some(&rec.token), "/api/v1/patients?q=apellidoa&archived=true").await;
    assert_eq!(l["total"], 1);
    assert_eq!(l["items"][0]["archived"], true);
    let (_, got) = app.get(Some(&rec.token), &format!("/api/v1/patients/{}", ids[0])).await;
    assert_eq!(got["archived"], true);
    let (st, r) = app
        .post(Some(&rec.token), &format!("/api/v1/patients/{}/restore", ids[0]), &json!({}))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(r["archived"], false);
    let (_, l) = app.get(Some(&rec.token), "/api/v1/patients").await;
    assert_eq!(l["total"], 25);
});

db_test!(roles_and_clinical_background, |app| {
    let rec = app.receptionist().await;
    let doc = app.doctor().await;
    let nurse = app.nurse().await;
    let cashier = app.cashier().await;
    let admin = app.admin().await;
    // Cashier reads but cannot write.
    let (st, _) = app
        .post(
            Some(&cashier.token),
            "/api/v1/patients",
            &json!({"first_name": "A", "last_name": "B"}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // Doctor records clinical background.
    let p = create(&app, &doc.token, json!({"first_name": "Carla", "last_name": "Díaz",
        "allergies": [{"substance": "Penicilina", "reaction": "urticaria", "severity": "severe"}, {"substance": "", "reaction": "", "severity": ""}],
        "medical_history": [{"kind": "surgery", "description": "Apendicectomía 2010"}],
        "habits": {"tobacco": "former", "packs_per_year": "5"}})).await;
    assert_eq!(p["allergies"][0]["substance"], "Penicilina");
    assert_eq!(p["allergies"].as_array().unwrap().len(), 1);
    assert_eq!(p["medical_history"][0]["kind"], "surgery");
    assert_eq!(p["habits"]["tobacco"], "former");
    let id = p["id"].as_i64().unwrap();
    let path = format!("/api/v1/patients/{id}");
    let (st, _) = app.patch(Some(&cashier.token), &path, &json!({"phone": "04141234567"})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = app.delete(Some(&cashier.token), &path).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, c) = app.get(Some(&cashier.token), &path).await;
    assert_eq!(st, StatusCode::OK);
    assert!(c.get("allergies").is_none());
    // Receptionist and admin see no clinical background.
    for t in [&rec.token, &admin.token] {
        let (st, r) = app.get(Some(t), &path).await;
        assert_eq!(st, StatusCode::OK);
        for k in ["allergies", "medical_history", "habits", "no_known_allergies"] {
            assert!(r.get(k).is_none(), "{k} leaked: {r}");
        }
    }
    // Receptionist edits demographics (clinical data kept) but cannot write clinical fields.
    let (st, r) = app.patch(Some(&rec.token), &path, &json!({"phone": "04141234567"})).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (st, _) = app.patch(Some(&rec.token), &path, &json!({"allergies": []})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = app.patch(Some(&rec.token), &path, &json!({"habits": {"tobacco": "current"}})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = app
        .post(
            Some(&rec.token),
            "/api/v1/patients",
            &json!({"first_name": "A", "last_name": "B", "no_known_allergies": true}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (_, d) = app.get(Some(&nurse.token), &path).await;
    assert_eq!(d["allergies"][0]["substance"], "Penicilina");
    assert_eq!(d["phone"], "+584141234567");
    // Nurse can change them.
    let (st, n) = app
        .patch(Some(&nurse.token), &path, &json!({"allergies": [], "no_known_allergies": true}))
        .await;
    assert_eq!(st, StatusCode::OK, "{n}");
    assert_eq!(n["no_known_allergies"], true);
    assert_eq!(n["allergies"], json!([]));
    // Both at once is refused by validation.
    let (st, _) = app
        .patch(Some(&doc.token), &path, &json!({"allergies": [{"substance": "Látex"}]}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
});

db_test!(audit_events_with_before_after_and_reads, |app| {
    let admin = app.admin().await;
    let rec = app.receptionist().await;
    let p = create(
        &app,
        &rec.token,
        json!({"first_name": "Rosa", "last_name": "Mora", "phone": "0414-1111111"}),
    )
    .await;
    let id = p["id"].as_i64().unwrap();
    let (st, _) = app
        .patch(
            Some(&rec.token),
            &format!("/api/v1/patients/{id}"),
            &json!({"phone": "0424-2222222", "first_name": "Rosa"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let ev = app.audit(&admin.token, "action=patient.update").await;
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0]["patient_id"], id);
    assert_eq!(ev[0]["actor_username"], rec.username);
    assert_eq!(ev[0]["changes"]["phone"], json!({"old": "+584141111111", "new": "+584242222222"}));
    assert!(ev[0]["changes"].get("first_name").is_none(), "{}", ev[0]);
    let ev = app.audit(&admin.token, "action=patient.create").await;
    assert_eq!(ev[0]["patient_id"], id);
    assert_eq!(ev[0]["changes"]["last_name"]["new"], "Mora");
    assert!(app.audit(&admin.token, "action=patient.read").await.is_empty());
    app.get(Some(&rec.token), &format!("/api/v1/patients/{id}")).await;
    let ev = app.audit(&admin.token, "action=patient.read").await;
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0]["patient_id"], id);
    app.delete(Some(&rec.token), &format!("/api/v1/patients/{id}")).await;
    app.post(Some(&rec.token), &format!("/api/v1/patients/{id}/restore"), &json!({}))
        .await;
    let ev = app.audit(&admin.token, "action=patient.archive").await;
    assert_eq!(ev[0]["changes"]["archived"], json!({"old": false, "new": true}));
    assert_eq!(app.audit(&admin.token, "action=patient.restore").await[0]["patient_id"], id);
});

db_test!(possible_duplicate_warning, |app| {
    let rec = app.receptionist().await;
    let a = create(
        &app,
        &rec.token,
        json!({"first_name": "José", "last_name": "Ramírez", "birth_date": "1980-02-03"}),
    )
    .await;
    let b = create(
        &app,
        &rec.token,
        json!({"first_name": "jose", "last_name": "RAMIREZ", "birth_date": "1980-02-03"}),
    )
    .await;
    assert_eq!(b["possible_duplicates"], json!([{"id": a["id"], "full_name": "José Ramírez"}]));
    let c = create(
        &app,
        &rec.token,
        json!({"first_name": "José", "last_name": "Ramírez", "birth_date": "1980-02-04"}),
    )
    .await;
    assert_eq!(c["possible_duplicates"], json!([]));
});

async fn web_login(app: &TestApp, username: &str) -> (reqwest::Client, String) {
    let b = app.browser();
    let res = b
        .post(app.url("/login"))
        .form(&[("username", username), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = b.get(app.url("/patients/new")).send().await.unwrap().text().await.unwrap();
    let csrf = html
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    (b, csrf)
}

db_test!(new_patient_form_keeps_values_and_shows_errors, |app| {
    let rec = app.receptionist().await;
    let (b, csrf) = web_login(&app, &rec.username).await;
    let form = [
        ("_csrf", csrf.as_str()),
        ("first_name", "Gabriela"),
        ("last_name", "Ñáñez"),
        ("cedula", "12"),
        ("phone", "0414-123.45.67"),
    ];
    let res = b.post(app.url("/patients/new")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("value=\"Gabriela\""), "typed value lost");
    assert!(html.contains("value=\"Ñáñez\""));
    assert!(html.contains("value=\"0414-123.45.67\""));
    assert!(html.contains("field--invalid"));
    assert!(html.contains("Introduzca una cédula como V-12.345.678"), "error not shown");
    assert!(html.contains("id=\"cedula-error\""));
    let (_, l) = app.get(Some(&rec.token), "/api/v1/patients").await;
    assert_eq!(l["total"], 0);
    // Valid: redirected to the record.
    let form = [
        ("_csrf", csrf.as_str()),
        ("first_name", "Gabriela"),
        ("last_name", "Ñáñez"),
        ("cedula", "12.345.678"),
        ("sex", "female"),
    ];
    let res = b.post(app.url("/patients/new")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let loc = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(loc.starts_with("/patients/"), "{loc}");
    let html = b.get(app.url(&loc)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Gabriela Ñáñez") && html.contains("V-12.345.678"), "{html}");
    // The list shows it, as a responsive table.
    let html = b.get(app.url("/patients?q=nanez")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Gabriela Ñáñez") && html.contains("data-label="));
});

db_test!(doctor_form_has_clinical_rows_receptionist_does_not, |app| {
    let doc = app.doctor().await;
    let rec = app.receptionist().await;
    let (b, csrf) = web_login(&app, &doc.username).await;
    let html = b.get(app.url("/patients/new")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("name=\"allergies[2][substance]\""), "three blank allergy rows");
    let form = [
        ("_csrf", csrf.as_str()),
        ("first_name", "Elena"),
        ("last_name", "Soto"),
        ("allergies[0][substance]", "Ibuprofeno"),
        ("allergies[0][severity]", "moderate"),
        ("allergies[1][substance]", ""),
        ("medical_history[0][kind]", "family"),
        ("medical_history[0][description]", "Diabetes (madre)"),
        ("habits[tobacco]", "never"),
    ];
    let res = b.post(app.url("/patients/new")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    let loc = res.headers()["location"].to_str().unwrap().to_owned();
    let html = b.get(app.url(&loc)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("chip--allergy") && html.contains("Ibuprofeno"));
    let id: i64 = loc.trim_start_matches("/patients/").split('?').next().unwrap().parse().unwrap();
    let (_, p) = app.get(Some(&doc.token), &format!("/api/v1/patients/{id}")).await;
    assert_eq!(p["medical_history"][0]["description"], "Diabetes (madre)");
    assert_eq!(p["habits"]["tobacco"], "never");

    let (rb, _) = web_login(&app, &rec.username).await;
    let html = rb.get(app.url("/patients/new")).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("allergies[0][substance]"));
    let html = rb
        .get(app.url(&format!("/patients/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("Ibuprofeno"), "receptionist sees allergies");
});

/// Search and list latency at 100,000 patients (SQLite). Run with `--ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn search_is_fast_at_100k_patients() {
    let app = TestApp::spawn(medops_testkit::Backend::Sqlite).await;
    let rec = app.receptionist().await;
    app.exec_sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
         INSERT INTO patient (id, first_name, last_name, cedula, sex, sort_key, archived, created_at, updated_at)
         SELECT i, 'nombre' || (i % 997), 'apellido' || (i % 1009), 'V' || (1000000 + i), 'unknown',
                'apellido' || (i % 1009) || ' nombre' || (i % 997), FALSE, 0, 0 FROM n;
         INSERT INTO patient_token (token, patient_id) SELECT 'nombre' || (id % 997), id FROM patient;
         INSERT INTO patient_token (token, patient_id) SELECT 'apellido' || (id % 1009), id FROM patient;
         INSERT INTO patient_token (token, patient_id) SELECT lower(cedula), id FROM patient;
         INSERT INTO patient_token (token, patient_id) SELECT substr(cedula, 2), id FROM patient;
         ANALYZE;",
    )
    .await;
    for q in [
        "",
        "nombre5 apellido7",
        "apellido100 nombre3",
        "1050000",
        "V-1.050.000",
        "nombre12",
        "zzz",
    ] {
        let mut times = Vec::new();
        for page in 1..=50 {
            let t = std::time::Instant::now();
            let (st, _) = app
                .get(
                    Some(&rec.token),
                    &format!("/api/v1/patients?q={}&page={}", q.replace(' ', "+"), page % 5 + 1),
                )
                .await;
            times.push(t.elapsed());
            assert_eq!(st, StatusCode::OK);
        }
        times.sort();
        eprintln!("q={q:?}: p50 {:?} p99 {:?}", times[25], times[49]);
    }
}
