//! Staff accounts (spec §1): login name, password policy and display name.
//! Hashing (Argon2id) is the services' job; this only checks the rules.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::FieldError;
use crate::text;

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 32;
pub const PASSWORD_MIN: usize = 10;
/// Bounds the work of hashing an attacker-supplied password.
pub const PASSWORD_MAX: usize = 256;
pub const FULL_NAME_MAX: usize = 120;

/// A login name: 3–32 of `a-z 0-9 . _ -`. Input is trimmed and lowercased so
/// "Maria.Perez " and "maria.perez" are the same account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Username(String);

impl Username {
    /// Errors are on field `username`.
    pub fn parse(input: &str) -> Result<Username, FieldError> {
        let s = input.trim().to_ascii_lowercase();
        let len = s.chars().count();
        if s.is_empty() {
            Err(FieldError::new("username", "err-required"))
        } else if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        {
            Err(FieldError::new("username", "err-username-chars"))
        } else if len < USERNAME_MIN {
            Err(FieldError::new("username", "err-too-short").arg("min", USERNAME_MIN))
        } else if len > USERNAME_MAX {
            Err(FieldError::new("username", "err-too-long").arg("max", USERNAME_MAX))
        } else {
            Ok(Username(s))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Password policy (spec §1): 10–256 characters, not the username (ignoring
/// case and surrounding spaces). The password itself is never trimmed.
/// Errors are on field `password`.
pub fn validate_password(password: &str, username: &str) -> Result<(), FieldError> {
    let len = password.chars().count();
    if len == 0 {
        Err(FieldError::new("password", "err-required"))
    } else if len < PASSWORD_MIN {
        Err(FieldError::new("password", "err-too-short").arg("min", PASSWORD_MIN))
    } else if len > PASSWORD_MAX {
        Err(FieldError::new("password", "err-too-long").arg("max", PASSWORD_MAX))
    } else if password.trim().to_lowercase() == username.trim().to_lowercase() {
        Err(FieldError::new("password", "err-password-is-username"))
    } else {
        Ok(())
    }
}

/// A user's display name: 1–120 characters after cleaning, no control
/// characters. Looser than patient names: titles like "Dr." are welcome.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FullName(String);

impl FullName {
    /// Errors are on field `full_name`.
    pub fn parse(input: &str) -> Result<FullName, FieldError> {
        let s = text::clean(input);
        if s.is_empty() {
            Err(FieldError::new("full_name", "err-required"))
        } else if text::char_len(&s) > FULL_NAME_MAX {
            Err(FieldError::new("full_name", "err-too-long").arg("max", FULL_NAME_MAX))
        } else if s.chars().any(|c| c.is_control()) {
            Err(FieldError::new("full_name", "err-invalid-chars"))
        } else {
            Ok(FullName(s))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for FullName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! string_serde {
    ($t:ident) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $t::parse(&s).map_err(|e| serde::de::Error::custom(e.key))
            }
        }
    };
}
string_serde!(Username);
string_serde!(FullName);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn key<T>(r: Result<T, FieldError>) -> Option<&'static str> {
        r.err().map(|e| e.key)
    }

    #[test]
    fn usernames() {
        assert_eq!(Username::parse("  Maria.Perez ").unwrap().as_str(), "maria.perez");
        for ok in ["abc", "dr_gomez-2", "a.b", &"x".repeat(32)] {
            assert!(Username::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(key(Username::parse("  ")), Some("err-required"));
        assert_eq!(
            Username::parse("ab").err(),
            Some(FieldError::new("username", "err-too-short").arg("min", 3))
        );
        assert_eq!(
            Username::parse(&"x".repeat(33)).err(),
            Some(FieldError::new("username", "err-too-long").arg("max", 32))
        );
        for bad in ["maría", "ana perez", "ana@clinic", "ana+1", "ñandu", "ǅab", "\u{212A}elvin"] {
            assert_eq!(key(Username::parse(bad)), Some("err-username-chars"), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert_eq!(validate_password("correct horse battery", "ana"), Ok(()));
        assert_eq!(validate_password("ñññññññññ1", "ana"), Ok(()));
        assert_eq!(key(validate_password("", "ana")), Some("err-required"));
        assert_eq!(
            validate_password("short", "ana").err(),
            Some(FieldError::new("password", "err-too-short").arg("min", 10))
        );
        assert_eq!(key(validate_password(&"x".repeat(257), "ana")), Some("err-too-long"));
        assert!(validate_password(&"x".repeat(256), "ana").is_ok());
        assert_eq!(
            key(validate_password("Maria.Perez", "maria.perez")),
            Some("err-password-is-username")
        );
        assert_eq!(
            key(validate_password("maria.perez", " MARIA.PEREZ ")),
            Some("err-password-is-username")
        );
        // 9 characters even if 18 bytes
        assert_eq!(key(validate_password("ñññññññññ", "ana")), Some("err-too-short"));
    }

    #[test]
    fn full_names() {
        assert_eq!(FullName::parse("  Dra.  María   Pérez ").unwrap().as_str(), "Dra. María Pérez");
        assert_eq!(key(FullName::parse(" ")), Some("err-required"));
        assert_eq!(key(FullName::parse(&"a".repeat(121))), Some("err-too-long"));
        assert!(FullName::parse(&"á".repeat(120)).is_ok());
        assert_eq!(key(FullName::parse("Ana\u{0}Pérez")), Some("err-invalid-chars"));
    }

    #[test]
    fn serde() {
        let u: Username = serde_json::from_str("\"Ana\"").unwrap();
        assert_eq!(serde_json::to_string(&u).unwrap(), "\"ana\"");
        assert!(serde_json::from_str::<Username>("\"a b\"").is_err());
    }
}
