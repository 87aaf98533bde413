//! Validation errors. A `FieldError` names the field and a message key from the
//! translation catalogue (`err-…`), never a sentence: the web layer translates it
//! into the request's language.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Field name as it appears in the API (`first_name`, `allergies[2].substance`).
    pub field: String,
    /// Catalogue key of the reason, e.g. `err-required`, `err-too-long`.
    pub key: &'static str,
    /// Arguments for the message (`max` → `100`).
    pub args: Vec<(&'static str, String)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, key: &'static str) -> Self {
        Self {
            field: field.into(),
            key,
            args: Vec::new(),
        }
    }
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }
}

/// One or more field errors: the input was understood but refused (HTTP 422).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(field: impl Into<String>, key: &'static str) -> Self {
        Self(vec![FieldError::new(field, key)])
    }
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `Ok(())` when nothing was collected.
    pub fn into_result(self) -> Result<(), Invalid> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}: {}", e.field, e.key)?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalid {}
