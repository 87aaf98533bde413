//! Login, logout, home, own account and password pages.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use medops_domain::Lang;
use medops_services::ServiceError;
use medops_services::auth::SessionKind;
use serde::Deserialize;

use super::{PageCtx, field_errors, render};
use crate::AppState;
use crate::ctx::{Ctx, LANG_COOKIE, ReqLang, RequestMetaX, SESSION_COOKIE};
use crate::error::{PageError, PageResult};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: PageCtx,
    error: Option<String>,
    username: String,
    next: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: PageCtx,
    full_name: String,
    today: String,
    tiles: Vec<Tile>,
}

/// One area of the app on the home page.
struct Tile {
    href: &'static str,
    title: String,
    text: String,
    /// Inline SVG (a constant below, never user input).
    icon: &'static str,
    /// A live figure (patients waiting now), already worded.
    stat: Option<String>,
    /// The figure needs attention (someone is waiting).
    hot: bool,
}

const ICON_WAITING: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"><circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/></svg>"#;
const ICON_PATIENTS: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"><circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c0-3.6 3-5.5 6.5-5.5s6.5 1.9 6.5 5.5"/><path d="M16 4.5a3.5 3.5 0 0 1 0 7M18 14.8c2.1.6 3.5 2.3 3.5 5.2"/></svg>"#;
const ICON_ICD: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"><path d="M4 5.5A2.5 2.5 0 0 1 6.5 3H20v15H6.5A2.5 2.5 0 0 0 4 20.5z"/><path d="M4 20.5A2.5 2.5 0 0 0 6.5 23H20v-5"/><path d="M9 8h7M9 12h5"/></svg>"#;
const ICON_USERS: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"><rect x="3" y="4" width="18" height="16" rx="2"/><circle cx="9" cy="11" r="2.5"/><path d="M5.5 17c.6-1.8 2-2.8 3.5-2.8s2.9 1 3.5 2.8M15 10h3M15 14h3"/></svg>"#;
const ICON_SETTINGS: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"><path d="M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0"/><circle cx="16" cy="6" r="2"/><circle cx="10" cy="12" r="2"/><circle cx="18" cy="18" r="2"/></svg>"#;
const ICON_AUDIT: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"><path d="M12 3l8 3v6c0 4.5-3.4 8-8 9-4.6-1-8-4.5-8-9V6z"/><path d="M8.5 12l2.5 2.5 4.5-5"/></svg>"#;
const ICON_ACCOUNT: &str = r#"<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"><circle cx="12" cy="8" r="4"/><path d="M4 21c0-4 3.6-6.5 8-6.5s8 2.5 8 6.5"/></svg>"#;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    page: PageCtx,
    must_change: bool,
    errors: HashMap<String, String>,
}

impl PasswordPage {
    fn err(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: PageCtx,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// Only local paths, so the login page cannot be used as an open redirect.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

async fn login_page(State(s): State<AppState>, ReqLang(lang): ReqLang, ctx: Option<Ctx>, Query(q): Query<NextQuery>) -> Response {
    if ctx.is_some() {
        return Redirect::to("/").into_response();
    }
    let page = PageCtx::anonymous(&s, lang).await;
    render(&LoginPage {
        page,
        error: None,
        username: String::new(),
        next: safe_next(q.next.as_deref()),
    })
}

fn session_cookie(token: &str, max_age: i64) -> String {
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}")
}

async fn login_submit(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    RequestMetaX(meta): RequestMetaX,
    Form(f): Form<LoginForm>,
) -> Response {
    match s.services.login(&f.username, &f.password, SessionKind::Web, &meta).await {
        Ok(out) => {
            let max_age = s.services.config().absolute_timeout.as_secs();
            let target = if out.must_change_password {
                "/account/password".to_owned()
            } else {
                safe_next(f.next.as_deref())
            };
            let mut res = Redirect::to(&target).into_response();
            if let Ok(v) = session_cookie(&out.token, max_age).parse() {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => {
            let tr = crate::i18n::Tr(lang);
            let msg = match &e {
                ServiceError::Throttled { retry_after_secs } => tr.t1("login-throttled", "minutes", (retry_after_secs + 59) / 60),
                ServiceError::BadCredentials => tr.t("login-failed"),
                _ => return PageError(e).into_response(),
            };
            let status = if matches!(e, ServiceError::Throttled { .. }) {
                axum::http::StatusCode::TOO_MANY_REQUESTS
            } else {
                axum::http::StatusCode::UNAUTHORIZED
            };
            let page = PageCtx::anonymous(&s, lang).await;
            let body = render(&LoginPage {
                page,
                error: Some(msg),
                username: f.username,
                next: safe_next(f.next.as_deref()),
            });
            (status, body).into_response()
        }
    }
}

async fn logout(State(s): State<AppState>, ctx: Ctx) -> Response {
    if let Err(e) = s.services.logout(&ctx.caller).await {
        tracing::warn!(error = %e, "logout failed");
    }
    let mut res = Redirect::to("/login").into_response();
    if let Ok(v) = session_cookie("", 0).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Sets the language of the login page (a cookie; logged-in users use their profile).
async fn set_lang(axum::extract::Path(lang): axum::extract::Path<String>, Query(q): Query<NextQuery>) -> Response {
    let lang = Lang::parse(&lang).unwrap_or_default();
    let mut res = Redirect::to(&safe_next(q.next.as_deref())).into_response();
    if let Ok(v) = format!("{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000", lang.as_str()).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize)]
struct FlashQuery {
    flash: Option<String>,
}

async fn home(State(s): State<AppState>, ctx: Ctx, Query(q): Query<FlashQuery>) -> Response {
    let page = PageCtx::new(&s, &ctx, "/").await.with_flash(q.flash.as_deref());
    let tr = ctx.tr();
    let date = s.services.today();
    let weekday = tr.t(&format!("weekday-{}", date.weekday().to_monday_one_offset()));
    let today = tr.t_args(
        "home-today",
        &[("weekday", weekday), ("date", medops_domain::clock::format_date(date))],
    );
    let mut tiles = Vec::new();
    for item in page.nav_items() {
        let (desc, icon) = match item.href {
            "/waiting-room" => ("home-desc-waiting-room", ICON_WAITING),
            "/patients" => ("home-desc-patients", ICON_PATIENTS),
            "/icd11" => ("home-desc-icd11", ICON_ICD),
            "/admin/users" => ("home-desc-users", ICON_USERS),
            "/admin/settings" => ("home-desc-settings", ICON_SETTINGS),
            "/admin/audit" => ("home-desc-audit", ICON_AUDIT),
            _ => continue,
        };
        let (mut stat, mut hot) = (None, false);
        if item.href == "/waiting-room" {
            // A figure is a nicety: the page still works if the waiting room cannot be read.
            if let Ok(entries) = s.services.waiting_room(&ctx.caller).await {
                let waiting = entries.iter().filter(|e| e.status == "waiting").count();
                let seeing = entries.iter().filter(|e| e.status == "in_consultation").count();
                let mut text = tr.t1("home-waiting-now", "count", waiting);
                if seeing > 0 {
                    text.push_str(" · ");
                    text.push_str(&tr.t1("home-in-consultation-now", "count", seeing));
                }
                stat = Some(text);
                hot = waiting > 0;
            }
        }
        tiles.push(Tile {
            href: item.href,
            title: tr.t(item.key),
            text: tr.t(desc),
            icon,
            stat,
            hot,
        });
    }
    tiles.push(Tile {
        href: "/account",
        title: tr.t("nav-account"),
        text: tr.t("home-desc-account"),
        icon: ICON_ACCOUNT,
        stat: None,
        hot: false,
    });
    render(&HomePage {
        page,
        full_name: ctx.caller.actor.full_name.clone(),
        today,
        tiles,
    })
}

async fn password_page(State(s): State<AppState>, ctx: Ctx) -> Response {
    let page = PageCtx::new(&s, &ctx, "/account").await;
    render(&PasswordPage {
        page,
        must_change: ctx.caller.actor.must_change_password,
        errors: HashMap::new(),
    })
}

#[derive(Deserialize)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

async fn password_submit(State(s): State<AppState>, ctx: Ctx, Form(f): Form<PasswordForm>) -> Response {
    let tr = ctx.tr();
    let result = if f.new_password != f.confirm_password {
        let mut m = HashMap::new();
        m.insert("confirm_password".to_owned(), tr.t("password-mismatch"));
        Err(m)
    } else {
        s.services
            .change_password(&ctx.caller, &f.current_password, &f.new_password)
            .await
            .map_err(|e| field_errors(tr, &e))
    };
    match result {
        Ok(()) => Redirect::to("/?flash=flash-password-changed").into_response(),
        Err(errors) => {
            let page = PageCtx::new(&s, &ctx, "/account").await;
            let res = render(&PasswordPage {
                page,
                must_change: ctx.caller.actor.must_change_password,
                errors,
            });
            (axum::http::StatusCode::UNPROCESSABLE_ENTITY, res).into_response()
        }
    }
}

async fn account_page(State(s): State<AppState>, ctx: Ctx, Query(q): Query<FlashQuery>) -> Response {
    let page = PageCtx::new(&s, &ctx, "/account").await.with_flash(q.flash.as_deref());
    render(&AccountPage { page })
}

#[derive(Deserialize)]
struct AccountForm {
    language: String,
}

async fn account_submit(State(s): State<AppState>, ctx: Ctx, Form(f): Form<AccountForm>) -> PageResult<Redirect> {
    let lang = Lang::parse(&f.language).ok_or_else(|| ServiceError::invalid("language", "err-language"))?;
    s.services.set_own_language(&ctx.caller, lang).await?;
    Ok(Redirect::to("/account?flash=flash-saved"))
}

pub fn public() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_submit))
        .route("/lang/{lang}", get(set_lang))
}

pub fn protected() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/logout", post(logout))
        .route("/account", get(account_page).post(account_submit))
        .route("/account/password", get(password_page).post(password_submit))
}
