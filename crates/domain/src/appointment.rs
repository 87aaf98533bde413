//! Appointments and the waiting room (spec §4), plus the small consultation
//! rules of §5 that need no catalogue: SOAP note and diagnosis note lengths,
//! diagnosis certainty, the cancel reason.
//!
//! The state machine is pure: services load the current status, call [`apply`],
//! and write the new one with a guard on the old (the database enforces the
//! one-in-the-room invariants).

use std::cmp::Ordering;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Invalid};
use crate::text::{self, str_enum};

str_enum! {
    /// Where an appointment is in its day. `Completed`, `Canceled` and `NoShow` are final.
    pub enum AppointmentStatus {
        Scheduled => "scheduled",
        Waiting => "waiting",
        InConsultation => "in_consultation",
        Completed => "completed",
        Canceled => "canceled",
        NoShow => "no_show",
    }
}

impl AppointmentStatus {
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Canceled | Self::NoShow)
    }

    /// In the waiting room proper (the "at most one per patient" states).
    pub fn is_in_room(self) -> bool {
        matches!(self, Self::Waiting | Self::InConsultation)
    }
}

str_enum! {
    /// What staff do to an appointment.
    pub enum AppointmentEvent {
        Arrive => "arrive",
        Start => "start",
        Complete => "complete",
        Cancel => "cancel",
        NoShow => "no_show",
    }
}

/// A transition the diagram does not have (HTTP 409, naming the current state).
/// Message key `err-transition` with arguments `from` and `event` ([`Self::args`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {event} an appointment that is {from}")]
pub struct TransitionError {
    pub from: AppointmentStatus,
    pub event: AppointmentEvent,
}

impl TransitionError {
    pub const KEY: &'static str = "err-transition";

    pub fn args(&self) -> Vec<(&'static str, String)> {
        vec![("from", self.from.as_str().into()), ("event", self.event.as_str().into())]
    }
}

/// The §4 diagram:
/// scheduled –arrive→ waiting –start→ in_consultation –complete→ completed;
/// cancel from scheduled, waiting or in_consultation; no_show only from scheduled.
pub fn apply(status: AppointmentStatus, event: AppointmentEvent) -> Result<AppointmentStatus, TransitionError> {
    use AppointmentEvent as E;
    use AppointmentStatus as S;
    match (status, event) {
        (S::Scheduled, E::Arrive) => Ok(S::Waiting),
        (S::Waiting, E::Start) => Ok(S::InConsultation),
        (S::InConsultation, E::Complete) => Ok(S::Completed),
        (S::Scheduled | S::Waiting | S::InConsultation, E::Cancel) => Ok(S::Canceled),
        (S::Scheduled, E::NoShow) => Ok(S::NoShow),
        (from, event) => Err(TransitionError { from, event }),
    }
}

/// The date rules of §4: `arrive` and `start` only on the appointment's date,
/// `no_show` only on or after it (all in the clinic's zone: pass
/// `ClinicTz::today`). The error is a message key.
pub fn check_event_date(event: AppointmentEvent, appointment_date: Date, today: Date) -> Result<(), &'static str> {
    match event {
        AppointmentEvent::Arrive | AppointmentEvent::Start if appointment_date != today => Err("err-not-appointment-day"),
        AppointmentEvent::NoShow if today < appointment_date => Err("err-no-show-too-early"),
        _ => Ok(()),
    }
}

str_enum! {
    pub enum Priority { Normal => "normal", Emergency => "emergency" }
}

str_enum! {
    /// Booked ahead or walked in (a walk-in starts directly in `waiting`).
    pub enum AppointmentSource { Scheduled => "scheduled", WalkIn => "walk_in" }
}

impl AppointmentSource {
    /// The state a new appointment starts in.
    pub fn initial_status(self) -> AppointmentStatus {
        match self {
            Self::Scheduled => AppointmentStatus::Scheduled,
            Self::WalkIn => AppointmentStatus::Waiting,
        }
    }
}

str_enum! {
    pub enum AppointmentKind {
        General => "general",
        Specialized => "specialized",
        FollowUp => "follow_up",
        Procedure => "procedure",
    }
}

str_enum! {
    /// Diagnosis certainty (§5).
    pub enum Certainty { Confirmed => "confirmed", Presumptive => "presumptive", RuledOut => "ruled_out" }
}

/// What the waiting-room order looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitingKey {
    pub status: AppointmentStatus,
    pub priority: Priority,
    /// `None` for expected (not yet arrived) entries.
    pub arrived_at: Option<Timestamp>,
}

/// §4 order: `in_consultation` first, then `waiting` (emergencies first, then by
/// arrival), then anything else (expected appointments). Within a group,
/// emergency before normal, then earlier arrival, unknown arrival last.
/// Callers add their own final tie-break (e.g. id) for a stable display.
pub fn waiting_room_order(a: &WaitingKey, b: &WaitingKey) -> Ordering {
    fn group(s: AppointmentStatus) -> u8 {
        match s {
            AppointmentStatus::InConsultation => 0,
            AppointmentStatus::Waiting => 1,
            _ => 2,
        }
    }
    group(a.status)
        .cmp(&group(b.status))
        .then_with(|| (b.priority == Priority::Emergency).cmp(&(a.priority == Priority::Emergency)))
        .then_with(|| match (a.arrived_at, b.arrived_at) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
}

pub const SOAP_MAX: usize = 20_000;
pub const DIAGNOSIS_NOTES_MAX: usize = 2_000;
pub const CANCEL_REASON_MAX: usize = 500;

/// The consultation note. Autosaved while the doctor types, so nothing is
/// required and nothing is rewritten (trimming would eat the space just typed);
/// only the lengths are checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SoapNote {
    pub subjective: String,
    pub objective: String,
    pub assessment: String,
    pub plan: String,
}

impl SoapNote {
    /// Each part at most [`SOAP_MAX`] characters; errors on fields
    /// `subjective`, `objective`, `assessment`, `plan`.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errors = Invalid::default();
        for (field, value) in [
            ("subjective", &self.subjective),
            ("objective", &self.objective),
            ("assessment", &self.assessment),
            ("plan", &self.plan),
        ] {
            if text::char_len(value) > SOAP_MAX {
                errors.push(FieldError::new(field, "err-too-long").arg("max", SOAP_MAX));
            }
        }
        errors.into_result()
    }
}

/// A diagnosis's notes: optional, at most [`DIAGNOSIS_NOTES_MAX`] characters;
/// error on field `notes`.
pub fn diagnosis_notes(notes: Option<&str>) -> Result<Option<String>, FieldError> {
    text::multiline_field("notes", notes, DIAGNOSIS_NOTES_MAX)
}

/// The reason a cancel needs: required, at most [`CANCEL_REASON_MAX`]
/// characters; error on field `reason`.
pub fn cancel_reason(reason: Option<&str>) -> Result<String, FieldError> {
    text::multiline_field("reason", reason, CANCEL_REASON_MAX)?.ok_or_else(|| FieldError::new("reason", "err-required"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use AppointmentEvent as E;
    use AppointmentStatus as S;
    use jiff::civil::date;
    use proptest::prelude::*;

    /// The diagram of spec §4, written out independently of `apply`.
    const EDGES: &[(S, E, S)] = &[
        (S::Scheduled, E::Arrive, S::Waiting),
        (S::Waiting, E::Start, S::InConsultation),
        (S::InConsultation, E::Complete, S::Completed),
        (S::Scheduled, E::Cancel, S::Canceled),
        (S::Waiting, E::Cancel, S::Canceled),
        (S::InConsultation, E::Cancel, S::Canceled),
        (S::Scheduled, E::NoShow, S::NoShow),
    ];

    #[test]
    fn transitions_match_the_diagram_exactly() {
        for &from in S::ALL {
            for &event in E::ALL {
                let expected = EDGES.iter().find(|(f, e, _)| *f == from && *e == event).map(|(_, _, to)| *to);
                match apply(from, event) {
                    Ok(to) => assert_eq!(Some(to), expected, "{from} {event}"),
                    Err(err) => {
                        assert_eq!(expected, None, "{from} {event}");
                        assert_eq!(err, TransitionError { from, event });
                    }
                }
            }
        }
    }

    #[test]
    fn transition_error_names_the_state() {
        let err = apply(S::Completed, E::Cancel).unwrap_err();
        assert_eq!(err.to_string(), "cannot cancel an appointment that is completed");
        assert_eq!(TransitionError::KEY, "err-transition");
        assert_eq!(err.args(), vec![("from", "completed".to_string()), ("event", "cancel".to_string())]);
    }

    #[test]
    fn codes_roundtrip() {
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(*s));
        }
        assert_eq!(S::InConsultation.as_str(), "in_consultation");
        assert_eq!(S::NoShow.as_str(), "no_show");
        assert_eq!(E::parse("no_show"), Some(E::NoShow));
        assert_eq!(AppointmentKind::parse("follow_up"), Some(AppointmentKind::FollowUp));
        assert_eq!(AppointmentSource::parse("walk_in"), Some(AppointmentSource::WalkIn));
        assert_eq!(Certainty::parse("ruled_out"), Some(Certainty::RuledOut));
        assert_eq!(Priority::parse("EMERGENCY"), Some(Priority::Emergency));
        assert_eq!(AppointmentSource::WalkIn.initial_status(), S::Waiting);
        assert!(S::Canceled.is_final() && !S::Waiting.is_final());
        assert!(S::InConsultation.is_in_room() && !S::Scheduled.is_in_room());
    }

    #[test]
    fn event_dates() {
        let day = date(2026, 3, 10);
        assert_eq!(check_event_date(E::Arrive, day, day), Ok(()));
        assert_eq!(check_event_date(E::Arrive, day, date(2026, 3, 9)), Err("err-not-appointment-day"));
        assert_eq!(check_event_date(E::Start, day, date(2026, 3, 11)), Err("err-not-appointment-day"));
        assert_eq!(check_event_date(E::NoShow, day, date(2026, 3, 9)), Err("err-no-show-too-early"));
        assert_eq!(check_event_date(E::NoShow, day, day), Ok(()));
        assert_eq!(check_event_date(E::NoShow, day, date(2026, 3, 12)), Ok(()));
        assert_eq!(check_event_date(E::Cancel, day, date(2026, 1, 1)), Ok(()));
    }

    #[test]
    fn waiting_room() {
        let t = |m: i64| Some(Timestamp::from_second(1_800_000_000 + m * 60).unwrap());
        let key = |status, priority, arrived_at| WaitingKey {
            status,
            priority,
            arrived_at,
        };
        let mut room = vec![
            key(S::Scheduled, Priority::Normal, None),
            key(S::Waiting, Priority::Normal, t(1)),
            key(S::Waiting, Priority::Emergency, t(9)),
            key(S::InConsultation, Priority::Normal, t(5)),
            key(S::Waiting, Priority::Normal, t(0)),
            key(S::Waiting, Priority::Normal, None),
        ];
        room.sort_by(waiting_room_order);
        assert_eq!(
            room,
            vec![
                key(S::InConsultation, Priority::Normal, t(5)),
                key(S::Waiting, Priority::Emergency, t(9)),
                key(S::Waiting, Priority::Normal, t(0)),
                key(S::Waiting, Priority::Normal, t(1)),
                key(S::Waiting, Priority::Normal, None),
                key(S::Scheduled, Priority::Normal, None),
            ]
        );
    }

    #[test]
    fn soap_and_notes() {
        let mut note = SoapNote {
            subjective: "Dolor ".into(),
            ..SoapNote::default()
        };
        assert_eq!(note.validate(), Ok(()));
        note.objective = "é".repeat(SOAP_MAX);
        assert_eq!(note.validate(), Ok(()));
        note.objective.push('x');
        note.plan = "x".repeat(SOAP_MAX + 1);
        let err = note.validate().unwrap_err();
        assert_eq!(err.0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["objective", "plan"]);
        assert_eq!(err.0[0], FieldError::new("objective", "err-too-long").arg("max", SOAP_MAX));
        let note: SoapNote = serde_json::from_str(r#"{"plan":"reposo"}"#).unwrap();
        assert_eq!(note.plan, "reposo");

        assert_eq!(diagnosis_notes(Some(" ")), Ok(None));
        assert_eq!(
            diagnosis_notes(Some(&"x".repeat(2_000))).map(|n| n.map(|n| n.len())),
            Ok(Some(2_000))
        );
        assert_eq!(diagnosis_notes(Some(&"x".repeat(2_001))).unwrap_err().key, "err-too-long");

        assert_eq!(
            cancel_reason(Some("  El paciente no pudo venir ")),
            Ok("El paciente no pudo venir".into())
        );
        assert_eq!(cancel_reason(None), Err(FieldError::new("reason", "err-required")));
        assert_eq!(cancel_reason(Some("   ")), Err(FieldError::new("reason", "err-required")));
        assert_eq!(
            cancel_reason(Some(&"x".repeat(501))),
            Err(FieldError::new("reason", "err-too-long").arg("max", 500))
        );
    }

    proptest! {
        /// Random event sequences, from either initial state: every accepted
        /// transition is a diagram edge, final states accept nothing, and
        /// `completed` is only ever entered from `in_consultation`.
        #[test]
        fn random_event_sequences(
            walk_in in any::<bool>(),
            events in proptest::collection::vec(proptest::sample::select(E::ALL.to_vec()), 0..40),
        ) {
            let mut status = if walk_in { S::Waiting } else { S::Scheduled };
            for event in events {
                match apply(status, event) {
                    Ok(next) => {
                        prop_assert!(!status.is_final(), "left final state {status}");
                        prop_assert!(EDGES.contains(&(status, event, next)), "{status} -{event}-> {next}");
                        if next == S::Completed {
                            prop_assert_eq!(status, S::InConsultation);
                        }
                        status = next;
                    }
                    Err(e) => {
                        prop_assert_eq!(e.from, status);
                        prop_assert!(!EDGES.iter().any(|(f, ev, _)| *f == status && *ev == event));
                    }
                }
            }
        }
    }
}
