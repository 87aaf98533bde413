//! visit storage (being built).
