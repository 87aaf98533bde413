//! Static assets compiled into the binary (no CDN, no build step).

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;

const CSS: &str = include_str!("../assets/app.css");
const JS: &str = include_str!("../assets/app.js");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/app.css", get(|| async { asset("text/css; charset=utf-8", CSS) }))
        .route("/static/app.js", get(|| async { asset("text/javascript; charset=utf-8", JS) }))
        .route("/favicon.ico", get(|| async { axum::http::StatusCode::NO_CONTENT }))
}

fn asset(mime: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "public, max-age=3600")],
        body,
    )
}
