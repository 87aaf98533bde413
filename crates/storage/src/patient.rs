//! patient storage (being built).
