//! Problems found by trying the product as a new user; each stays fixed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use medops_testkit::{PASSWORD, StatusCode, db_test};
use serde_json::json;

async fn form_login(app: &medops_testkit::TestApp, b: &reqwest::Client, user: &str) -> String {
    let res = b
        .post(app.url("/login"))
        .form(&[("username", user), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = b.get(app.url("/account")).send().await.unwrap().text().await.unwrap();
    html.split("name=\"csrf-token\" content=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

db_test!(refused_walk_in_with_a_new_patient_saves_nothing, |app| {
    let recep = app.receptionist().await;
    let b = app.browser();
    let csrf = form_login(&app, &b, "recep1").await;
    let res = b
        .post(app.url("/waiting-room/walk-in"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("doctor_id", "999"),
            ("new_first_name", "Parcial"),
            ("new_last_name", "Guardado"),
            ("new_cedula", "V-30111222"),
        ])
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), StatusCode::SEE_OTHER);
    let (_, list) = app.get(Some(&recep.token), "/api/v1/patients?q=parcial").await;
    assert_eq!(
        list["total"], 0,
        "the patient must not be created when the walk-in is refused: {list}"
    );
});

db_test!(page_routes_answer_pages_and_unknown_pages_are_not_blank, |app| {
    app.receptionist().await;
    let b = app.browser();
    form_login(&app, &b, "recep1").await;
    for path in ["/patients/abc", "/no-such-page"] {
        let res = b.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        assert!(res.text().await.unwrap().contains("<main"), "{path}");
    }
});

db_test!(logo_must_be_a_whole_image_and_rif_check_digit_is_not_a_cedula, |app| {
    let admin = app.admin().await;
    let res = app
        .client
        .put(app.url("/api/v1/settings/logo"))
        .bearer_auth(&admin.token)
        .header("content-type", "image/png")
        .body(b"\x89PNG\r\n\x1a\n garbage".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (st, e) = app
        .post(
            Some(&admin.token),
            "/api/v1/patients",
            &json!({"first_name": "Ana", "last_name": "Rif", "cedula": "V-12.345.678-9"}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["fields"]["cedula"].is_string(), "{e}");
});

db_test!(ui_api_calls_follow_the_users_language_not_the_browsers, |app| {
    let recep = app.receptionist().await;
    app.post(
        Some(&recep.token),
        "/api/v1/patients",
        &json!({"first_name": "Lengua", "last_name": "Prueba", "birth_date": "1990-01-01"}),
    )
    .await;
    let b = app.browser();
    form_login(&app, &b, "recep1").await;
    // Spanish clinic default, English browser: the page's scripts must get Spanish.
    let res = b
        .get(app.url("/api/v1/patients?q=lengua"))
        .header("accept-language", "en-US,en")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["items"][0]["age"].as_str().unwrap().contains("años"), "{body}");
    // A plain API client still gets its Accept-Language.
    let (_, body) = app
        .send(
            reqwest::Method::GET,
            Some(&recep.token),
            "/api/v1/patients?q=lengua",
            None,
            Some("en"),
        )
        .await;
    assert!(body["items"][0]["age"].as_str().unwrap().contains("years"), "{body}");
});
