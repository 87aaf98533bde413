//! icd11 integration tests (being built).
#![allow(clippy::unwrap_used, clippy::expect_used)]
