//! The one place that reads the system clock. Tests move time forward with
//! [`Clock::advance`] to exercise timeouts without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Debug, Default)]
pub struct Clock {
    offset_us: AtomicI64,
}

impl Clock {
    #[allow(clippy::disallowed_methods)]
    pub fn now(&self) -> jiff::Timestamp {
        let now = jiff::Timestamp::now();
        let off = self.offset_us.load(Ordering::Relaxed);
        now.checked_add(jiff::SignedDuration::from_micros(off)).unwrap_or(now)
    }

    /// Shifts the clock forward (tests).
    pub fn advance(&self, by: jiff::SignedDuration) {
        let us = i64::try_from(by.as_micros()).unwrap_or(i64::MAX);
        self.offset_us.fetch_add(us, Ordering::Relaxed);
    }
}
