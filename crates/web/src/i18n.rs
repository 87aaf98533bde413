//! Translation catalogue (Fluent, compiled into the binary). The language is passed
//! per request: there is no process-global locale.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use medops_domain::{FieldError, Lang};
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "es",
        // Plain text: no Unicode isolation marks around arguments in HTML or JSON.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static ES: LanguageIdentifier = langid!("es");
static EN: LanguageIdentifier = langid!("en");

/// A translator bound to one language; cheap to copy into templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr(pub Lang);

impl Tr {
    fn id(&self) -> &'static LanguageIdentifier {
        match self.0 {
            Lang::Es => &ES,
            Lang::En => &EN,
        }
    }

    pub fn lang(&self) -> &'static str {
        self.0.as_str()
    }

    /// The message for `key`, or the key itself when the catalogue lacks it.
    pub fn t(&self, key: &str) -> String {
        LOCALES.try_lookup(self.id(), key).unwrap_or_else(|| key.to_owned())
    }

    pub fn t_args(&self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Owned((*k).to_owned()), fluent_value(v))).collect();
        LOCALES.try_lookup_with_args(self.id(), key, &map).unwrap_or_else(|| key.to_owned())
    }

    /// One argument, for templates: `tr.t1("key", "name", value)`.
    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        self.t_args(key, &[(name, value.to_string())])
    }

    pub fn field_error(&self, e: &FieldError) -> String {
        let args: Vec<(&str, String)> = e.args.iter().map(|(k, v)| (*k, v.clone())).collect();
        self.t_args(e.key, &args)
    }
}

/// Whole numbers go to Fluent as numbers, so plural selectors (`[one]`) work;
/// anything else (including "0414…") stays text.
fn fluent_value(v: &str) -> FluentValue<'static> {
    match v.parse::<i64>() {
        Ok(n) if n.to_string() == v => FluentValue::from(n),
        _ => FluentValue::from(v.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let keys = |dir: &str| -> std::collections::BTreeSet<String> {
            let mut out = std::collections::BTreeSet::new();
            let path = format!("{}/locales/{dir}", env!("CARGO_MANIFEST_DIR"));
            for f in std::fs::read_dir(path).into_iter().flatten().flatten() {
                for line in std::fs::read_to_string(f.path()).unwrap_or_default().lines() {
                    if let Some((k, _)) = line.split_once(" =")
                        && !k.starts_with(' ')
                        && !k.starts_with('#')
                        && !k.is_empty()
                    {
                        out.insert(k.trim().to_owned());
                    }
                }
            }
            out
        };
        let (es, en) = (keys("es"), keys("en"));
        let only_es: Vec<_> = es.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&es).collect();
        assert!(
            only_es.is_empty() && only_en.is_empty(),
            "only es: {only_es:?}; only en: {only_en:?}"
        );
        assert!(es.len() > 10);
    }

    #[test]
    fn lookup_with_args() {
        let tr = Tr(Lang::En);
        assert_eq!(tr.t1("err-too-long", "max", 100), "Must be at most 100 characters.");
        assert_eq!(Tr(Lang::Es).t("err-required"), "Este campo es obligatorio.");
        assert_eq!(Tr(Lang::Es).t1("age-years", "n", 1), "1 año");
        assert_eq!(Tr(Lang::Es).t1("age-years", "n", 34), "34 años");
        assert_eq!(Tr(Lang::En).t1("age-months", "n", 1), "1 month");
    }
}
