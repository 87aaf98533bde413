//! MedOps web layer: the JSON API under `/api/v1` (with its OpenAPI document) and
//! the server-rendered UI. Handlers extract, call one service, render.
//!
//! Architecture invariant: this crate never talks to storage; permission checks and
//! audit writes happen in `medops-services`.

pub mod api;
pub mod assets;
pub mod ctx;
pub mod error;
pub mod i18n;
pub mod pages;

use axum::Router;
use axum::middleware::from_fn_with_state;
use medops_services::Services;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
}

/// The whole application: API, pages, assets, health.
pub fn app(services: Services) -> Router {
    let state = AppState { services };
    let (api, openapi) = api::router().split_for_parts();
    let openapi = std::sync::Arc::new(openapi);
    Router::new()
        .merge(api)
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .merge(pages::router(state.clone()))
        .merge(assets::router())
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/readyz", axum::routing::get(readyz))
        .layer(from_fn_with_state(state.clone(), ctx::context))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

async fn readyz(axum::extract::State(state): axum::extract::State<AppState>) -> (axum::http::StatusCode, &'static str) {
    if state.services.ready().await {
        (axum::http::StatusCode::OK, "ready")
    } else {
        (axum::http::StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}
