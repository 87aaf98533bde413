//! Patient pages: list and search, the new/edit form, the record.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use medops_domain::Capability;
use medops_domain::patient::{BloodType, HistoryKind, MaritalStatus, PatientInput, Severity, Sex, Tobacco};
use medops_services::ServiceError;
use medops_services::patients::{DuplicateHint, PatientListItem, PatientView};
use medops_services::visits::PatientConsultation;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{PageCtx, display_date, display_phone, field_errors, render, urlencode};
use crate::AppState;
use crate::ctx::{Ctx, Id};
use crate::error::PageResult;
use crate::i18n::Tr;

const PER_PAGE: i64 = 20;
/// Blank allergy / history rows offered below the filled ones.
const BLANK_ROWS: usize = 3;
/// Highest row index accepted from a form.
const MAX_ROWS: usize = 100;

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "patients/list.html")]
struct ListPage {
    page: PageCtx,
    q: String,
    archived: bool,
    items: Vec<PatientListItem>,
    total: i64,
    current: i64,
    pages: i64,
    can_write: bool,
}

impl ListPage {
    fn sex(&self, s: &str) -> String {
        self.page.tr.t(&format!("pt-sex-{s}"))
    }
    fn page_href(&self, n: impl ToString) -> String {
        let n = n.to_string();
        let mut href = format!("/patients?page={n}");
        if !self.q.is_empty() {
            href.push_str(&format!("&q={}", urlencode(&self.q)));
        }
        if self.archived {
            href.push_str("&archived=true");
        }
        href
    }
    /// Page numbers to show, with 0 as a gap.
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
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    q: Option<String>,
    page: Option<String>,
    archived: Option<String>,
    flash: Option<String>,
}

async fn list(State(s): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> PageResult<Response> {
    let current = q.page.as_deref().and_then(|p| p.parse::<i64>().ok()).unwrap_or(1).clamp(1, 100_000);
    let archived = matches!(q.archived.as_deref(), Some("true" | "on" | "1"));
    let text = q.q.clone().unwrap_or_default().trim().to_owned();
    let (mut items, total) = s.services.patient_search(&ctx.caller, &text, archived, current, PER_PAGE).await?;
    for i in &mut items {
        i.localize(ctx.lang);
    }
    let page = PageCtx::new(&s, &ctx, "/patients").await.with_flash(q.flash.as_deref());
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let can_write = ctx.caller.actor.can(Capability::PatientWrite);
    Ok(render(&ListPage {
        page,
        q: text,
        archived,
        items,
        total,
        current,
        pages,
        can_write,
    }))
}

// ---------------------------------------------------------------- form

/// One thing in the form, rendered in order by the template: a section start
/// (`section`), a sub-heading (`sub`), a section end (`end`) or a field.
#[derive(Debug, Clone, Default)]
struct Item {
    tag: &'static str,
    title: String,
    help: String,
    name: String,
    id: String,
    label: String,
    /// Extra screen-reader text for repeated rows ("Alergia 2").
    sr: String,
    /// `text`, `date`, `email`, `tel`, `select`, `textarea`, `checkbox`.
    kind: &'static str,
    value: String,
    error: Option<String>,
    required: bool,
    options: Vec<(String, String)>,
    span: &'static str,
}

#[derive(Template)]
#[template(path = "patients/form.html")]
struct FormPage {
    page: PageCtx,
    /// `None` for a new patient.
    id: Option<i64>,
    title: String,
    items: Vec<Item>,
    has_errors: bool,
    error: Option<String>,
}

struct FormBuilder {
    tr: Tr,
    errors: HashMap<String, String>,
    items: Vec<Item>,
}

fn s(o: &Option<String>) -> String {
    o.clone().unwrap_or_default()
}

impl FormBuilder {
    fn section(&mut self, title: &str, help: &str) {
        let help = if help.is_empty() { String::new() } else { self.tr.t(help) };
        self.items.push(Item {
            tag: "section",
            title: self.tr.t(title),
            help,
            name: title.to_owned(),
            span: "grid--2",
            ..Default::default()
        });
    }
    /// A sub-heading; `grid` is the column class of the fields after it.
    fn sub(&mut self, title: String, grid: &'static str) {
        self.items.push(Item {
            tag: "sub",
            title,
            span: grid,
            ..Default::default()
        });
    }
    fn end(&mut self) {
        self.items.push(Item {
            tag: "end",
            ..Default::default()
        });
    }
    /// A field; `field` is the API name (errors), the form name is derived from it.
    fn field(&mut self, field: &str, label: &str, kind: &'static str, value: String) -> &mut Item {
        let name = form_name(field);
        let id = field.replace(['[', ']', '.'], "-").replace("--", "-");
        self.items.push(Item {
            tag: "field",
            name,
            id,
            label: self.tr.t(label),
            kind,
            value,
            error: self.errors.get(field).cloned(),
            ..Default::default()
        });
        let last = self.items.len() - 1;
        &mut self.items[last]
    }
    fn select(&mut self, field: &str, label: &str, value: String, codes: Vec<(&'static str, String)>, blank: bool) -> &mut Item {
        let mut options = Vec::new();
        if blank {
            options.push((String::new(), self.tr.t("pt-choose")));
        }
        options.extend(codes.into_iter().map(|(c, l)| (c.to_owned(), l)));
        let it = self.field(field, label, "select", value);
        it.options = options;
        it
    }
}

/// `allergies[0].substance` → `allergies[0][substance]`, `guardian.name` → `guardian[name]`.
fn form_name(field: &str) -> String {
    let mut parts = field.split('.');
    let mut out = parts.next().unwrap_or_default().to_owned();
    for p in parts {
        out.push_str(&format!("[{p}]"));
    }
    out
}

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str, tr: Tr, prefix: &str) -> Vec<(&'static str, String)> {
    all.iter().map(|v| (code(*v), tr.t(&format!("{prefix}{}", code(*v))))).collect()
}

fn build_form(tr: Tr, f: &PatientInput, errors: HashMap<String, String>, clinical: bool) -> Vec<Item> {
    let mut b = FormBuilder {
        tr,
        errors,
        items: Vec::new(),
    };
    b.section("pt-sec-identification", "");
    b.field("first_name", "pt-first-name", "text", s(&f.first_name)).required = true;
    b.field("middle_name", "pt-middle-name", "text", s(&f.middle_name));
    b.field("last_name", "pt-last-name", "text", s(&f.last_name)).required = true;
    b.field("second_last_name", "pt-second-last-name", "text", s(&f.second_last_name));
    b.field("cedula", "pt-cedula", "text", s(&f.cedula)).help = tr.t("pt-cedula-help");
    b.field("passport", "pt-passport", "text", s(&f.passport));
    b.field("birth_date", "pt-birth-date", "date", s(&f.birth_date));
    b.select(
        "sex",
        "pt-sex",
        f.sex.clone().unwrap_or_else(|| "unknown".into()),
        codes(Sex::ALL, Sex::as_str, tr, "pt-sex-"),
        false,
    );
    let blood = BloodType::ALL
        .iter()
        .map(|v| {
            (
                v.as_str(),
                if *v == BloodType::Unknown {
                    tr.t("pt-blood-unknown")
                } else {
                    v.as_str().to_owned()
                },
            )
        })
        .collect();
    b.select(
        "blood_type",
        "pt-blood-type",
        f.blood_type.clone().unwrap_or_else(|| "unknown".into()),
        blood,
        false,
    );
    b.select(
        "marital_status",
        "pt-marital-status",
        s(&f.marital_status),
        codes(MaritalStatus::ALL, MaritalStatus::as_str, tr, "pt-marital-"),
        true,
    );
    b.field("occupation", "pt-occupation", "text", s(&f.occupation));
    b.end();

    b.section("pt-sec-contact", "");
    b.field("phone", "pt-phone", "tel", s(&f.phone)).help = tr.t("pt-phone-help");
    b.field("phone2", "pt-phone2", "tel", s(&f.phone2));
    b.field("email", "pt-email", "email", s(&f.email));
    b.field("address", "pt-address", "textarea", s(&f.address)).span = "span-full";
    b.end();

    b.section("pt-sec-guardian", "pt-sec-guardian-help");
    b.field("guardian.name", "pt-guardian-name", "text", s(&f.guardian.name));
    b.field("guardian.cedula", "pt-guardian-cedula", "text", s(&f.guardian.cedula));
    b.field(
        "guardian.relationship",
        "pt-guardian-relationship",
        "text",
        s(&f.guardian.relationship),
    );
    b.field("guardian.phone", "pt-guardian-phone", "tel", s(&f.guardian.phone));
    b.end();

    b.section("pt-sec-emergency", "");
    b.field("emergency_contact.name", "pt-emergency-name", "text", s(&f.emergency_contact.name));
    b.field(
        "emergency_contact.relationship",
        "pt-emergency-relationship",
        "text",
        s(&f.emergency_contact.relationship),
    );
    b.field(
        "emergency_contact.phone",
        "pt-emergency-phone",
        "tel",
        s(&f.emergency_contact.phone),
    );
    b.end();

    if clinical {
        b.section("pt-sec-clinical", "");
        b.sub(tr.t("pt-sec-allergies"), "grid--3");
        let nka = b.field("no_known_allergies", "pt-nka", "checkbox", "true".into());
        nka.span = "span-full";
        nka.options = if f.no_known_allergies {
            vec![("checked".into(), String::new())]
        } else {
            Vec::new()
        };
        let rows = f.allergies.len() + BLANK_ROWS;
        for i in 0..rows {
            let a = f.allergies.get(i).cloned().unwrap_or_default();
            let sr = tr.t1("pt-allergy-row", "n", i + 1);
            b.field(
                &format!("allergies[{i}].substance"),
                "pt-allergy-substance",
                "text",
                s(&a.substance),
            )
            .sr = sr.clone();
            b.field(&format!("allergies[{i}].reaction"), "pt-allergy-reaction", "text", s(&a.reaction))
                .sr = sr.clone();
            b.select(
                &format!("allergies[{i}].severity"),
                "pt-allergy-severity",
                s(&a.severity),
                codes(Severity::ALL, Severity::as_str, tr, "pt-severity-"),
                true,
            )
            .sr = sr;
        }
        b.sub(tr.t("pt-sec-history"), "grid--3");
        let rows = f.medical_history.len() + BLANK_ROWS;
        for i in 0..rows {
            let h = f.medical_history.get(i).cloned().unwrap_or_default();
            let sr = tr.t1("pt-history-row", "n", i + 1);
            b.select(
                &format!("medical_history[{i}].kind"),
                "pt-history-kind",
                s(&h.kind),
                codes(HistoryKind::ALL, HistoryKind::as_str, tr, "pt-history-"),
                true,
            )
            .sr = sr.clone();
            let d = b.field(
                &format!("medical_history[{i}].description"),
                "pt-history-description",
                "text",
                s(&h.description),
            );
            d.sr = sr;
            d.span = "span-2";
        }
        b.sub(tr.t("pt-sec-habits"), "grid--2");
        let hb = &f.habits;
        b.select(
            "habits.tobacco",
            "pt-tobacco",
            s(&hb.tobacco),
            codes(Tobacco::ALL, Tobacco::as_str, tr, "pt-tobacco-"),
            true,
        );
        b.field("habits.packs_per_year", "pt-packs-per-year", "text", s(&hb.packs_per_year));
        b.field("habits.alcohol", "pt-alcohol", "text", s(&hb.alcohol));
        b.field("habits.other_substances", "pt-other-substances", "text", s(&hb.other_substances));
        b.field("habits.physical_activity", "pt-physical-activity", "text", s(&hb.physical_activity));
        b.field("habits.diet", "pt-diet", "text", s(&hb.diet));
        b.field("habits.sleep", "pt-sleep", "text", s(&hb.sleep));
        b.field("habits.notes", "pt-habits-notes", "textarea", s(&hb.notes)).span = "span-full";
        b.end();
    }
    b.items
}

/// Turns `a[b][0][c]=v` pairs into nested JSON; objects keyed 0..n become arrays.
fn form_to_json(pairs: &[(String, String)]) -> Value {
    let mut root = Map::new();
    for (k, v) in pairs {
        if k.starts_with('_') {
            continue;
        }
        let mut path: Vec<&str> = Vec::new();
        let (head, rest) = k.split_once('[').map_or((k.as_str(), ""), |(h, r)| (h, r));
        path.push(head);
        for seg in rest.split('[') {
            let seg = seg.trim_end_matches(']');
            if !seg.is_empty() {
                path.push(seg);
            }
        }
        if path.iter().any(|p| p.parse::<usize>().is_ok_and(|n| n >= MAX_ROWS)) {
            continue;
        }
        insert(&mut root, &path, Value::String(v.clone()));
    }
    arrays(Value::Object(root))
}

fn insert(map: &mut Map<String, Value>, path: &[&str], v: Value) {
    match path {
        [] => {}
        [last] => {
            map.insert((*last).to_owned(), v);
        }
        [first, rest @ ..] => {
            let slot = map.entry((*first).to_owned()).or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            if let Value::Object(m) = slot {
                insert(m, rest, v);
            }
        }
    }
}

fn arrays(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            if !m.is_empty() && m.keys().all(|k| k.parse::<usize>().is_ok()) {
                let mut rows: BTreeMap<usize, Value> = BTreeMap::new();
                for (k, v) in m {
                    if let Ok(i) = k.parse::<usize>() {
                        rows.insert(i, arrays(v));
                    }
                }
                // Keep positions so error indexes match the rows shown.
                let len = rows.keys().next_back().map_or(0, |n| n + 1);
                Value::Array(
                    (0..len)
                        .map(|i| rows.remove(&i).unwrap_or_else(|| Value::Object(Map::new())))
                        .collect(),
                )
            } else {
                Value::Object(m.into_iter().map(|(k, v)| (k, arrays(v))).collect())
            }
        }
        other => other,
    }
}

/// The form as a full record: the clinical keys are present (emptied when not
/// sent) only when the form had the clinical section.
fn form_value(pairs: &[(String, String)]) -> Value {
    let mut v = form_to_json(pairs);
    let clinical = pairs.iter().any(|(k, _)| k == "_clinical");
    if let (true, Value::Object(m)) = (clinical, &mut v) {
        m.entry("allergies").or_insert_with(|| Value::Array(Vec::new()));
        m.entry("medical_history").or_insert_with(|| Value::Array(Vec::new()));
        m.entry("habits").or_insert_with(|| Value::Object(Map::new()));
        m.entry("no_known_allergies").or_insert(Value::Bool(false));
    }
    v
}

/// The typed values, to show again after an error.
fn typed(v: &Value) -> PatientInput {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

fn form_errors(tr: Tr, e: &ServiceError) -> (HashMap<String, String>, Option<String>) {
    match e {
        ServiceError::Conflict {
            key: "err-cedula-taken", ..
        } => {
            let msg = crate::error::body_of(e, tr, "").error.message;
            (HashMap::from([("cedula".to_owned(), msg)]), None)
        }
        ServiceError::Invalid(_) => (field_errors(tr, e), None),
        other => (HashMap::new(), Some(crate::error::body_of(other, tr, "").error.message)),
    }
}

async fn form_page(s: &AppState, ctx: &Ctx, id: Option<i64>, input: &PatientInput, err: Option<&ServiceError>) -> Response {
    let tr = ctx.tr();
    let (errors, error) = err.map(|e| form_errors(tr, e)).unwrap_or_default();
    let clinical = ctx.caller.actor.can(Capability::ClinicalBackgroundWrite);
    let has_errors = !errors.is_empty() || error.is_some();
    let items = build_form(tr, input, errors, clinical);
    let page = PageCtx::new(s, ctx, "/patients").await;
    let title = tr.t(if id.is_some() { "pt-edit" } else { "pt-new" });
    let body = render(&FormPage {
        page,
        id,
        title,
        items,
        has_errors,
        error,
    });
    match err {
        Some(e) => (crate::error::status_of(e), body).into_response(),
        None => body,
    }
}

async fn new_form(State(s): State<AppState>, ctx: Ctx) -> PageResult<Response> {
    if !ctx.caller.actor.can(Capability::PatientWrite) {
        return Err(ServiceError::Forbidden.into());
    }
    Ok(form_page(&s, &ctx, None, &PatientInput::default(), None).await)
}

async fn new_submit(State(s): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> PageResult<Response> {
    let value = form_value(&pairs);
    let input = typed(&value);
    match s.services.patient_create(&ctx.caller, input.clone()).await {
        Ok(p) => {
            let mut to = format!("/patients/{}?flash=flash-patient-created", p.id);
            let dups: Vec<String> = p.possible_duplicates.unwrap_or_default().iter().map(|d| d.id.to_string()).collect();
            if !dups.is_empty() {
                to.push_str(&format!("&dups={}", dups.join(",")));
            }
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict { .. })) => Ok(form_page(&s, &ctx, None, &input, Some(&e)).await),
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(State(s): State<AppState>, ctx: Ctx, Id(id): Id) -> PageResult<Response> {
    let input = s.services.patient_form(&ctx.caller, id).await?;
    Ok(form_page(&s, &ctx, Some(id), &input, None).await)
}

async fn edit_submit(State(s): State<AppState>, ctx: Ctx, Id(id): Id, Form(pairs): Form<Vec<(String, String)>>) -> PageResult<Response> {
    let value = form_value(&pairs);
    match s.services.patient_update(&ctx.caller, id, value.clone()).await {
        Ok(_) => Ok(Redirect::to(&format!("/patients/{id}?flash=flash-patient-updated")).into_response()),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict { .. })) => {
            let input = typed(&value);
            Ok(form_page(&s, &ctx, Some(id), &input, Some(&e)).await)
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- record

#[derive(Template)]
#[template(path = "patients/show.html")]
struct ShowPage {
    page: PageCtx,
    p: PatientView,
    duplicates: Vec<DuplicateHint>,
    can_write: bool,
    clinical: bool,
    consultations: Vec<PatientConsultation>,
}

impl ShowPage {
    fn t(&self, prefix: &str, code: &str) -> String {
        self.page.tr.t(&format!("{prefix}{code}"))
    }
    fn allergy_class(&self, severity: &Option<String>) -> &'static str {
        match severity.as_deref() {
            Some("severe") => " chip--severe",
            Some("moderate") => " chip--moderate",
            _ => "",
        }
    }
    /// Label, value and "keep on one line" (numbers, dates) of each demographic fact that is known.
    fn demographics(&self) -> Vec<(String, String, bool)> {
        let tr = self.page.tr;
        let p = &self.p;
        let mut out = Vec::new();
        let mut add = |key: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                let nowrap = matches!(key, "pt-birth-date" | "pt-passport" | "pt-phone" | "pt-phone2");
                out.push((tr.t(key), v, nowrap));
            }
        };
        add("pt-birth-date", p.birth_date.as_deref().map(display_date));
        add("pt-passport", p.passport.clone());
        add("pt-phone", p.phone.as_deref().map(display_phone));
        add("pt-phone2", p.phone2.as_deref().map(display_phone));
        add("pt-email", p.email.clone());
        add("pt-address", p.address.clone());
        add("pt-occupation", p.occupation.clone());
        add(
            "pt-marital-status",
            p.marital_status.as_ref().map(|m| tr.t(&format!("pt-marital-{m}"))),
        );
        add(
            "pt-blood-type",
            Some(if p.blood_type == "unknown" {
                tr.t("pt-blood-unknown")
            } else {
                p.blood_type.clone()
            }),
        );
        if let Some(g) = &p.guardian {
            let text = [
                g.name.clone(),
                g.relationship.clone(),
                g.cedula_display.clone(),
                g.phone.as_deref().map(display_phone),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
            add("pt-sec-guardian", Some(text));
        }
        if let Some(e) = &p.emergency_contact {
            let text = [e.name.clone(), e.relationship.clone(), e.phone.as_deref().map(display_phone)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            add("pt-sec-emergency", Some(text));
        }
        out
    }
    fn habits(&self) -> Vec<(String, String)> {
        let tr = self.page.tr;
        let Some(Value::Object(h)) = &self.p.habits else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, label) in [
            ("tobacco", "pt-tobacco"),
            ("packs_per_year", "pt-packs-per-year"),
            ("alcohol", "pt-alcohol"),
            ("other_substances", "pt-other-substances"),
            ("physical_activity", "pt-physical-activity"),
            ("diet", "pt-diet"),
            ("sleep", "pt-sleep"),
            ("notes", "pt-habits-notes"),
        ] {
            let v = match h.get(k) {
                Some(Value::String(s)) if k == "tobacco" => tr.t(&format!("pt-tobacco-{s}")),
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => continue,
            };
            out.push((tr.t(label), v));
        }
        out
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    flash: Option<String>,
    dups: Option<String>,
}

async fn show(State(s): State<AppState>, ctx: Ctx, Id(id): Id, Query(q): Query<ShowQuery>) -> PageResult<Response> {
    let mut p = s.services.patient_get(&ctx.caller, id).await?;
    p.localize(ctx.lang);
    let ids: Vec<i64> = q
        .dups
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter_map(|x| x.trim().parse().ok())
        .take(20)
        .collect();
    let duplicates = if ids.is_empty() {
        Vec::new()
    } else {
        s.services.patient_names(&ctx.caller, &ids).await?
    };
    let consultations = if ctx.caller.actor.can(Capability::ConsultationRead) {
        s.services.patient_consultations(&ctx.caller, id).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let page = PageCtx::new(&s, &ctx, "/patients").await.with_flash(q.flash.as_deref());
    let can_write = ctx.caller.actor.can(Capability::PatientWrite);
    let clinical = ctx.caller.actor.can(Capability::ClinicalBackgroundRead);
    Ok(render(&ShowPage {
        page,
        p,
        duplicates,
        can_write,
        clinical,
        consultations,
    }))
}

async fn archive(State(s): State<AppState>, ctx: Ctx, Id(id): Id) -> PageResult<Redirect> {
    s.services.patient_archive(&ctx.caller, id).await?;
    Ok(Redirect::to(&format!("/patients/{id}?flash=flash-patient-archived")))
}

async fn restore(State(s): State<AppState>, ctx: Ctx, Id(id): Id) -> PageResult<Redirect> {
    s.services.patient_restore(&ctx.caller, id).await?;
    Ok(Redirect::to(&format!("/patients/{id}?flash=flash-patient-restored")))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients", get(list))
        .route("/patients/new", get(new_form).post(new_submit))
        .route("/patients/{id}", get(show))
        .route("/patients/{id}/edit", get(edit_form).post(edit_submit))
        .route("/patients/{id}/archive", post(archive))
        .route("/patients/{id}/restore", post(restore))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_pairs_become_nested_json() {
        let pairs: Vec<(String, String)> = [
            ("_csrf", "x"),
            ("first_name", "Ana"),
            ("guardian[name]", "Luis"),
            ("allergies[0][substance]", "Penicilina"),
            ("allergies[2][substance]", ""),
            ("habits[tobacco]", "never"),
        ]
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
        let v = form_to_json(&pairs);
        assert_eq!(
            v,
            serde_json::json!({"first_name": "Ana", "guardian": {"name": "Luis"},
                "allergies": [{"substance": "Penicilina"}, {}, {"substance": ""}], "habits": {"tobacco": "never"}})
        );
        assert_eq!(form_name("allergies[0].substance"), "allergies[0][substance]");
        assert_eq!(form_name("guardian.phone"), "guardian[phone]");
    }
}
