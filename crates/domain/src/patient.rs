//! Patients (spec §3): the input as it arrives from a form or JSON, its
//! validation into typed, normalised values (reporting every problem at once),
//! search tokens, sort key and age.

use jiff::civil::{Date, date};
use serde::{Deserialize, Deserializer, Serialize};

use crate::cedula::Cedula;
use crate::clock::parse_date;
use crate::error::{FieldError, Invalid};
use crate::lang::Lang;
use crate::phone::Phone;
use crate::text::{self, choice_field, collect, line_field, multiline_field, name_field, str_enum};

pub const NAME_MAX: usize = 100;
/// Guardian and emergency contact names are one full-name field.
pub const CONTACT_NAME_MAX: usize = 200;
pub const PASSPORT_MAX: usize = 20;
pub const EMAIL_MAX: usize = 254;
pub const SHORT_TEXT_MAX: usize = 100;
pub const SUBSTANCE_MAX: usize = 200;
pub const TEXT_MAX: usize = 500;
pub const NOTES_MAX: usize = 2_000;
pub const PACKS_PER_YEAR_MAX: f64 = 300.0;
pub const MIN_BIRTH_DATE: Date = date(1900, 1, 1);
pub const ADULT_AGE: i32 = 18;

str_enum! {
    #[derive(Default)]
    pub enum Sex { Female => "female", Male => "male", Intersex => "intersex", #[default] Unknown => "unknown" }
}

str_enum! {
    #[derive(Default)]
    pub enum BloodType {
        APos => "A+", ANeg => "A-", BPos => "B+", BNeg => "B-",
        AbPos => "AB+", AbNeg => "AB-", OPos => "O+", ONeg => "O-",
        #[default]
        Unknown => "unknown",
    }
}

str_enum! {
    /// Coded so both UI languages can show it; `common_law` is the
    /// "unión estable de hecho" of Venezuelan law.
    pub enum MaritalStatus {
        Single => "single", Married => "married", CommonLaw => "common_law",
        Separated => "separated", Divorced => "divorced", Widowed => "widowed",
    }
}

str_enum! {
    pub enum Severity { Mild => "mild", Moderate => "moderate", Severe => "severe" }
}

str_enum! {
    pub enum Tobacco { Never => "never", Former => "former", Current => "current" }
}

str_enum! {
    pub enum HistoryKind { PastCondition => "past_condition", Surgery => "surgery", Family => "family", Genetic => "genetic" }
}

/// A patient as submitted. Every field may be missing or `null`; numbers are
/// accepted where a form would send text (`cedula`, phones, `packs_per_year`)
/// and `no_known_allergies` accepts `true`/`false`/`"on"`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PatientInput {
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    pub second_last_name: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub cedula: Option<String>,
    pub passport: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    pub sex: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub phone: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub phone2: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub occupation: Option<String>,
    pub marital_status: Option<String>,
    pub blood_type: Option<String>,
    #[serde(deserialize_with = "null_default")]
    pub guardian: GuardianInput,
    #[serde(deserialize_with = "null_default")]
    pub emergency_contact: EmergencyContactInput,
    #[serde(deserialize_with = "null_default")]
    pub allergies: Vec<AllergyInput>,
    #[serde(deserialize_with = "lenient_bool")]
    pub no_known_allergies: bool,
    #[serde(deserialize_with = "null_default")]
    pub habits: HabitsInput,
    #[serde(deserialize_with = "null_default")]
    pub medical_history: Vec<HistoryInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GuardianInput {
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub cedula: Option<String>,
    pub relationship: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmergencyContactInput {
    pub name: Option<String>,
    pub relationship: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AllergyInput {
    pub substance: Option<String>,
    pub reaction: Option<String>,
    pub severity: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HabitsInput {
    /// `never`, `former`, `current`.
    pub tobacco: Option<String>,
    /// A non-negative number; a decimal comma is accepted (`"12,5"`).
    #[serde(deserialize_with = "lenient_string")]
    pub packs_per_year: Option<String>,
    pub alcohol: Option<String>,
    pub other_substances: Option<String>,
    pub physical_activity: Option<String>,
    pub diet: Option<String>,
    pub sleep: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoryInput {
    /// `past_condition`, `surgery`, `family`, `genetic`.
    pub kind: Option<String>,
    pub description: Option<String>,
}

/// A validated patient: trimmed text (NFC), canonical cédula, E.164 phones.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidPatient {
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: String,
    pub second_last_name: Option<String>,
    pub cedula: Option<Cedula>,
    /// Upper-case letters and digits.
    pub passport: Option<String>,
    pub birth_date: Option<Date>,
    pub sex: Sex,
    pub phone: Option<Phone>,
    pub phone2: Option<Phone>,
    /// Domain lower-cased.
    pub email: Option<String>,
    pub address: Option<String>,
    pub occupation: Option<String>,
    pub marital_status: Option<MaritalStatus>,
    pub blood_type: BloodType,
    pub guardian: Option<Guardian>,
    pub emergency_contact: Option<EmergencyContact>,
    pub allergies: Vec<Allergy>,
    pub no_known_allergies: bool,
    pub habits: Habits,
    pub medical_history: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Guardian {
    pub name: String,
    pub relationship: String,
    pub cedula: Option<Cedula>,
    pub phone: Option<Phone>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmergencyContact {
    pub name: String,
    pub relationship: Option<String>,
    pub phone: Phone,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allergy {
    pub substance: String,
    pub reaction: Option<String>,
    pub severity: Option<Severity>,
}

impl Allergy {
    /// Whether a prescribed substance should raise the allergy warning of §5:
    /// every word of the allergy's substance appears in it, ignoring case and
    /// accents ("Penicilina" warns for "penicilina G benzatínica"). A false
    /// positive costs one acknowledgement; a miss could cost far more.
    pub fn matches(&self, prescribed: &str) -> bool {
        let prescribed = text::words(prescribed);
        let own = text::words(&self.substance);
        !own.is_empty() && own.iter().all(|w| prescribed.contains(w))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Habits {
    pub tobacco: Option<Tobacco>,
    pub packs_per_year: Option<f64>,
    pub alcohol: Option<String>,
    pub other_substances: Option<String>,
    pub physical_activity: Option<String>,
    pub diet: Option<String>,
    pub sleep: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    pub kind: HistoryKind,
    pub description: String,
}

impl PatientInput {
    /// Checks every rule of §3 and reports all failures together, on fields
    /// named as the JSON keys (`guardian.phone`, `allergies[0].substance`).
    /// Allergy and history rows left entirely blank (a form's empty template
    /// row) are skipped; error indexes still refer to the submitted rows.
    pub fn validate(self, today: Date) -> Result<ValidPatient, Invalid> {
        let mut e = Invalid::default();
        let name = |e: &mut Invalid, field: &str, v: &Option<String>, required: bool| {
            collect(e, name_field(field, v.as_deref(), required, NAME_MAX)).flatten()
        };
        let first_name = name(&mut e, "first_name", &self.first_name, true);
        let middle_name = name(&mut e, "middle_name", &self.middle_name, false);
        let last_name = name(&mut e, "last_name", &self.last_name, true);
        let second_last_name = name(&mut e, "second_last_name", &self.second_last_name, false);
        let cedula = collect(&mut e, parse_opt("cedula", &self.cedula, Cedula::parse)).flatten();
        let passport = collect(&mut e, parse_opt("passport", &self.passport, parse_passport)).flatten();
        let birth_date = collect(&mut e, birth_date("birth_date", &self.birth_date, today)).flatten();
        let sex = collect(&mut e, choice_field("sex", self.sex.as_deref(), Sex::parse, Sex::allowed));
        let phone = collect(&mut e, parse_opt("phone", &self.phone, Phone::parse)).flatten();
        let phone2 = collect(&mut e, parse_opt("phone2", &self.phone2, Phone::parse)).flatten();
        let email = collect(&mut e, parse_opt("email", &self.email, parse_email)).flatten();
        let address = collect(&mut e, multiline_field("address", self.address.as_deref(), TEXT_MAX)).flatten();
        let occupation = collect(&mut e, line_field("occupation", self.occupation.as_deref(), SHORT_TEXT_MAX)).flatten();
        let marital_status = collect(
            &mut e,
            choice_field(
                "marital_status",
                self.marital_status.as_deref(),
                MaritalStatus::parse,
                MaritalStatus::allowed,
            ),
        )
        .flatten();
        let blood = self.blood_type.as_deref().map(normalize_blood_type);
        let blood_type = collect(
            &mut e,
            choice_field("blood_type", blood.as_deref(), BloodType::parse, BloodType::allowed),
        );
        let guardian = self.guardian.validate(&mut e);
        let emergency_contact = self.emergency_contact.validate(&mut e);
        let allergies = validate_allergies(self.allergies, &mut e);
        if self.no_known_allergies && !allergies.is_empty() {
            e.push(FieldError::new("no_known_allergies", "err-allergies-conflict"));
        }
        let habits = self.habits.validate(&mut e);
        let medical_history = validate_history(self.medical_history, &mut e);

        match (first_name, last_name) {
            (Some(first_name), Some(last_name)) if e.is_empty() => Ok(ValidPatient {
                first_name,
                middle_name,
                last_name,
                second_last_name,
                cedula,
                passport,
                birth_date,
                sex: sex.flatten().unwrap_or_default(),
                phone,
                phone2,
                email,
                address,
                occupation,
                marital_status,
                blood_type: blood_type.flatten().unwrap_or_default(),
                guardian,
                emergency_contact,
                allergies,
                no_known_allergies: self.no_known_allergies,
                habits,
                medical_history,
            }),
            _ => Err(e),
        }
    }
}

fn is_blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// Blank is `None`; otherwise `parse`, whose error is a message key.
fn parse_opt<T>(field: &str, value: &Option<String>, parse: fn(&str) -> Result<T, &'static str>) -> Result<Option<T>, FieldError> {
    match value.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse(s).map(Some).map_err(|key| FieldError::new(field, key)),
    }
}

fn parse_passport(s: &str) -> Result<String, &'static str> {
    let p: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect::<String>().to_uppercase();
    let ok = (1..=PASSPORT_MAX).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric());
    if ok { Ok(p) } else { Err("err-passport-format") }
}

fn parse_email(s: &str) -> Result<String, &'static str> {
    match s.rsplit_once('@') {
        Some((local, domain)) if s.len() <= EMAIL_MAX && text::is_email(s) => Ok(format!("{local}@{}", domain.to_lowercase())),
        _ => Err("err-email-format"),
    }
}

/// "o+", "0+" (a zero typed for the letter O), "ab -" → the codes of [`BloodType`].
fn normalize_blood_type(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '0' { 'O' } else { c })
        .collect()
}

fn birth_date(field: &str, value: &Option<String>, today: Date) -> Result<Option<Date>, FieldError> {
    let Some(s) = value.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    match parse_date(s) {
        None => Err(FieldError::new(field, "err-date-format")),
        Some(d) if d > today => Err(FieldError::new(field, "err-date-future")),
        Some(d) if d < MIN_BIRTH_DATE => Err(FieldError::new(field, "err-date-too-early").arg("min", MIN_BIRTH_DATE)),
        Some(d) => Ok(Some(d)),
    }
}

/// A required single-line text: `err-required` when blank.
fn required_line(field: &str, value: &Option<String>, max: usize) -> Result<Option<String>, FieldError> {
    line_field(field, value.as_deref(), max)?
        .map(Some)
        .ok_or_else(|| FieldError::new(field, "err-required"))
}

impl GuardianInput {
    /// Optional as a whole; once any field is given, name and relationship are
    /// required and cédula and phone must be valid.
    fn validate(self, e: &mut Invalid) -> Option<Guardian> {
        if [&self.name, &self.cedula, &self.relationship, &self.phone]
            .into_iter()
            .all(is_blank)
        {
            return None;
        }
        let name = collect(e, name_field("guardian.name", self.name.as_deref(), true, CONTACT_NAME_MAX)).flatten();
        let relationship = collect(e, required_line("guardian.relationship", &self.relationship, SHORT_TEXT_MAX)).flatten();
        let cedula = collect(e, parse_opt("guardian.cedula", &self.cedula, Cedula::parse));
        let phone = collect(e, parse_opt("guardian.phone", &self.phone, Phone::parse));
        Some(Guardian {
            name: name?,
            relationship: relationship?,
            cedula: cedula?,
            phone: phone?,
        })
    }
}

impl EmergencyContactInput {
    /// Optional as a whole; once any field is given, name and phone (the point
    /// of an emergency contact) are required.
    fn validate(self, e: &mut Invalid) -> Option<EmergencyContact> {
        if [&self.name, &self.relationship, &self.phone].into_iter().all(is_blank) {
            return None;
        }
        let name = collect(
            e,
            name_field("emergency_contact.name", self.name.as_deref(), true, CONTACT_NAME_MAX),
        );
        let relationship = collect(
            e,
            line_field("emergency_contact.relationship", self.relationship.as_deref(), SHORT_TEXT_MAX),
        );
        let phone = collect(e, parse_opt("emergency_contact.phone", &self.phone, Phone::parse)).and_then(|p| {
            if p.is_none() {
                e.push(FieldError::new("emergency_contact.phone", "err-required"));
            }
            p
        });
        Some(EmergencyContact {
            name: name.flatten()?,
            relationship: relationship?,
            phone: phone?,
        })
    }
}

fn validate_allergies(rows: Vec<AllergyInput>, e: &mut Invalid) -> Vec<Allergy> {
    let mut out: Vec<Allergy> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (i, a) in rows.into_iter().enumerate() {
        if [&a.substance, &a.reaction, &a.severity].into_iter().all(is_blank) {
            continue;
        }
        let field = |f: &str| format!("allergies[{i}].{f}");
        let substance = collect(e, required_line(&field("substance"), &a.substance, SUBSTANCE_MAX)).flatten();
        let reaction = collect(e, multiline_field(&field("reaction"), a.reaction.as_deref(), TEXT_MAX));
        let severity = collect(
            e,
            choice_field(&field("severity"), a.severity.as_deref(), Severity::parse, Severity::allowed),
        );
        if let Some(s) = &substance {
            let key = text::words(s).join(" ");
            if seen.contains(&key) {
                e.push(FieldError::new(field("substance"), "err-duplicate"));
            }
            seen.push(key);
        }
        if let (Some(substance), Some(reaction), Some(severity)) = (substance, reaction, severity) {
            out.push(Allergy {
                substance,
                reaction,
                severity,
            });
        }
    }
    out
}

impl HabitsInput {
    fn validate(self, e: &mut Invalid) -> Habits {
        let tobacco = collect(
            e,
            choice_field("habits.tobacco", self.tobacco.as_deref(), Tobacco::parse, Tobacco::allowed),
        )
        .flatten();
        let packs_per_year = collect(e, packs_per_year(&self.packs_per_year, tobacco)).flatten();
        let mut free = |field: &str, v: Option<String>, max: usize| collect(e, multiline_field(field, v.as_deref(), max)).flatten();
        Habits {
            tobacco,
            packs_per_year,
            alcohol: free("habits.alcohol", self.alcohol, TEXT_MAX),
            other_substances: free("habits.other_substances", self.other_substances, TEXT_MAX),
            physical_activity: free("habits.physical_activity", self.physical_activity, TEXT_MAX),
            diet: free("habits.diet", self.diet, TEXT_MAX),
            sleep: free("habits.sleep", self.sleep, TEXT_MAX),
            notes: free("habits.notes", self.notes, NOTES_MAX),
        }
    }
}

/// A non-negative number up to [`PACKS_PER_YEAR_MAX`], only for smokers
/// (former or current): any value next to `never` or no answer is a contradiction.
fn packs_per_year(value: &Option<String>, tobacco: Option<Tobacco>) -> Result<Option<f64>, FieldError> {
    const FIELD: &str = "habits.packs_per_year";
    let Some(s) = value.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let n: f64 = s.replace(',', ".").parse().map_err(|_| FieldError::new(FIELD, "err-number"))?;
    if !n.is_finite() {
        Err(FieldError::new(FIELD, "err-number"))
    } else if !(0.0..=PACKS_PER_YEAR_MAX).contains(&n) {
        Err(FieldError::new(FIELD, "err-out-of-range")
            .arg("min", 0)
            .arg("max", PACKS_PER_YEAR_MAX))
    } else if !matches!(tobacco, Some(Tobacco::Former | Tobacco::Current)) {
        Err(FieldError::new(FIELD, "err-packs-without-tobacco"))
    } else {
        Ok(Some(n))
    }
}

fn validate_history(rows: Vec<HistoryInput>, e: &mut Invalid) -> Vec<HistoryEntry> {
    let mut out = Vec::new();
    for (i, h) in rows.into_iter().enumerate() {
        if is_blank(&h.kind) && is_blank(&h.description) {
            continue;
        }
        let kind_field = format!("medical_history[{i}].kind");
        let kind = match collect(
            e,
            choice_field(&kind_field, h.kind.as_deref(), HistoryKind::parse, HistoryKind::allowed),
        ) {
            Some(None) => {
                e.push(FieldError::new(kind_field, "err-required"));
                None
            }
            k => k.flatten(),
        };
        let description = collect(
            e,
            required_line(&format!("medical_history[{i}].description"), &h.description, TEXT_MAX),
        )
        .flatten();
        if let (Some(kind), Some(description)) = (kind, description) {
            out.push(HistoryEntry { kind, description });
        }
    }
    out
}

impl ValidPatient {
    /// "María José Pérez Gómez".
    pub fn full_name(&self) -> String {
        [
            Some(&self.first_name),
            self.middle_name.as_ref(),
            Some(&self.last_name),
            self.second_last_name.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ")
    }

    /// What the lobby screen may show (§4): first name and last-name initial, "María P.".
    pub fn lobby_name(&self) -> String {
        lobby_name(&self.first_name, &self.last_name)
    }

    /// Folded words of every name part (apostrophes both joined and split, so
    /// "obrien" and "brien" find O'Brien), plus the cédula lower-cased
    /// canonical (`v12345678`) and its digits; deduplicated. A search matches
    /// when every word of the query ([`text::words`]) matches some token.
    pub fn search_tokens(&self) -> Vec<String> {
        let names = self.full_name();
        let mut tokens = text::words(&names);
        tokens.extend(text::words(&names.replace(['\'', '’', 'ʼ'], " ")));
        if let Some(c) = &self.cedula {
            tokens.push(c.as_str().to_ascii_lowercase());
            tokens.push(c.digits().to_string());
        }
        let mut seen = Vec::with_capacity(tokens.len());
        tokens.retain(|t| {
            let new = !seen.contains(t);
            if new {
                seen.push(t.clone());
            }
            new
        });
        tokens
    }

    /// Folded "last second_last first middle": lists are ordered by last name.
    pub fn sort_key(&self) -> String {
        let parts = [
            Some(&self.last_name),
            self.second_last_name.as_ref(),
            Some(&self.first_name),
            self.middle_name.as_ref(),
        ];
        text::fold(&parts.into_iter().flatten().map(String::as_str).collect::<Vec<_>>().join(" "))
    }

    /// Same name and birth date as another patient's means a possible duplicate (§3 warning).
    pub fn duplicate_key(&self) -> Option<String> {
        self.birth_date.map(|d| format!("{} {d}", text::words(&self.full_name()).join(" ")))
    }

    pub fn age(&self, today: Date) -> Option<Age> {
        self.birth_date.map(|b| age(b, today))
    }

    /// Under 18 on `today`; `false` when the birth date is unknown.
    pub fn is_minor(&self, today: Date) -> bool {
        self.birth_date.is_some_and(|b| completed_years(b, today) < ADULT_AGE)
    }
}

/// "María P." from a first and a last name.
pub fn lobby_name(first_name: &str, last_name: &str) -> String {
    match last_name.trim().chars().next() {
        Some(c) => format!("{} {}.", first_name.trim(), c.to_uppercase()),
        None => first_name.trim().to_string(),
    }
}

/// A patient's age as clinicians state it (spec §3).
///
/// Choice: under one completed month → `Days`; under two completed years →
/// `Months` (0..=23, so a 14-month-old is "14 meses"); otherwise `Years`.
/// A month or year is complete once the day of month (and month) of birth is
/// reached; someone born on 29 February turns a year older on 1 March in
/// common years. A birth date after `today` gives `Days(0)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "unit", content = "value", rename_all = "snake_case")]
pub enum Age {
    Years(i32),
    Months(i32),
    Days(i32),
}

pub fn age(birth: Date, today: Date) -> Age {
    if birth > today {
        return Age::Days(0);
    }
    let months = (i32::from(today.year()) - i32::from(birth.year())) * 12 + i32::from(today.month())
        - i32::from(birth.month())
        - i32::from(today.day() < birth.day());
    if months < 1 {
        Age::Days(birth.until(today).map(|s| s.get_days()).unwrap_or(0))
    } else if months < 24 {
        Age::Months(months)
    } else {
        Age::Years(months / 12)
    }
}

/// Whole years on `today`.
pub fn completed_years(birth: Date, today: Date) -> i32 {
    let before_birthday = (today.month(), today.day()) < (birth.month(), birth.day());
    (i32::from(today.year()) - i32::from(birth.year()) - i32::from(before_birthday)).max(0)
}

impl Age {
    pub fn value(self) -> i32 {
        match self {
            Age::Years(n) | Age::Months(n) | Age::Days(n) => n,
        }
    }

    /// Catalogue key with argument `n` (plural rules are the catalogue's job):
    /// `age-years`, `age-months`, `age-days`.
    pub fn key(self) -> &'static str {
        match self {
            Age::Years(_) => "age-years",
            Age::Months(_) => "age-months",
            Age::Days(_) => "age-days",
        }
    }

    /// The age in words in `lang`, for documents and screens.
    pub fn display(self, lang: Lang) -> String {
        match lang {
            Lang::Es => self.display_es(),
            Lang::En => self.display_en(),
        }
    }

    /// "34 años", "1 mes", "12 días".
    pub fn display_es(self) -> String {
        let n = self.value();
        let unit = match (self, n == 1) {
            (Age::Years(_), true) => "año",
            (Age::Years(_), false) => "años",
            (Age::Months(_), true) => "mes",
            (Age::Months(_), false) => "meses",
            (Age::Days(_), true) => "día",
            (Age::Days(_), false) => "días",
        };
        format!("{n} {unit}")
    }

    /// "34 years", "1 month", "12 days".
    pub fn display_en(self) -> String {
        let n = self.value();
        let unit = match self {
            Age::Years(_) => "year",
            Age::Months(_) => "month",
            Age::Days(_) => "day",
        };
        format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
    }
}

/// `null` as the type's default (a JSON client sending `"allergies": null`).
fn null_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Lenient {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

/// A string, or a number (a cédula or phone typed into a numeric JSON field).
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Lenient>::deserialize(d)? {
        None => None,
        Some(Lenient::Str(s)) => Some(s),
        Some(Lenient::Int(n)) => Some(n.to_string()),
        Some(Lenient::Float(n)) => Some(n.to_string()),
        Some(Lenient::Bool(_)) => {
            return Err(serde::de::Error::custom("expected a string or a number"));
        }
    })
}

/// `true`/`false`, or what HTML checkboxes and query strings send.
fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match Option::<Lenient>::deserialize(d)? {
        None => Ok(false),
        Some(Lenient::Bool(b)) => Ok(b),
        Some(Lenient::Int(n)) => Ok(n != 0),
        Some(Lenient::Str(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "on" | "1" | "yes" | "si" | "sí" => Ok(true),
            "false" | "off" | "0" | "no" | "" => Ok(false),
            _ => Err(serde::de::Error::custom("expected a boolean")),
        },
        Some(Lenient::Float(_)) => Err(serde::de::Error::custom("expected a boolean")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const TODAY: Date = date(2026, 3, 10);

    fn input(first: &str, last: &str) -> PatientInput {
        PatientInput {
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            ..Default::default()
        }
    }

    fn errors(p: PatientInput) -> Vec<(String, &'static str)> {
        p.validate(TODAY).unwrap_err().0.into_iter().map(|e| (e.field, e.key)).collect()
    }

    fn error_on(p: PatientInput, field: &str) -> &'static str {
        let errs = errors(p);
        errs.iter()
            .find(|(f, _)| f == field)
            .map(|(_, k)| *k)
            .unwrap_or_else(|| panic!("no error on {field}: {errs:?}"))
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn minimal_patient_defaults() {
        let p = input(" Ana ", "Pérez").validate(TODAY).unwrap();
        assert_eq!(p.first_name, "Ana");
        assert_eq!(p.sex, Sex::Unknown);
        assert_eq!(p.blood_type, BloodType::Unknown);
        assert_eq!(p.guardian, None);
        assert_eq!(p.emergency_contact, None);
        assert!(p.allergies.is_empty() && !p.no_known_allergies);
        assert_eq!(p.habits, Habits::default());
    }

    #[test]
    fn accented_and_compound_names_accepted() {
        let p = PatientInput {
            middle_name: s("José"),
            second_last_name: s("Gómez"),
            ..input("María", "Pérez")
        }
        .validate(TODAY)
        .unwrap();
        assert_eq!(p.full_name(), "María José Pérez Gómez");
        for (first, last) in [
            ("Ñañez", "Ñañez"),
            ("Sean", "O'Brien"),
            ("Ana-Lucía", "D’Angelo"),
            ("Zoë", "Müller"),
        ] {
            assert!(input(first, last).validate(TODAY).is_ok(), "{first} {last}");
        }
    }

    #[test]
    fn digits_and_emoji_refused() {
        assert_eq!(error_on(input("Ana2", "Pérez"), "first_name"), "err-name-chars");
        assert_eq!(error_on(input("Ana", "Pérez 😀"), "last_name"), "err-name-chars");
        assert_eq!(
            error_on(
                PatientInput {
                    middle_name: s("J."),
                    ..input("Ana", "Pérez")
                },
                "middle_name"
            ),
            "err-name-chars"
        );
    }

    #[test]
    fn names_required_and_bounded() {
        assert_eq!(
            errors(PatientInput::default()),
            [("first_name".into(), "err-required"), ("last_name".into(), "err-required")]
        );
        assert_eq!(error_on(input("   ", "Pérez"), "first_name"), "err-required");
        let long = "a".repeat(101);
        assert_eq!(error_on(input(&long, "Pérez"), "first_name"), "err-too-long");
        assert!(input(&"á".repeat(100), "Pérez").validate(TODAY).is_ok());
        // middle and second last name are optional
        let p = PatientInput {
            middle_name: s(" "),
            ..input("Ana", "Pérez")
        }
        .validate(TODAY)
        .unwrap();
        assert_eq!(p.middle_name, None);
    }

    #[test]
    fn all_errors_reported_at_once() {
        let p = PatientInput {
            first_name: s("4na"),
            cedula: s("X-1"),
            birth_date: s("2030-01-01"),
            sex: s("other"),
            phone: s("123"),
            email: s("ana@"),
            guardian: GuardianInput {
                phone: s("99"),
                ..Default::default()
            },
            allergies: vec![AllergyInput {
                severity: s("deadly"),
                ..Default::default()
            }],
            ..Default::default()
        };
        let fields: Vec<String> = errors(p).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            [
                "first_name",
                "last_name",
                "cedula",
                "birth_date",
                "sex",
                "phone",
                "email",
                "guardian.name",
                "guardian.relationship",
                "guardian.phone",
                "allergies[0].substance",
                "allergies[0].severity",
            ]
        );
    }

    #[test]
    fn cedula_passport_phones_email() {
        let p = PatientInput {
            cedula: s("v-12.345.678"),
            passport: s(" ab 123-456 "),
            phone: s("0414-123.45.67"),
            phone2: s("+1 305 555 1234"),
            email: s(" Ana.Perez@Example.COM "),
            ..input("Ana", "Pérez")
        }
        .validate(TODAY)
        .unwrap();
        assert_eq!(p.cedula.unwrap().as_str(), "V12345678");
        assert_eq!(p.passport.as_deref(), Some("AB123456"));
        assert_eq!(p.phone.unwrap().as_str(), "+584141234567");
        assert_eq!(p.phone2.unwrap().as_str(), "+13055551234");
        assert_eq!(p.email.as_deref(), Some("Ana.Perez@example.com"));

        assert_eq!(
            error_on(
                PatientInput {
                    cedula: s("12-34"),
                    ..input("A", "B")
                },
                "cedula"
            ),
            "err-cedula-format"
        );
        assert_eq!(
            error_on(
                PatientInput {
                    passport: s("AB/12"),
                    ..input("A", "B")
                },
                "passport"
            ),
            "err-passport-format"
        );
        assert_eq!(
            error_on(
                PatientInput {
                    passport: s(&"A".repeat(21)),
                    ..input("A", "B")
                },
                "passport"
            ),
            "err-passport-format"
        );
        assert_eq!(
            error_on(
                PatientInput {
                    phone2: s("0414-12"),
                    ..input("A", "B")
                },
                "phone2"
            ),
            "err-phone-format"
        );
        assert_eq!(
            error_on(
                PatientInput {
                    email: s("ana perez@x.com"),
                    ..input("A", "B")
                },
                "email"
            ),
            "err-email-format"
        );
    }

    #[test]
    fn birth_date_rules() {
        let with = |d: &str| PatientInput {
            birth_date: s(d),
            ..input("Ana", "Pérez")
        };
        assert_eq!(with("2026-03-10").validate(TODAY).unwrap().birth_date, Some(TODAY));
        assert_eq!(with("1900-01-01").validate(TODAY).unwrap().birth_date, Some(MIN_BIRTH_DATE));
        assert_eq!(error_on(with("2026-03-11"), "birth_date"), "err-date-future");
        assert_eq!(error_on(with("1899-12-31"), "birth_date"), "err-date-too-early");
        let e = with("1899-12-31").validate(TODAY).unwrap_err();
        assert_eq!(e.0[0].args, vec![("min", "1900-01-01".to_string())]);
        for bad in ["10/03/2020", "2020-02-30", "2020-1-1", "ayer"] {
            assert_eq!(error_on(with(bad), "birth_date"), "err-date-format", "{bad}");
        }
        assert_eq!(with(" ").validate(TODAY).unwrap().birth_date, None);
    }

    #[test]
    fn coded_choices() {
        let p = PatientInput {
            sex: s("Female"),
            blood_type: s("ab -"),
            marital_status: s("common_law"),
            ..input("A", "B")
        }
        .validate(TODAY)
        .unwrap();
        assert_eq!(
            (p.sex, p.blood_type, p.marital_status),
            (Sex::Female, BloodType::AbNeg, Some(MaritalStatus::CommonLaw))
        );
        for (typed, expected) in [
            ("o+", BloodType::OPos),
            ("0-", BloodType::ONeg),
            ("A+", BloodType::APos),
            ("unknown", BloodType::Unknown),
        ] {
            let p = PatientInput {
                blood_type: s(typed),
                ..input("A", "B")
            }
            .validate(TODAY)
            .unwrap();
            assert_eq!(p.blood_type, expected, "{typed}");
        }
        assert_eq!(
            error_on(
                PatientInput {
                    blood_type: s("C+"),
                    ..input("A", "B")
                },
                "blood_type"
            ),
            "err-invalid-choice"
        );
        let e = PatientInput {
            sex: s("x"),
            ..input("A", "B")
        }
        .validate(TODAY)
        .unwrap_err();
        assert_eq!(
            e.0[0],
            FieldError::new("sex", "err-invalid-choice").arg("allowed", "female, male, intersex, unknown")
        );
        assert_eq!(
            error_on(
                PatientInput {
                    marital_status: s("soltero"),
                    ..input("A", "B")
                },
                "marital_status"
            ),
            "err-invalid-choice"
        );
        assert_eq!(BloodType::ALL.len(), 9);
        assert_eq!(serde_json::to_string(&BloodType::AbPos).unwrap(), "\"AB+\"");
    }

    #[test]
    fn allergies() {
        let allergy = |sub: &str, sev: &str| AllergyInput {
            substance: s(sub),
            reaction: None,
            severity: s(sev),
        };
        let p = PatientInput {
            allergies: vec![
                allergy("Penicilina", "severe"),
                AllergyInput::default(),
                allergy("Ácido acetilsalicílico", ""),
            ],
            ..input("A", "B")
        }
        .validate(TODAY)
        .unwrap();
        assert_eq!(p.allergies.len(), 2, "blank row skipped");
        assert_eq!(p.allergies[0].severity, Some(Severity::Severe));
        assert_eq!(p.allergies[1].severity, None);

        let bad = PatientInput {
            allergies: vec![
                allergy("Penicilina", "mild"),
                AllergyInput {
                    reaction: s("rash"),
                    ..Default::default()
                },
                allergy("penicilína", "bad"),
            ],
            no_known_allergies: true,
            ..input("A", "B")
        };
        assert_eq!(
            errors(bad),
            [
                ("allergies[1].substance".into(), "err-required"),
                ("allergies[2].severity".into(), "err-invalid-choice"),
                ("allergies[2].substance".into(), "err-duplicate"),
                ("no_known_allergies".into(), "err-allergies-conflict"),
            ]
        );
        let nka = PatientInput {
            no_known_allergies: true,
            allergies: vec![AllergyInput::default()],
            ..input("A", "B")
        };
        assert!(nka.validate(TODAY).unwrap().no_known_allergies);
    }

    #[test]
    fn allergy_matching_ignores_case_and_accents() {
        let a = Allergy {
            substance: "Penicilina".into(),
            reaction: None,
            severity: None,
        };
        assert!(a.matches("PENICILÍNA"));
        assert!(a.matches("penicilina G benzatínica"));
        assert!(!a.matches("amoxicilina"));
        let aas = Allergy {
            substance: "Ácido acetilsalicílico".into(),
            reaction: None,
            severity: None,
        };
        assert!(aas.matches("acido acetilsalicilico 100 mg"));
        assert!(!aas.matches("ácido valproico"));
    }

    #[test]
    fn guardian_and_emergency_contact() {
        let g = GuardianInput {
            name: s("Carmen Pérez"),
            relationship: s("madre"),
            cedula: s("V-9.876.543"),
            phone: s("04241234567"),
        };
        let p = PatientInput {
            guardian: g.clone(),
            ..input("A", "B")
        }
        .validate(TODAY)
        .unwrap();
        let g2 = p.guardian.unwrap();
        assert_eq!(g2.cedula.unwrap().as_str(), "V9876543");
        assert_eq!(g2.phone.unwrap().as_str(), "+584241234567");

        let partial = PatientInput {
            guardian: GuardianInput {
                phone: s("0424"),
                cedula: s("abc"),
                ..Default::default()
            },
            ..input("A", "B")
        };
        assert_eq!(
            errors(partial),
            [
                ("guardian.name".into(), "err-required"),
                ("guardian.relationship".into(), "err-required"),
                ("guardian.cedula".into(), "err-cedula-format"),
                ("guardian.phone".into(), "err-phone-format"),
            ]
        );
        let blank = GuardianInput {
            name: s(" "),
            ..Default::default()
        };
        assert_eq!(
            PatientInput {
                guardian: blank,
                ..input("A", "B")
            }
            .validate(TODAY)
            .unwrap()
            .guardian,
            None
        );

        let ec = EmergencyContactInput {
            name: s("Luis"),
            relationship: None,
            phone: s("0212-555.12.34"),
        };
        let p = PatientInput {
            emergency_contact: ec,
            ..input("A", "B")
        }
        .validate(TODAY)
        .unwrap();
        assert_eq!(p.emergency_contact.unwrap().phone.as_str(), "+582125551234");
        let no_phone = PatientInput {
            emergency_contact: EmergencyContactInput {
                relationship: s("hermano"),
                ..Default::default()
            },
            ..input("A", "B")
        };
        assert_eq!(
            errors(no_phone),
            [
                ("emergency_contact.name".into(), "err-required"),
                ("emergency_contact.phone".into(), "err-required")
            ]
        );
    }

    #[test]
    fn habits() {
        let habits = |tobacco: Option<&str>, packs: Option<&str>| PatientInput {
            habits: HabitsInput {
                tobacco: tobacco.map(String::from),
                packs_per_year: packs.map(String::from),
                ..Default::default()
            },
            ..input("A", "B")
        };
        let p = habits(Some("former"), Some("12,5")).validate(TODAY).unwrap();
        assert_eq!((p.habits.tobacco, p.habits.packs_per_year), (Some(Tobacco::Former), Some(12.5)));
        assert!(habits(Some("current"), Some("0")).validate(TODAY).is_ok());
        assert!(habits(Some("never"), None).validate(TODAY).is_ok());
        assert_eq!(
            error_on(habits(Some("never"), Some("3")), "habits.packs_per_year"),
            "err-packs-without-tobacco"
        );
        assert_eq!(
            error_on(habits(None, Some("3")), "habits.packs_per_year"),
            "err-packs-without-tobacco"
        );
        assert_eq!(
            error_on(habits(Some("current"), Some("-1")), "habits.packs_per_year"),
            "err-out-of-range"
        );
        assert_eq!(
            error_on(habits(Some("current"), Some("301")), "habits.packs_per_year"),
            "err-out-of-range"
        );
        assert_eq!(
            error_on(habits(Some("current"), Some("muchos")), "habits.packs_per_year"),
            "err-number"
        );
        assert_eq!(
            error_on(habits(Some("current"), Some("NaN")), "habits.packs_per_year"),
            "err-number"
        );
        assert_eq!(error_on(habits(Some("sometimes"), None), "habits.tobacco"), "err-invalid-choice");
        let long = PatientInput {
            habits: HabitsInput {
                diet: s(&"x".repeat(501)),
                ..Default::default()
            },
            ..input("A", "B")
        };
        assert_eq!(error_on(long, "habits.diet"), "err-too-long");
    }

    #[test]
    fn medical_history() {
        let row = |k: Option<&str>, d: Option<&str>| HistoryInput {
            kind: k.map(String::from),
            description: d.map(String::from),
        };
        let p = PatientInput {
            medical_history: vec![
                row(Some("surgery"), Some("Apendicectomía 2010")),
                row(None, Some(" ")),
                row(Some("family"), Some("Diabetes (madre)")),
            ],
            ..input("A", "B")
        }
        .validate(TODAY)
        .unwrap();
        assert_eq!(p.medical_history.len(), 2);
        assert_eq!(p.medical_history[0].kind, HistoryKind::Surgery);
        let bad = PatientInput {
            medical_history: vec![row(None, Some("asma")), row(Some("allergy"), Some("x")), row(Some("genetic"), None)],
            ..input("A", "B")
        };
        assert_eq!(
            errors(bad),
            [
                ("medical_history[0].kind".into(), "err-required"),
                ("medical_history[1].kind".into(), "err-invalid-choice"),
                ("medical_history[2].description".into(), "err-required"),
            ]
        );
    }

    #[test]
    fn search_tokens_and_sort_key() {
        let p = PatientInput {
            middle_name: s("José"),
            second_last_name: s("O'Brien"),
            cedula: s("12.345.678"),
            ..input("María", "Pérez")
        }
        .validate(TODAY)
        .unwrap();
        assert_eq!(
            p.search_tokens(),
            ["maria", "jose", "perez", "obrien", "o", "brien", "v12345678", "12345678"]
        );
        assert_eq!(p.sort_key(), "perez o'brien maria jose");
        assert_eq!(p.lobby_name(), "María P.");
        // every word of "maria jose perez" is a token
        let tokens = p.search_tokens();
        assert!(text::words("MARÍA josé Pérez").iter().all(|w| tokens.contains(w)));
        assert!(text::words("O'Brien").iter().all(|w| tokens.contains(w)));
    }

    #[test]
    fn duplicate_key_needs_birth_date() {
        let p = input("María", "Pérez").validate(TODAY).unwrap();
        assert_eq!(p.duplicate_key(), None);
        let a = PatientInput {
            birth_date: s("1990-05-01"),
            ..input("María", "Pérez")
        }
        .validate(TODAY)
        .unwrap();
        let b = PatientInput {
            birth_date: s("1990-05-01"),
            ..input("MARIA", "perez")
        }
        .validate(TODAY)
        .unwrap();
        assert_eq!(a.duplicate_key(), b.duplicate_key());
        assert_eq!(a.duplicate_key().as_deref(), Some("maria perez 1990-05-01"));
    }

    #[test]
    fn ages() {
        assert_eq!(age(date(2026, 3, 10), TODAY), Age::Days(0));
        assert_eq!(age(date(2026, 2, 11), TODAY), Age::Days(27));
        assert_eq!(age(date(2026, 2, 10), TODAY), Age::Months(1));
        assert_eq!(age(date(2025, 1, 31), date(2025, 2, 28)), Age::Days(28));
        assert_eq!(age(date(2024, 3, 11), TODAY), Age::Months(23));
        assert_eq!(age(date(2024, 3, 10), TODAY), Age::Years(2));
        assert_eq!(age(date(1990, 3, 11), TODAY), Age::Years(35));
        assert_eq!(age(date(1990, 3, 10), TODAY), Age::Years(36));
        assert_eq!(age(date(2027, 1, 1), TODAY), Age::Days(0));
        // born 29 February: a year older on 1 March in common years
        assert_eq!(completed_years(date(2000, 2, 29), date(2025, 2, 28)), 24);
        assert_eq!(completed_years(date(2000, 2, 29), date(2025, 3, 1)), 25);
        assert_eq!(age(date(2000, 2, 29), date(2025, 3, 1)), Age::Years(25));

        let minor = PatientInput {
            birth_date: s("2008-03-11"),
            ..input("A", "B")
        }
        .validate(TODAY)
        .unwrap();
        assert!(minor.is_minor(TODAY));
        assert_eq!(minor.age(TODAY), Some(Age::Years(17)));
        let adult = PatientInput {
            birth_date: s("2008-03-10"),
            ..input("A", "B")
        }
        .validate(TODAY)
        .unwrap();
        assert!(!adult.is_minor(TODAY));
        assert!(!input("A", "B").validate(TODAY).unwrap().is_minor(TODAY));
    }

    #[test]
    fn age_display() {
        assert_eq!(Age::Years(34).display_es(), "34 años");
        assert_eq!(Age::Years(1).display_es(), "1 año");
        assert_eq!(Age::Months(1).display_es(), "1 mes");
        assert_eq!(Age::Months(5).display_es(), "5 meses");
        assert_eq!(Age::Days(12).display_es(), "12 días");
        assert_eq!(Age::Days(1).display_en(), "1 day");
        assert_eq!(Age::Months(2).display(Lang::Es), "2 meses");
        assert_eq!(Age::Months(2).display(Lang::En), "2 months");
        assert_eq!(Age::Months(14).display_en(), "14 months");
        assert_eq!((Age::Years(3).key(), Age::Years(3).value()), ("age-years", 3));
        assert_eq!(serde_json::to_string(&Age::Months(5)).unwrap(), r#"{"unit":"months","value":5}"#);
    }

    #[test]
    fn json_input() {
        let json = r#"{
            "first_name": "Ana", "last_name": "Pérez", "middle_name": null,
            "cedula": 12345678, "phone": 4141234567, "guardian": null,
            "allergies": null, "no_known_allergies": "on",
            "habits": {"tobacco": "current", "packs_per_year": 2.5},
            "unknown_field": 1
        }"#;
        let input: PatientInput = serde_json::from_str(json).unwrap();
        assert_eq!(input.cedula.as_deref(), Some("12345678"));
        assert!(input.no_known_allergies);
        let p = input.validate(TODAY).unwrap();
        assert_eq!(p.cedula.unwrap().as_str(), "V12345678");
        assert_eq!(p.phone.unwrap().as_str(), "+584141234567");
        assert_eq!(p.habits.packs_per_year, Some(2.5));
        let empty: PatientInput = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, PatientInput::default());
        assert!(serde_json::from_str::<PatientInput>(r#"{"no_known_allergies": "maybe"}"#).is_err());
    }

    #[test]
    fn valid_patient_serializes_typed_values() {
        let p = PatientInput {
            cedula: s("v-12.345.678"),
            birth_date: s("1990-05-01"),
            sex: s("male"),
            ..input("Ana", "Pérez")
        }
        .validate(TODAY)
        .unwrap();
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["cedula"], "V12345678");
        assert_eq!(v["birth_date"], "1990-05-01");
        assert_eq!(v["sex"], "male");
        assert_eq!(v["blood_type"], "unknown");
    }
}
