//! Administration: clinic settings and logo, doctor profiles, the audit API, and
//! the admin pages (users, settings, audit) through a cookie-keeping browser client.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use medops_testkit::{PASSWORD, StatusCode, TestApp, db_test};
use serde_json::{Value, json};

/// A valid 1×1 RGBA PNG (signature, IHDR, IDAT, IEND with correct CRCs).
const PNG: [u8; 70] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
    0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63,
    0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
    0xae, 0x42, 0x60, 0x82,
];
const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

async fn put_logo(app: &TestApp, token: &str, bytes: Vec<u8>, content_type: &str) -> (StatusCode, Value) {
    let res = app
        .client
        .put(app.url("/api/v1/settings/logo"))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let st = res.status();
    (st, serde_json::from_str(&res.text().await.unwrap()).unwrap_or(Value::Null))
}

/// Logs a browser in through the HTML form; returns it with the page's CSRF token.
async fn browser_login(app: &TestApp, username: &str) -> (reqwest::Client, String) {
    let b = app.browser();
    let res = b
        .post(app.url("/login"))
        .form(&[("username", username), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login of {username}");
    let html = b.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    (b, csrf_of(&html))
}

fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf-token\" content=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

async fn page(b: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let res = b.get(app.url(path)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// A multipart/form-data body with one file part named `name`.
fn multipart(name: &str, filename: &str, mime: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----medopsTestBoundary7MA4YWxkTrZu0gW";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n")
            .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

db_test!(settings_validation_saves_nothing_and_rif_is_normalised, |app| {
    let admin = app.admin().await;
    let (_, before) = app.get(Some(&admin.token), "/api/v1/settings/institution").await;
    let bad = json!({"name": "Clínica Nueva", "rif": "X-1", "email": "not-an-email", "paper_size": "legal"});
    let (st, body) = app
        .send(
            reqwest::Method::PUT,
            Some(&admin.token),
            "/api/v1/settings/institution",
            Some(&bad),
            Some("en"),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields = body["error"]["fields"].as_object().unwrap();
    for f in ["rif", "email", "paper_size"] {
        assert!(fields.contains_key(f), "{f} missing in {body}");
    }
    assert!(
        body["error"]["fields"]["rif"].as_str().unwrap().contains("J-12345678-9"),
        "English RIF message: {body}"
    );
    let (_, after) = app.get(Some(&admin.token), "/api/v1/settings/institution").await;
    assert_eq!(after["name"], before["name"], "nothing saved on a validation error");
    assert!(app.audit(&admin.token, "action=settings.update").await.is_empty());

    let ok = json!({"name": "Clínica Nueva", "rif": "j 12345678 9", "email": "info@clinica.ve", "paper_size": "half_letter", "chart_access": "assigned"});
    let (st, body) = app.put(Some(&admin.token), "/api/v1/settings/institution", &ok).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["rif"], "J-12345678-9");
    assert_eq!(body["paper_size"], "half_letter");
    let (_, got) = app.get(Some(&admin.token), "/api/v1/settings/institution").await;
    assert_eq!(got["rif"], "J-12345678-9");
    assert_eq!(got["chart_access"], "assigned");
    let ev = app.audit(&admin.token, "action=settings.update").await;
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0]["changes"]["rif"]["new"], "J-12345678-9");

    let doc = app.doctor().await;
    let (st, _) = app
        .put(Some(&doc.token), "/api/v1/settings/institution", &json!({"name": "Hack"}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
});

db_test!(logo_is_checked_by_content_and_size, |app| {
    let admin = app.admin().await;
    let (st, _) = app.get(Some(&admin.token), "/api/v1/settings/logo").await;
    assert_eq!(st, StatusCode::NOT_FOUND, "no logo yet");

    let (st, body) = put_logo(&app, &admin.token, PNG.to_vec(), "image/png").await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{body}");
    let res = app
        .client
        .get(app.url("/api/v1/settings/logo"))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG.as_slice());

    // Declared as PNG, but the content decides.
    for bad in [GIF.to_vec(), b"just some text, not an image".to_vec()] {
        let (st, body) = put_logo(&app, &admin.token, bad, "image/png").await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["fields"]["logo"].is_string(), "{body}");
    }
    let mut big = PNG.to_vec();
    big.resize(2 * 1024 * 1024 + 1, 0);
    let (st, body) = put_logo(&app, &admin.token, big, "image/png").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["logo"].as_str().unwrap().contains("2 MiB"), "{body}");
    // The refused uploads left the first logo in place.
    let res = app
        .client
        .get(app.url("/api/v1/settings/logo"))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG.as_slice());
    assert_eq!(app.audit(&admin.token, "action=settings.logo").await.len(), 1);

    let nurse = app.nurse().await;
    let (st, _) = put_logo(&app, &nurse.token, PNG.to_vec(), "image/png").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
});

db_test!(logo_upload_through_the_settings_page, |app| {
    app.admin().await;
    let (b, csrf) = browser_login(&app, "admin1").await;
    let (st, html) = page(&b, &app, "/admin/settings").await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert!(
        html.contains(&format!("action=\"/admin/settings/logo?_csrf={csrf}\"")),
        "CSRF in the multipart action"
    );
    assert!(!html.contains("src=\"/api/v1/settings/logo"), "no logo shown yet");

    // Without the token in the query the upload is refused.
    let (ct, body) = multipart("logo", "logo.png", "image/png", &PNG);
    let res = b
        .post(app.url("/admin/settings/logo"))
        .header("content-type", ct.clone())
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let res = b
        .post(app.url(&format!("/admin/settings/logo?_csrf={csrf}")))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/admin/settings?flash="));
    let (_, html) = page(&b, &app, "/admin/settings?flash=flash-logo-saved").await;
    assert!(html.contains("src=\"/api/v1/settings/logo"));
    assert!(html.contains("Logotipo guardado."));
    // The session cookie works on the API too (the <img> above).
    let res = b.get(app.url("/api/v1/settings/logo")).send().await.unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG.as_slice());

    let (ct, body) = multipart("logo", "anim.gif", "image/png", GIF);
    let res = b
        .post(app.url(&format!("/admin/settings/logo?_csrf={csrf}")))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"logo-err\""), "error next to the logo field");
    assert!(html.contains("PNG o JPEG"));
});

db_test!(audit_api_filters_and_is_admin_only, |app| {
    let admin = app.admin().await;
    let recep = app.receptionist().await;
    let (st, _) = app
        .post(
            Some(&admin.token),
            "/api/v1/users",
            &json!({"username": "ana", "full_name": "Ana", "password": "long-password-1", "roles": ["nurse"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, users) = app.get(Some(&admin.token), "/api/v1/users").await;
    let ana = users.as_array().unwrap().iter().find(|u| u["username"] == "ana").unwrap()["id"]
        .as_i64()
        .unwrap();
    let (st, _) = app
        .patch(
            Some(&admin.token),
            &format!("/api/v1/users/{ana}"),
            &json!({"roles": ["nurse", "receptionist"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);

    // Refused for anyone but an admin, and the refusal itself is audited.
    for t in [&recep.token, &app.doctor().await.token] {
        let (st, body) = app.get(Some(t), "/api/v1/audit").await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["code"], "forbidden");
    }
    let denied = app.audit(&admin.token, "actor=recep1&outcome=denied").await;
    assert_eq!(denied.len(), 1, "{denied:?}");
    assert_eq!(denied[0]["action"], "access.denied");
    assert_eq!(denied[0]["changes"]["attempted"], "audit.list");

    let by_admin = app.audit(&admin.token, "actor=admin1").await;
    assert!(!by_admin.is_empty());
    assert!(by_admin.iter().all(|e| e["actor_username"] == "admin1"));
    let user_events = app.audit(&admin.token, "action=user.*").await;
    assert!(user_events.iter().all(|e| e["action"].as_str().unwrap().starts_with("user.")));
    let actions: Vec<&str> = user_events.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(
        actions.contains(&"user.create") && actions.contains(&"user.role_change"),
        "{actions:?}"
    );
    // Newest first.
    let seqs: Vec<i64> = user_events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
    assert!(
        app.audit(&admin.token, "outcome=success")
            .await
            .iter()
            .all(|e| e["outcome"] == "success")
    );

    // Dates are clinic days: nothing before today, everything up to today.
    let today = app.services.today();
    let yesterday = today.yesterday().unwrap();
    assert!(app.audit(&admin.token, &format!("to={yesterday}")).await.is_empty());
    let all_today = app.audit(&admin.token, &format!("from={today}&to={today}")).await;
    assert!(all_today.len() >= by_admin.len());
    app.services.clock().advance(jiff::SignedDuration::from_hours(72));
    let later_token = app.login("admin1", PASSWORD).await;
    let later = app.services.today();
    let only_later = app.audit(&later_token, &format!("from={later}")).await;
    assert!(!only_later.is_empty());
    assert!(only_later.len() < all_today.len());
    let (st, body) = app.get(Some(&later_token), "/api/v1/audit?from=yesterday-ish").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["from"].is_string(), "{body}");
});

db_test!(doctor_profiles_round_trip_and_permissions, |app| {
    let admin = app.admin().await;
    let doc = app.doctor().await;
    let nurse = app.nurse().await;
    let (_, specs) = app.get(Some(&doc.token), "/api/v1/specialties").await;
    let specs = specs.as_array().unwrap();
    assert_eq!(specs.len(), 34);
    let id_of = |code: &str| {
        specs
            .iter()
            .find(|s| s["code"] == code)
            .unwrap_or_else(|| panic!("{code}: {specs:?}"))["id"]
            .as_i64()
            .unwrap()
    };
    let (cardio, pedia) = (id_of("cardiology"), id_of("pediatrics"));

    let path = format!("/api/v1/doctors/{}", doc.id);
    let input = json!({"cedula": "V-12.345.678", "colegiado": "CMDC-1234", "mpps": "56789", "consulting_room": "Consultorio 3", "default_minutes": 20, "specialty_ids": [cardio, pedia, cardio]});
    let (st, body) = app.put(Some(&admin.token), &path, &input).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (_, got) = app.get(Some(&nurse.token), &path).await;
    let mut ids: Vec<i64> = got["specialties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    ids.sort();
    let mut want = vec![cardio, pedia];
    want.sort();
    assert_eq!(ids, want, "{got}");
    assert_eq!(got["cedula"], "V12345678");
    assert_eq!(got["colegiado"], "CMDC-1234");
    assert_eq!(got["default_minutes"], 20);

    // The doctor edits their own profile; omitted fields keep their values.
    let (st, body) = app
        .put(
            Some(&doc.token),
            &path,
            &json!({"consulting_room": "Consultorio 5", "specialty_ids": [pedia]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body["consulting_room"], "Consultorio 5");
    assert_eq!(body["colegiado"], "CMDC-1234");
    assert_eq!(body["cedula"], "V12345678");
    assert_eq!(body["specialties"].as_array().unwrap().len(), 1);
    let ev = app.audit(&admin.token, &format!("action=doctor.update&entity_id={}", doc.id)).await;
    assert_eq!(ev.len(), 2);
    assert_eq!(ev[0]["actor_username"], "doctor1");

    // A nurse may not edit a doctor's profile; bad values are 422 naming the field.
    let (st, _) = app.put(Some(&nurse.token), &path, &json!({"consulting_room": "X"})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (_, got) = app.get(Some(&admin.token), &path).await;
    assert_eq!(got["consulting_room"], "Consultorio 5");
    let (st, body) = app
        .put(Some(&admin.token), &path, &json!({"default_minutes": 2, "specialty_ids": [987654]}))
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"]["fields"]["default_minutes"].is_string() && body["error"]["fields"]["specialty_ids"].is_string(),
        "{body}"
    );
    let (st, _) = app
        .put(
            Some(&admin.token),
            &format!("/api/v1/doctors/{}", nurse.id),
            &json!({"colegiado": "1"}),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "a nurse has no doctor profile");
});

db_test!(admin_pages_for_admin_and_403_for_receptionist, |app| {
    let admin = app.admin().await;
    let doc = app.doctor().await;
    app.receptionist().await;
    let (b, _) = browser_login(&app, "admin1").await;
    let (_, home) = page(&b, &app, "/").await;
    assert!(home.contains("href=\"/admin/users\"") && home.contains("href=\"/admin/audit\""));
    let paths = [
        "/admin/users".to_owned(),
        format!("/admin/users/{}", doc.id),
        "/admin/settings".into(),
        format!("/admin/doctors/{}", doc.id),
        "/admin/audit".into(),
    ];
    for p in &paths {
        let (st, html) = page(&b, &app, p).await;
        assert_eq!(st, StatusCode::OK, "{p}: {html}");
        assert!(html.contains("<form"), "{p}");
    }
    let (_, users) = page(&b, &app, "/admin/users").await;
    assert!(users.contains("doctor1") && users.contains("badge badge--active") && users.contains("data-label=\"Roles\""));
    let (_, settings) = page(&b, &app, "/admin/settings").await;
    assert!(settings.contains(&format!("href=\"/admin/doctors/{}\"", doc.id)));
    let (_, prof) = page(&b, &app, &format!("/admin/doctors/{}", doc.id)).await;
    assert_eq!(prof.matches("name=\"specialty_ids\"").count(), 34);
    assert!(prof.contains(">Cardiología</label>"), "Spanish specialty names");
    // Own user page: roles cannot be changed, with the reason shown.
    let (_, own) = page(&b, &app, &format!("/admin/users/{}", admin.id)).await;
    assert!(own.contains("No puede cambiar sus propios roles."));
    let (_, audit) = page(&b, &app, "/admin/audit?action=user.*").await;
    assert!(
        audit.contains("user.create") && !audit.contains(">auth.login<"),
        "filtered audit table"
    );
    let (st, audit) = page(&b, &app, "/admin/audit?patient_id=abc&from=nope").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(audit.contains("id=\"f-patient_id-err\"") && audit.contains("id=\"f-from-err\"") && audit.contains("value=\"abc\""));

    let (r, _) = browser_login(&app, "recep1").await;
    let (_, home) = page(&r, &app, "/").await;
    assert!(!home.contains("href=\"/admin/"), "no admin entries in the receptionist's menu");
    for p in &paths {
        let (st, _) = page(&r, &app, p).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{p}");
    }
    let denied = app.audit(&admin.token, "actor=recep1&outcome=denied").await;
    let attempted: Vec<&str> = denied.iter().map(|e| e["changes"]["attempted"].as_str().unwrap()).collect();
    for a in ["user.list", "user.read", "settings.read", "doctor.read", "audit.list"] {
        assert!(attempted.contains(&a), "{a} not audited: {attempted:?}");
    }
});

db_test!(create_user_and_manage_it_through_html_forms, |app| {
    let admin = app.admin().await;
    let (b, csrf) = browser_login(&app, "admin1").await;
    let (_, html) = page(&b, &app, "/admin/users").await;
    assert_eq!(csrf_of(&html), csrf);

    // Errors: shown next to the fields, typed values and roles kept, nothing saved.
    let bad = [
        ("_csrf", csrf.as_str()),
        ("username", "ana"),
        ("full_name", "Dra. Ana Pérez"),
        ("roles", "doctor"),
        ("roles", "nurse"),
        ("password", "short"),
        ("language", "en"),
    ];
    let res = b.post(app.url("/admin/users")).form(&bad).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"password-err\""));
    assert!(html.contains("value=\"Dra. Ana Pérez\""));
    assert!(
        html.contains("value=\"nurse\" checked") && html.contains("value=\"doctor\" checked") && !html.contains("value=\"admin\" checked")
    );
    assert!(html.contains("<option value=\"en\" selected>"));
    let (_, users) = app.get(Some(&admin.token), "/api/v1/users").await;
    assert!(users.as_array().unwrap().iter().all(|u| u["username"] != "ana"));

    let good = [
        ("_csrf", csrf.as_str()),
        ("username", "ana"),
        ("full_name", "Dra. Ana Pérez"),
        ("roles", "doctor"),
        ("roles", "nurse"),
        ("password", "long-password-1"),
        ("language", "en"),
    ];
    let res = b.post(app.url("/admin/users")).form(&good).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let loc = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(loc.starts_with("/admin/users/"), "{loc}");
    let (_, users) = app.get(Some(&admin.token), "/api/v1/users").await;
    let ana = users.as_array().unwrap().iter().find(|u| u["username"] == "ana").unwrap().clone();
    assert_eq!(ana["roles"], json!(["doctor", "nurse"]));
    assert_eq!(ana["must_change_password"], true);
    assert_eq!(ana["language"], "en");
    let id = ana["id"].as_i64().unwrap();
    let (st, html) = page(&b, &app, &loc).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("Dra. Ana Pérez") && html.contains("Usuario creado."));

    // Duplicate username: an error next to the username field.
    let res = b.post(app.url("/admin/users")).form(&good).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("Ese nombre de usuario ya existe."));

    // Roles, disable/enable and password reset from the user page.
    let res = b
        .post(app.url(&format!("/admin/users/{id}/roles")))
        .form(&[("_csrf", csrf.as_str()), ("roles", "cashier")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = b
        .post(app.url(&format!("/admin/users/{id}/active")))
        .form(&[("_csrf", csrf.as_str()), ("active", "false")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, u) = app.get(Some(&admin.token), &format!("/api/v1/users/{id}")).await;
    assert_eq!((u["roles"].clone(), u["active"].clone()), (json!(["cashier"]), json!(false)));
    let res = b
        .post(app.url(&format!("/admin/users/{id}/password")))
        .form(&[("_csrf", csrf.as_str()), ("password", "ana")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("id=\"password-err\""));
    let res = b
        .post(app.url(&format!("/admin/users/{id}/password")))
        .form(&[("_csrf", csrf.as_str()), ("password", "another-long-pass")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.audit(&admin.token, &format!("action=user.password_reset&entity_id={id}"))
            .await
            .len(),
        1
    );

    // Conflicts are shown as an alert: own roles, disabling oneself (the last admin).
    let res = b
        .post(app.url(&format!("/admin/users/{}/roles", admin.id)))
        .form(&[("_csrf", csrf.as_str()), ("roles", "doctor")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("alert alert--danger"));
    let res = b
        .post(app.url(&format!("/admin/users/{}/active", admin.id)))
        .form(&[("_csrf", csrf.as_str()), ("active", "false")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("No puede desactivar su propio usuario."));
    let (_, me) = app.get(Some(&admin.token), &format!("/api/v1/users/{}", admin.id)).await;
    assert_eq!((me["roles"].clone(), me["active"].clone()), (json!(["admin"]), json!(true)));

    // Without the CSRF token the form is refused.
    let res = b
        .post(app.url("/admin/users"))
        .form(&[("username", "eve"), ("password", "long-password-1"), ("roles", "admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
});

db_test!(settings_form_keeps_values_and_shows_errors, |app| {
    app.admin().await;
    let (b, csrf) = browser_login(&app, "admin1").await;
    let form = [
        ("_csrf", csrf.as_str()),
        ("name", "Clínica El Ávila"),
        ("legal_name", "El Ávila C.A."),
        ("rif", "Q-1"),
        ("address", "Av. Principal"),
        ("phone", "+58 212 555 0000"),
        ("email", "x@"),
        ("footer", "Gracias"),
        ("paper_size", "letter"),
        ("chart_access", "clinic"),
    ];
    let res = b.post(app.url("/admin/settings")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"rif-err\"") && html.contains("id=\"email-err\""));
    assert!(html.contains("value=\"Clínica El Ávila\"") && html.contains("value=\"Q-1\""));
    assert!(html.contains("<option value=\"letter\" selected>"));
    let (_, html) = page(&b, &app, "/admin/settings").await;
    assert!(!html.contains("Clínica El Ávila"), "nothing saved");

    let mut ok = form;
    ok[3] = ("rif", "J123456789");
    ok[6] = ("email", "info@avila.ve");
    let res = b.post(app.url("/admin/settings")).form(&ok).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&b, &app, "/admin/settings").await;
    assert!(html.contains("value=\"J-12345678-9\"") && html.contains("Clínica El Ávila"));
});
