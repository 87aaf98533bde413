//! MedOps documents: reading and writing files.
//!
//! - [`icd11`]: WHO's ICD-11 MMS release file (`.txt` / `.xlsx`), spec §6.1.

pub mod icd11;
