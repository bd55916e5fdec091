//! The simulator's ordered record of what happened: commands received,
//! events produced and every webhook delivery attempt.

use std::fmt;
use std::time::Duration;

/// Everything the simulator recorded so far, oldest first.
///
/// A snapshot: later activity is not reflected in an existing value; call
/// [`Simulator::timeline`](super::Simulator::timeline) again for fresh data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    /// The records, in the order they happened.
    pub entries: Vec<Entry>,
}

/// One record of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Position in the timeline, starting at zero.
    pub seq: u64,
    /// Time since the simulator started.
    pub at: Duration,
    /// What happened.
    pub kind: EntryKind,
}

/// The kinds of things the timeline records.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryKind {
    /// An HTTP request to the simulated API, with the status it was answered with.
    Command {
        /// HTTP method, such as `POST`.
        method: String,
        /// Request path below the base URL, such as `/calls/v3:abc/actions/answer`.
        path: String,
        /// The call the command addressed (or created), when there is one.
        call_control_id: Option<String>,
        /// HTTP status of the simulator's answer (0 while the command is still running).
        status: u16,
        /// True when the command repeated an earlier `command_id` and was ignored.
        duplicate: bool,
    },
    /// A webhook event produced by the simulator.
    Event {
        /// The event's `id`.
        event_id: String,
        /// The event's `event_type`, such as `call.answered`.
        event_type: String,
        /// The call the event is about, when there is one.
        call_control_id: Option<String>,
        /// Where the event is (or was) sent.
        url: Option<String>,
        /// How delivery went so far.
        delivery: Delivery,
    },
    /// Something on a call's media stream (connected, keys pressed, marks, clears, summary).
    Stream {
        /// The call the stream belongs to.
        call_control_id: String,
        /// What happened.
        detail: String,
    },
    /// One try at POSTing an event to its webhook URL.
    Attempt {
        /// The `id` of the event being delivered.
        event_id: String,
        /// The `event_type` of the event being delivered.
        event_type: String,
        /// 1 for the first try, 2 for the first retry, and so on.
        attempt: u32,
        /// What the endpoint did.
        outcome: AttemptOutcome,
    },
}

/// Progress of one event's delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Queued or still being retried.
    Pending,
    /// The endpoint answered with a 2xx status after this many attempts.
    Delivered {
        /// Number of attempts made, including the successful one.
        attempts: u32,
    },
    /// Every attempt failed.
    Failed {
        /// Number of attempts made.
        attempts: u32,
    },
    /// No webhook URL was configured for the call's connection, so nothing was sent.
    NoUrl,
}

impl Delivery {
    /// True once delivery has come to an end, successful or not.
    pub fn is_final(&self) -> bool {
        !matches!(self, Delivery::Pending)
    }
}

/// Result of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The endpoint answered with this HTTP status.
    Status(u16),
    /// No answer: connection refused, timeout, or another transport failure.
    Error(String),
}

impl AttemptOutcome {
    /// True for a 2xx status.
    pub fn is_success(&self) -> bool {
        matches!(self, AttemptOutcome::Status(code) if (200..300).contains(code))
    }
}

/// A short view of one event record, as returned by [`Timeline::events`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventRecord<'a> {
    /// The event's `event_type`.
    pub event_type: &'a str,
    /// The call the event is about.
    pub call_control_id: Option<&'a str>,
    /// Delivery progress.
    pub delivery: Delivery,
}

impl Timeline {
    /// The event records, oldest first.
    pub fn events(&self) -> impl Iterator<Item = EventRecord<'_>> {
        self.entries.iter().filter_map(|entry| match &entry.kind {
            EntryKind::Event {
                event_type,
                call_control_id,
                delivery,
                ..
            } => Some(EventRecord {
                event_type,
                call_control_id: call_control_id.as_deref(),
                delivery: *delivery,
            }),
            _ => None,
        })
    }

    /// The `event_type` of every event, oldest first.
    pub fn event_types(&self) -> Vec<&str> {
        self.events().map(|event| event.event_type).collect()
    }

    /// The `event_type` of every event about one call, oldest first.
    pub fn event_types_for(&self, call_control_id: &str) -> Vec<&str> {
        self.events()
            .filter(|event| event.call_control_id == Some(call_control_id))
            .map(|event| event.event_type)
            .collect()
    }

    /// How many events of this type were produced.
    pub fn count_events(&self, event_type: &str) -> usize {
        self.events()
            .filter(|event| event.event_type == event_type)
            .count()
    }

    /// How many events of this type have finished delivery (delivered, failed or unsent).
    pub fn count_settled(&self, event_type: &str) -> usize {
        self.events()
            .filter(|event| event.event_type == event_type && event.delivery.is_final())
            .count()
    }

    /// The command records as `(method, path, status)`, oldest first.
    pub fn commands(&self) -> Vec<(&str, &str, u16)> {
        self.entries
            .iter()
            .filter_map(|entry| match &entry.kind {
                EntryKind::Command {
                    method,
                    path,
                    status,
                    ..
                } => Some((method.as_str(), path.as_str(), *status)),
                _ => None,
            })
            .collect()
    }

    /// The attempt records for events of one type, as `(attempt, outcome)`.
    pub fn attempts_for(&self, event_type: &str) -> Vec<(u32, &AttemptOutcome)> {
        self.entries
            .iter()
            .filter_map(|entry| match &entry.kind {
                EntryKind::Attempt {
                    event_type: kind,
                    attempt,
                    outcome,
                    ..
                } if kind == event_type => Some((*attempt, outcome)),
                _ => None,
            })
            .collect()
    }
}

impl fmt::Display for Timeline {
    /// One line per record: time in milliseconds, then what happened.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for entry in &self.entries {
            write!(f, "{:>6} ms  ", entry.at.as_millis())?;
            match &entry.kind {
                EntryKind::Command {
                    method,
                    path,
                    status,
                    duplicate,
                    ..
                } => {
                    write!(f, "command {method} {path} -> {status}")?;
                    if *duplicate {
                        write!(f, " (duplicate command_id, ignored)")?;
                    }
                }
                EntryKind::Event {
                    event_type,
                    call_control_id,
                    delivery,
                    ..
                } => {
                    let call = call_control_id.as_deref().unwrap_or("-");
                    write!(f, "event   {event_type} {call} [{delivery:?}]")?;
                }
                EntryKind::Stream {
                    call_control_id,
                    detail,
                } => write!(f, "stream  {call_control_id} {detail}")?,
                EntryKind::Attempt {
                    event_type,
                    attempt,
                    outcome,
                    ..
                } => {
                    write!(f, "deliver {event_type} attempt {attempt}: ")?;
                    match outcome {
                        AttemptOutcome::Status(code) => write!(f, "HTTP {code}")?,
                        AttemptOutcome::Error(err) => write!(f, "error: {err}")?,
                    }
                }
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
