//! ICD-11 catalogue: import, search, browse (spec §6). (Being built.)

use crate::{ServiceError, ServiceResult, Services};

/// Counts reported by an import.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportSummary {
    pub release: String,
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub retired: usize,
}

impl Services {
    /// Imports WHO's MMS table from `.xlsx` or `.txt` bytes; `progress` is called with (done, total).
    pub async fn icd11_import(&self, _file_name: &str, _bytes: Vec<u8>, _progress: &(dyn Fn(usize, usize) + Send + Sync)) -> ServiceResult<ImportSummary> {
        Err(ServiceError::Internal("ICD-11 import not built yet".into()))
    }
}
