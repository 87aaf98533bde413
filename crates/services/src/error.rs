//! The services' error type. The web layer maps each variant to an HTTP status and
//! translates its message key once; nothing below chooses status codes.

use medops_domain::Invalid;
use medops_storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Input understood but refused, per field (422).
    #[error("invalid input: {0}")]
    Invalid(Invalid),
    /// Unknown id, or one the caller may not see (404).
    #[error("not found")]
    NotFound,
    /// Logged in but not allowed (403).
    #[error("forbidden")]
    Forbidden,
    /// Not logged in, bad credentials or an ended session (401).
    #[error("unauthenticated")]
    Unauthenticated,
    /// State conflict or duplicate (409); `key` is the message key.
    #[error("conflict: {key}")]
    Conflict {
        key: &'static str,
        args: Vec<(&'static str, String)>,
    },
    /// Wrong username or password (401, one message for both).
    #[error("bad credentials")]
    BadCredentials,
    /// Too many attempts (429).
    #[error("throttled")]
    Throttled { retry_after_secs: i64 },
    /// Malformed request that is not a field problem (400).
    #[error("bad request: {key}")]
    BadRequest { key: &'static str },
    /// A bug or an outage; the cause is logged, the user sees a request id (500).
    #[error("internal: {0}")]
    Internal(String),
}

impl ServiceError {
    pub fn conflict(key: &'static str) -> Self {
        ServiceError::Conflict { key, args: Vec::new() }
    }
    pub fn conflict_with(key: &'static str, name: &'static str, value: impl ToString) -> Self {
        ServiceError::Conflict {
            key,
            args: vec![(name, value.to_string())],
        }
    }
    pub fn invalid(field: &str, key: &'static str) -> Self {
        ServiceError::Invalid(Invalid::one(field, key))
    }
}

impl From<Invalid> for ServiceError {
    fn from(e: Invalid) -> Self {
        ServiceError::Invalid(e)
    }
}

impl From<StorageError> for ServiceError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound => ServiceError::NotFound,
            StorageError::Conflict { .. } => ServiceError::conflict("err-conflict"),
            other => ServiceError::Internal(other.to_string()),
        }
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;
