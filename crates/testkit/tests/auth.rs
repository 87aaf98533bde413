//! Login, logout, expiry, lockout, CSRF and users administration through the real HTTP app.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use medops_domain::Role;
use medops_testkit::{PASSWORD, StatusCode, db_test};
use serde_json::json;

db_test!(login_logout_and_token_revocation, |app| {
    let admin = app.admin().await;
    let (st, me) = app.get(Some(&admin.token), "/api/v1/auth/me").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(me["username"], "admin1");
    let (st, _) = app.post(Some(&admin.token), "/api/v1/auth/logout", &json!({})).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, body) = app.get(Some(&admin.token), "/api/v1/auth/me").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthenticated");
});

db_test!(login_response_shape_and_same_message_for_unknown_user, |app| {
    app.admin().await;
    let (st, body) = app
        .post(None, "/api/v1/auth/login", &json!({"username": "admin1", "password": PASSWORD}))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(body["token"].as_str().unwrap().len() >= 40);
    assert!(body["expires_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(body["user"]["roles"], json!(["admin"]));
    let (st1, wrong) = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"username": "admin1", "password": "nope-nope-nope"}),
        )
        .await;
    let (st2, unknown) = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"username": "ghost", "password": "nope-nope-nope"}),
        )
        .await;
    assert_eq!((st1, st2), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    assert_eq!(wrong["error"]["message"], unknown["error"]["message"]);
});

db_test!(five_failures_lock_the_username_for_the_window, |app| {
    app.admin().await;
    for _ in 0..5 {
        let (st, _) = app
            .post(
                None,
                "/api/v1/auth/login",
                &json!({"username": "admin1", "password": "wrong-password"}),
            )
            .await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused while the window lasts.
    let (st, body) = app
        .post(None, "/api/v1/auth/login", &json!({"username": "admin1", "password": PASSWORD}))
        .await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "throttled");
    app.services.clock().advance(jiff::SignedDuration::from_mins(16));
    let (st, _) = app
        .post(None, "/api/v1/auth/login", &json!({"username": "admin1", "password": PASSWORD}))
        .await;
    assert_eq!(st, StatusCode::OK);
});

db_test!(sessions_expire_when_idle_and_absolutely, |app| {
    let admin = app.admin().await;
    app.services.clock().advance(jiff::SignedDuration::from_mins(31));
    let (st, _) = app.get(Some(&admin.token), "/api/v1/auth/me").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "idle timeout");

    let token = app.login("admin1", PASSWORD).await;
    for _ in 0..26 {
        // Active every 29 minutes: never idle, but 12 h absolute still ends it.
        app.services.clock().advance(jiff::SignedDuration::from_mins(29));
        let (st, _) = app.get(Some(&token), "/api/v1/auth/me").await;
        if st == StatusCode::UNAUTHORIZED {
            return;
        }
    }
    panic!("session outlived the 12 h absolute timeout");
});

db_test!(no_route_without_login, |app| {
    for path in [
        "/api/v1/users",
        "/api/v1/auth/me",
        "/api/v1/audit",
        "/api/v1/settings/institution",
        "/api/v1/doctors",
    ] {
        let (st, body) = app.get(None, path).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(body["error"]["code"], "unauthenticated");
    }
    let res = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/login"));
    for open in ["/login", "/healthz", "/static/app.css", "/api/v1/openapi.json"] {
        let res = app.client.get(app.url(open)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{open}");
    }
});

db_test!(web_login_sets_http_only_cookie_and_forms_need_csrf, |app| {
    app.admin().await;
    let b = app.browser();
    let res = b
        .post(app.url("/login"))
        .form(&[("username", "admin1"), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite"));
    // A form post without the CSRF token is refused, and the session survives.
    let res = b.post(app.url("/logout")).form(&[("x", "1")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = b.get(app.url("/account")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let csrf = html
        .split("name=\"csrf-token\" content=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let res = b.post(app.url("/logout")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = b.get(app.url("/account")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "logged out server-side");
});

db_test!(admin_manages_users_with_the_spec_rules, |app| {
    let admin = app.admin().await;
    let (st, u) = app
        .post(
            Some(&admin.token),
            "/api/v1/users",
            &json!({"username": "Ana.Perez", "full_name": "Ana Pérez", "password": "una-clave-larga", "roles": ["receptionist"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{u}");
    assert_eq!(u["username"], "ana.perez");
    assert_eq!(u["must_change_password"], true);
    let id = u["id"].as_i64().unwrap();
    let (st, _) = app
        .post(
            Some(&admin.token),
            "/api/v1/users",
            &json!({"username": "ana.perez", "password": "una-clave-larga", "roles": ["nurse"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, e) = app
        .post(
            Some(&admin.token),
            "/api/v1/users",
            &json!({"username": "x", "password": "short", "roles": ["chief"]}),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["error"]["fields"]["username"].is_string()
            && e["error"]["fields"]["password"].is_string()
            && e["error"]["fields"]["roles"].is_string(),
        "{e}"
    );
    // The new user must change the password before using the API.
    let token = app.login("ana.perez", "una-clave-larga").await;
    let (st, _) = app.get(Some(&token), "/api/v1/doctors").await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, _) = app
        .post(
            Some(&token),
            "/api/v1/auth/password",
            &json!({"current_password": "una-clave-larga", "new_password": "otra-clave-larga"}),
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = app.get(Some(&token), "/api/v1/doctors").await;
    assert_eq!(st, StatusCode::OK);
    // Own roles and the last admin are protected.
    let (st, _) = app
        .patch(
            Some(&admin.token),
            &format!("/api/v1/users/{}", admin.id),
            &json!({"roles": ["doctor"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, _) = app
        .patch(
            Some(&admin.token),
            &format!("/api/v1/users/{}", admin.id),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    let (st, u) = app
        .patch(
            Some(&admin.token),
            &format!("/api/v1/users/{id}"),
            &json!({"roles": ["receptionist", "nurse"]}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(u["roles"], json!(["nurse", "receptionist"]));
    let (st, _) = app
        .patch(Some(&admin.token), &format!("/api/v1/users/{id}"), &json!({"active": false}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = app.get(Some(&token), "/api/v1/doctors").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "disabling ends sessions");
    // Non-admins cannot manage users, and the refusal is audited.
    let doc = app.user("doc", &[Role::Doctor]).await;
    let (st, _) = app.get(Some(&doc.token), "/api/v1/users").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let denied = app.audit(&admin.token, "outcome=denied&actor=doc").await;
    assert!(!denied.is_empty());
    let roles = app.audit(&admin.token, "action=user.role_change").await;
    assert_eq!(roles[0]["changes"]["roles"]["new"], json!(["nurse", "receptionist"]));
});

db_test!(errors_follow_accept_language, |app| {
    let admin = app.admin().await;
    let body = json!({"username": "x", "password": "short", "roles": []});
    let (_, es) = app
        .send(reqwest::Method::POST, Some(&admin.token), "/api/v1/users", Some(&body), Some("es"))
        .await;
    let (_, en) = app
        .send(
            reqwest::Method::POST,
            Some(&admin.token),
            "/api/v1/users",
            Some(&body),
            Some("en-US,en;q=0.9"),
        )
        .await;
    assert_eq!(es["error"]["message"], "Revise los campos marcados.");
    assert_eq!(en["error"]["message"], "Check the highlighted fields.");
    assert_ne!(es["error"]["fields"]["password"], en["error"]["fields"]["password"]);
});

db_test!(audit_chain_verifies_and_catches_tampering, |app| {
    let admin = app.admin().await;
    app.get(Some(&admin.token), "/api/v1/users").await;
    let (st, _) = app
        .put(
            Some(&admin.token),
            "/api/v1/settings/institution",
            &json!({"name": "Clínica Ávila"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let ok = app.services.audit_verify().await.unwrap();
    assert!(ok.first_break.is_none() && ok.verified >= 3);
    // Direct UPDATE is refused by the database itself.
    let err = match app.services.db() {
        medops_services::Db::Sqlite(p) => sqlx::query("UPDATE audit_event SET action = 'x' WHERE seq = 2")
            .execute(p)
            .await
            .err(),
        medops_services::Db::Pg(p) => sqlx::query("UPDATE audit_event SET action = 'x' WHERE seq = 2")
            .execute(p)
            .await
            .err(),
    };
    assert!(err.is_some(), "audit rows must be append-only");
    // Someone with full database access disables the guard and edits a row.
    match app.backend {
        medops_testkit::Backend::Sqlite => {
            app.exec_sql("DROP TRIGGER audit_event_no_update; UPDATE audit_event SET action = 'x' WHERE seq = 2")
                .await
        }
        medops_testkit::Backend::Postgres => {
            app.exec_sql("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change; UPDATE audit_event SET action = 'x' WHERE seq = 2")
                .await
        }
    }
    let bad = app.services.audit_verify().await.unwrap();
    assert_eq!(bad.first_break, Some(medops_domain::audit::ChainBreak::Altered { seq: 2 }));
});
