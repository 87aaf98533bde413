//! Server-rendered pages. Each page struct holds a [`PageCtx`] named `page`, which
//! the base layout reads (language, user, CSRF token, demo banner, navigation).

pub mod admin;
pub mod auth;
pub mod icd11;
pub mod patients;
pub mod visits;

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::middleware::from_fn;
use axum::response::{Html, IntoResponse, Response};
use medops_domain::{Capability, Lang, Role};

use crate::AppState;
use crate::ctx::{Ctx, require_page_auth};
use crate::i18n::Tr;

/// What the base layout needs.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub tr: Tr,
    pub user: Option<UserNav>,
    pub csrf: String,
    pub demo: bool,
    pub clinic: String,
    pub flash: Option<String>,
    /// Path prefix of the active navigation entry.
    pub active: &'static str,
    /// The clinic's IANA time zone, for times formatted by the page's script.
    pub tz: String,
}

#[derive(Debug, Clone)]
pub struct UserNav {
    pub full_name: String,
    pub roles_label: String,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub key: &'static str,
    pub active: bool,
}

impl PageCtx {
    /// Context for a logged-in page. `flash` is a catalogue key from `?flash=`.
    pub async fn new(state: &AppState, ctx: &Ctx, active: &'static str) -> PageCtx {
        let inst = state.services.institution().await.ok();
        let tr = ctx.tr();
        let a = &ctx.caller.actor;
        PageCtx {
            tr,
            user: Some(UserNav {
                full_name: a.full_name.clone(),
                roles_label: a
                    .roles
                    .iter()
                    .map(|r| tr.t(&format!("role-{}", r.as_str())))
                    .collect::<Vec<_>>()
                    .join(" · "),
                roles: a.roles.clone(),
            }),
            csrf: a.csrf_token.clone(),
            demo: inst.as_ref().is_some_and(|i| i.is_demo),
            clinic: inst.map(|i| i.name).unwrap_or_else(|| "MedOps".into()),
            flash: None,
            active,
            tz: state.services.config().tz_name.clone(),
        }
    }

    /// Context for a page without a session (login).
    pub async fn anonymous(state: &AppState, lang: Lang) -> PageCtx {
        let inst = state.services.institution().await.ok();
        PageCtx {
            tr: Tr(lang),
            user: None,
            csrf: String::new(),
            demo: inst.as_ref().is_some_and(|i| i.is_demo),
            clinic: inst.map(|i| i.name).unwrap_or_else(|| "MedOps".into()),
            flash: None,
            active: "",
            tz: state.services.config().tz_name.clone(),
        }
    }

    pub fn with_flash(mut self, key: Option<&str>) -> PageCtx {
        // Only known `flash-…` keys are shown, so a crafted URL cannot inject text.
        self.flash = key
            .filter(|k| k.starts_with("flash-") && k.len() < 60)
            .map(|k| self.tr.t(k))
            .filter(|m| !m.starts_with("flash-"));
        self
    }

    /// `YYYY-MM-DD` as `dd/mm/yyyy`; anything else as it is.
    pub fn date(&self, iso: &str) -> String {
        display_date(iso)
    }

    /// A stored (E.164) phone number as it is written locally (`0414-123.45.67`).
    pub fn phone(&self, stored: &str) -> String {
        display_phone(stored)
    }

    pub fn can(&self, cap: Capability) -> bool {
        self.user.as_ref().is_some_and(|u| cap.allowed_for_any(&u.roles))
    }

    pub fn nav_items(&self) -> Vec<NavItem> {
        // Home is the brand link; the nav lists the work areas only.
        let mut items = vec![("/waiting-room", "nav-waiting-room", self.can(Capability::WaitingRoomRead))];
        items.push(("/patients", "nav-patients", self.can(Capability::PatientRead)));
        items.push(("/icd11", "nav-icd11", self.can(Capability::CatalogueRead)));
        items.push(("/admin/users", "nav-users", self.can(Capability::ManageUsers)));
        items.push(("/admin/settings", "nav-settings", self.can(Capability::ManageSettings)));
        items.push(("/admin/audit", "nav-audit", self.can(Capability::AuditRead)));
        items
            .into_iter()
            .filter(|(_, _, show)| *show)
            .map(|(href, key, _)| NavItem {
                href,
                key,
                active: if href == "/" {
                    self.active == "/"
                } else {
                    self.active.starts_with(href)
                },
            })
            .collect()
    }
}

/// Renders a template, or a plain error if rendering itself fails.
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    page: PageCtx,
    message: &'a str,
}

/// A minimal error page (no database access: it may be rendered while the database is down).
pub fn error_page(tr: Tr, message: &str) -> String {
    let page = PageCtx {
        tr,
        user: None,
        csrf: String::new(),
        demo: false,
        clinic: "MedOps".into(),
        flash: None,
        active: "",
        tz: String::new(),
    };
    ErrorPage { page, message }.render().unwrap_or_else(|_| message.to_owned())
}

/// `YYYY-MM-DD` as `dd/mm/yyyy` (the way dates are written in Venezuela); anything else unchanged.
pub fn display_date(iso: &str) -> String {
    medops_domain::clock::parse_date(iso)
        .map(medops_domain::clock::format_date)
        .unwrap_or_else(|| iso.to_owned())
}

/// A stored phone number in display form (`0414-123.45.67`; foreign numbers in E.164).
pub fn display_phone(stored: &str) -> String {
    medops_domain::phone::Phone::parse(stored)
        .map(|p| p.display())
        .unwrap_or_else(|_| stored.to_owned())
}

/// Percent-encodes a value for a query string.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)])
        .map(|e| e[2..].to_owned())
        .unwrap_or_default()
}

/// Field errors of a failed form, translated, by field name.
pub fn field_errors(tr: Tr, e: &medops_services::ServiceError) -> HashMap<String, String> {
    match e {
        medops_services::ServiceError::Invalid(inv) => {
            let mut m = HashMap::new();
            for f in &inv.0 {
                m.entry(f.field.clone()).or_insert_with(|| tr.field_error(f));
            }
            m
        }
        _ => HashMap::new(),
    }
}

pub fn router(_state: AppState) -> Router<AppState> {
    let protected = Router::new()
        .merge(auth::protected())
        .merge(patients::routes())
        .merge(icd11::routes())
        .merge(visits::routes())
        .merge(admin::routes())
        .route_layer(from_fn(require_page_auth));
    Router::new().merge(auth::public()).merge(protected)
}
