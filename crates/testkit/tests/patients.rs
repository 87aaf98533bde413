//! patients integration tests (being built).
#![allow(clippy::unwrap_used, clippy::expect_used)]
