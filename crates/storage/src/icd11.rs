//! icd11 storage (being built).
