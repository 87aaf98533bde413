//! JSON API under `/api/v1`. One module per area, each with a `routes()` function;
//! the OpenAPI document is generated from the handlers' annotations.

pub mod audit;
pub mod auth;
pub mod icd11;
pub mod patients;
pub mod settings;
pub mod users;
pub mod visits;

use axum::middleware::from_fn;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::ctx::require_api_auth;

#[derive(OpenApi)]
#[openapi(
    info(title = "MedOps API", description = "Clinical consultation management. Errors use `{\"error\": {\"code\", \"message\", \"fields\"}}`; messages follow `Accept-Language` (es, en)."),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(crate::error::ErrorBody))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// A page of a list (spec §13).
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// `?page=&per_page=` (per_page ≤ 100).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl PageParams {
    pub fn page(&self) -> i64 {
        self.page.unwrap_or(1).max(1)
    }
    pub fn per_page(&self, default: i64) -> i64 {
        self.per_page.unwrap_or(default).clamp(1, 100)
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    let protected = OpenApiRouter::new()
        .merge(auth::protected())
        .merge(users::routes())
        .merge(settings::routes())
        .merge(audit::routes())
        .merge(patients::routes())
        .merge(icd11::routes())
        .merge(visits::routes())
        .route_layer(from_fn(require_api_auth));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::public())
        .merge(protected)
}
