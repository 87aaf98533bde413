//! Administration pages: users and roles, clinic settings and logo, doctor
//! profiles, and the audit log. Permission checks live in the services; these
//! handlers only extract, call, and render.

use std::collections::HashMap;

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use medops_domain::clock::ClinicTz;
use medops_domain::{Lang, Role};
use medops_services::ServiceError;
use medops_services::audit::AuditView;
use medops_services::settings::{DoctorProfileInput, DoctorView, InstitutionInput};
use medops_services::types::InstitutionRow;
use medops_services::users::{NewUserCmd, UserView};
use serde::{Deserialize, Serialize};

use super::{PageCtx, field_errors, render, urlencode};
use crate::AppState;
use crate::api::audit::AuditQuery;
use crate::ctx::{Ctx, Id};
use crate::error::{PageError, PageResult};
use crate::i18n::Tr;

/// Urlencoded form as name/value pairs (checkbox groups repeat a name).
type Pairs = Vec<(String, String)>;

fn one(p: &Pairs, name: &str) -> String {
    p.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
}

fn all(p: &Pairs, name: &str) -> Vec<String> {
    p.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
}

/// How a failed form is shown: field errors (422), a conflict alert (409), or the error page.
enum Failure {
    Fields(HashMap<String, String>),
    Alert(String),
}

fn failure(tr: Tr, e: ServiceError) -> Result<(StatusCode, Failure), PageError> {
    match &e {
        ServiceError::Invalid(_) => Ok((StatusCode::UNPROCESSABLE_ENTITY, Failure::Fields(field_errors(tr, &e)))),
        ServiceError::Conflict { key, args } => {
            let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.clone())).collect();
            Ok((StatusCode::CONFLICT, Failure::Alert(tr.t_args(key, &args))))
        }
        _ => Err(PageError(e)),
    }
}

fn role_label(tr: Tr, r: Role) -> String {
    tr.t(&format!("role-{}", r.as_str()))
}

#[derive(Deserialize)]
struct FlashQuery {
    flash: Option<String>,
}

// ---------------------------------------------------------------- users

/// A user as the tables show it.
struct UserRow {
    id: i64,
    username: String,
    full_name: String,
    roles: Vec<String>,
    active: bool,
    must_change_password: bool,
    language: String,
}

impl UserRow {
    fn new(tr: Tr, u: &UserView) -> UserRow {
        UserRow {
            id: u.id,
            username: u.username.clone(),
            full_name: u.full_name.clone(),
            roles: u.roles.iter().map(|r| role_label(tr, *r)).collect(),
            active: u.active,
            must_change_password: u.must_change_password,
            language: match u.language.as_deref().and_then(Lang::parse) {
                Some(l) => tr.t(&format!("lang-{}", l.as_str())),
                None => tr.t("adm-lang-default"),
            },
        }
    }
}

/// A role checkbox: value, label, checked.
struct RoleChoice {
    value: &'static str,
    label: String,
    checked: bool,
}

fn role_choices(tr: Tr, checked: &[String]) -> Vec<RoleChoice> {
    Role::ALL
        .into_iter()
        .map(|r| RoleChoice {
            value: r.as_str(),
            label: role_label(tr, r),
            checked: checked.iter().any(|c| c == r.as_str()),
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
struct NewUserForm {
    username: String,
    full_name: String,
    roles: Vec<String>,
    language: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    page: PageCtx,
    users: Vec<UserRow>,
    form: NewUserForm,
    roles: Vec<RoleChoice>,
    errors: HashMap<String, String>,
    error: Option<String>,
}

impl UsersPage {
    fn err(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }
}

async fn users_page(State(s): State<AppState>, ctx: Ctx, Query(q): Query<FlashQuery>) -> PageResult<Response> {
    let users = s.services.users_list(&ctx.caller).await?;
    let tr = ctx.tr();
    let page = PageCtx::new(&s, &ctx, "/admin/users").await.with_flash(q.flash.as_deref());
    let form = NewUserForm::default();
    Ok(render(&UsersPage {
        page,
        users: users.iter().map(|u| UserRow::new(tr, u)).collect(),
        roles: role_choices(tr, &form.roles),
        form,
        errors: HashMap::new(),
        error: None,
    }))
}

async fn users_create(State(s): State<AppState>, ctx: Ctx, Form(p): Form<Pairs>) -> PageResult<Response> {
    let tr = ctx.tr();
    let form = NewUserForm {
        username: one(&p, "username"),
        full_name: one(&p, "full_name"),
        roles: all(&p, "roles"),
        language: one(&p, "language"),
    };
    let cmd = NewUserCmd {
        username: form.username.clone(),
        full_name: form.full_name.clone(),
        password: one(&p, "password"),
        roles: form.roles.clone(),
        language: Some(form.language.clone()),
    };
    let err = match s.services.user_create(&ctx.caller, cmd).await {
        Ok(u) => return Ok(Redirect::to(&format!("/admin/users/{}?flash=flash-user-created", u.id)).into_response()),
        Err(e) => e,
    };
    let (status, f) = match err {
        // A taken username belongs next to the username field.
        ServiceError::Conflict {
            key: "err-username-taken", ..
        } => (
            StatusCode::CONFLICT,
            Failure::Fields(HashMap::from([("username".to_owned(), tr.t("err-username-taken"))])),
        ),
        other => failure(tr, other)?,
    };
    let (errors, error) = match f {
        Failure::Fields(m) => (m, Some(tr.t("err-validation"))),
        Failure::Alert(a) => (HashMap::new(), Some(a)),
    };
    let users = s.services.users_list(&ctx.caller).await?;
    let page = PageCtx::new(&s, &ctx, "/admin/users").await;
    let body = render(&UsersPage {
        page,
        users: users.iter().map(|u| UserRow::new(tr, u)).collect(),
        roles: role_choices(tr, &form.roles),
        form,
        errors,
        error,
    });
    Ok((status, body).into_response())
}

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage {
    page: PageCtx,
    u: UserRow,
    is_self: bool,
    roles: Vec<RoleChoice>,
    errors: HashMap<String, String>,
    error: Option<String>,
}

impl UserPage {
    fn err(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }
}

async fn user_page_render(s: &AppState, ctx: &Ctx, id: i64, flash: Option<&str>, f: Option<Failure>) -> PageResult<Response> {
    let u = s.services.user_get(&ctx.caller, id).await?;
    let tr = ctx.tr();
    let page = PageCtx::new(s, ctx, "/admin/users").await.with_flash(flash);
    let checked: Vec<String> = u.roles.iter().map(|r| r.as_str().to_owned()).collect();
    let (errors, error) = match f {
        Some(Failure::Fields(m)) => (m, Some(tr.t("err-validation"))),
        Some(Failure::Alert(a)) => (HashMap::new(), Some(a)),
        None => (HashMap::new(), None),
    };
    Ok(render(&UserPage {
        page,
        is_self: ctx.caller.actor.user_id == id,
        roles: role_choices(tr, &checked),
        u: UserRow::new(tr, &u),
        errors,
        error,
    }))
}

async fn user_page(State(s): State<AppState>, ctx: Ctx, Id(id): Id, Query(q): Query<FlashQuery>) -> PageResult<Response> {
    user_page_render(&s, &ctx, id, q.flash.as_deref(), None).await
}

/// After a user action: redirect with a flash, or the user page again with the error.
async fn user_outcome<T>(s: &AppState, ctx: &Ctx, id: i64, r: Result<T, ServiceError>, flash: &str) -> PageResult<Response> {
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/admin/users/{id}?flash={flash}")).into_response()),
        Err(e) => {
            let (status, f) = failure(ctx.tr(), e)?;
            let body = user_page_render(s, ctx, id, None, Some(f)).await?;
            Ok((status, body).into_response())
        }
    }
}

async fn user_roles(State(s): State<AppState>, ctx: Ctx, Id(id): Id, Form(p): Form<Pairs>) -> PageResult<Response> {
    let r = s.services.user_set_roles(&ctx.caller, id, &all(&p, "roles")).await;
    user_outcome(&s, &ctx, id, r, "flash-roles-saved").await
}

async fn user_active(State(s): State<AppState>, ctx: Ctx, Id(id): Id, Form(p): Form<Pairs>) -> PageResult<Response> {
    let active = one(&p, "active") == "true";
    let r = s.services.user_set_active(&ctx.caller, id, active).await;
    user_outcome(&s, &ctx, id, r, if active { "flash-user-enabled" } else { "flash-user-disabled" }).await
}

async fn user_password(State(s): State<AppState>, ctx: Ctx, Id(id): Id, Form(p): Form<Pairs>) -> PageResult<Response> {
    let r = s.services.user_reset_password(&ctx.caller, id, &one(&p, "password")).await;
    user_outcome(&s, &ctx, id, r, "flash-password-reset").await
}

// ---------------------------------------------------------------- settings

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct InstitutionForm {
    name: String,
    legal_name: String,
    rif: String,
    address: String,
    phone: String,
    email: String,
    footer: String,
    paper_size: String,
    chart_access: String,
}

impl From<&InstitutionRow> for InstitutionForm {
    fn from(r: &InstitutionRow) -> Self {
        InstitutionForm {
            name: r.name.clone(),
            legal_name: r.legal_name.clone(),
            rif: r.rif.clone(),
            address: r.address.clone(),
            phone: r.phone.clone(),
            email: r.email.clone(),
            footer: r.footer.clone(),
            paper_size: r.paper_size.clone(),
            chart_access: r.chart_access.clone(),
        }
    }
}

/// A doctor as the settings page lists them.
struct DoctorRow {
    id: i64,
    full_name: String,
    specialties: Vec<String>,
    consulting_room: String,
    default_minutes: i32,
    active: bool,
}

fn specialty_name(tr: Tr, s: &medops_services::types::SpecialtyRow) -> String {
    if tr.0 == Lang::En { s.name_en.clone() } else { s.name_es.clone() }
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    page: PageCtx,
    form: InstitutionForm,
    has_logo: bool,
    logo_version: i64,
    errors: HashMap<String, String>,
    error: Option<String>,
    doctors: Vec<DoctorRow>,
    /// (value, label) of the select boxes.
    paper_sizes: Vec<(&'static str, String)>,
    chart_modes: Vec<(&'static str, String)>,
}

impl SettingsPage {
    fn err(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }
    /// Value of a text field, by name (kept after a failed submit).
    fn val(&self, name: &str) -> &str {
        let f = &self.form;
        match name {
            "name" => &f.name,
            "legal_name" => &f.legal_name,
            "rif" => &f.rif,
            "address" => &f.address,
            "phone" => &f.phone,
            "email" => &f.email,
            "footer" => &f.footer,
            _ => "",
        }
    }
}

async fn settings_render(
    s: &AppState,
    ctx: &Ctx,
    form: Option<InstitutionForm>,
    flash: Option<&str>,
    errors: HashMap<String, String>,
) -> PageResult<Response> {
    let inst = s.services.institution_for_edit(&ctx.caller).await?;
    let tr = ctx.tr();
    let doctors = s.services.doctors().await?;
    let page = PageCtx::new(s, ctx, "/admin/settings").await.with_flash(flash);
    let error = (!errors.is_empty()).then(|| tr.t("err-validation"));
    Ok(render(&SettingsPage {
        page,
        form: form.unwrap_or_else(|| InstitutionForm::from(&inst)),
        has_logo: inst.logo_mime.is_some(),
        logo_version: inst.updated_at,
        errors,
        error,
        doctors: doctors
            .iter()
            .map(|d: &DoctorView| DoctorRow {
                id: d.id,
                full_name: d.full_name.clone(),
                specialties: d.specialties.iter().map(|x| specialty_name(tr, x)).collect(),
                consulting_room: d.consulting_room.clone(),
                default_minutes: d.default_minutes,
                active: d.active,
            })
            .collect(),
        paper_sizes: ["a4", "letter", "half_letter"]
            .into_iter()
            .map(|v| (v, tr.t(&format!("adm-paper-{v}"))))
            .collect(),
        chart_modes: ["clinic", "assigned"]
            .into_iter()
            .map(|v| (v, tr.t(&format!("adm-chart-{v}"))))
            .collect(),
    }))
}

async fn settings_page(State(s): State<AppState>, ctx: Ctx, Query(q): Query<FlashQuery>) -> PageResult<Response> {
    settings_render(&s, &ctx, None, q.flash.as_deref(), HashMap::new()).await
}

async fn settings_submit(State(s): State<AppState>, ctx: Ctx, Form(f): Form<InstitutionForm>) -> PageResult<Response> {
    let input = InstitutionInput {
        name: Some(f.name.clone()),
        legal_name: Some(f.legal_name.clone()),
        rif: Some(f.rif.clone()),
        address: Some(f.address.clone()),
        phone: Some(f.phone.clone()),
        email: Some(f.email.clone()),
        footer: Some(f.footer.clone()),
        paper_size: Some(f.paper_size.clone()),
        chart_access: Some(f.chart_access.clone()),
    };
    match s.services.institution_update(&ctx.caller, input).await {
        Ok(_) => Ok(Redirect::to("/admin/settings?flash=flash-saved").into_response()),
        Err(e) => match failure(ctx.tr(), e)? {
            (status, Failure::Fields(errors)) => Ok((status, settings_render(&s, &ctx, Some(f), None, errors).await?).into_response()),
            (status, Failure::Alert(a)) => {
                let errors = HashMap::from([("form".to_owned(), a)]);
                Ok((status, settings_render(&s, &ctx, Some(f), None, errors).await?).into_response())
            }
        },
    }
}

/// Reads the `logo` file part; `Err` is the field error to show.
async fn logo_bytes(mp: Result<Multipart, MultipartRejection>) -> Result<Vec<u8>, ServiceError> {
    let too_large = || {
        ServiceError::Invalid(medops_domain::Invalid(vec![
            medops_domain::FieldError::new("logo", "err-file-too-large").arg("max", "2 MiB"),
        ]))
    };
    let mut mp = mp.map_err(|_| ServiceError::invalid("logo", "err-required"))?;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) if field.name() == Some("logo") => {
                let bytes = field.bytes().await.map_err(|_| too_large())?;
                if bytes.is_empty() {
                    return Err(ServiceError::invalid("logo", "err-required"));
                }
                return Ok(bytes.to_vec());
            }
            Ok(Some(_)) => {}
            Ok(None) => return Err(ServiceError::invalid("logo", "err-required")),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => return Err(ServiceError::invalid("logo", "err-required")),
        }
    }
}

async fn logo_submit(State(s): State<AppState>, ctx: Ctx, mp: Result<Multipart, MultipartRejection>) -> PageResult<Response> {
    let result = match logo_bytes(mp).await {
        Ok(bytes) => s.services.institution_set_logo(&ctx.caller, &bytes).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/admin/settings?flash=flash-logo-saved").into_response()),
        Err(e) => match failure(ctx.tr(), e)? {
            (status, Failure::Fields(errors)) => Ok((status, settings_render(&s, &ctx, None, None, errors).await?).into_response()),
            (status, Failure::Alert(a)) => {
                let errors = HashMap::from([("logo".to_owned(), a)]);
                Ok((status, settings_render(&s, &ctx, None, None, errors).await?).into_response())
            }
        },
    }
}

// ---------------------------------------------------------------- doctors

struct SpecialtyChoice {
    id: i64,
    name: String,
    checked: bool,
}

#[derive(Debug, Clone, Default)]
struct DoctorForm {
    cedula: String,
    colegiado: String,
    mpps: String,
    consulting_room: String,
    default_minutes: String,
}

#[derive(Template)]
#[template(path = "admin/doctor.html")]
struct DoctorPage {
    page: PageCtx,
    id: i64,
    full_name: String,
    form: DoctorForm,
    specialties: Vec<SpecialtyChoice>,
    errors: HashMap<String, String>,
    error: Option<String>,
}

impl DoctorPage {
    fn err(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }
}

async fn doctor_render(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    kept: Option<(DoctorForm, Vec<i64>)>,
    flash: Option<&str>,
    errors: HashMap<String, String>,
) -> PageResult<Response> {
    let d = s.services.doctor_for_edit(&ctx.caller, id).await?;
    let tr = ctx.tr();
    let (form, chosen) = kept.unwrap_or_else(|| {
        (
            DoctorForm {
                cedula: d.cedula.clone().unwrap_or_default(),
                colegiado: d.colegiado.clone(),
                mpps: d.mpps.clone(),
                consulting_room: d.consulting_room.clone(),
                default_minutes: d.default_minutes.to_string(),
            },
            d.specialties.iter().map(|x| x.id).collect(),
        )
    });
    let mut specialties: Vec<SpecialtyChoice> = s
        .services
        .specialties()
        .await?
        .iter()
        .map(|x| SpecialtyChoice {
            id: x.id,
            name: specialty_name(tr, x),
            checked: chosen.contains(&x.id),
        })
        .collect();
    specialties.sort_by(|a, b| a.name.cmp(&b.name));
    let active = if ctx.caller.actor.can(medops_domain::Capability::ManageSettings) {
        "/admin/settings"
    } else {
        "/"
    };
    let page = PageCtx::new(s, ctx, active).await.with_flash(flash);
    let error = (!errors.is_empty()).then(|| tr.t("err-validation"));
    Ok(render(&DoctorPage {
        page,
        id,
        full_name: d.full_name,
        form,
        specialties,
        errors,
        error,
    }))
}

async fn doctor_page(State(s): State<AppState>, ctx: Ctx, Id(id): Id, Query(q): Query<FlashQuery>) -> PageResult<Response> {
    doctor_render(&s, &ctx, id, None, q.flash.as_deref(), HashMap::new()).await
}

async fn doctor_submit(State(s): State<AppState>, ctx: Ctx, Id(id): Id, Form(p): Form<Pairs>) -> PageResult<Response> {
    let tr = ctx.tr();
    let form = DoctorForm {
        cedula: one(&p, "cedula"),
        colegiado: one(&p, "colegiado"),
        mpps: one(&p, "mpps"),
        consulting_room: one(&p, "consulting_room"),
        default_minutes: one(&p, "default_minutes"),
    };
    let mut errors = HashMap::new();
    let minutes = match form.default_minutes.trim().parse::<i32>() {
        Ok(m) => Some(m),
        Err(_) => {
            errors.insert("default_minutes".to_owned(), tr.t("err-type"));
            None
        }
    };
    let mut ids = Vec::new();
    for raw in all(&p, "specialty_ids") {
        match raw.parse::<i64>() {
            Ok(v) => ids.push(v),
            Err(_) => {
                errors.insert("specialty_ids".to_owned(), tr.t("err-choice"));
            }
        }
    }
    if errors.is_empty() {
        let input = DoctorProfileInput {
            cedula: Some(form.cedula.clone()),
            colegiado: Some(form.colegiado.clone()),
            mpps: Some(form.mpps.clone()),
            consulting_room: Some(form.consulting_room.clone()),
            default_minutes: minutes,
            specialty_ids: Some(ids.clone()),
        };
        match s.services.doctor_update(&ctx.caller, id, input).await {
            Ok(_) => return Ok(Redirect::to(&format!("/admin/doctors/{id}?flash=flash-saved")).into_response()),
            Err(e) => match failure(tr, e)? {
                (_, Failure::Fields(m)) => errors = m,
                (_, Failure::Alert(a)) => {
                    errors.insert("form".to_owned(), a);
                }
            },
        }
    }
    let body = doctor_render(&s, &ctx, id, Some((form, ids)), None, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}

// ---------------------------------------------------------------- audit

const AUDIT_PER_PAGE: i64 = 50;

/// The filter form: every field a string, so empty inputs are "no filter".
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
struct AuditForm {
    from: String,
    to: String,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    patient_id: String,
    outcome: String,
    #[serde(skip_serializing)]
    page: String,
}

impl AuditForm {
    /// The query string of the filters (without the page), for pagination links.
    fn query(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("from", &self.from),
            ("to", &self.to),
            ("actor", &self.actor),
            ("action", &self.action),
            ("entity", &self.entity),
            ("entity_id", &self.entity_id),
            ("patient_id", &self.patient_id),
            ("outcome", &self.outcome),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k, v.as_str()))
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

struct AuditRow {
    seq: i64,
    at: String,
    at_iso: String,
    actor: String,
    roles: String,
    action: String,
    entity: String,
    entity_id: String,
    patient_id: Option<i64>,
    outcome: String,
    severity: String,
    ip: String,
    changes: Option<String>,
}

impl AuditRow {
    fn new(tr: Tr, tz: &ClinicTz, v: AuditView) -> AuditRow {
        let has_changes = match &v.changes {
            serde_json::Value::Object(m) => !m.is_empty(),
            serde_json::Value::Null => false,
            _ => true,
        };
        AuditRow {
            seq: v.seq,
            at: tz.format_datetime(v.at),
            at_iso: v.at.to_string(),
            actor: v.actor_username,
            roles: v
                .actor_roles
                .iter()
                .map(|r| Role::parse(r).map(|r| role_label(tr, r)).unwrap_or_else(|| r.clone()))
                .collect::<Vec<_>>()
                .join(", "),
            action: v.action,
            entity: v.entity,
            entity_id: v.entity_id.unwrap_or_default(),
            patient_id: v.patient_id,
            outcome: v.outcome,
            severity: v.severity,
            ip: v.ip,
            changes: has_changes.then(|| v.changes.to_string()),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: PageCtx,
    f: AuditForm,
    rows: Vec<AuditRow>,
    total: i64,
    current: i64,
    pages: i64,
    query: String,
    errors: HashMap<String, String>,
}

impl AuditPage {
    fn err(&self, name: &str) -> Option<&String> {
        self.errors.get(name)
    }
    fn page_href(&self, n: impl std::borrow::Borrow<i64>) -> String {
        let n = *n.borrow();
        if self.query.is_empty() {
            format!("/admin/audit?page={n}")
        } else {
            format!("/admin/audit?{}&page={n}", self.query)
        }
    }
    /// The text filter fields: (name, input type, value, label, help key).
    fn fields(&self) -> Vec<(&'static str, &'static str, String, String, &'static str)> {
        let f = &self.f;
        [
            ("from", "date", &f.from, ""),
            ("to", "date", &f.to, ""),
            ("actor", "text", &f.actor, ""),
            ("action", "text", &f.action, "adm-audit-action-help"),
            ("entity", "text", &f.entity, ""),
            ("entity_id", "text", &f.entity_id, ""),
            ("patient_id", "text", &f.patient_id, ""),
        ]
        .into_iter()
        .map(|(n, k, v, h)| (n, k, v.clone(), self.page.tr.t(&format!("adm-audit-{n}")), h))
        .collect()
    }
    fn page_info(&self) -> String {
        self.page
            .tr
            .t_args("page-of", &[("page", self.current.to_string()), ("pages", self.pages.to_string())])
    }
    /// Page numbers to show around the current one (0 = a gap).
    fn page_numbers(&self) -> Vec<i64> {
        let mut out = Vec::new();
        for n in 1..=self.pages {
            if n == 1 || n == self.pages || (n - self.current).abs() <= 2 {
                out.push(n);
            } else if out.last() != Some(&0) {
                out.push(0);
            }
        }
        out
    }
    fn chart_href(&self, patient_id: impl std::borrow::Borrow<i64>) -> String {
        let patient_id = *patient_id.borrow();
        format!("/admin/audit?patient_id={patient_id}&action={}", urlencode("patient.read"))
    }
}

async fn audit_page(State(s): State<AppState>, ctx: Ctx, Query(f): Query<AuditForm>) -> PageResult<Response> {
    let tr = ctx.tr();
    let cfg = s.services.config();
    let mut errors = HashMap::new();
    let patient_id = match f.patient_id.trim() {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.insert("patient_id".to_owned(), tr.t("err-type"));
                None
            }
        },
    };
    let q = AuditQuery {
        patient_id,
        entity: Some(f.entity.clone()),
        entity_id: Some(f.entity_id.clone()),
        actor: Some(f.actor.trim().to_lowercase()),
        action: Some(f.action.clone()),
        outcome: Some(f.outcome.clone()),
        from: Some(f.from.clone()),
        to: Some(f.to.clone()),
        page: None,
        per_page: None,
    };
    let mut filter = None;
    for (field, raw, end) in [("from", &f.from, false), ("to", &f.to, true)] {
        if let Err(e) = crate::api::audit::parse_bound(Some(raw), &cfg.tz, end, field) {
            errors.extend(field_errors(tr, &e));
        }
    }
    if errors.is_empty() {
        filter = Some(q.filter(&cfg.tz)?);
    }
    let current = f.page.trim().parse::<i64>().unwrap_or(1).max(1);
    let (items, total) = match &filter {
        Some(filter) => s.services.audit_list(&ctx.caller, filter, current, AUDIT_PER_PAGE).await?,
        // Still checks the permission before showing the form with its errors.
        None => s
            .services
            .audit_list(&ctx.caller, &Default::default(), 1, 1)
            .await
            .map(|_| (Vec::new(), 0))?,
    };
    let tz = ClinicTz::new(&cfg.tz_name).unwrap_or_else(|_| ClinicTz::caracas());
    let page = PageCtx::new(&s, &ctx, "/admin/audit").await;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let tpl = AuditPage {
        page,
        rows: items.into_iter().map(|v| AuditRow::new(ctx.tr(), &tz, v)).collect(),
        total,
        current,
        pages: ((total + AUDIT_PER_PAGE - 1) / AUDIT_PER_PAGE).max(1),
        query: f.query(),
        f,
        errors,
    };
    Ok((status, render(&tpl)).into_response())
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users_page).post(users_create))
        .route("/admin/users/{id}", get(user_page))
        .route("/admin/users/{id}/roles", post(user_roles))
        .route("/admin/users/{id}/active", post(user_active))
        .route("/admin/users/{id}/password", post(user_password))
        .route("/admin/settings", get(settings_page).post(settings_submit))
        .route(
            "/admin/settings/logo",
            post(logo_submit).layer(DefaultBodyLimit::max(3 * 1024 * 1024)),
        )
        .route("/admin/doctors/{id}", get(doctor_page).post(doctor_submit))
        .route("/admin/audit", get(audit_page))
}
