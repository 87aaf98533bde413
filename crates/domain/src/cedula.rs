//! Venezuelan identity card number (cédula de identidad), spec §3. Staff type it
//! in many ways (`v-12.345.678`, `12345678`, `V 12 345 678`); one canonical form
//! (`V12345678`) keeps the uniqueness rule and search exact.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Message key for anything that is not a cédula.
pub const FORMAT_KEY: &str = "err-cedula-format";

/// A valid cédula in canonical form: type letter (`V` Venezuelan, `E` foreign
/// resident) followed by 5–9 digits without leading zeros.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cedula(String);

impl Cedula {
    /// Accepts an optional `V`/`E` (either case; `V` when omitted) followed by
    /// 5–9 digits, with dots, dashes and spaces anywhere. Leading zeros are
    /// dropped so `V-01.234.567` and `V-1.234.567` are the same person.
    /// The error is the message key [`FORMAT_KEY`].
    pub fn parse(input: &str) -> Result<Cedula, &'static str> {
        // A dash after the digits began (`V-12.345.678-9`) is a RIF check digit, not part
        // of a cédula: refuse rather than silently read a different number.
        if let Some((head, tail)) = input.trim().rsplit_once('-')
            && tail.trim().len() == 1
            && tail.trim().chars().all(|c| c.is_ascii_digit())
            && head.contains('.')
        {
            return Err(FORMAT_KEY);
        }
        let mut chars = input.chars().filter(|c| !matches!(c, '.' | '-' | ' ' | '\t')).peekable();
        let kind = match chars.peek().map(char::to_ascii_uppercase) {
            Some(k @ ('V' | 'E')) => {
                chars.next();
                k
            }
            _ => 'V',
        };
        let digits: String = chars.collect();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(FORMAT_KEY);
        }
        let significant = digits.trim_start_matches('0');
        if !(5..=9).contains(&significant.len()) {
            return Err(FORMAT_KEY);
        }
        Ok(Cedula(format!("{kind}{significant}")))
    }

    /// Canonical form, as stored: `V12345678`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `V` or `E`.
    pub fn kind(&self) -> char {
        self.0.chars().next().unwrap_or('V')
    }

    /// The number without its type letter: `12345678`.
    pub fn digits(&self) -> &str {
        self.0.get(1..).unwrap_or("")
    }

    /// Human form with thousands dots: `V-12.345.678`.
    pub fn display(&self) -> String {
        let digits = self.digits();
        let mut out = format!("{}-", self.kind());
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        out
    }
}

/// When a free-text search term looks like a cédula ("12.345.678",
/// "V-12345678", "e81234567"), its canonical form; `None` for a name.
/// A term without a type letter gives the `V` form: callers that want `E`
/// cédulas too should also match [`search_digits`] against the stored digits.
pub fn search_key(term: &str) -> Option<String> {
    Cedula::parse(term.trim()).ok().map(|c| c.0)
}

/// The digits of a term that looks like a cédula, whatever its type letter.
pub fn search_digits(term: &str) -> Option<String> {
    Cedula::parse(term.trim()).ok().map(|c| c.digits().to_string())
}

impl Serialize for Cedula {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Cedula {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Cedula::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn canon(s: &str) -> Result<String, &'static str> {
        Cedula::parse(s).map(|c| c.0)
    }

    #[test]
    fn accepted_formats() {
        for s in [
            "V-12.345.678",
            "v12345678",
            "12345678",
            " v 12 345 678 ",
            "V12345678",
            "v-12-345-678",
            "012345678",
        ] {
            assert_eq!(canon(s).as_deref(), Ok("V12345678"), "{s}");
        }
        assert_eq!(canon("E-81.234.567").as_deref(), Ok("E81234567"));
        assert_eq!(canon("e 81234567").as_deref(), Ok("E81234567"));
        assert_eq!(canon("12345").as_deref(), Ok("V12345"));
        assert_eq!(canon("123456789").as_deref(), Ok("V123456789"));
        // A RIF with its check digit is not a cédula.
        assert_eq!(canon("V-12.345.678-9"), Err(FORMAT_KEY));
    }

    #[test]
    fn refused_formats() {
        for s in [
            "",
            "V",
            "V-",
            "1234",
            "1234567890",
            "J-12345678",
            "X12345678",
            "12a45678",
            "V-12.345.678/9",
            "V-12.345.678-90",
            "00001234",
            "VV12345678",
            "12,345,678",
            "١٢٣٤٥٦٧٨",
        ] {
            assert_eq!(canon(s), Err(FORMAT_KEY), "{s}");
        }
    }

    #[test]
    fn parts_and_display() {
        let c = Cedula::parse("v-1234567").unwrap();
        assert_eq!(c.as_str(), "V1234567");
        assert_eq!(c.kind(), 'V');
        assert_eq!(c.digits(), "1234567");
        assert_eq!(c.display(), "V-1.234.567");
        assert_eq!(Cedula::parse("12345678").unwrap().display(), "V-12.345.678");
        assert_eq!(Cedula::parse("E123456789").unwrap().display(), "E-123.456.789");
        assert_eq!(Cedula::parse("12345").unwrap().display(), "V-12.345");
    }

    #[test]
    fn search_terms() {
        assert_eq!(search_key("12.345.678").as_deref(), Some("V12345678"));
        assert_eq!(search_key("V-12345678").as_deref(), Some("V12345678"));
        assert_eq!(search_key("e-81234567").as_deref(), Some("E81234567"));
        assert_eq!(search_digits("E-81.234.567").as_deref(), Some("81234567"));
        for name in ["maria", "v", "perez", "1234", "ve"] {
            assert_eq!(search_key(name), None, "{name}");
        }
    }

    #[test]
    fn serde_roundtrip() {
        let c: Cedula = serde_json::from_str("\"v-12.345.678\"").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"V12345678\"");
        assert!(serde_json::from_str::<Cedula>("\"abc\"").is_err());
    }

    /// A number written with random separators, optional type letter in either
    /// case and surrounding spaces.
    fn formatted() -> impl Strategy<Value = (String, String)> {
        (
            10_000u32..=999_999_999,
            prop_oneof![Just(""), Just("V"), Just("v"), Just("E"), Just("e")],
            prop_oneof![Just(""), Just("-"), Just(" "), Just("- ")],
            proptest::collection::vec(prop_oneof![Just(""), Just(""), Just("."), Just("-"), Just(" ")], 9),
            " {0,2}",
            " {0,2}",
        )
            .prop_map(|(n, kind, after_kind, seps, pre, post)| {
                let digits = n.to_string();
                let mut body = String::new();
                for (i, c) in digits.chars().enumerate() {
                    if i > 0 {
                        body.push_str(seps[i]);
                    }
                    body.push(c);
                }
                let kind_upper = if kind.is_empty() { "V".to_string() } else { kind.to_uppercase() };
                let input = format!("{pre}{kind}{}{body}{post}", if kind.is_empty() { "" } else { after_kind });
                (input, format!("{kind_upper}{digits}"))
            })
    }

    proptest! {
        #[test]
        fn any_formatting_parses_to_canonical((input, expected) in formatted()) {
            // Dotted digits ending in "-<one digit>" read as a RIF check digit and are refused on purpose.
            let rif_like = input.trim().rsplit_once('-').is_some_and(|(h, t)| t.trim().len() == 1 && h.contains('.'));
            prop_assume!(!rif_like);
            let c = Cedula::parse(&input).unwrap();
            prop_assert_eq!(c.as_str(), expected.as_str());
            prop_assert_eq!(Cedula::parse(&c.display()).unwrap(), c.clone());
            prop_assert_eq!(Cedula::parse(c.as_str()).unwrap(), c);
        }
    }
}
