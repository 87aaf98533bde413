//! `medops-bench`: prints the performance figures the README records.
//!
//! Run with `scripts/bench` (builds both binaries in release, then runs this). It drives
//! the real `medops` binary next to this one, through its CLI and HTTP API, on fresh
//! SQLite databases in a temporary directory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use medops_domain::patient::PatientInput;
use rand::prelude::*;
use serde_json::{Value, json};

const PASSWORD: &str = "bench-password-1";

fn medops_bin() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let bin = exe.with_file_name("medops");
    if !bin.is_file() {
        bail!("{} not found: build it first (cargo build --release -p medops)", bin.display());
    }
    Ok(bin)
}

fn shared_txt() -> Option<PathBuf> {
    let candidates = [
        std::env::var("MEDOPS_ICD11_TXT").map(PathBuf::from).unwrap_or_default(),
        PathBuf::from("../shared/data/icd11/LinearizationMiniOutput-MMS-en.txt"),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/icd11/LinearizationMiniOutput-MMS-en.txt"),
    ];
    candidates.into_iter().find(|p| p.is_file())
}

fn xlsx() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/icd11/LinearizationMiniOutput-MMS-en.xlsx")
}

fn medops(data: &Path) -> Result<Command> {
    let mut c = Command::new(medops_bin()?);
    c.env("MEDOPS_DATA_DIR", data).env_remove("DATABASE_URL").env("RUST_LOG", "warn");
    Ok(c)
}

/// Runs `medops icd11 import` and returns the import's own duration as printed ("(1.2 s)"),
/// plus the whole process time.
fn import(data: &Path, file: &Path) -> Result<(f64, f64)> {
    let t = Instant::now();
    let out = medops(data)?.args(["icd11", "import"]).arg(file).output()?;
    let total = t.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("import failed: {}{}", stdout, String::from_utf8_lossy(&out.stderr));
    }
    let secs = stdout
        .rsplit('(')
        .next()
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(total);
    Ok((secs, total))
}

fn create_user(data: &Path) -> Result<()> {
    let mut child = medops(data)?
        .args(["user", "create", "bench", "--role", "doctor", "--role", "admin", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    use std::io::Write;
    child.stdin.take().context("stdin")?.write_all(PASSWORD.as_bytes())?;
    if !child.wait()?.success() {
        bail!("user create failed");
    }
    Ok(())
}

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(18_765)
}

/// Starts `medops serve` and returns it once `/healthz` answers, with the time that took.
async fn start(data: &Path, client: &reqwest::Client) -> Result<(Server, Duration)> {
    let port = free_port();
    let t = Instant::now();
    let child = medops(data)?
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let base = format!("http://127.0.0.1:{port}");
    let server = Server { child, base };
    loop {
        if let Ok(r) = client.get(format!("{}/healthz", server.base)).send().await
            && r.status().is_success()
        {
            return Ok((server, t.elapsed()));
        }
        if t.elapsed() > Duration::from_secs(30) {
            bail!("server did not become ready");
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

async fn login(client: &reqwest::Client, base: &str) -> Result<String> {
    let r: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "bench", "password": PASSWORD}))
        .send()
        .await?
        .json()
        .await?;
    r["token"].as_str().map(str::to_owned).context("login failed")
}

struct Stats {
    p50: f64,
    p99: f64,
    max: f64,
    n: usize,
}

fn stats(mut ms: Vec<f64>) -> Stats {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    Stats {
        p50: at(0.5),
        p99: at(0.99),
        max: *ms.last().unwrap_or(&0.0),
        n: ms.len(),
    }
}

fn print_stats(name: &str, s: &Stats) {
    println!(
        "{name:<44} p50 {:>6.2} ms   p99 {:>6.2} ms   max {:>6.2} ms   ({} requests)",
        s.p50, s.p99, s.max, s.n
    );
}

/// Times GET requests one at a time (after a warm-up pass over the same paths).
async fn time_gets(client: &reqwest::Client, base: &str, token: &str, paths: &[String]) -> Result<Stats> {
    for p in paths.iter().take(50) {
        client.get(format!("{base}{p}")).bearer_auth(token).send().await?.bytes().await?;
    }
    let mut ms = Vec::with_capacity(paths.len());
    for p in paths {
        let t = Instant::now();
        let r = client.get(format!("{base}{p}")).bearer_auth(token).send().await?;
        let status = r.status();
        r.bytes().await?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        if !status.is_success() {
            bail!("{p}: {status}");
        }
    }
    Ok(stats(ms))
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// 1,000 mixed ICD-11 queries drawn from the real file: codes, code prefixes, 1–3 words.
fn icd_queries(txt: &Path, rng: &mut StdRng) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(txt)?;
    let mut codes = Vec::new();
    let mut titles = Vec::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() > 4 {
            if !cols[2].is_empty() && !cols[2].starts_with('_') {
                codes.push(cols[2].to_owned());
            }
            titles.push(cols[4].trim_start_matches(['-', ' ']).to_owned());
        }
    }
    let mut out = Vec::with_capacity(1000);
    for i in 0..1000 {
        let q = match i % 4 {
            0 => codes.choose(rng).cloned().unwrap_or_default().to_lowercase(),
            1 => {
                let c = codes.choose(rng).cloned().unwrap_or_default();
                c.chars().take(rng.random_range(2..=3)).collect()
            }
            _ => {
                let t = titles.choose(rng).cloned().unwrap_or_default();
                let words: Vec<&str> = t.split_whitespace().filter(|w| w.len() > 2).collect();
                let n = rng.random_range(1..=3).min(words.len().max(1));
                let mut picked: Vec<String> = words.choose_multiple(rng, n).map(|w| w.to_lowercase()).collect();
                if i % 8 == 2 {
                    // A word prefix, as typed in a type-ahead.
                    if let Some(w) = picked.first_mut() {
                        let keep = w.chars().count().min(4);
                        *w = w.chars().take(keep).collect();
                    }
                }
                picked.join(" ")
            }
        };
        out.push(format!("/api/v1/icd11/search?q={}&limit=20", enc(&q)));
    }
    Ok(out)
}

const FIRST: &[&str] = &[
    "María",
    "José",
    "Luis",
    "Ana",
    "Carlos",
    "Carmen",
    "Jesús",
    "Rosa",
    "Pedro",
    "Luisa",
    "Andrés",
    "Valentina",
    "Miguel",
    "Gabriela",
    "Juan",
    "Daniela",
    "Rafael",
    "Sofía",
    "Héctor",
    "Yolanda",
    "Ramón",
    "Elena",
    "Víctor",
    "Mariana",
    "Ángel",
    "Isabel",
    "Fernando",
    "Lucía",
    "Óscar",
    "Beatriz",
];
const LAST: &[&str] = &[
    "Pérez",
    "González",
    "Rodríguez",
    "Hernández",
    "García",
    "Martínez",
    "López",
    "Díaz",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Rojas",
    "Flores",
    "Morales",
    "Castillo",
    "Gómez",
    "Núñez",
    "Mendoza",
    "Salazar",
    "Rivas",
    "Peña",
    "Briceño",
    "Quintero",
    "Zambrano",
    "Ordóñez",
    "Villalobos",
    "Carrasco",
    "Montilla",
    "Urdaneta",
    "Chacón",
    "Ibáñez",
    "Márquez",
    "Suárez",
    "Valero",
    "Escalona",
    "Colmenares",
    "Guerrero",
    "Arráiz",
    "Bastidas",
    "Parra",
];

/// Writes `n` valid patients straight into the database (bulk, bypassing the API: this is
/// setup, not what is measured). Names and tokens come from the same domain code the app uses.
async fn seed_patients(data: &Path, n: usize, rng: &mut StdRng) -> Result<Vec<(String, String)>> {
    let url = format!("sqlite://{}/medops.db", data.display());
    let pool = sqlx::SqlitePool::connect(&url).await?;
    let today = jiff::civil::date(2026, 12, 4);
    let now = 1_764_806_400_000_000_i64;
    let mut samples = Vec::new();
    let mut tx = pool.begin().await?;
    for i in 0..n {
        let first = FIRST.choose(rng).copied().unwrap_or("Ana");
        let last = LAST.choose(rng).copied().unwrap_or("Pérez");
        let last2 = LAST.choose(rng).copied().unwrap_or("Gómez");
        let cedula = format!("V{}", 5_000_000 + i * 7);
        let input: PatientInput = serde_json::from_value(json!({
            "first_name": first, "last_name": last, "second_last_name": last2, "cedula": cedula,
            "birth_date": format!("{}-{:02}-{:02}", rng.random_range(1930..2024), rng.random_range(1..=12), rng.random_range(1..=28)),
            "sex": if i % 2 == 0 { "female" } else { "male" }, "phone": format!("0414{:07}", i % 10_000_000),
        }))?;
        let p = input.validate(today).map_err(|e| anyhow::anyhow!("{e}"))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO patient (first_name, last_name, second_last_name, cedula, birth_date, sex, phone, sort_key, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(first)
        .bind(last)
        .bind(last2)
        .bind(&cedula)
        .bind(p.birth_date.map(|d| d.to_string()))
        .bind(p.sex.as_str())
        .bind(p.phone.as_ref().map(|x| x.as_str().to_owned()))
        .bind(p.sort_key())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let sort_key = p.sort_key();
        for t in p.search_tokens() {
            sqlx::query("INSERT OR IGNORE INTO patient_token (token, patient_id, sort_key, archived) VALUES ($1, $2, $3, FALSE)")
                .bind(t)
                .bind(id)
                .bind(&sort_key)
                .execute(&mut *tx)
                .await?;
        }
        if i % 997 == 0 {
            samples.push((format!("{first} {last}"), cedula));
        }
        if i % 10_000 == 9_999 {
            tx.commit().await?;
            tx = pool.begin().await?;
        }
    }
    tx.commit().await?;
    pool.close().await;
    Ok(samples)
}

#[tokio::main]
async fn main() -> Result<()> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(4).build()?;
    let root = std::env::temp_dir().join(format!("medops-bench-{}", std::process::id()));
    std::fs::create_dir_all(&root)?;
    let mut rng = StdRng::seed_from_u64(42);
    println!("MedOps benchmark (release build, SQLite, one request at a time over loopback HTTP)");
    println!(
        "machine: {} cores\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );

    // 1. ICD-11 import times.
    let txt = shared_txt();
    match &txt {
        Some(t) => {
            let (secs, _) = import(&root.join("imp-txt"), t)?;
            println!("{:<44} {secs:.2} s (target < 2 s)", "ICD-11 import, .txt (37,050 rows)");
        }
        None => println!("ICD-11 import, .txt: SKIPPED — ../shared/data/icd11/*.txt not found (set MEDOPS_ICD11_TXT)"),
    }
    let (secs, _) = import(&root.join("imp-xlsx"), &xlsx())?;
    println!("{:<44} {secs:.2} s (target < 5 s)", "ICD-11 import, .xlsx (37,050 rows)");

    // 2. Start to ready, on an existing database (migrations checked, no demo).
    let data = root.join("main");
    import(&data, &xlsx())?;
    create_user(&data)?;
    let mut starts = Vec::new();
    for _ in 0..5 {
        let (server, took) = start(&data, &client).await?;
        starts.push(took.as_secs_f64() * 1000.0);
        drop(server);
    }
    let s = stats(starts);
    println!(
        "{:<44} median {:.0} ms, max {:.0} ms over 5 starts (target < 500 ms)",
        "server start to ready", s.p50, s.max
    );

    // 3. Seed 100,000 patients, then measure with one server.
    let t = Instant::now();
    let samples = seed_patients(&data, 100_000, &mut rng).await?;
    println!(
        "{:<44} {:.1} s (setup, not a target)",
        "seeding 100,000 patients",
        t.elapsed().as_secs_f64()
    );

    let (server, _) = start(&data, &client).await?;
    let pid = server.child.id();
    tokio::time::sleep(Duration::from_millis(500)).await;
    println!("{:<44} {:.1} MB RSS (before any request)", "idle memory, fresh start", rss_mb(pid));
    let token = login(&client, &server.base).await?;

    if let Some(t) = &txt {
        let qs = icd_queries(t, &mut rng)?;
        print_stats(
            "ICD-11 search, 1,000 mixed queries",
            &time_gets(&client, &server.base, &token, &qs).await?,
        );
    }

    let mut searches = Vec::new();
    for i in 0..1000 {
        let (name, ced) = samples.choose(&mut rng).cloned().unwrap_or_default();
        let q = match i % 4 {
            0 => name.clone(),
            1 => name.split(' ').next_back().unwrap_or("").to_owned(),
            2 => ced.trim_start_matches('V').to_owned(),
            _ => {
                let parts: Vec<&str> = name.split(' ').collect();
                format!("{} {}", parts.last().unwrap_or(&""), parts.first().unwrap_or(&"")).to_lowercase()
            }
        };
        searches.push(format!("/api/v1/patients?q={}&per_page=20", enc(&q)));
    }
    print_stats(
        "patient search, 100,000 patients",
        &time_gets(&client, &server.base, &token, &searches).await?,
    );
    let pages: Vec<String> = (0..1000)
        .map(|_| format!("/api/v1/patients?page={}&per_page=20", rng.random_range(1..=5000)))
        .collect();
    print_stats(
        "patient list, random pages of 20",
        &time_gets(&client, &server.base, &token, &pages).await?,
    );

    tokio::time::sleep(Duration::from_secs(2)).await;
    println!("{:<44} {:.1} MB RSS (after the runs above, idle)", "idle memory, warm", rss_mb(pid));
    drop(server);
    if std::env::var_os("MEDOPS_BENCH_KEEP").is_some() {
        println!("\nkept the databases in {}", root.display());
    } else {
        let _ = std::fs::remove_dir_all(&root);
    }
    Ok(())
}
