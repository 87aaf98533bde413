//! MedOps domain: types, validation, state machines and rules. No I/O lives here:
//! time is passed in, storage and HTTP are other crates' business.

pub mod appointment;
pub mod audit;
pub mod cedula;
pub mod clock;
pub mod error;
pub mod icd11;
pub mod lang;
pub mod patient;
pub mod phone;
pub mod role;
pub mod text;
pub mod user;

pub use error::{FieldError, Invalid};
pub use lang::Lang;
pub use role::{Capability, Role};
