//! Per-request context: request id, client, session or bearer token, language and
//! CSRF check, plus the one place where errors are rendered in the request's language.

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use medops_domain::{Invalid, Lang};
use medops_services::{Caller, RequestMeta, ServiceError};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::{ApiError, PendingError, body_of, status_of};
use crate::i18n::Tr;

pub const SESSION_COOKIE: &str = "medops_session";
pub const LANG_COOKIE: &str = "medops_lang";

/// An authenticated request: who, from where, in which language.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub caller: Caller,
    pub lang: Lang,
}

impl Ctx {
    pub fn tr(&self) -> Tr {
        Tr(self.lang)
    }
}

/// The language chosen for this request (present on every request).
#[derive(Clone, Copy, Debug)]
pub struct ReqLang(pub Lang);

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(name).and_then(|r| r.strip_prefix('=')))
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Reads `_csrf` from a query string or an urlencoded body.
fn form_field(raw: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(raw)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Outermost middleware: builds the request context and renders pending errors.
pub async fn context(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let meta = RequestMeta {
        request_id: {
            let mut b = [0u8; 8];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut b);
            hex::encode(b)
        },
        ip: parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_default(),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect())
            .unwrap_or_default(),
    };
    let api = is_api(parts.uri.path());
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    let via_cookie = bearer.is_none();
    let token = bearer.or_else(|| cookie(&parts.headers, SESSION_COOKIE).map(str::to_owned));
    let actor = match token {
        Some(t) if !t.is_empty() => state.services.authenticate(&t).await.ok(),
        _ => None,
    };
    let accept = parts
        .headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language);
    let chosen = cookie(&parts.headers, LANG_COOKIE).and_then(Lang::parse);
    let user_lang = actor.as_ref().and_then(|a| a.lang);
    let default = state.services.config().default_lang;
    // API clients: Accept-Language, then the user's, then the clinic's. The UI (pages, and the
    // API calls its scripts make with the session cookie): the user's choice first.
    let lang = if api && !via_cookie {
        accept.or(user_lang)
    } else {
        user_lang.or(chosen)
    }
    .unwrap_or(default);
    let tr = Tr(lang);

    let mut body = body;
    if let Some(actor) = &actor {
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if via_cookie && unsafe_method {
            let mut provided = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_owned);
            if provided.is_none() {
                provided = parts.uri.query().and_then(|q| form_field(q.as_bytes(), "_csrf"));
            }
            let is_form = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
            if provided.is_none() && is_form {
                let bytes = match axum::body::to_bytes(body, 1024 * 1024).await {
                    Ok(b) => b,
                    Err(_) => return render(&ServiceError::BadRequest { key: "err-too-large" }, !api, tr, &meta.request_id),
                };
                provided = form_field(&bytes, "_csrf");
                body = Body::from(bytes);
            }
            if provided.as_deref() != Some(actor.csrf_token.as_str()) {
                return render_csrf(api, tr);
            }
        }
        parts.extensions.insert(Ctx {
            caller: Caller {
                actor: actor.clone(),
                meta: meta.clone(),
            },
            lang,
        });
    }
    parts.extensions.insert(meta.clone());
    parts.extensions.insert(ReqLang(lang));
    let res = next.run(Request::from_parts(parts, body)).await;
    finish(res, api, tr, &meta.request_id)
}

fn render_csrf(api: bool, tr: Tr) -> Response {
    if api {
        let body = crate::error::ErrorBody {
            error: crate::error::ErrorDetail {
                code: "csrf".into(),
                message: tr.t("err-csrf"),
                fields: Default::default(),
                request_id: None,
            },
        };
        (StatusCode::FORBIDDEN, axum::Json(body)).into_response()
    } else {
        (StatusCode::FORBIDDEN, Html(crate::pages::error_page(tr, &tr.t("err-csrf")))).into_response()
    }
}

/// Turns a pending error (or a bare framework error on an API path) into a body.
fn finish(mut res: Response, api: bool, tr: Tr, request_id: &str) -> Response {
    if let Some(p) = res.extensions_mut().remove::<PendingError>() {
        // A page route whose extractor failed still answers with a page.
        let mut out = render(&p.error, p.html || !api, tr, request_id);
        if let Some(v) = res.headers().get(header::RETRY_AFTER) {
            out.headers_mut().insert(header::RETRY_AFTER, v.clone());
        }
        return out;
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let bare = res.headers().get(header::CONTENT_TYPE).is_none();
    if !api && bare && res.status() == StatusCode::NOT_FOUND {
        return (StatusCode::NOT_FOUND, Html(crate::pages::error_page(tr, &tr.t("error-not-found")))).into_response();
    }
    // Framework-made errors (unknown route, body too large…) get the API's error shape too.
    if api && !is_json && (res.status().is_client_error() || res.status().is_server_error()) {
        let e = match res.status() {
            StatusCode::NOT_FOUND => ServiceError::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ServiceError::BadRequest { key: "err-method" },
            StatusCode::PAYLOAD_TOO_LARGE | StatusCode::URI_TOO_LONG => ServiceError::BadRequest { key: "err-too-large" },
            StatusCode::BAD_REQUEST => ServiceError::BadRequest { key: "err-malformed" },
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ServiceError::BadRequest {
                key: "err-unsupported-media",
            },
            _ => return res,
        };
        let status = res.status();
        let mut out = render(&e, false, tr, request_id);
        *out.status_mut() = status;
        return out;
    }
    res
}

fn render(e: &ServiceError, html: bool, tr: Tr, request_id: &str) -> Response {
    if let ServiceError::Internal(cause) = e {
        tracing::error!(request_id, cause = %cause, "internal error");
    }
    let status = status_of(e);
    if html {
        match e {
            ServiceError::Unauthenticated => return Redirect::to("/login").into_response(),
            _ => {
                let msg = match e {
                    ServiceError::NotFound => tr.t("error-not-found"),
                    ServiceError::Forbidden => tr.t("error-forbidden"),
                    ServiceError::Internal(_) => tr.t1("error-internal", "id", request_id),
                    other => body_of(other, tr, request_id).error.message,
                };
                return (status, Html(crate::pages::error_page(tr, &msg))).into_response();
            }
        }
    }
    (status, axum::Json(body_of(e, tr, request_id))).into_response()
}

/// API routes: 401 without a valid session or token; 403 while a password change is due.
pub async fn require_api_auth(req: Request, next: Next) -> Response {
    match req.extensions().get::<Ctx>() {
        None => ApiError(ServiceError::Unauthenticated).into_response(),
        Some(c) if c.caller.actor.must_change_password && !req.uri().path().starts_with("/api/v1/auth/") => {
            ApiError(ServiceError::Conflict {
                key: "err-password-change-required",
                args: vec![],
            })
            .into_response()
        }
        Some(_) => next.run(req).await,
    }
}

/// Page routes: redirect to the login page without a session, and to the password
/// page while a change is due.
pub async fn require_page_auth(req: Request, next: Next) -> Response {
    match req.extensions().get::<Ctx>() {
        None => {
            let next_url = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let target = format!("/login?next={}", crate::pages::urlencode(next_url));
            Redirect::to(&target).into_response()
        }
        Some(c) if c.caller.actor.must_change_password && req.uri().path() != "/account/password" && req.uri().path() != "/logout" => {
            Redirect::to("/account/password").into_response()
        }
        Some(_) => next.run(req).await,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or(ApiError(ServiceError::Unauthenticated))
    }
}

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Ctx>().cloned())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<ReqLang>().copied().unwrap_or(ReqLang(Lang::Es)))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestMetaX {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestMetaX(parts.extensions.get::<RequestMeta>().cloned().unwrap_or_default()))
    }
}

/// The request's metadata (for endpoints without a session, e.g. login).
pub struct RequestMetaX(pub RequestMeta);

/// JSON body whose rejections become the spec's error shape: 400 for malformed
/// JSON, 422 naming the field for a wrong type or a missing required field.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(axum::extract::rejection::JsonRejection::JsonDataError(e)) => {
                let text = e.body_text();
                let detail = text.rsplit_once("target type: ").map(|(_, d)| d).unwrap_or(&text);
                let field = detail.split(": ").next().filter(|f| !f.contains(' ')).unwrap_or("body");
                let key = if detail.contains("missing field") {
                    "err-required"
                } else {
                    "err-type"
                };
                let field = if key == "err-required" {
                    detail.split('`').nth(1).unwrap_or(field).to_owned()
                } else {
                    field.to_owned()
                };
                Err(ApiError(ServiceError::Invalid(Invalid::one(field, key))))
            }
            Err(axum::extract::rejection::JsonRejection::BytesRejection(_)) => {
                Err(ApiError(ServiceError::BadRequest { key: "err-too-large" }))
            }
            Err(_) => Err(ApiError(ServiceError::BadRequest { key: "err-malformed" })),
        }
    }
}

/// Query string with the same error mapping.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str::<T>(q).map(ApiQuery).map_err(|e| {
            let msg = e.to_string();
            let field = msg.split('`').nth(1).unwrap_or("query").to_owned();
            ApiError(ServiceError::Invalid(Invalid::one(field, "err-type")))
        })
    }
}

/// Numeric path parameter `{id}`; anything non-numeric is 404 (an id that cannot exist).
pub struct Id(pub i64);

/// Reads the numeric path parameter `name` (for routes with several ids).
pub fn path_id(params: &axum::extract::RawPathParams, name: &str) -> Result<i64, ApiError> {
    params
        .iter()
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .ok_or(ApiError(ServiceError::NotFound))
}

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = axum::extract::RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError(ServiceError::NotFound))?;
        path_id(&params, "id").map(Id)
    }
}
