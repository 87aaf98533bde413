//! Admin: users and roles.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use medops_services::users::{NewUserCmd, UserView};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::ctx::{ApiJson, Ctx, Id};
use crate::error::{ApiResult, ErrorBody};

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUser {
    pub username: String,
    pub full_name: Option<String>,
    /// Initial password (≥ 10 characters); the user must change it at first login.
    pub password: String,
    pub roles: Vec<String>,
    pub language: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateUser {
    pub roles: Option<Vec<String>>,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetPassword {
    pub password: String,
}

/// All users.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, body = Vec<UserView>), (status = 403, body = ErrorBody)))]
async fn list_users(State(s): State<AppState>, ctx: Ctx) -> ApiResult<Json<Vec<UserView>>> {
    Ok(Json(s.services.users_list(&ctx.caller).await?))
}

/// Create a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUser,
    responses((status = 201, body = UserView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_user(State(s): State<AppState>, ctx: Ctx, ApiJson(req): ApiJson<CreateUser>) -> ApiResult<(StatusCode, Json<UserView>)> {
    let cmd = NewUserCmd {
        username: req.username,
        full_name: req.full_name.unwrap_or_default(),
        password: req.password,
        roles: req.roles,
        language: req.language,
    };
    Ok((StatusCode::CREATED, Json(s.services.user_create(&ctx.caller, cmd).await?)))
}

/// One user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)), responses((status = 200, body = UserView), (status = 404, body = ErrorBody)))]
async fn get_user(State(s): State<AppState>, ctx: Ctx, Id(id): Id) -> ApiResult<Json<UserView>> {
    Ok(Json(s.services.user_get(&ctx.caller, id).await?))
}

/// Change roles and/or enable/disable. Nobody changes their own roles; the last active admin stays.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)), request_body = UpdateUser,
    responses((status = 200, body = UserView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_user(State(s): State<AppState>, ctx: Ctx, Id(id): Id, ApiJson(req): ApiJson<UpdateUser>) -> ApiResult<Json<UserView>> {
    let mut out = None;
    if let Some(roles) = &req.roles {
        out = Some(s.services.user_set_roles(&ctx.caller, id, roles).await?);
    }
    if let Some(active) = req.active {
        out = Some(s.services.user_set_active(&ctx.caller, id, active).await?);
    }
    match out {
        Some(u) => Ok(Json(u)),
        None => Ok(Json(s.services.user_get(&ctx.caller, id).await?)),
    }
}

/// Set a new password; the user must change it at next login.
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "users", params(("id" = i64, Path)), request_body = ResetPassword,
    responses((status = 204), (status = 422, body = ErrorBody)))]
async fn reset_password(State(s): State<AppState>, ctx: Ctx, Id(id): Id, ApiJson(req): ApiJson<ResetPassword>) -> ApiResult<StatusCode> {
    s.services.user_reset_password(&ctx.caller, id, &req.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
        .routes(routes!(reset_password))
}
