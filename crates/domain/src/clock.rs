//! The clinic's calendar. Instants are stored in UTC (i64 unix microseconds);
//! "today", day boundaries and every date shown to people are in the clinic's
//! time zone (America/Caracas by default), never the server's. No clock is read
//! here: callers pass `now`.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// The clinic's default zone (spec: UTC−4, no daylight saving).
pub const DEFAULT_TZ: &str = "America/Caracas";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone `{0}`")]
pub struct UnknownTimeZone(pub String);

/// The clinic's time zone.
#[derive(Debug, Clone)]
pub struct ClinicTz {
    tz: TimeZone,
}

impl ClinicTz {
    /// Looks the IANA name up in the tz database bundled into the binary, so
    /// the host's `/usr/share/zoneinfo` does not matter.
    pub fn new(name: &str) -> Result<ClinicTz, UnknownTimeZone> {
        TimeZone::get(name.trim())
            .map(|tz| ClinicTz { tz })
            .map_err(|_| UnknownTimeZone(name.to_string()))
    }

    /// America/Caracas; falls back to a fixed UTC−4 (what Caracas is) should the
    /// bundled database ever lack it.
    pub fn caracas() -> ClinicTz {
        ClinicTz::new(DEFAULT_TZ).unwrap_or_else(|_| ClinicTz {
            tz: TimeZone::fixed(jiff::tz::offset(-4)),
        })
    }

    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    /// IANA name, e.g. `America/Caracas` (`None` for a fixed offset).
    pub fn name(&self) -> Option<&str> {
        self.tz.iana_name()
    }

    pub fn zoned(&self, ts: Timestamp) -> Zoned {
        ts.to_zoned(self.tz.clone())
    }

    /// The clinic's calendar date at instant `now`.
    pub fn today(&self, now: Timestamp) -> Date {
        self.zoned(now).date()
    }

    /// `dd/mm/yyyy HH:MM` in the clinic's zone.
    pub fn format_datetime(&self, ts: Timestamp) -> String {
        self.zoned(ts).strftime("%d/%m/%Y %H:%M").to_string()
    }

    /// `HH:MM` in the clinic's zone (arrival times in the waiting room).
    pub fn format_time(&self, ts: Timestamp) -> String {
        self.zoned(ts).strftime("%H:%M").to_string()
    }

    /// First instant of `date` and first instant of the next day in the clinic's
    /// zone, as UTC instants: the half-open range `[start, end)` of that clinic
    /// day. Dates at the very edge of jiff's range saturate to its limits.
    pub fn day_bounds(&self, date: Date) -> (Timestamp, Timestamp) {
        let start = date.to_zoned(self.tz.clone()).map(|z| z.timestamp()).unwrap_or(Timestamp::MIN);
        let end = date
            .tomorrow()
            .and_then(|d| d.to_zoned(self.tz.clone()))
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MAX);
        (start, end)
    }

    /// The instant of a wall-clock date and time at the clinic (an appointment's
    /// start). Ambiguous or skipped times (only in zones with daylight saving)
    /// resolve the way jiff's "compatible" strategy does.
    pub fn instant(&self, date: Date, time: Time) -> Result<Timestamp, jiff::Error> {
        DateTime::from_parts(date, time).to_zoned(self.tz.clone()).map(|z| z.timestamp())
    }
}

impl Default for ClinicTz {
    fn default() -> Self {
        ClinicTz::caracas()
    }
}

/// `dd/mm/yyyy`, the way dates are written in Venezuela.
pub fn format_date(date: Date) -> String {
    date.strftime("%d/%m/%Y").to_string()
}

/// Strict `YYYY-MM-DD` (what `<input type="date">` and the JSON API send).
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let b = s.as_bytes();
    let shape = b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|p| p.parse::<i16>().ok());
    Date::new(num(0..4)?, i8::try_from(num(5..7)?).ok()?, i8::try_from(num(8..10)?).ok()?).ok()
}

/// An instant as stored: unix microseconds.
pub fn to_micros(ts: Timestamp) -> i64 {
    ts.as_microsecond()
}

/// A stored instant back; fails only for values outside jiff's range (year
/// −9999..=9999), i.e. corrupt data.
pub fn from_micros(micros: i64) -> Result<Timestamp, jiff::Error> {
    Timestamp::from_microsecond(micros)
}

/// Whole minutes between two instants, never negative (waiting time shown live).
pub fn minutes_between(from: Timestamp, to: Timestamp) -> i64 {
    ((to.as_second() - from.as_second()) / 60).max(0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn caracas_is_bundled() {
        let tz = ClinicTz::new("America/Caracas").unwrap();
        assert_eq!(tz.name(), Some("America/Caracas"));
        assert_eq!(ClinicTz::caracas().name(), Some("America/Caracas"));
        assert!(ClinicTz::new("Mars/Olympus").is_err());
    }

    #[test]
    fn late_evening_utc_is_still_yesterday_in_caracas() {
        let tz = ClinicTz::caracas();
        let now = ts("2026-12-05T02:30:00Z");
        assert_eq!(tz.today(now), date(2026, 12, 4));
        assert_eq!(format_date(tz.today(now)), "04/12/2026");
        assert_eq!(tz.format_datetime(now), "04/12/2026 22:30");
        assert_eq!(tz.format_time(now), "22:30");
        assert_eq!(tz.today(ts("2026-12-05T04:00:00Z")), date(2026, 12, 5));
    }

    #[test]
    fn day_bounds_are_utc_instants() {
        let tz = ClinicTz::caracas();
        let (start, end) = tz.day_bounds(date(2026, 12, 4));
        assert_eq!(start, ts("2026-12-04T04:00:00Z"));
        assert_eq!(end, ts("2026-12-05T04:00:00Z"));
        let now = ts("2026-12-05T02:30:00Z");
        assert!(start <= now && now < end);
        let (_, end) = tz.day_bounds(Date::MAX);
        assert_eq!(end, Timestamp::MAX);
    }

    #[test]
    fn instant_of_wall_clock_time() {
        let tz = ClinicTz::caracas();
        let t = tz.instant(date(2026, 3, 10), jiff::civil::time(8, 30, 0, 0)).unwrap();
        assert_eq!(t, ts("2026-03-10T12:30:00Z"));
    }

    #[test]
    fn micros_roundtrip() {
        let t = ts("2026-12-05T02:30:00.123456Z");
        let m = to_micros(t);
        assert_eq!(m, 1_796_437_800_123_456);
        assert_eq!(from_micros(m).unwrap(), t);
        assert!(from_micros(i64::MAX).is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2024-02-29"), Some(date(2024, 2, 29)));
        assert_eq!(parse_date(" 1900-01-01 "), Some(date(1900, 1, 1)));
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-1-01",
            "01/02/2024",
            "2024-01-01T00:00",
            "",
            "abcd-ef-gh",
            "+024-01-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(format_date(date(2024, 1, 5)), "05/01/2024");
    }

    #[test]
    fn minutes() {
        assert_eq!(minutes_between(ts("2026-01-01T10:00:00Z"), ts("2026-01-01T10:17:59Z")), 17);
        assert_eq!(minutes_between(ts("2026-01-01T10:00:00Z"), ts("2026-01-01T09:00:00Z")), 0);
    }
}
