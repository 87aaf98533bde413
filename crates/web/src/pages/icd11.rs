//! ICD-11 pages: search (type-ahead + plain GET form) and the chapter → block →
//! category browser (spec §6.4).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use medops_services::icd11::{Icd11Entity, Icd11Item};
use serde::Deserialize;

use super::{PageCtx, render};
use crate::AppState;
use crate::ctx::{Ctx, Id};
use crate::error::PageResult;

/// Results shown by the no-JS search form.
const PAGE_RESULTS: usize = 50;

#[derive(Debug, Default, Deserialize)]
struct SearchQuery {
    q: Option<String>,
}

#[derive(Template)]
#[template(path = "icd11/index.html")]
struct IndexPage {
    page: PageCtx,
    q: String,
    results: Option<Vec<Icd11Item>>,
    chapters: Vec<Icd11Item>,
}

#[derive(Template)]
#[template(path = "icd11/entity.html")]
struct EntityPage {
    page: PageCtx,
    e: Icd11Entity,
}

async fn index(State(s): State<AppState>, ctx: Ctx, Query(p): Query<SearchQuery>) -> PageResult<Response> {
    let q = p.q.unwrap_or_default().trim().to_owned();
    let results = if q.is_empty() {
        None
    } else {
        Some(s.services.icd11_search(&ctx.caller, &q, PAGE_RESULTS).await?)
    };
    let chapters = s.services.icd11_chapters(&ctx.caller).await?;
    let page = PageCtx::new(&s, &ctx, "/icd11").await;
    Ok(render(&IndexPage {
        page,
        q,
        results,
        chapters,
    }))
}

async fn browse(State(s): State<AppState>, ctx: Ctx, Id(id): Id) -> PageResult<Response> {
    let e = s.services.icd11_entity_by_id(&ctx.caller, id).await?;
    let page = PageCtx::new(&s, &ctx, "/icd11").await;
    Ok(render(&EntityPage { page, e }))
}

async fn by_code(State(s): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> PageResult<Response> {
    let e = s.services.icd11_entity(&ctx.caller, &code).await?;
    let page = PageCtx::new(&s, &ctx, "/icd11").await;
    Ok(render(&EntityPage { page, e }))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/icd11", get(index))
        .route("/icd11/browse/{id}", get(browse))
        .route("/icd11/code/{code}", get(by_code))
}
