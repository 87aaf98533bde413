//! Login, sessions and passwords (spec §1, §13). Tokens are 256-bit random values;
//! only their SHA-256 is stored. Unknown user and wrong password look the same to
//! the caller, in message and in time (a dummy hash is verified).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use medops_domain::{Lang, Role};
use medops_storage::{Tx, session, user};
use rand::RngCore;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::Event;
use crate::{Actor, Caller, RequestMeta, ServiceError, ServiceResult, Services};

/// Failed logins allowed per username within [`THROTTLE_WINDOW_MINS`].
pub const MAX_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW_MINS: i64 = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Web,
    Api,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone)]
pub struct LoginOutcome {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: jiff::Timestamp,
    pub user: UserSummary,
    pub must_change_password: bool,
    pub lang: Option<Lang>,
}

pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Argon2id with the crate's defaults (OWASP: m=19 MiB, t=2, p=1). CPU-heavy: runs off the async threads.
pub async fn hash_password(password: &str) -> ServiceResult<String> {
    let pw = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| ServiceError::Internal(e.to_string()))?;
        Argon2::default()
            .hash_password(pw.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| ServiceError::Internal(e.to_string()))?
}

async fn verify_password(password: &str, hash: &str) -> bool {
    let (pw, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A valid Argon2id hash of a random password, verified when the username is unknown
/// so both failures take the same time.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Vt3lWm0n3Ub4YV2WqIF8f2eNnBkR9Lq6P5i5mSxKk7Y";

impl Services {
    /// Checks credentials and opens a session. Failures are audited and throttled.
    pub async fn login(&self, username: &str, password: &str, kind: SessionKind, meta: &RequestMeta) -> ServiceResult<LoginOutcome> {
        let username = username.trim().to_lowercase();
        let now = self.now();
        let now_us = now.as_microsecond();
        let since = now_us - THROTTLE_WINDOW_MINS * 60 * 1_000_000;

        let mut tx = self.db().read().await?;
        let (failures, oldest) = user::failures_since(&mut tx, &username, since).await?;
        let found = user::find_by_username(&mut tx, &username).await?;
        tx.commit().await?;
        if failures >= MAX_FAILURES {
            let retry = oldest.map_or(60, |o| ((o - since) / 1_000_000).max(1));
            return Err(ServiceError::Throttled { retry_after_secs: retry });
        }

        let ok = match &found {
            Some(u) => verify_password(password, &u.row.password_hash).await && u.row.active,
            None => {
                verify_password(password, DUMMY_HASH).await;
                false
            }
        };

        let mut tx = self.db().begin().await?;
        user::record_attempt(&mut tx, &username, now_us, ok).await?;
        let (Some(u), true) = (found, ok) else {
            let who = username.chars().take(64).collect::<String>();
            let e = Event::new("auth.login_failed", "user", &who).changes(json!({ "username": who }));
            self.record_system(&mut tx, Some(meta), e, "denied").await?;
            tx.commit().await?;
            return Err(ServiceError::BadCredentials);
        };

        let token = random_token();
        let csrf = random_token();
        let expires_at = now.checked_add(self.config().absolute_timeout).unwrap_or(now);
        let sid = session::create(
            &mut tx,
            &session::NewSession {
                token_hash: &token_hash(&token),
                user_id: u.row.id,
                kind: kind.as_str(),
                csrf_token: &csrf,
                now: now_us,
                expires_at: expires_at.as_microsecond(),
            },
        )
        .await?;
        let caller = Caller {
            actor: actor_of(&u, sid, &csrf),
            meta: meta.clone(),
        };
        self.record(
            &mut tx,
            &caller,
            Event::new("auth.login", "user", u.row.id).changes(json!({ "kind": kind.as_str() })),
        )
        .await?;
        tx.commit().await?;
        Ok(LoginOutcome {
            token,
            csrf_token: csrf,
            expires_at,
            must_change_password: u.row.must_change_password,
            lang: u.row.language.as_deref().and_then(Lang::parse),
            user: UserSummary {
                id: u.row.id,
                username: u.row.username,
                full_name: u.row.full_name,
                roles: u.roles,
            },
        })
    }

    /// Resolves a session or bearer token to its user; refuses revoked, expired and idle sessions.
    pub async fn authenticate(&self, token: &str) -> ServiceResult<Actor> {
        let now = self.now_us();
        let mut tx = self.db().read().await?;
        let s = session::find_by_hash(&mut tx, &token_hash(token))
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let idle = self.config().idle_timeout.as_micros() as i64;
        if s.revoked_at.is_some() || now >= s.expires_at || now - s.last_seen_at > idle {
            return Err(ServiceError::Unauthenticated);
        }
        let u = user::find(&mut tx, s.user_id).await?;
        tx.commit().await?;
        if !u.row.active {
            return Err(ServiceError::Unauthenticated);
        }
        // Touch at most once a minute: keeps the idle clock right without a write per request.
        if now - s.last_seen_at > 60 * 1_000_000 {
            let mut tx = self.db().begin().await?;
            session::touch(&mut tx, s.id, now).await?;
            tx.commit().await?;
        }
        Ok(actor_of(&u, s.id, &s.csrf_token))
    }

    /// Ends the caller's session server-side.
    pub async fn logout(&self, caller: &Caller) -> ServiceResult<()> {
        let mut tx = self.db().begin().await?;
        session::revoke(&mut tx, caller.actor.session_id, self.now_us()).await?;
        self.record(&mut tx, caller, Event::new("auth.logout", "user", caller.actor.user_id))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The caller changes their own password (required after an admin reset).
    pub async fn change_password(&self, caller: &Caller, current: &str, new: &str) -> ServiceResult<()> {
        let mut tx = self.db().read().await?;
        let u = user::find(&mut tx, caller.actor.user_id).await?;
        tx.commit().await?;
        if !verify_password(current, &u.row.password_hash).await {
            return Err(ServiceError::invalid("current_password", "err-password-wrong"));
        }
        medops_domain::user::validate_password(new, &u.row.username).map_err(|e| ServiceError::Invalid(medops_domain::Invalid(vec![e])))?;
        if new == current {
            return Err(ServiceError::invalid("new_password", "err-password-same"));
        }
        let hash = hash_password(new).await?;
        let mut tx = self.db().begin().await?;
        user::set_password(&mut tx, u.row.id, &hash, false, self.now_us()).await?;
        self.record(&mut tx, caller, Event::new("user.password_change", "user", u.row.id))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets the caller's preferred language.
    pub async fn set_own_language(&self, caller: &Caller, lang: Lang) -> ServiceResult<()> {
        let mut tx = self.db().begin().await?;
        let u = user::find(&mut tx, caller.actor.user_id).await?;
        user::set_profile(&mut tx, u.row.id, &u.row.full_name, Some(lang.as_str()), self.now_us()).await?;
        let changes = json!({"language": {"old": u.row.language, "new": lang.as_str()}});
        self.record(&mut tx, caller, Event::new("user.update", "user", u.row.id).changes(changes))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// On a database with no users, creates `admin` with a random password that must be
    /// changed at first login. Returns the password to print once.
    pub async fn bootstrap_admin(&self) -> ServiceResult<Option<String>> {
        let mut tx = self.db().begin().await?;
        if user::count(&mut tx).await? > 0 {
            return Ok(None);
        }
        let password = random_token()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(16)
            .collect::<String>();
        let hash = hash_password(&password).await?;
        let id = create_user_tx(&mut tx, "admin", "Administrador", &hash, true, &[Role::Admin], self.now_us()).await?;
        self.record_system(
            &mut tx,
            None,
            Event::new("user.create", "user", id).changes(json!({"username": "admin", "roles": ["admin"]})),
            "success",
        )
        .await?;
        tx.commit().await?;
        Ok(Some(password))
    }
}

pub(crate) async fn create_user_tx(
    tx: &mut Tx,
    username: &str,
    full_name: &str,
    hash: &str,
    must_change: bool,
    roles: &[Role],
    now: i64,
) -> ServiceResult<i64> {
    user::create(
        tx,
        &user::NewUser {
            username,
            full_name,
            password_hash: hash,
            language: None,
            must_change_password: must_change,
            roles,
            now,
        },
    )
    .await
    .map_err(|e| {
        if e.is_conflict_on("username") {
            ServiceError::conflict("err-username-taken")
        } else {
            e.into()
        }
    })
}

fn actor_of(u: &user::User, session_id: i64, csrf: &str) -> Actor {
    Actor {
        user_id: u.row.id,
        username: u.row.username.clone(),
        full_name: u.row.full_name.clone(),
        roles: u.roles.clone(),
        lang: u.row.language.as_deref().and_then(Lang::parse),
        session_id,
        csrf_token: csrf.to_owned(),
        must_change_password: u.row.must_change_password,
    }
}
