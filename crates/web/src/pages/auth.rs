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
}

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
    render(&LoginPage { page, error: None, username: String::new(), next: safe_next(q.next.as_deref()) })
}

fn session_cookie(token: &str, max_age: i64) -> String {
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}")
}

async fn login_submit(State(s): State<AppState>, ReqLang(lang): ReqLang, RequestMetaX(meta): RequestMetaX, Form(f): Form<LoginForm>) -> Response {
    match s.services.login(&f.username, &f.password, SessionKind::Web, &meta).await {
        Ok(out) => {
            let max_age = s.services.config().absolute_timeout.as_secs();
            let target = if out.must_change_password { "/account/password".to_owned() } else { safe_next(f.next.as_deref()) };
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
            let body = render(&LoginPage { page, error: Some(msg), username: f.username, next: safe_next(f.next.as_deref()) });
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
    let today = s.services.today().strftime("%d/%m/%Y").to_string();
    render(&HomePage { page, full_name: ctx.caller.actor.full_name.clone(), today })
}

async fn password_page(State(s): State<AppState>, ctx: Ctx) -> Response {
    let page = PageCtx::new(&s, &ctx, "/account").await;
    render(&PasswordPage { page, must_change: ctx.caller.actor.must_change_password, errors: HashMap::new() })
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
        s.services.change_password(&ctx.caller, &f.current_password, &f.new_password).await.map_err(|e| field_errors(tr, &e))
    };
    match result {
        Ok(()) => Redirect::to("/?flash=flash-password-changed").into_response(),
        Err(errors) => {
            let page = PageCtx::new(&s, &ctx, "/account").await;
            let res = render(&PasswordPage { page, must_change: ctx.caller.actor.must_change_password, errors });
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
    Router::new().route("/login", get(login_page).post(login_submit)).route("/lang/{lang}", get(set_lang))
}

pub fn protected() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/logout", post(logout))
        .route("/account", get(account_page).post(account_submit))
        .route("/account/password", get(password_page).post(password_submit))
}
