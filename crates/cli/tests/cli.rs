//! The `medops` binary as an operator uses it: help, migrations, users, ICD-11
//! import refusal, and `audit verify` on an intact and on a tampered chain.
//! SQLite always; PostgreSQL too when `MEDOPS_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const PG_ENV: &str = "MEDOPS_TEST_POSTGRES_URL";

/// `medops` with its data directory in `dir` (SQLite unless `database_url` is given).
fn medops(dir: &Path, database_url: Option<&str>, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_medops"));
    cmd.args(args)
        .env("MEDOPS_DATA_DIR", dir)
        .env("RUST_LOG", "warn")
        .env_remove("MEDOPS_LANG")
        .env_remove("MEDOPS_TZ");
    match database_url {
        Some(u) => cmd.env("DATABASE_URL", u),
        None => cmd.env_remove("DATABASE_URL"),
    };
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(input.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "expected success, got {:?}: {}", o.status, text(o));
    text(o)
}

fn fails(o: &Output) -> String {
    assert!(!o.status.success(), "expected failure: {}", text(o));
    text(o)
}

async fn sqlite_exec(dir: &Path, sql: &str) {
    let url = format!("sqlite://{}/medops.db", dir.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(&pool).await.unwrap();
    pool.close().await;
}

/// A database with a few audit events: migrate, two users, one reset.
fn seeded(dir: &Path, url: Option<&str>) {
    ok(&medops(dir, url, &["migrate"], None));
    ok(&medops(
        dir,
        url,
        &[
            "user",
            "create",
            "ana",
            "--role",
            "doctor",
            "--role",
            "admin",
            "--full-name",
            "Ana",
            "--password-stdin",
        ],
        Some("long-password-1"),
    ));
    ok(&medops(
        dir,
        url,
        &["user", "create", "carl", "--role", "nurse", "--password-stdin"],
        Some("long-password-2\n"),
    ));
    ok(&medops(
        dir,
        url,
        &["user", "reset-password", "carl", "--password-stdin"],
        Some("long-password-3"),
    ));
}

#[test]
fn help_lists_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&medops(dir.path(), None, &["--help"], None));
    for sub in ["serve", "migrate", "demo", "user", "icd11", "audit"] {
        assert!(
            out.lines().any(|l| l.trim_start().starts_with(sub)),
            "{sub} missing from --help:\n{out}"
        );
    }
    for args in [
        &["serve", "--help"][..],
        &["migrate", "--help"],
        &["demo", "--help"],
        &["user", "--help"],
        &["user", "create", "--help"],
        &["user", "disable", "--help"],
        &["user", "reset-password", "--help"],
        &["icd11", "--help"],
        &["icd11", "import", "--help"],
        &["audit", "--help"],
        &["audit", "verify", "--help"],
    ] {
        let out = ok(&medops(dir.path(), None, args, None));
        assert!(out.contains("Usage:"), "{args:?}: {out}");
    }
    let out = ok(&medops(dir.path(), None, &["user", "create", "--help"], None));
    assert!(out.contains("--password-stdin") && out.contains("--role"));
    fails(&medops(dir.path(), None, &["no-such-command"], None));
}

#[tokio::test]
async fn users_and_an_intact_audit_chain_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = ok(&medops(d, None, &["migrate"], None));
    assert!(out.contains("up to date"), "{out}");
    assert!(d.join("medops.db").is_file(), "SQLite file in MEDOPS_DATA_DIR");
    ok(&medops(d, None, &["migrate"], None));

    let out = ok(&medops(
        d,
        None,
        &[
            "user",
            "create",
            "ana",
            "--role",
            "doctor",
            "--role",
            "admin",
            "--full-name",
            "Ana",
            "--password-stdin",
        ],
        Some("long-password-1"),
    ));
    assert!(out.contains("ana") && out.contains("admin") && out.contains("doctor"), "{out}");
    let out = fails(&medops(
        d,
        None,
        &["user", "create", "ana", "--role", "nurse", "--password-stdin"],
        Some("long-password-1"),
    ));
    assert!(out.to_lowercase().contains("exist") || out.contains("err-username-taken"), "{out}");
    fails(&medops(
        d,
        None,
        &["user", "create", "bob", "--role", "nurse", "--password-stdin"],
        Some("short"),
    ));
    fails(&medops(
        d,
        None,
        &["user", "create", "bob", "--role", "wizard", "--password-stdin"],
        Some("long-password-1"),
    ));
    fails(&medops(
        d,
        None,
        &["user", "create", "bob", "--role", "nurse", "--password-stdin"],
        Some(""),
    ));
    ok(&medops(
        d,
        None,
        &["user", "create", "carl", "--role", "nurse", "--password-stdin"],
        Some("long-password-2\n"),
    ));

    ok(&medops(
        d,
        None,
        &["user", "reset-password", "carl", "--password-stdin"],
        Some("long-password-3"),
    ));
    fails(&medops(
        d,
        None,
        &["user", "reset-password", "carl", "--password-stdin"],
        Some("carl"),
    ));
    fails(&medops(
        d,
        None,
        &["user", "reset-password", "nobody", "--password-stdin"],
        Some("long-password-3"),
    ));
    ok(&medops(d, None, &["user", "disable", "carl"], None));
    let out = fails(&medops(d, None, &["user", "disable", "ana"], None));
    assert!(
        out.contains("err-last-admin") || out.to_lowercase().contains("admin"),
        "the last admin stays: {out}"
    );
    fails(&medops(d, None, &["user", "disable", "nobody"], None));

    let out = ok(&medops(d, None, &["audit", "verify"], None));
    assert!(out.contains("intact"), "{out}");
    // create ×2, reset, disable: at least 4 events.
    let n: i64 = out.split_whitespace().find_map(|w| w.parse().ok()).unwrap();
    assert!(n >= 4, "{out}");

    // The CLI's own writes are audited.
    let url = format!("sqlite://{}/medops.db", d.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_event ORDER BY seq")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    for a in ["user.create", "user.password_reset", "user.disable"] {
        assert!(actions.iter().any(|x| x == a), "{a} not audited: {actions:?}");
    }
}

#[tokio::test]
async fn audit_verify_names_an_edited_event() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    seeded(d, None);
    ok(&medops(d, None, &["audit", "verify"], None));
    sqlite_exec(
        d,
        "DROP TRIGGER audit_event_no_update; UPDATE audit_event SET action = 'user.innocent' WHERE seq = 2",
    )
    .await;
    let o = medops(d, None, &["audit", "verify"], None);
    let out = fails(&o);
    assert!(out.contains("event 2"), "names the edited event: {out}");
    assert!(!out.contains("event 3"), "the first break only: {out}");
}

#[tokio::test]
async fn audit_verify_names_the_event_after_a_deleted_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    seeded(d, None);
    ok(&medops(d, None, &["audit", "verify"], None));
    sqlite_exec(d, "DROP TRIGGER audit_event_no_delete; DELETE FROM audit_event WHERE seq = 2").await;
    let out = fails(&medops(d, None, &["audit", "verify"], None));
    assert!(
        out.contains("event 3") && out.contains("expected event 2"),
        "names where the chain breaks: {out}"
    );
}

#[test]
fn icd11_import_of_garbage_fails_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&medops(d, None, &["migrate"], None));
    let garbage = d.join("garbage.txt");
    std::fs::write(&garbage, "this is not\ta WHO table\n\u{0}\u{1}binary\n").unwrap();
    let out = fails(&medops(d, None, &["icd11", "import", garbage.to_str().unwrap()], None));
    assert!(out.contains("Error") && out.len() > 20, "{out}");
    let xlsx = d.join("garbage.xlsx");
    std::fs::write(&xlsx, b"PK\x03\x04 not really a zip").unwrap();
    let out = fails(&medops(d, None, &["icd11", "import", xlsx.to_str().unwrap()], None));
    assert!(out.contains("Error"), "{out}");
    let out = fails(&medops(
        d,
        None,
        &["icd11", "import", d.join("missing.txt").to_str().unwrap()],
        None,
    ));
    assert!(out.contains("missing.txt"), "{out}");
}

#[tokio::test]
async fn migrate_and_audit_verify_on_postgres() {
    let Some(base) = std::env::var(PG_ENV).ok().filter(|v| !v.trim().is_empty()) else {
        eprintln!("SKIPPED on PostgreSQL: set {PG_ENV} (e.g. postgres://postgres@127.0.0.1:5432/test) to run this test there too");
        return;
    };
    let name = format!("medops_cli_{}_{}", std::process::id(), rand::random::<u32>());
    let admin = sqlx::PgPool::connect(&base).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .unwrap();
    // Same server and credentials, the fresh database.
    let (prefix, rest) = base.rsplit_once('/').unwrap();
    let query = rest.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
    let url = format!("{prefix}/{name}{query}");

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let result = Catch(Box::pin(async {
        seeded(d, Some(&url));
        assert!(!d.join("medops.db").exists(), "DATABASE_URL wins over the SQLite file");
        let out = ok(&medops(d, Some(&url), &["audit", "verify"], None));
        assert!(out.contains("intact"), "{out}");
        // On PostgreSQL a trigger refuses edits; a superuser can still disable it to tamper.
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        assert!(
            sqlx::raw_sql("UPDATE audit_event SET action = 'x' WHERE seq = 1")
                .execute(&pool)
                .await
                .is_err(),
            "append-only trigger"
        );
        sqlx::raw_sql(
            "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change; UPDATE audit_event SET action = 'user.innocent' WHERE seq = 2",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
        let out = fails(&medops(d, Some(&url), &["audit", "verify"], None));
        assert!(out.contains("event 2"), "{out}");
    }));
    let outcome = result.await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    if let Err(p) = outcome {
        std::panic::resume_unwind(p);
    }
}

/// Runs a future, catching a panic so the database can be dropped before re-raising it.
struct Catch<F>(std::pin::Pin<Box<F>>);

impl<F: std::future::Future> std::future::Future for Catch<F> {
    type Output = std::thread::Result<F::Output>;
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        let inner = &mut self.0;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.as_mut().poll(cx))) {
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Ok(std::task::Poll::Ready(v)) => std::task::Poll::Ready(Ok(v)),
            Err(p) => std::task::Poll::Ready(Err(p)),
        }
    }
}
