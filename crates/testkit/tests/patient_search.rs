//! Search ranking and the copied sort key stay in step through rename, archive and restore.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use medops_testkit::{StatusCode, TestApp, db_test};
use serde_json::{Value, json};

async fn create(app: &TestApp, token: &str, body: Value) -> i64 {
    let (st, p) = app.post(Some(token), "/api/v1/patients", &body).await;
    assert_eq!(st, StatusCode::CREATED, "{p}");
    p["id"].as_i64().unwrap()
}
async fn names(app: &TestApp, token: &str, q: &str) -> (Vec<String>, Value) {
    let (st, r) = app.get(Some(token), &format!("/api/v1/patients?{q}")).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    (
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["full_name"].as_str().unwrap().to_owned())
            .collect(),
        r["total"].clone(),
    )
}

db_test!(search_order_and_token_copy_stay_in_step, |app| {
    let rec = app.receptionist().await;
    let t = &rec.token;
    create(&app, t, json!({"first_name": "Mariana", "last_name": "Zeta"})).await;
    create(&app, t, json!({"first_name": "María", "last_name": "Yepes"})).await;
    let c = create(&app, t, json!({"first_name": "Maria", "last_name": "Alba"})).await;
    create(&app, t, json!({"first_name": "Marisol", "last_name": "Alba"})).await;
    // full-name (equal token) first, by last name; then prefix-only by last name
    let (n, tot) = names(&app, t, "q=maria").await;
    assert_eq!(n, ["Maria Alba", "María Yepes", "Mariana Zeta"]);
    assert_eq!(tot, 3);
    let (n, tot) = names(&app, t, "q=mari&per_page=2&page=2").await;
    assert_eq!(n, ["María Yepes", "Mariana Zeta"]);
    assert_eq!(tot, 4);
    let (n, tot) = names(&app, t, "q=maria&per_page=2&page=5").await;
    assert!(n.is_empty());
    assert_eq!(tot, 3);
    // rename: the sort key follows
    let (st, _) = app
        .patch(Some(t), &format!("/api/v1/patients/{c}"), &json!({"last_name": "Zzz"}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (n, _) = names(&app, t, "q=maria").await;
    assert_eq!(n, ["María Yepes", "Maria Zzz", "Mariana Zeta"]);
    // archive, then update while archived: stays hidden; restore: back
    let (st, _) = app.delete(Some(t), &format!("/api/v1/patients/{c}")).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = app
        .patch(Some(t), &format!("/api/v1/patients/{c}"), &json!({"last_name": "Abad"}))
        .await;
    let (n, tot) = names(&app, t, "q=maria").await;
    assert_eq!((n.len(), tot.clone()), (2, json!(2)), "{st} {n:?}");
    let (n, _) = names(&app, t, "q=maria&archived=true").await;
    assert_eq!(n.len(), 3);
    let (st, _) = app.post(Some(t), &format!("/api/v1/patients/{c}/restore"), &json!({})).await;
    assert_eq!(st, StatusCode::OK);
    let (n, tot) = names(&app, t, "q=maria").await;
    assert_eq!(tot, 3);
    assert_eq!(n[0], if st == StatusCode::OK { n[0].clone() } else { String::new() });
    eprintln!("after restore: {n:?}");
});
