//! MedOps services: the use cases. Every public operation takes the [`Caller`],
//! checks its permission, runs in one transaction and writes its audit event in
//! that same transaction. This is the only layer the HTTP handlers call.
//!
//! Architecture invariants: no HTTP types here; no status codes; permission checks
//! and audit writes happen here and nowhere above.

pub mod audit;
pub mod auth;
pub mod clock;
pub mod demo;
pub mod error;
pub mod icd11;
pub mod patients;
pub mod settings;
pub mod users;
pub mod visits;

use std::sync::Arc;

pub use clock::Clock;
pub use error::{ServiceError, ServiceResult};
use medops_domain::{Capability, Lang, Role};
pub use medops_storage::Db;

/// Storage row types that services hand out unchanged.
pub mod types {
    pub use medops_storage::audit::Filter as AuditFilter;
    pub use medops_storage::doctor::SpecialtyRow;
    pub use medops_storage::institution::InstitutionRow;
}

/// Settings the services need, built once from the environment by the binary.
#[derive(Debug, Clone)]
pub struct Config {
    /// Clinic time zone (IANA name, default America/Caracas).
    pub tz_name: String,
    pub tz: jiff::tz::TimeZone,
    /// Clinic default language (`MEDOPS_LANG`).
    pub default_lang: Lang,
    /// Sessions end after this much inactivity.
    pub idle_timeout: jiff::SignedDuration,
    /// …and after this long in any case.
    pub absolute_timeout: jiff::SignedDuration,
}

impl Config {
    pub fn new(tz_name: &str, default_lang: Lang) -> Result<Config, String> {
        let tz = jiff::tz::TimeZone::get(tz_name).map_err(|e| format!("unknown time zone {tz_name}: {e}"))?;
        Ok(Config {
            tz_name: tz_name.to_owned(),
            tz,
            default_lang,
            idle_timeout: jiff::SignedDuration::from_mins(30),
            absolute_timeout: jiff::SignedDuration::from_hours(12),
        })
    }
}

/// The authenticated user behind a request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub full_name: String,
    pub roles: Vec<Role>,
    pub lang: Option<Lang>,
    pub session_id: i64,
    pub csrf_token: String,
    pub must_change_password: bool,
}

impl Actor {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    pub fn can(&self, cap: Capability) -> bool {
        cap.allowed_for_any(&self.roles)
    }
    pub fn roles_text(&self) -> String {
        self.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
    }
}

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub request_id: String,
    pub ip: String,
    pub user_agent: String,
}

/// Who is asking, and from where.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub meta: RequestMeta,
}

struct Inner {
    db: Db,
    cfg: Config,
    clock: Clock,
    icd: crate::icd11::Cache,
}

/// The application's use cases. Cheap to clone.
#[derive(Clone)]
pub struct Services {
    inner: Arc<Inner>,
}

impl Services {
    pub fn new(db: Db, cfg: Config) -> Services {
        Services {
            inner: Arc::new(Inner {
                db,
                cfg,
                clock: Clock::default(),
                icd: crate::icd11::Cache::default(),
            }),
        }
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }
    pub fn config(&self) -> &Config {
        &self.inner.cfg
    }
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }
    pub(crate) fn now(&self) -> jiff::Timestamp {
        self.inner.clock.now()
    }
    pub(crate) fn now_us(&self) -> i64 {
        self.inner.clock.now().as_microsecond()
    }
    /// The clinic's today.
    pub fn today(&self) -> jiff::civil::Date {
        self.now().to_zoned(self.inner.cfg.tz.clone()).date()
    }

    /// Checks a capability; a refusal is itself audited (outcome `denied`).
    pub(crate) async fn require(&self, caller: &Caller, cap: Capability, action: &str) -> ServiceResult<()> {
        if caller.actor.can(cap) {
            return Ok(());
        }
        self.audit_denied(caller, action, None).await;
        Err(ServiceError::Forbidden)
    }

    /// Health check for `/readyz`.
    pub async fn ready(&self) -> bool {
        self.inner.db.ping().await.is_ok()
    }
}
