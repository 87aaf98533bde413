//! The OpenAPI document is generated from the handlers and covers every API route.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use medops_testkit::{Backend, StatusCode, TestApp};

#[tokio::test]
async fn openapi_lists_every_route_with_schemas() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (st, doc) = app.get(None, "/api/v1/openapi.json").await;
    assert_eq!(st, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let expected = [
        ("post", "/api/v1/auth/login"),
        ("post", "/api/v1/auth/logout"),
        ("post", "/api/v1/auth/password"),
        ("get", "/api/v1/auth/me"),
        ("get", "/api/v1/users"),
        ("post", "/api/v1/users"),
        ("patch", "/api/v1/users/{id}"),
        ("post", "/api/v1/users/{id}/reset-password"),
        ("get", "/api/v1/settings/institution"),
        ("put", "/api/v1/settings/institution"),
        ("put", "/api/v1/settings/logo"),
        ("get", "/api/v1/doctors"),
        ("put", "/api/v1/doctors/{id}"),
        ("get", "/api/v1/specialties"),
        ("get", "/api/v1/patients"),
        ("post", "/api/v1/patients"),
        ("get", "/api/v1/patients/{id}"),
        ("patch", "/api/v1/patients/{id}"),
        ("delete", "/api/v1/patients/{id}"),
        ("post", "/api/v1/patients/{id}/restore"),
        ("get", "/api/v1/icd11/search"),
        ("get", "/api/v1/icd11/{code}"),
        ("get", "/api/v1/waiting-room"),
        ("post", "/api/v1/waiting-room/walk-ins"),
        ("post", "/api/v1/appointments/{id}/start"),
        ("post", "/api/v1/appointments/{id}/complete"),
        ("post", "/api/v1/appointments/{id}/cancel"),
        ("get", "/api/v1/consultations/{id}"),
        ("put", "/api/v1/consultations/{id}/note"),
        ("post", "/api/v1/consultations/{id}/diagnoses"),
        ("delete", "/api/v1/consultations/{id}/diagnoses/{diagnosis_id}"),
        ("get", "/api/v1/audit"),
    ];
    for (method, path) in expected {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} missing from the OpenAPI document");
        assert!(
            op["responses"].as_object().is_some_and(|r| !r.is_empty()),
            "{method} {path} has no responses"
        );
    }
    for schema in [
        "ErrorBody",
        "LoginRequest",
        "LoginResponse",
        "PatientView",
        "AppointmentView",
        "ConsultationView",
        "Icd11Item",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "schema {schema} missing");
    }
}
