//! visits use cases (being built).
