//! The simulator's ordered record of what happened: commands received,
//! events produced and every webhook delivery attempt.

use std::fmt;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::WebhookEvent;

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
        /// The request body as decoded JSON (`None` for requests without one).
        body: Option<Value>,
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
        /// The event object as sent in `data` (`event_type`, `id`, `occurred_at`, `payload`).
        payload: Value,
        /// The `seq` of the command that caused the event, directly or through the
        /// simulated world (`None` for events the far end or the simulator handle started).
        cause: Option<u64>,
    },
    /// Something on a call's media stream: connected, refused, keys sent, marks and clears
    /// from the app, and a closing summary with the audio counts (see
    /// [`Simulator::stream_report`](super::Simulator::stream_report)).
    Stream {
        /// The call the stream belongs to.
        call_control_id: String,
        /// The stream's `stream_id`.
        stream_id: String,
        /// What happened, in words.
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

/// One command record, as returned by [`Timeline::commands_for`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CommandRecord<'a> {
    /// Position of the record in the timeline.
    pub seq: u64,
    /// HTTP method.
    pub method: &'a str,
    /// Path below the base URL.
    pub path: &'a str,
    /// The last path segment of a `.../actions/{action}` path, such as `transfer`.
    pub action: Option<&'a str>,
    /// HTTP status of the answer.
    pub status: u16,
    /// The decoded request body.
    pub body: Option<&'a Value>,
}

impl CommandRecord<'_> {
    /// The body decoded as a request model, such as `models::TransferCallRequest`.
    pub fn body_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(self.body.unwrap_or(&Value::Null))
    }

    /// True for a 2xx answer.
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The action name of a `/calls/{id}/actions/{action}` or `/conferences/{id}/actions/{action}` path.
pub(crate) fn action_of(path: &str) -> Option<&str> {
    let (_, action) = path.rsplit_once("/actions/")?;
    Some(action)
}

impl Timeline {
    /// Every command about one call (its id in the path, or created or named by the
    /// command), oldest first.
    pub fn commands_for(&self, call_control_id: &str) -> Vec<CommandRecord<'_>> {
        self.command_records()
            .filter(|record| record.1 == Some(call_control_id))
            .map(|record| record.0)
            .collect()
    }

    /// Every command, oldest first.
    pub fn all_commands(&self) -> Vec<CommandRecord<'_>> {
        self.command_records().map(|record| record.0).collect()
    }

    fn command_records(&self) -> impl Iterator<Item = (CommandRecord<'_>, Option<&str>)> {
        self.entries.iter().filter_map(|entry| match &entry.kind {
            EntryKind::Command {
                method,
                path,
                call_control_id,
                status,
                body,
                ..
            } => Some((
                CommandRecord {
                    seq: entry.seq,
                    method,
                    path,
                    action: action_of(path),
                    status: *status,
                    body: body.as_ref(),
                },
                call_control_id.as_deref(),
            )),
            _ => None,
        })
    }

    /// The bodies of the accepted `action` commands on one call, decoded as `T`
    /// (bodies that do not decode are left out).
    ///
    /// ```no_run
    /// # fn check(timeline: &telnyx_voice::simulator::Timeline, id: &str) {
    /// use telnyx_voice::models::TransferCallRequest;
    /// let transfers: Vec<TransferCallRequest> = timeline.requests(id, "transfer");
    /// assert_eq!(transfers[0].to, "+15550002000");
    /// # }
    /// ```
    pub fn requests<T: DeserializeOwned>(&self, call_control_id: &str, action: &str) -> Vec<T> {
        self.commands_for(call_control_id)
            .into_iter()
            .filter(|record| record.succeeded() && record.action == Some(action))
            .filter_map(|record| record.body_as().ok())
            .collect()
    }

    /// The last accepted `action` command on one call, decoded as `T`.
    pub fn last_request<T: DeserializeOwned>(
        &self,
        call_control_id: &str,
        action: &str,
    ) -> Option<T> {
        self.requests(call_control_id, action).pop()
    }

    /// The events about one call, decoded into [`WebhookEvent`]s, oldest first.
    pub fn events_for(&self, call_control_id: &str) -> Vec<WebhookEvent> {
        self.event_objects(None)
            .filter(|(call, _)| *call == Some(call_control_id))
            .filter_map(|(_, object)| decode_event(object))
            .collect()
    }

    /// The events of one type about one call, decoded as the event model `T`
    /// (such as `models::CallHangup`), oldest first.
    pub fn events_of<T: DeserializeOwned>(
        &self,
        call_control_id: &str,
        event_type: &str,
    ) -> Vec<T> {
        self.event_objects(Some(event_type))
            .filter(|(call, _)| *call == Some(call_control_id))
            .filter_map(|(_, object)| T::deserialize(object).ok())
            .collect()
    }

    /// The last event of one type about one call, decoded as the event model `T`.
    pub fn last_event<T: DeserializeOwned>(
        &self,
        call_control_id: &str,
        event_type: &str,
    ) -> Option<T> {
        self.events_of(call_control_id, event_type).pop()
    }

    /// The event objects of one type (any call), oldest first.
    pub fn event_payloads<'a>(&'a self, event_type: &'a str) -> Vec<&'a Value> {
        self.event_objects(Some(event_type))
            .map(|(_, object)| object)
            .collect()
    }

    fn event_objects<'a>(
        &'a self,
        wanted: Option<&'a str>,
    ) -> impl Iterator<Item = (Option<&'a str>, &'a Value)> + 'a {
        self.entries
            .iter()
            .filter_map(move |entry| match &entry.kind {
                EntryKind::Event {
                    event_type,
                    call_control_id,
                    payload,
                    ..
                } if wanted.is_none_or(|wanted| wanted == event_type) => {
                    Some((call_control_id.as_deref(), payload))
                }
                _ => None,
            })
    }

    /// The event types caused by the command recorded at `seq`, oldest first.
    pub fn events_caused_by(&self, seq: u64) -> Vec<&str> {
        self.entries
            .iter()
            .filter_map(|entry| match &entry.kind {
                EntryKind::Event {
                    event_type, cause, ..
                } if *cause == Some(seq) => Some(event_type.as_str()),
                _ => None,
            })
            .collect()
    }

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

    /// The media-stream lines about one call ([`EntryKind::Stream`]), oldest first.
    pub fn stream_notes(&self, call_control_id: &str) -> Vec<&str> {
        self.entries
            .iter()
            .filter_map(|entry| match &entry.kind {
                EntryKind::Stream {
                    call_control_id: call,
                    detail,
                    ..
                } if call == call_control_id => Some(detail.as_str()),
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

fn decode_event(object: &Value) -> Option<WebhookEvent> {
    let bytes = serde_json::to_vec(object).ok()?;
    WebhookEvent::from_json_bytes(&bytes).ok()
}

fn is_empty_object(value: &Value) -> bool {
    value.as_object().is_some_and(|object| object.is_empty())
}

/// A body on one line, cut after 160 characters.
pub(crate) fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(160) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
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
                    body,
                    ..
                } => {
                    write!(f, "command {method} {path} -> {status}")?;
                    if *duplicate {
                        write!(f, " (duplicate command_id, ignored)")?;
                    }
                    if let Some(body) = body.as_ref().filter(|body| !is_empty_object(body)) {
                        write!(f, " {}", short(body))?;
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
                    ..
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
