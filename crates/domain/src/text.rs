//! Text helpers shared by validation and search: accent-insensitive folding and
//! tokenising (search must find "María" from "maria"), and the cleaning applied
//! to names and free text before they are stored.
//!
//! Every message key used by this module and its siblings (cedula, phone,
//! patient, appointment, clock, user) is in [`MESSAGE_KEYS`] and documented with
//! its English and Spanish sentence in `crates/domain/MESSAGES.md`.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::error::{FieldError, Invalid};

/// Message keys produced by text, cedula, phone, patient, appointment and user.
pub const MESSAGE_KEYS: &[&str] = &[
    "err-required",
    "err-too-long",
    "err-too-short",
    "err-name-chars",
    "err-invalid-chars",
    "err-invalid-choice",
    "err-cedula-format",
    "err-passport-format",
    "err-phone-format",
    "err-email-format",
    "err-date-format",
    "err-date-future",
    "err-date-too-early",
    "err-number",
    "err-out-of-range",
    "err-duplicate",
    "err-allergies-conflict",
    "err-packs-without-tobacco",
    "err-username-chars",
    "err-password-is-username",
    "err-transition",
    "err-not-appointment-day",
    "err-no-show-too-early",
    "age-years",
    "age-months",
    "age-days",
];

/// Accent- and case-insensitive form used for search and sorting:
/// "María José Ñañez" → "maria jose nanez". NFKD also maps compatibility forms
/// (full-width digits, ligatures) to their plain letters.
pub fn fold(s: &str) -> String {
    s.to_lowercase().nfkd().filter(|c| !is_combining_mark(*c)).collect()
}

/// Folded search words: split on anything that is not a letter or digit, except
/// apostrophes, which are dropped so "O'Brien" and "obrien" give the same word.
pub fn words(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !c.is_alphanumeric() && !is_apostrophe(c))
        .map(|w| w.chars().filter(|c| !is_apostrophe(*c)).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

/// Single-line cleaning: NFC (so "é" is one character whatever the keyboard
/// sent), trimmed, runs of whitespace (tabs, newlines included) made one space.
pub fn clean(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Multi-line cleaning for notes and addresses: NFC, CRLF → LF, trimmed.
pub fn clean_multiline(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.replace("\r\n", "\n").replace('\r', "\n").trim().to_string()
}

/// `None` for a missing or blank value, the [`clean`]ed value otherwise.
pub fn clean_opt(s: Option<&str>) -> Option<String> {
    s.map(clean).filter(|s| !s.is_empty())
}

/// Length in characters (what a user counts), not bytes.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// A person's name: Unicode letters (with their combining accents), apostrophes,
/// hyphens and spaces, and at least one letter. Digits, punctuation and emoji
/// are refused.
pub fn is_name(s: &str) -> bool {
    let mut after_letter = false;
    let mut any_letter = false;
    for c in s.chars() {
        if c.is_alphabetic() {
            after_letter = true;
            any_letter = true;
        } else if is_combining_mark(c) && after_letter {
            // an accent still decomposed after NFC belongs to the letter before it
        } else if c == '-' || c == ' ' || is_apostrophe(c) {
            after_letter = false;
        } else {
            return false;
        }
    }
    any_letter
}

/// Syntactic e-mail check (what a form can check; delivery is another matter):
/// `local@domain.tld`, no spaces, labels of letters, digits and hyphens.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()));
    s.len() <= 254 && local_ok && domain_ok
}

/// A name field: cleaned, `max` characters, [`is_name`]. Blank gives
/// `err-required` when `required`, `Ok(None)` otherwise.
pub fn name_field(field: &str, value: Option<&str>, required: bool, max: usize) -> Result<Option<String>, FieldError> {
    let Some(v) = clean_opt(value) else {
        return if required {
            Err(FieldError::new(field, "err-required"))
        } else {
            Ok(None)
        };
    };
    if char_len(&v) > max {
        Err(FieldError::new(field, "err-too-long").arg("max", max))
    } else if !is_name(&v) {
        Err(FieldError::new(field, "err-name-chars"))
    } else {
        Ok(Some(v))
    }
}

/// An optional single-line text field of at most `max` characters.
pub fn line_field(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    max_len(field, clean_opt(value), max)
}

/// An optional multi-line text field of at most `max` characters.
pub fn multiline_field(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, FieldError> {
    max_len(field, value.map(clean_multiline).filter(|s| !s.is_empty()), max)
}

fn max_len(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, FieldError> {
    match value {
        Some(v) if char_len(&v) > max => Err(FieldError::new(field, "err-too-long").arg("max", max)),
        v => Ok(v),
    }
}

/// Keeps the value of `r`, or records its error so a form reports every problem at once.
pub(crate) fn collect<T>(errors: &mut Invalid, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

/// A closed set of codes stored and sent as snake_case strings: `as_str`,
/// case-insensitive `parse`, `ALL`, `allowed()` (for `err-invalid-choice`),
/// `Display` and serde as the string.
macro_rules! str_enum {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $v:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }

            /// Case-insensitive; surrounding spaces ignored.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s))
            }

            /// The codes, comma-separated: the `allowed` argument of `err-invalid-choice`.
            pub fn allowed() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                Self::parse(&s).ok_or_else(|| {
                    serde::de::Error::custom(format!("unknown {} `{s}`, expected one of {}", stringify!($name), Self::allowed()))
                })
            }
        }
    };
}
pub(crate) use str_enum;

/// Parses an optional code: blank is `Ok(None)`, unknown is `err-invalid-choice`
/// with the allowed codes as argument.
pub(crate) fn choice_field<T>(
    field: &str,
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    allowed: fn() -> String,
) -> Result<Option<T>, FieldError> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse(s)
            .map(Some)
            .ok_or_else(|| FieldError::new(field, "err-invalid-choice").arg("allowed", allowed())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_drops_accents_and_case() {
        assert_eq!(fold("María José PÉREZ Ñañez"), "maria jose perez nanez");
        assert_eq!(fold("Müller-Lüdenscheidt"), "muller-ludenscheidt");
        // decomposed input folds the same as composed input
        assert_eq!(fold("Jose\u{301}"), fold("José"));
        assert_eq!(fold("１２３"), "123");
    }

    #[test]
    fn words_split_and_join_apostrophes() {
        assert_eq!(words("  María-José  O'Brien, 12.345 "), ["maria", "jose", "obrien", "12", "345"]);
        assert_eq!(words("D’Angelo"), ["dangelo"]);
        assert!(words(" -- ").is_empty());
    }

    #[test]
    fn clean_normalises_whitespace_and_nfc() {
        assert_eq!(clean("  Ana \t  Lucía\n"), "Ana Lucía");
        assert_eq!(clean("Jose\u{301}"), "José");
        assert_eq!(char_len(&clean("Jose\u{301}")), 4);
        assert_eq!(clean_multiline("  a\r\nb\r\n\n "), "a\nb");
        assert_eq!(clean_opt(Some("   ")), None);
        assert_eq!(clean_opt(None), None);
    }

    #[test]
    fn names() {
        for ok in [
            "María José",
            "Pérez Gómez",
            "Ñañez",
            "O'Brien",
            "D’Angelo",
            "Ana-Lucía",
            "Zoë",
            "Søren",
            "李",
        ] {
            assert!(is_name(ok), "{ok}");
        }
        for bad in ["Ana2", "Ana 😀", "Ana.", "-", "'", "  ", "", "Ana_Lu", "Ana\u{200d}"] {
            assert!(!is_name(bad), "{bad}");
        }
        // a combining accent after a letter is fine, alone it is not
        assert!(is_name("Jose\u{301}"));
        assert!(!is_name("\u{301}"));
    }

    #[test]
    fn name_field_rules() {
        assert_eq!(name_field("first_name", Some("  Ana  "), true, 100), Ok(Some("Ana".into())));
        assert_eq!(name_field("middle_name", Some(" "), false, 100), Ok(None));
        assert_eq!(name_field("first_name", None, true, 100).map_err(|e| e.key), Err("err-required"));
        let long = "a".repeat(101);
        let e = name_field("first_name", Some(&long), true, 100).err();
        assert_eq!(e, Some(FieldError::new("first_name", "err-too-long").arg("max", 100)));
        assert_eq!(
            name_field("first_name", Some("R2D2"), true, 100).map_err(|e| e.key),
            Err("err-name-chars")
        );
        // 100 accented characters are 100, not 200 bytes
        assert!(name_field("first_name", Some(&"é".repeat(100)), true, 100).is_ok());
    }

    #[test]
    fn emails() {
        for ok in ["ana@example.com", "ana.perez+citas@clinica.com.ve", "a@b.co", "josé@correo.es"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "ana",
            "ana@",
            "@x.com",
            "ana@x",
            "ana@x.",
            "ana@.com",
            "ana @x.com",
            "ana@@x.com",
            "a..b@x.com",
            ".a@x.com",
            "ana@x.123",
            "ana@-x.com",
            "ana@x_y.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn text_fields() {
        assert_eq!(line_field("occupation", Some("  Docente "), 10), Ok(Some("Docente".into())));
        assert_eq!(
            line_field("occupation", Some("x".repeat(11).as_str()), 10).map_err(|e| e.key),
            Err("err-too-long")
        );
        assert_eq!(multiline_field("address", Some(" a\r\nb "), 10), Ok(Some("a\nb".into())));
        assert_eq!(multiline_field("address", Some(" "), 10), Ok(None));
    }

    str_enum! {
        /// test enum
        pub enum Color { Red => "red", DarkBlue => "dark_blue" }
    }

    #[test]
    #[allow(clippy::unwrap_used)]
    fn str_enum_roundtrip() {
        for c in Color::ALL {
            assert_eq!(Color::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Color::parse(" DARK_BLUE "), Some(Color::DarkBlue));
        assert_eq!(Color::parse("blue"), None);
        assert_eq!(Color::allowed(), "red, dark_blue");
        assert_eq!(serde_json::to_string(&Color::DarkBlue).unwrap(), "\"dark_blue\"");
        assert_eq!(serde_json::from_str::<Color>("\"red\"").unwrap(), Color::Red);
        assert!(serde_json::from_str::<Color>("\"green\"").is_err());
        let e = choice_field("color", Some("green"), Color::parse, Color::allowed).err();
        assert_eq!(
            e,
            Some(FieldError::new("color", "err-invalid-choice").arg("allowed", "red, dark_blue"))
        );
        assert_eq!(choice_field("color", Some(" "), Color::parse, Color::allowed), Ok(None));
    }

    /// Every `"err-…"`/`"age-…"` literal in these modules is listed in MESSAGE_KEYS
    /// and documented in MESSAGES.md, so the web catalogue can be complete.
    #[test]
    fn message_keys_documented() {
        let doc = include_str!("../MESSAGES.md");
        let sources = [
            include_str!("text.rs"),
            include_str!("cedula.rs"),
            include_str!("phone.rs"),
            include_str!("patient.rs"),
            include_str!("appointment.rs"),
            include_str!("clock.rs"),
            include_str!("user.rs"),
        ];
        for src in sources {
            for prefix in ["\"err-", "\"age-"] {
                for (i, _) in src.match_indices(prefix) {
                    let key: String = src[i + 1..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '-').collect();
                    if !key.ends_with('-') {
                        assert!(MESSAGE_KEYS.contains(&key.as_str()), "{key} missing from MESSAGE_KEYS");
                    }
                }
            }
        }
        for key in MESSAGE_KEYS {
            assert!(doc.contains(&format!("`{key}`")), "{key} missing from MESSAGES.md");
        }
    }
}
