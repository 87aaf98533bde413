//! `medops`: the one binary. Serves the clinic (UI + API) and runs operations.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use medops_domain::Lang;
use medops_services::users::NewUserCmd;
use medops_services::{Config, Db, Services};

#[derive(Parser)]
#[command(
    name = "medops",
    version,
    about = "MedOps — clinical consultation management",
    after_help = "Without a command, medops runs `serve --demo`: a demo clinic whose users have PUBLIC demo passwords.\nIn production run `medops serve` (and `medops icd11 import FILE` once to load the catalogue)."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database, then serve the web UI and the API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "MEDOPS_ADDR", default_value = "127.0.0.1:8000")]
        addr: String,
        /// Fill an empty database once with the demo clinic (and show a DEMO banner).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Fill an empty database with the demo clinic.
    Demo,
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// ICD-11 catalogue operations.
    Icd11 {
        #[command(subcommand)]
        command: Icd11Command,
    },
    /// Audit log operations.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input.
    Create {
        username: String,
        /// Role (admin, doctor, nurse, receptionist, cashier); repeat for several.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        #[arg(long)]
        full_name: Option<String>,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Disable a user and end their sessions.
    Disable { username: String },
    /// Set a new password (read from standard input); it must be changed at next login.
    ResetPassword {
        username: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum Icd11Command {
    /// Import WHO's ICD-11 MMS table (LinearizationMiniOutput, .xlsx or tab-separated .txt).
    Import { file: PathBuf },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Re-compute the hash chain; exits non-zero naming the first bad event.
    Verify,
}

/// Settings from the environment (see the README's configuration table).
struct Env {
    data_dir: PathBuf,
    database_url: String,
    config: Config,
}

fn env() -> Result<Env> {
    let data_dir = PathBuf::from(std::env::var("MEDOPS_DATA_DIR").unwrap_or_else(|_| "data".into()));
    let database_url = match std::env::var("DATABASE_URL") {
        Ok(u) if !u.trim().is_empty() => u,
        _ => {
            std::fs::create_dir_all(&data_dir).with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
            format!("sqlite://{}/medops.db", data_dir.display())
        }
    };
    let tz = std::env::var("MEDOPS_TZ").unwrap_or_else(|_| "America/Caracas".into());
    let lang = match std::env::var("MEDOPS_LANG") {
        Ok(l) => Lang::parse(&l).with_context(|| format!("MEDOPS_LANG={l}: expected es or en"))?,
        Err(_) => Lang::Es,
    };
    let mut config = Config::new(&tz, lang).map_err(anyhow::Error::msg)?;
    if let Ok(m) = std::env::var("MEDOPS_SESSION_IDLE_MINUTES") {
        let mins: i64 = m
            .trim()
            .parse()
            .ok()
            .filter(|m| (1..=720).contains(m))
            .with_context(|| format!("MEDOPS_SESSION_IDLE_MINUTES={m}: expected 1 to 720"))?;
        config.idle_timeout = jiff::SignedDuration::from_mins(mins);
    }
    Ok(Env {
        data_dir,
        database_url,
        config,
    })
}

async fn open(env: &Env) -> Result<Services> {
    let db = Db::connect(&env.database_url)
        .await
        .with_context(|| format!("cannot open database ({})", redact(&env.database_url)))?;
    db.migrate().await.context("migration failed")?;
    Ok(Services::new(db, env.config.clone()))
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

fn read_password() -> Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .context("cannot read the password from standard input")?;
    let pw = s.trim_end_matches(['\n', '\r']).to_owned();
    if pw.is_empty() {
        bail!("no password on standard input");
    }
    Ok(pw)
}

/// The WHO table shipped in the repository, looked up beside the working directory and the binary.
fn shipped_icd11(data_dir: &Path) -> Option<PathBuf> {
    const NAME: &str = "icd11/LinearizationMiniOutput-MMS-en.xlsx";
    let mut candidates = vec![data_dir.join(NAME), PathBuf::from("data").join(NAME)];
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1).take(4) {
            candidates.push(dir.join("data").join(NAME));
        }
    }
    candidates.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data").join(NAME));
    candidates.into_iter().find(|p| p.is_file())
}

/// A service error as a sentence in the operator's language (`MEDOPS_LANG`), as the UI shows it.
fn service_err(e: medops_services::ServiceError) -> anyhow::Error {
    let lang = std::env::var("MEDOPS_LANG").ok().and_then(|l| Lang::parse(&l)).unwrap_or_default();
    let tr = medops_web::i18n::Tr(lang);
    let body = medops_web::error::body_of(&e, tr, "-").error;
    if body.fields.is_empty() {
        anyhow::anyhow!("{}", body.message)
    } else {
        let fields: Vec<String> = body.fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        anyhow::anyhow!("{} {}", body.message, fields.join("; "))
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()))
        .init();
    let cli = Cli::parse();
    let env = env()?;
    match cli.command.unwrap_or(Command::Serve {
        addr: std::env::var("MEDOPS_ADDR").unwrap_or_else(|_| "127.0.0.1:8000".into()),
        demo: true,
    }) {
        Command::Serve { addr, demo } => serve(&env, &addr, demo).await,
        Command::Migrate => {
            open(&env).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Demo => {
            let s = open(&env).await?;
            if s.demo_load(shipped_icd11(&env.data_dir).as_deref()).await.map_err(service_err)? {
                println!("demo clinic loaded");
            } else {
                println!("database already has data: demo not loaded");
            }
            Ok(())
        }
        Command::User { command } => user(&env, command).await,
        Command::Icd11 {
            command: Icd11Command::Import { file },
        } => icd11_import(&env, &file).await,
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let s = open(&env).await?;
            let report = s.audit_verify().await.map_err(service_err)?;
            match report.first_break {
                None => {
                    println!("audit chain intact: {} events verified", report.verified);
                    Ok(())
                }
                Some(b) => {
                    eprintln!("AUDIT CHAIN BROKEN at {b}");
                    eprintln!("{} events verified before the break", report.verified);
                    std::process::exit(2);
                }
            }
        }
    }
}

async fn serve(env: &Env, addr: &str, demo: bool) -> Result<()> {
    let started = Instant::now();
    let s = open(env).await?;
    // The demo brings its own users (passwords in the README), so it goes first.
    if demo {
        let t = Instant::now();
        match s.demo_load(shipped_icd11(&env.data_dir).as_deref()).await {
            Ok(true) => println!(
                "demo clinic loaded in {:.1} s (users and passwords: see README, demo only)",
                t.elapsed().as_secs_f64()
            ),
            Ok(false) => {}
            Err(e) => eprintln!("demo data not loaded: {e}"),
        }
    }
    if let Some(pw) = s.bootstrap_admin().await.map_err(service_err)? {
        println!(
            "\n  First start: created user `admin` with password: {pw}\n  It is shown only once; you must change it at first login.\n"
        );
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let app = medops_web::app(s.clone());
    println!(
        "MedOps ready on http://{addr} ({} database, ready in {} ms)",
        s.db().backend(),
        started.elapsed().as_millis()
    );
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    s.db().close().await;
    Ok(())
}

async fn user(env: &Env, cmd: UserCommand) -> Result<()> {
    let s = open(env).await?;
    match cmd {
        UserCommand::Create {
            username,
            roles,
            full_name,
            ..
        } => {
            let password = read_password()?;
            let u = s
                .create_user_unchecked(
                    None,
                    NewUserCmd {
                        username,
                        full_name: full_name.unwrap_or_default(),
                        password,
                        roles,
                        language: None,
                    },
                    false,
                )
                .await
                .map_err(service_err)?;
            println!(
                "created user {} (id {}) with roles {:?}",
                u.username,
                u.id,
                u.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>()
            );
        }
        UserCommand::Disable { username } => {
            let id = s
                .user_id_by_name(&username)
                .await
                .map_err(|_| anyhow::anyhow!("no user named {username}"))?;
            s.disable_user_unchecked(id).await.map_err(service_err)?;
            println!("disabled {username}");
        }
        UserCommand::ResetPassword { username, .. } => {
            let password = read_password()?;
            let id = s
                .user_id_by_name(&username)
                .await
                .map_err(|_| anyhow::anyhow!("no user named {username}"))?;
            s.reset_password_unchecked(None, id, &password).await.map_err(service_err)?;
            println!("password of {username} reset; it must be changed at next login");
        }
    }
    Ok(())
}

async fn icd11_import(env: &Env, file: &Path) -> Result<()> {
    let s = open(env).await?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} [{bar:40}] {pos}/{len} rows")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b.set_message("importing ICD-11");
        Some(b)
    } else {
        None
    };
    let progress = |done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    };
    let t = Instant::now();
    let result = s.icd11_import(&name, bytes, &progress).await;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let sum = result.map_err(|e| {
        anyhow::anyhow!(
            "import refused, catalogue unchanged: {}",
            match e {
                medops_services::ServiceError::Invalid(inv) => inv
                    .0
                    .iter()
                    .map(|f| f.args.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>().join(" "))
                    .collect::<Vec<_>>()
                    .join("; "),
                other => other.to_string(),
            }
        )
    })?;
    println!(
        "ICD-11 release {}: {} rows read; {} added, {} updated, {} retired ({:.1} s)",
        sum.release,
        sum.rows,
        sum.added,
        sum.updated,
        sum.retired,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
