//! Demo clinic (spec §15). (Being built.)

use crate::{ServiceResult, Services};

impl Services {
    /// Fills an empty database once with the demo clinic. Returns false when data was already there.
    pub async fn demo_load(&self, _icd11_xlsx: Option<&std::path::Path>) -> ServiceResult<bool> {
        Ok(false)
    }
}
