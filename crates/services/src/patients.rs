//! patients use cases (being built).
