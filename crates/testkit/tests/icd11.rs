//! ICD-11 catalogue: import (txt / xlsx, idempotent, refusals, retirement), ranked
//! search, entity browsing and pages, through the real HTTP app (spec §6).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use medops_services::ServiceError;
use medops_services::icd11::File;
use medops_testkit::icd11::{fixture_file, full_txt, load_fixture, load_full_txt};
use medops_testkit::{StatusCode, TestApp, db_test};
use serde_json::Value;

async fn status(app: &TestApp, token: &str) -> Value {
    let (st, body) = app.get(Some(token), "/api/v1/icd11/status").await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body
}

async fn search(app: &TestApp, token: &str, q: &str) -> Vec<Value> {
    let path = format!("/api/v1/icd11/search?q={}&limit=20", medops_web_enc(q));
    let (st, body) = app.get(Some(token), &path).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    body["items"].as_array().cloned().unwrap()
}

fn medops_web_enc(q: &str) -> String {
    q.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn codes(items: &[Value]) -> Vec<String> {
    items.iter().map(|i| i["code"].as_str().unwrap_or("").to_owned()).collect()
}

fn assert_refused(e: ServiceError) -> String {
    match e {
        ServiceError::Invalid(inv) => {
            assert_eq!(inv.0[0].field, "file");
            assert_eq!(inv.0[0].key, "err-icd11-file");
            inv.0[0].args.iter().find(|(k, _)| *k == "detail").unwrap().1.clone()
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

db_test!(full_txt_then_xlsx_counts_and_reimport_changes_nothing, |app| {
    let doc = app.doctor().await;
    let t = std::time::Instant::now();
    let sum = load_full_txt(&app).await;
    eprintln!("full .txt import ({:?}, debug build): {:?}", app.backend, t.elapsed());
    assert_eq!((sum.rows, sum.added, sum.updated, sum.retired), (37_050, 37_050, 0, 0));
    let st = status(&app, &doc.token).await;
    assert_eq!(
        (st["chapters"].as_i64(), st["blocks"].as_i64(), st["categories"].as_i64()),
        (Some(28), Some(1418), Some(35_604))
    );
    assert_eq!(st["release"], "2025 Nov 06 - 10:24 UTC");

    // The shipped .xlsx is the same release: nothing changes.
    let bytes = std::fs::read(medops_testkit::repo_icd11_xlsx()).unwrap();
    let t = std::time::Instant::now();
    let sum = app
        .services
        .icd11_import("LinearizationMiniOutput-MMS-en.xlsx", bytes, &|_, _| {})
        .await
        .unwrap();
    eprintln!("re-import .xlsx ({:?}, debug build): {:?}", app.backend, t.elapsed());
    assert_eq!((sum.rows, sum.added, sum.updated, sum.retired), (37_050, 0, 0, 0));

    // Exact code first, then code prefix, over the whole catalogue.
    let items = search(&app, &doc.token, "ba00").await;
    assert_eq!(items[0]["code"], "BA00");
    assert_eq!(items[0]["title"], "Essential hypertension");
    assert_eq!(items[0]["chapter"], "11");
    assert!(items[1]["code"].as_str().unwrap().starts_with("BA00"), "{items:?}");
    // Extension codes are found but not selectable.
    let x = search(&app, &doc.token, "XS8H").await;
    assert_eq!(x[0]["code"], "XS8H");
    assert_eq!(x[0]["selectable"], false);
    assert!(app.services.icd11_lookup_selectable("XS8H").await.unwrap().is_none());

    let admin = app.admin().await;
    let ev = app.audit(&admin.token, "action=icd11.import").await;
    assert_eq!(ev.len(), 2);
    assert_eq!(ev[0]["changes"]["added"], 0);
    assert_eq!(ev[1]["changes"]["added"], 37_050);
});

db_test!(malformed_and_truncated_files_are_refused_and_change_nothing, |app| {
    let doc = app.doctor().await;
    load_fixture(&app).await;
    let before = status(&app, &doc.token).await;

    let e = app
        .services
        .icd11_import("x.txt", b"hello\tworld\r\n1\t2\r\n".to_vec(), &|_, _| {})
        .await
        .unwrap_err();
    let detail = assert_refused(e);
    assert!(detail.contains("column"), "{detail}");

    let e = app
        .services
        .icd11_import("x.xlsx", b"PK\x03\x04 not really a zip".to_vec(), &|_, _| {})
        .await
        .unwrap_err();
    assert_refused(e);

    // Truncated in the middle of a row (needs the shared .txt; skipped loudly without it).
    if let Some(txt) = medops_testkit::shared_icd11_txt() {
        let bytes = std::fs::read(txt).unwrap();
        let cut = bytes[..bytes.len() / 2].to_vec();
        let e = app.services.icd11_import("mms.txt", cut, &|_, _| {}).await.unwrap_err();
        let detail = assert_refused(e);
        assert!(detail.contains("truncated"), "{detail}");
    }

    assert_eq!(status(&app, &doc.token).await, before);
    assert_eq!(search(&app, &doc.token, "ba00").await.len(), 0, "nothing of chapter 11 came in");
    let admin = app.admin().await;
    assert_eq!(app.audit(&admin.token, "action=icd11.import").await.len(), 1);
});

db_test!(search_ranking_codes_words_accents_and_selectability, |app| {
    let doc = app.doctor().await;
    let sum = load_fixture(&app).await;
    assert!(sum.added > 1500 && sum.added < 2000, "{sum:?}");

    // Exact code, any case.
    let items = search(&app, &doc.token, "1a00").await;
    assert_eq!(items[0]["code"], "1A00");
    assert_eq!(items[0]["title"], "Cholera");
    assert_eq!(items[0]["selectable"], true);
    assert_eq!(items[0]["class_kind"], "category");
    assert_eq!(items[0]["is_leaf"], true);
    // Code prefix: every hit starts with it, shorter codes first.
    let items = search(&app, &doc.token, "1A1").await;
    let c = codes(&items);
    assert!(!c.is_empty() && c.iter().all(|c| c.starts_with("1A1")), "{c:?}");
    assert!(c.iter().position(|x| x == "1A11").unwrap() < c.iter().position(|x| x == "1A11.Z").unwrap());
    // Words out of order, word prefixes, accents and case ignored.
    for q in ["diab mell", "mell diab", "DIABÉTES MELLITUS"] {
        let items = search(&app, &doc.token, q).await;
        let t = items[0]["title"].as_str().unwrap().to_lowercase();
        assert!(t.contains("diabetes") && t.contains("mellitus"), "{q}: {items:?}");
        assert!(codes(&items).contains(&"5A11".to_owned()), "{q}: {items:?}");
    }
    // Residual .Z is selectable.
    let items = search(&app, &doc.token, "1A11.Z").await;
    assert_eq!(items[0]["code"], "1A11.Z");
    assert_eq!(items[0]["is_residual"], true);
    assert_eq!(items[0]["selectable"], true);
    // A block: no code, not selectable.
    let items = search(&app, &doc.token, "bacterial foodborne intoxications").await;
    let block = items.iter().find(|i| i["class_kind"] == "block").expect("block in results");
    assert_eq!(block["selectable"], false);
    assert!(block["code"].is_null());
    // A _NOCODEASSIGNED row: found, no code, not selectable.
    let items = search(&app, &doc.token, "vibrio vulnificus").await;
    assert_eq!(items[0]["title"], "Foodborne Vibrio vulnificus intoxication");
    assert!(items[0]["code"].is_null());
    assert_eq!(items[0]["selectable"], false);
    // Limit: default 20, above 100 reduced to 100; empty query gives nothing.
    assert_eq!(search(&app, &doc.token, "d").await.len(), 20);
    let (_, body) = app.get(Some(&doc.token), "/api/v1/icd11/search?q=d&limit=5000").await;
    assert_eq!(body["items"].as_array().unwrap().len(), 100);
    let (st, body) = app.get(Some(&doc.token), "/api/v1/icd11/search?q=").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(body["items"].as_array().unwrap().len(), 0);
    let (st, _) = app.get(Some(&doc.token), "/api/v1/icd11/search?q=a&limit=abc").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);

    // The consultation lookup.
    let p = app.services.icd11_lookup_selectable("1a11.z").await.unwrap().unwrap();
    assert_eq!((p.code.as_str(), p.title.as_str()), ("1A11.Z", "Botulism, unspecified"));
    assert!(
        app.services.icd11_lookup_selectable("1A11").await.unwrap().is_some(),
        "non-leaf with a code"
    );
    assert!(app.services.icd11_lookup_selectable("ZZ99").await.unwrap().is_none());
    assert!(app.services.icd11_lookup_selectable("_NOCODEASSIGNED").await.unwrap().is_none());
});

db_test!(entity_parents_children_chapters_and_auth, |app| {
    let nurse = app.nurse().await;
    load_fixture(&app).await;
    let (st, e) = app.get(Some(&nurse.token), "/api/v1/icd11/1a11.z").await;
    assert_eq!(st, StatusCode::OK, "{e}");
    assert_eq!(e["code"], "1A11.Z");
    let parents = e["parents"].as_array().unwrap();
    assert_eq!(parents[0]["class_kind"], "chapter");
    assert_eq!(parents[0]["title"], "Certain infectious or parasitic diseases");
    assert_eq!(parents.last().unwrap()["code"], "1A11");
    assert!(parents.iter().any(|p| p["class_kind"] == "block"));
    assert_eq!(e["children"].as_array().unwrap().len(), 0);

    let (_, b) = app.get(Some(&nurse.token), "/api/v1/icd11/1A11").await;
    let kids = codes(b["children"].as_array().unwrap());
    assert!(
        kids.contains(&"1A11.Z".to_owned()) && kids.contains(&"1A11.0".to_owned()),
        "{kids:?}"
    );

    let (st, body) = app.get(Some(&nurse.token), "/api/v1/icd11/QQ99").await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{body}");
    let (st, _) = app.get(Some(&nurse.token), "/api/v1/icd11/entities/999999999").await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    let (st, ch) = app.get(Some(&nurse.token), "/api/v1/icd11/chapters").await;
    assert_eq!(st, StatusCode::OK);
    let ch = ch["items"].as_array().unwrap().clone();
    assert_eq!(ch.iter().map(|c| c["chapter"].as_str().unwrap()).collect::<Vec<_>>(), ["01", "05"]);
    assert_eq!(ch[0]["selectable"], false);
    // Browse a chapter (no code) by id: its children are blocks.
    let (st, c1) = app
        .get(Some(&nurse.token), &format!("/api/v1/icd11/entities/{}", ch[0]["id"]))
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(c1["parents"].as_array().unwrap().len(), 0);
    let kids = c1["children"].as_array().unwrap();
    assert!(
        kids.iter().any(|k| k["class_kind"] == "block") && kids.iter().all(|k| k["class_kind"] != "chapter"),
        "{kids:?}"
    );

    for path in [
        "/api/v1/icd11/search?q=cholera",
        "/api/v1/icd11/1A00",
        "/api/v1/icd11/chapters",
        "/api/v1/icd11/entities/1",
    ] {
        let (st, _) = app.get(None, path).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{path}");
    }
    // Every role may read the catalogue.
    let cashier = app.cashier().await;
    assert_eq!(search(&app, &cashier.token, "cholera").await[0]["code"], "1A00");
});

db_test!(newer_release_retires_updates_and_bumps_generation_once, |app| {
    let doc = app.doctor().await;
    load_fixture(&app).await;
    assert!(app.services.icd11_lookup_selectable("5A11").await.unwrap().is_some());

    // Same file again: nothing changes.
    let s = app.services.icd11_import_parsed(fixture_file()).await.unwrap();
    assert_eq!((s.added, s.updated, s.retired), (0, 0, 0));

    // A "newer release" without chapter 05 and with one renamed title.
    let mut rows: Vec<_> = fixture_file().rows.into_iter().filter(|r| r.chapter_no == "01").collect();
    let n05 = fixture_file().rows.len() - rows.len();
    let cholera = rows.iter_mut().find(|r| r.code.as_deref() == Some("1A00")).unwrap();
    cholera.title = "Cholera (renamed)".into();
    let s = app
        .services
        .icd11_import_parsed(File {
            release: "2026 test".into(),
            rows: rows.clone(),
        })
        .await
        .unwrap();
    assert_eq!(s.added, 0);
    assert_eq!(s.retired, n05);
    assert_eq!(s.updated, 1, "only the renamed title changed");

    // Retired entities stay for old diagnoses but are not selectable nor searched.
    assert!(app.services.icd11_lookup_selectable("5A11").await.unwrap().is_none());
    let (st, e) = app.get(Some(&doc.token), "/api/v1/icd11/5A11").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!((e["active"].as_bool(), e["selectable"].as_bool()), (Some(false), Some(false)));
    assert!(
        codes(&search(&app, &doc.token, "type 2 diabetes").await)
            .iter()
            .all(|c| !c.starts_with("5A"))
    );
    // The index was reloaded at once after the in-process import.
    assert_eq!(search(&app, &doc.token, "1A00").await[0]["title"], "Cholera (renamed)");
    assert_eq!(
        app.services.icd11_lookup_selectable("1a00").await.unwrap().unwrap().title,
        "Cholera (renamed)"
    );
    let st = status(&app, &doc.token).await;
    assert_eq!(st["release"], "2026 test");
    assert_eq!(st["chapters"], 1);

    // Bringing chapter 05 back reactivates it.
    let s = app.services.icd11_import_parsed(fixture_file()).await.unwrap();
    assert_eq!((s.added, s.retired), (0, 0));
    assert_eq!(s.updated, n05 + 1, "chapter 05 reactivated, 1A00 renamed back");
    assert!(app.services.icd11_lookup_selectable("5A11").await.unwrap().is_some());
});

db_test!(pages_search_without_js_and_browser_breadcrumbs, |app| {
    let doc = app.doctor().await;
    load_fixture(&app).await;
    let get = |path: String| {
        let c = app.client.clone();
        let url = app.url(&path);
        let tok = doc.token.clone();
        async move {
            let r = c
                .get(url)
                .header("Cookie", format!("medops_session={tok}"))
                .header("Accept-Language", "en")
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (st, html) = get("/icd11".into()).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains(r#"data-typeahead="/api/v1/icd11/search""#));
    // The user's language is Spanish: the WHO attribution is translated, licence intact.
    assert!(
        html.contains("CIE-11 MMS © Organización Mundial de la Salud, CC BY-ND 3.0 IGO"),
        "{html}"
    );
    assert!(html.contains("Certain infectious or parasitic diseases"));

    let (st, html) = get("/icd11?q=vibrio".into()).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("Foodborne Vibrio vulnificus intoxication"));
    assert!(html.contains("badge--not_selectable"));
    assert!(html.contains(r#"data-label="Código""#));

    let (st, html) = get("/icd11/code/1a11.z".into()).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains(r#"class="breadcrumbs""#));
    assert!(html.contains("Botulism, unspecified"));
    assert!(html.contains("badge--selectable"));
    let chapter = full_txt().rows.iter().position(|r| r.chapter_no == "01").unwrap();
    assert_eq!(chapter, 0);
    let (st, _) = get("/icd11/browse/999999999".into()).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
});
