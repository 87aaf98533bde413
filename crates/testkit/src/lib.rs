//! Test support: [`TestApp`] starts the real application (router, services,
//! migrations) on a free port against a fresh database — a temporary SQLite file,
//! or a PostgreSQL schema of its own when `MEDOPS_TEST_POSTGRES_URL` is set — and
//! offers an HTTP client with one-line helpers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod icd11;

use std::sync::atomic::{AtomicU64, Ordering};

use medops_domain::{Lang, Role};
use medops_services::users::NewUserCmd;
use medops_services::{Config, Db, Services};
pub use reqwest::StatusCode;
use serde_json::Value;

pub const PG_ENV: &str = "MEDOPS_TEST_POSTGRES_URL";
/// Password of every user made by [`TestApp::user`].
pub const PASSWORD: &str = "correct-horse-42";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub addr: std::net::SocketAddr,
    pub services: Services,
    pub client: reqwest::Client,
    pub backend: Backend,
    /// Database URL (and schema on PostgreSQL) for tools that open their own connection.
    pub database_url: String,
    pub schema: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

/// A logged-in API user.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: i64,
    pub username: String,
    pub token: String,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Runs a test body once on SQLite and once on PostgreSQL (when configured), as two tests.
/// ```ignore
/// db_test!(creates_patient, |app| { let admin = app.admin().await; … });
/// ```
#[macro_export]
macro_rules! db_test {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app = $crate::TestApp::spawn($crate::Backend::Sqlite).await;
                $body
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($app) = $crate::TestApp::spawn_pg().await else {
                    return;
                };
                $body
            }
        }
    };
}

impl TestApp {
    /// PostgreSQL app, or `None` (with a loud message) when `MEDOPS_TEST_POSTGRES_URL` is unset.
    pub async fn spawn_pg() -> Option<TestApp> {
        if std::env::var(PG_ENV).map(|v| v.trim().is_empty()).unwrap_or(true) {
            eprintln!("SKIPPED on PostgreSQL: set {PG_ENV} (e.g. postgres://postgres@127.0.0.1:5432/test) to run this test there too");
            return None;
        }
        Some(TestApp::spawn(Backend::Postgres).await)
    }

    pub async fn spawn(backend: Backend) -> TestApp {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let (db, url, schema, dir) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}/medops.db", dir.path().display());
                (Db::connect(&url).await.unwrap(), url, None, Some(dir))
            }
            Backend::Postgres => {
                let url = std::env::var(PG_ENV).unwrap();
                let schema = format!("medops_t_{}_{}_{}", std::process::id(), n, rand::random::<u32>());
                let admin = Db::connect(&url)
                    .await
                    .unwrap_or_else(|e| panic!("PostgreSQL at {PG_ENV} unreachable: {e}"));
                if let Db::Pg(p) = &admin {
                    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                        .execute(p)
                        .await
                        .unwrap();
                }
                admin.close().await;
                (Db::connect_in_schema(&url, Some(&schema)).await.unwrap(), url, Some(schema), None)
            }
        };
        db.migrate().await.unwrap();
        let config = Config::new("America/Caracas", Lang::Es).unwrap();
        let services = Services::new(db, config);
        let app = medops_web::app(services.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
                .await
                .unwrap();
        });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        TestApp {
            addr,
            services,
            client,
            backend,
            database_url: url,
            schema,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Creates an active user with `roles` (no forced password change) and logs in through the API.
    pub async fn user(&self, username: &str, roles: &[Role]) -> TestUser {
        let cmd = NewUserCmd {
            username: username.into(),
            full_name: format!("Test {username}"),
            password: PASSWORD.into(),
            roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
            language: None,
        };
        let u = self.services.create_user_unchecked(None, cmd, false).await.unwrap();
        let token = self.login(username, PASSWORD).await;
        TestUser {
            id: u.id,
            username: username.into(),
            token,
        }
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let (st, body) = self
            .post(
                None,
                "/api/v1/auth/login",
                &serde_json::json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "login of {username} failed: {body}");
        body["token"].as_str().unwrap().to_owned()
    }

    pub async fn admin(&self) -> TestUser {
        self.user("admin1", &[Role::Admin]).await
    }
    pub async fn doctor(&self) -> TestUser {
        self.user("doctor1", &[Role::Doctor]).await
    }
    pub async fn nurse(&self) -> TestUser {
        self.user("nurse1", &[Role::Nurse]).await
    }
    pub async fn receptionist(&self) -> TestUser {
        self.user("recep1", &[Role::Receptionist]).await
    }
    pub async fn cashier(&self) -> TestUser {
        self.user("cashier1", &[Role::Cashier]).await
    }

    /// Sends a request; returns the status and the JSON body (`Null` when empty or not JSON).
    pub async fn send(
        &self,
        method: reqwest::Method,
        token: Option<&str>,
        path: &str,
        body: Option<&Value>,
        lang: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(l) = lang {
            req = req.header("Accept-Language", l);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn get(&self, token: Option<&str>, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, token, path, None, None).await
    }
    pub async fn post(&self, token: Option<&str>, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, token, path, Some(body), None).await
    }
    pub async fn put(&self, token: Option<&str>, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::PUT, token, path, Some(body), None).await
    }
    pub async fn patch(&self, token: Option<&str>, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::PATCH, token, path, Some(body), None).await
    }
    pub async fn delete(&self, token: Option<&str>, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::DELETE, token, path, None, None).await
    }

    /// Audit events (newest first) as the admin API returns them, for `query` like `action=patient.create`.
    pub async fn audit(&self, admin_token: &str, query: &str) -> Vec<Value> {
        let (st, body) = self.get(Some(admin_token), &format!("/api/v1/audit?per_page=100&{query}")).await;
        assert_eq!(st, StatusCode::OK, "{body}");
        body["items"].as_array().cloned().unwrap_or_default()
    }

    /// Runs raw SQL against the app's database (tampering tests).
    pub async fn exec_sql(&self, sql: &str) {
        match self.services.db() {
            Db::Sqlite(p) => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(p).await.unwrap();
            }
            Db::Pg(p) => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(p).await.unwrap();
            }
        }
    }

    /// A browser-like client that keeps cookies (for page and CSRF tests).
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }
}

/// The WHO ICD-11 tab-separated file: `MEDOPS_ICD11_TXT`, else `../shared/data/icd11/` beside
/// the repository; `None` with a loud message when absent.
pub fn shared_icd11_txt() -> Option<std::path::PathBuf> {
    let candidates = [
        std::env::var_os("MEDOPS_ICD11_TXT").map(std::path::PathBuf::from),
        Some(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/icd11/LinearizationMiniOutput-MMS-en.txt")),
    ];
    let found = candidates.into_iter().flatten().find(|p| p.is_file());
    if found.is_none() {
        eprintln!(
            "SKIPPED (ICD-11 .txt): ../shared/data/icd11/LinearizationMiniOutput-MMS-en.txt not found; set MEDOPS_ICD11_TXT to run the .txt-only checks"
        );
    }
    found
}

/// The WHO `.xlsx` shipped in the repository.
pub fn repo_icd11_xlsx() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/icd11/LinearizationMiniOutput-MMS-en.xlsx")
}
