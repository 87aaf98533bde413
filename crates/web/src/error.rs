//! HTTP error mapping, done once. Handlers return `ApiError` (JSON) or `PageError`
//! (HTML); both carry the service error, and the response is rendered in the
//! request's language by [`crate::ctx::render_errors`].

use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use medops_services::ServiceError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::Tr;

/// `{"error": {"code", "message", "fields"}}` (spec §13).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code: `validation`, `not_found`, `conflict`, …
    pub code: String,
    /// Human message in the request's language.
    pub message: String,
    /// Per-field reasons, for validation errors.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fields: std::collections::BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

pub fn status_of(e: &ServiceError) -> StatusCode {
    match e {
        ServiceError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        ServiceError::NotFound => StatusCode::NOT_FOUND,
        ServiceError::Forbidden => StatusCode::FORBIDDEN,
        ServiceError::Unauthenticated | ServiceError::BadCredentials => StatusCode::UNAUTHORIZED,
        ServiceError::Conflict { .. } => StatusCode::CONFLICT,
        ServiceError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        ServiceError::BadRequest { .. } => StatusCode::BAD_REQUEST,
        ServiceError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Builds the JSON error body in `tr`'s language.
pub fn body_of(e: &ServiceError, tr: Tr, request_id: &str) -> ErrorBody {
    let mut fields = std::collections::BTreeMap::new();
    let (code, message) = match e {
        ServiceError::Invalid(inv) => {
            for f in &inv.0 {
                fields.entry(f.field.clone()).or_insert_with(|| tr.field_error(f));
            }
            ("validation", tr.t("err-validation"))
        }
        ServiceError::NotFound => ("not_found", tr.t("err-not-found")),
        ServiceError::Forbidden => ("forbidden", tr.t("err-forbidden")),
        ServiceError::Unauthenticated => ("unauthenticated", tr.t("err-unauthenticated")),
        ServiceError::BadCredentials => ("bad_credentials", tr.t("err-bad-credentials")),
        ServiceError::Conflict { key, args } => {
            let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.clone())).collect();
            ("conflict", tr.t_args(key, &args))
        }
        ServiceError::Throttled { retry_after_secs } => ("throttled", tr.t1("err-throttled", "seconds", retry_after_secs)),
        ServiceError::BadRequest { key } => ("bad_request", tr.t(key)),
        ServiceError::Internal(_) => ("internal", tr.t1("err-internal", "id", request_id)),
    };
    let request_id = matches!(e, ServiceError::Internal(_)).then(|| request_id.to_owned());
    ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message,
            fields,
            request_id,
        },
    }
}

/// Marker put in a response's extensions so the error renderer can translate it.
#[derive(Debug, Clone)]
pub struct PendingError {
    pub error: Arc<ServiceError>,
    pub html: bool,
}

/// Error of a JSON API handler.
#[derive(Debug)]
pub struct ApiError(pub ServiceError);

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        pending(self.0, false)
    }
}

/// Error of an HTML page handler.
#[derive(Debug)]
pub struct PageError(pub ServiceError);

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        pending(self.0, true)
    }
}

fn pending(e: ServiceError, html: bool) -> Response {
    let status = status_of(&e);
    let mut res = status.into_response();
    if let ServiceError::Throttled { retry_after_secs } = &e
        && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res.extensions_mut().insert(PendingError { error: Arc::new(e), html });
    res
}

pub type ApiResult<T> = Result<T, ApiError>;
pub type PageResult<T> = Result<T, PageError>;
