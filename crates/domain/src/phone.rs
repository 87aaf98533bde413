//! Phone numbers, spec §3: Venezuelan numbers are stored in E.164
//! (`+584141234567`) whatever way they were typed, so one number is one value;
//! foreign numbers must be given with their `+` country code.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Message key for anything that is not a phone number we can normalise.
pub const FORMAT_KEY: &str = "err-phone-format";

/// A phone number in E.164: `+` and 8–15 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(String);

impl Phone {
    /// Venezuelan forms: `0414-123.45.67`, `04141234567`, `414 1234567`,
    /// `+58 414 1234567`, `+58 0414…`, `0058…`, `58414…`, landlines `0212-555.12.34`.
    /// The national number is 10 digits starting with 2 (landline), 4 (mobile)
    /// or 5, 8, 9 (0500/0800/0900 services). Foreign: `+` (or `00`) then 8–15
    /// digits. Spaces, dots, dashes and parentheses are ignored.
    /// The error is the message key [`FORMAT_KEY`].
    pub fn parse(input: &str) -> Result<Phone, &'static str> {
        let input = input.trim();
        let (plus, body) = match input.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        let mut digits = String::with_capacity(body.len());
        for c in body.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '.' | '-' | '(' | ')' => {}
                _ => return Err(FORMAT_KEY),
            }
        }
        let international = if plus { Some(digits.as_str()) } else { digits.strip_prefix("00") };
        let national = match international {
            Some(d) => match d.strip_prefix("58") {
                Some(ve) => ve.strip_prefix('0').filter(|n| n.len() == 10).unwrap_or(ve),
                None if (8..=15).contains(&d.len()) && !d.starts_with('0') => {
                    return Ok(Phone(format!("+{d}")));
                }
                None => return Err(FORMAT_KEY),
            },
            None => match digits.len() {
                11 => digits.strip_prefix('0').ok_or(FORMAT_KEY)?,
                12 => digits.strip_prefix("58").ok_or(FORMAT_KEY)?,
                _ => digits.as_str(),
            },
        };
        let valid = national.len() == 10 && national.starts_with(['2', '4', '5', '8', '9']);
        if valid {
            Ok(Phone(format!("+58{national}")))
        } else {
            Err(FORMAT_KEY)
        }
    }

    /// E.164, as stored: `+584141234567`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_venezuelan(&self) -> bool {
        self.0.starts_with("+58")
    }

    /// Venezuelan numbers the way they are written locally (`0414-123.45.67`);
    /// foreign numbers in E.164.
    pub fn display(&self) -> String {
        match self.0.strip_prefix("+58") {
            Some(n) if n.len() == 10 => {
                format!("0{}-{}.{}.{}", &n[..3], &n[3..6], &n[6..8], &n[8..])
            }
            _ => self.0.clone(),
        }
    }
}

impl Serialize for Phone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Phone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Phone::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn e164(s: &str) -> Result<String, &'static str> {
        Phone::parse(s).map(|p| p.0)
    }

    #[test]
    fn venezuelan_mobile_forms() {
        for s in [
            "0414-123.45.67",
            "04141234567",
            "414 1234567",
            "+58 414 1234567",
            "+58 0414 123 4567",
            "+58-414-123-45-67",
            "0058 414 1234567",
            "584141234567",
            "(0414) 123 45 67",
            " 0414.123.45.67 ",
        ] {
            assert_eq!(e164(s).as_deref(), Ok("+584141234567"), "{s}");
        }
    }

    #[test]
    fn landlines_and_services() {
        assert_eq!(e164("0212-555.12.34").as_deref(), Ok("+582125551234"));
        assert_eq!(e164("(0261) 7654321").as_deref(), Ok("+582617654321"));
        assert_eq!(e164("0800-123-4567").as_deref(), Ok("+588001234567"));
    }

    #[test]
    fn foreign_numbers_keep_their_code() {
        assert_eq!(e164("+1 (305) 555-1234").as_deref(), Ok("+13055551234"));
        assert_eq!(e164("+57 300 123 4567").as_deref(), Ok("+573001234567"));
        assert_eq!(e164("0034 612 345 678").as_deref(), Ok("+34612345678"));
        assert_eq!(e164("+4915123456789").as_deref(), Ok("+4915123456789"));
    }

    #[test]
    fn refused() {
        for s in [
            "",
            "+",
            "1234567",
            "0414-123",
            "04141234567 ext 2",
            "0414/1234567",
            "0314-1234567",
            "0114-1234567",
            "041412345678",
            "+58 414 12345",
            "+58 314 1234567",
            "+1234567",
            "+1234567890123456",
            "+0123456789",
            "++584141234567",
            "0414 123 45 6a",
            "abc",
        ] {
            assert_eq!(e164(s), Err(FORMAT_KEY), "{s}");
        }
    }

    #[test]
    fn display() {
        assert_eq!(Phone::parse("04141234567").unwrap().display(), "0414-123.45.67");
        assert_eq!(Phone::parse("+582125551234").unwrap().display(), "0212-555.12.34");
        assert_eq!(Phone::parse("+1 305 555 1234").unwrap().display(), "+13055551234");
        assert!(Phone::parse("04141234567").unwrap().is_venezuelan());
        assert!(!Phone::parse("+13055551234").unwrap().is_venezuelan());
    }

    #[test]
    fn serde_roundtrip() {
        let p: Phone = serde_json::from_str("\"0414-123.45.67\"").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"+584141234567\"");
    }

    proptest! {
        /// Every local way of writing a Venezuelan number, and its display form,
        /// normalise to the same E.164 value.
        #[test]
        fn venezuelan_forms_agree(area in prop_oneof![Just("212"), Just("412"), Just("414"), Just("424"), Just("261")],
                                  sub in 0u32..10_000_000, prefix in 0usize..4, sep in "[ .-]?") {
            let sub = format!("{sub:07}");
            let nat = format!("{area}{sep}{}{sep}{}", &sub[..3], &sub[3..]);
            let input = match prefix { 0 => format!("0{nat}"), 1 => nat, 2 => format!("+58 {nat}"), _ => format!("+58{sep}0{nat}") };
            let p = Phone::parse(&input).unwrap();
            prop_assert_eq!(p.as_str(), format!("+58{area}{sub}"));
            prop_assert_eq!(Phone::parse(&p.display()).unwrap(), p);
        }
    }
}
