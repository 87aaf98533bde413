//! Login, logout, own password and profile.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use medops_domain::Lang;
use medops_services::auth::{SessionKind, UserSummary};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::ctx::{ApiJson, Ctx, RequestMetaX};
use crate::error::{ApiResult, ErrorBody};

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token for `Authorization: Bearer <token>`.
    pub token: String,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: jiff::Timestamp,
    pub user: UserOut,
    /// True when the password must be changed (`POST /api/v1/auth/password`) before anything else.
    pub must_change_password: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<medops_domain::Role>,
}

impl From<UserSummary> for UserOut {
    fn from(u: UserSummary) -> Self {
        UserOut {
            id: u.id,
            username: u.username,
            full_name: u.full_name,
            roles: u.roles,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<medops_domain::Role>,
    pub language: Option<String>,
    pub must_change_password: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MeUpdate {
    /// `es` or `en`.
    pub language: String,
}

/// Log in with username and password; returns a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", security(()), request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login(
    State(s): State<AppState>,
    RequestMetaX(meta): RequestMetaX,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let out = s.services.login(&req.username, &req.password, SessionKind::Api, &meta).await?;
    Ok(Json(LoginResponse {
        token: out.token,
        expires_at: out.expires_at,
        user: out.user.into(),
        must_change_password: out.must_change_password,
    }))
}

/// Revoke the current token.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204), (status = 401, body = ErrorBody)))]
async fn logout(State(s): State<AppState>, ctx: Ctx) -> ApiResult<StatusCode> {
    s.services.logout(&ctx.caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change one's own password.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordRequest,
    responses((status = 204), (status = 422, body = ErrorBody)))]
async fn change_password(State(s): State<AppState>, ctx: Ctx, ApiJson(req): ApiJson<PasswordRequest>) -> ApiResult<StatusCode> {
    s.services
        .change_password(&ctx.caller, &req.current_password, &req.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The logged-in user.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", responses((status = 200, body = MeResponse)))]
async fn me(ctx: Ctx) -> Json<MeResponse> {
    let a = ctx.caller.actor;
    Json(MeResponse {
        id: a.user_id,
        username: a.username,
        full_name: a.full_name,
        roles: a.roles,
        language: a.lang.map(|l| l.as_str().to_owned()),
        must_change_password: a.must_change_password,
    })
}

/// Set one's own preferred language.
#[utoipa::path(patch, path = "/api/v1/auth/me", tag = "auth", request_body = MeUpdate, responses((status = 204), (status = 422, body = ErrorBody)))]
async fn update_me(State(s): State<AppState>, ctx: Ctx, ApiJson(req): ApiJson<MeUpdate>) -> ApiResult<StatusCode> {
    let lang = Lang::parse(&req.language).ok_or_else(|| medops_services::ServiceError::invalid("language", "err-language"))?;
    s.services.set_own_language(&ctx.caller, lang).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn public() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login))
}

pub fn protected() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(logout))
        .routes(routes!(change_password))
        .routes(routes!(me, update_me))
}
