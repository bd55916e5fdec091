//! The simulated world as plain data: call legs, conferences, queues and the
//! stored resources. Nothing here sends events or touches the network.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::script::FarEnd;

/// Where a call leg is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallState {
    /// Created; the simulator has not rung the far end yet.
    Initiated,
    /// Ringing: waiting for the far end (outbound) or for the app (inbound) to answer.
    Ringing,
    /// Answered and not bridged.
    Answered,
    /// Answered and bridged to another leg.
    Bridged,
    /// Hung up, rejected, busy or unanswered; no command is accepted any more.
    Ended,
}

/// Which side started a call leg, as Telnyx names it in `call.initiated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The far end called the app's number.
    Incoming,
    /// The app dialed (or transferred to) the far end.
    Outgoing,
}

/// A snapshot of one call leg, as returned by [`Simulator::calls`](super::Simulator::calls).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallInfo {
    /// The leg's `call_control_id`.
    pub call_control_id: String,
    /// The connection the leg belongs to.
    pub connection_id: String,
    /// Calling number or SIP URI.
    pub from: String,
    /// Called number or SIP URI.
    pub to: String,
    /// Who started the leg.
    pub direction: Direction,
    /// Where the leg is in its life.
    pub state: CallState,
}

/// Why a far-end action of the [`Simulator`](super::Simulator) handle could not happen.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FarEndError {
    /// No leg has this `call_control_id`.
    #[error("no call with call_control_id `{0}`")]
    UnknownCall(String),
    /// The leg has already ended.
    #[error("call `{0}` has already ended")]
    Ended(String),
    /// The leg is not answered yet, so keys cannot be pressed on it.
    #[error("call `{0}` is not answered yet")]
    NotAnswered(String),
    /// A pressed key is not one of `0-9`, `*`, `#`, `A-D`.
    #[error("`{0}` is not a DTMF key (0-9, *, #, A-D)")]
    InvalidDigit(char),
}

/// What a running gather collects and when it ends.
#[derive(Debug, Clone)]
pub(crate) struct Gather {
    /// Distinguishes this gather from later ones, so stale timers do nothing.
    pub generation: u64,
    /// Keys accepted; others make the result `invalid`.
    pub valid_digits: String,
    /// Keys that end input early (not part of the result).
    pub terminators: String,
    pub min_digits: usize,
    pub max_digits: usize,
    pub collected: String,
    /// An AI gather (`call.ai_gather.ended`) rather than a DTMF one.
    pub ai: bool,
    /// The AI gather's first parameter, which receives what the far end says.
    pub ai_field: Option<String>,
    /// The request's `timeout_millis`, when shorter than the simulator's gather time.
    pub timeout: Option<std::time::Duration>,
    /// The seq of the command that started it, for event attribution.
    pub cause: Option<u64>,
}

/// A recording in progress on a call or conference.
#[derive(Debug, Clone)]
pub(crate) struct ActiveRecording {
    pub id: String,
    pub started_at: SystemTime,
    pub format: String,
    pub channels: String,
    pub paused: bool,
    /// Transcribe the recording once it is saved.
    pub transcribe: bool,
    pub cause: Option<u64>,
}

/// A finished recording, listed by `GET /recordings`.
#[derive(Debug, Clone)]
pub(crate) struct StoredRecording {
    pub id: String,
    pub call_control_id: Option<String>,
    pub call_leg_id: Option<String>,
    pub call_session_id: Option<String>,
    pub conference_id: Option<String>,
    pub connection_id: String,
    pub channels: String,
    pub started_at: SystemTime,
    pub ended_at: SystemTime,
}

impl StoredRecording {
    pub fn duration_millis(&self) -> i64 {
        let millis = self
            .ended_at
            .duration_since(self.started_at)
            .unwrap_or_default()
            .as_millis();
        i64::try_from(millis).unwrap_or(i64::MAX)
    }
}

/// What happened on one call's media stream, as
/// [`Simulator::stream_report`](super::Simulator::stream_report) returns it.
///
/// Audio the app sent back is counted only in bidirectional mode; its duration is known for
/// RTP PCMU, PCMA and L16 chunks (mp3 frames are counted, not measured).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamReport {
    /// The `stream_url` the simulator connects to.
    pub url: String,
    /// The `stream_id` of the `start` frame and the `streaming.*` events.
    pub stream_id: String,
    /// Whether the command asked for bidirectional mode (`stream_bidirectional_mode`).
    pub bidirectional: bool,
    /// Whether the WebSocket connection was made.
    pub connected: bool,
    /// Why the connection failed (`streaming.failed`), when it did.
    pub failure: Option<String>,
    /// `media` frames sent to the app (each track counts).
    pub frames_sent: u64,
    /// Keys sent as `dtmf` frames, in order.
    pub digits_sent: String,
    /// `media` frames received from the app.
    pub app_frames: u64,
    /// Audio received from the app, by its codec and sampling rate.
    pub app_audio: Duration,
    /// Names of the marks the app sent, in order.
    pub marks: Vec<String>,
    /// Names of the marks sent back to the app once the audio before them had played.
    pub marks_echoed: Vec<String>,
    /// `clear` frames received.
    pub clears: u64,
    /// Frames from the app that were refused: not JSON, binary, unknown, or media on a stream
    /// that is not bidirectional.
    pub bad_frames: u64,
    /// Whether the stream has ended (stopped, refused, or closed by the app).
    pub ended: bool,
}

/// An order for a call's stream task (`media.rs`).
#[derive(Debug)]
pub(crate) enum StreamControl {
    /// The call was answered; a dial's stream connects now.
    Answered,
    /// The far end pressed these keys.
    Press(String),
    /// Send `stop` and close; the seq of the command that stopped the stream, if one did.
    Stop(Option<u64>),
}

/// The simulator's handle on the media stream running for a leg.
#[derive(Debug, Clone)]
pub(crate) struct StreamLink {
    pub stream_id: String,
    pub control: mpsc::UnboundedSender<StreamControl>,
}

impl StreamLink {
    /// Hands an order to the stream task (gone once the stream ended: nothing to do then).
    pub fn send(&self, order: StreamControl) {
        let _ = self.control.send(order);
    }
}

/// Side activities a leg can have running; each can be started once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Activities {
    pub fork: bool,
    /// The media stream running (or connecting, or waiting for the answer).
    pub stream: Option<StreamLink>,
    /// The report of the leg's latest media stream, kept after it ended.
    pub stream_report: Option<Arc<Mutex<StreamReport>>>,
    pub transcription: bool,
    pub siprec: bool,
    pub suppression: bool,
    pub ai_assistant: Option<String>,
    pub conversation_relay: Option<String>,
}

pub(crate) struct Leg {
    pub call_control_id: String,
    pub call_leg_id: String,
    pub call_session_id: String,
    pub connection_id: String,
    pub from: String,
    pub to: String,
    pub direction: Direction,
    pub state: CallState,
    pub client_state: Option<String>,
    pub webhook_url: Option<String>,
    pub far_end: FarEnd,
    pub started_at: SystemTime,
    pub answered_at: Option<SystemTime>,
    pub ended_at: Option<SystemTime>,
    pub peer: Option<String>,
    /// The leg that asked for this one with a transfer; bridged on answer.
    pub transfer_of: Option<String>,
    pub commands: HashSet<String>,
    /// Bumped by each speak/playback/gather; a timer only fires for its own generation.
    pub media_generation: u64,
    pub playing: bool,
    pub speaking: bool,
    /// Keys the far end pressed by hand and no gather has taken yet.
    pub pressed: String,
    pub gather: Option<Gather>,
    /// How many gathers the far end has heard, for per-gather scripts.
    pub gathers_heard: usize,
    pub recording: Option<ActiveRecording>,
    pub activities: Activities,
    /// Answering machine detection asked for on dial or transfer (`None` or `disabled`: off).
    pub amd: Option<String>,
    pub queue: Option<String>,
    pub conference: Option<String>,
    /// The seq of the command that created the leg.
    pub origin: Option<u64>,
}

impl Leg {
    pub fn alive(&self) -> bool {
        self.state != CallState::Ended
    }

    pub fn talking(&self) -> bool {
        matches!(self.state, CallState::Answered | CallState::Bridged)
    }

    /// Passes keys the far end pressed to the leg's media stream, when one runs.
    pub fn keys_to_stream(&self, keys: &str) {
        if let Some(link) = &self.activities.stream {
            link.send(StreamControl::Press(keys.to_string()));
        }
    }

    pub fn info(&self) -> CallInfo {
        CallInfo {
            call_control_id: self.call_control_id.clone(),
            connection_id: self.connection_id.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            direction: self.direction,
            state: self.state,
        }
    }

    /// The identifiers every call event payload carries.
    pub fn ids(&self) -> Value {
        json!({
            "call_control_id": self.call_control_id,
            "call_leg_id": self.call_leg_id,
            "call_session_id": self.call_session_id,
            "client_state": self.client_state,
            "connection_id": self.connection_id,
            "from": self.from,
            "to": self.to,
        })
    }

    /// The `Call` object of `GET /calls/{id}`.
    pub fn status_json(&self) -> Value {
        json!({
            "call_control_id": self.call_control_id,
            "call_duration": self.duration_secs(),
            "call_leg_id": self.call_leg_id,
            "call_session_id": self.call_session_id,
            "client_state": self.client_state,
            "end_time": self.ended_at.map(rfc3339),
            "is_alive": self.alive(),
            "record_type": "call",
            "start_time": rfc3339(self.started_at),
        })
    }

    pub fn duration_secs(&self) -> i64 {
        let end = self.ended_at.unwrap_or_else(SystemTime::now);
        let secs = end
            .duration_since(self.started_at)
            .unwrap_or_default()
            .as_secs();
        i64::try_from(secs).unwrap_or(i64::MAX)
    }
}

/// One call in a conference.
#[derive(Debug, Clone)]
pub(crate) struct Participant {
    pub id: String,
    pub call_control_id: String,
    pub joined_at: SystemTime,
    pub updated_at: SystemTime,
    pub muted: bool,
    pub on_hold: bool,
    pub end_conference_on_exit: bool,
    pub supervisor_role: Option<String>,
    pub left: bool,
}

pub(crate) struct Conference {
    pub id: String,
    pub name: String,
    pub connection_id: String,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
    pub ended_at: Option<SystemTime>,
    pub end_reason: Option<String>,
    pub region: Option<String>,
    pub participants: Vec<Participant>,
    pub recording: Option<ActiveRecording>,
    pub playing: bool,
    /// The call whose webhook URL conference events use.
    pub creator: String,
    pub max_participants: Option<usize>,
}

impl Conference {
    pub fn active(&self) -> bool {
        self.ended_at.is_none()
    }

    pub fn members(&self) -> impl Iterator<Item = &Participant> {
        self.participants.iter().filter(|p| !p.left)
    }

    pub fn json(&self) -> Value {
        let expires = self.created_at + Duration::from_secs(24 * 3600);
        json!({
            "connection_id": self.connection_id,
            "created_at": rfc3339(self.created_at),
            "end_reason": self.end_reason,
            "expires_at": rfc3339(expires),
            "id": self.id,
            "name": self.name,
            "record_type": "conference",
            "region": self.region,
            "status": if self.active() { "in_progress" } else { "completed" },
            "updated_at": rfc3339(self.updated_at),
        })
    }
}

/// A queue and the calls waiting in it.
pub(crate) struct Queue {
    pub id: String,
    pub name: String,
    pub max_size: i64,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
    /// Waiting calls, first in line first, with the time each joined.
    pub members: Vec<(String, SystemTime)>,
}

impl Queue {
    pub fn new(name: &str, max_size: i64) -> Queue {
        let now = SystemTime::now();
        Queue {
            id: new_uuid(),
            name: name.to_string(),
            max_size,
            created_at: now,
            updated_at: now,
            members: Vec::new(),
        }
    }

    pub fn json(&self) -> Value {
        json!({
            "average_wait_time_secs": 0,
            "created_at": rfc3339(self.created_at),
            "current_size": self.members.len(),
            "id": self.id,
            "max_size": self.max_size,
            "name": self.name,
            "record_type": "queue",
            "updated_at": rfc3339(self.updated_at),
        })
    }
}

#[derive(Default)]
pub(crate) struct World {
    pub calls: HashMap<String, Leg>,
    /// Call ids in creation order, so listings are stable.
    pub order: Vec<String>,
    pub conferences: Vec<Conference>,
    pub queues: BTreeMap<String, Queue>,
    /// Call Control Applications by id, as JSON objects.
    pub applications: BTreeMap<String, Value>,
    /// Custom storage credentials by connection id.
    pub storage: BTreeMap<String, Value>,
    pub recordings: Vec<StoredRecording>,
    /// Recording transcriptions, as JSON objects.
    pub transcriptions: Vec<Value>,
}

impl World {
    pub fn conference(&mut self, id: &str) -> Option<&mut Conference> {
        self.conferences.iter_mut().find(|c| c.id == id)
    }

    pub fn conference_of(&self, call_control_id: &str) -> Option<&Conference> {
        self.conferences
            .iter()
            .find(|c| c.active() && c.members().any(|p| p.call_control_id == call_control_id))
    }

    /// Listings in creation order.
    pub fn legs(&self) -> impl Iterator<Item = &Leg> {
        self.order.iter().filter_map(|id| self.calls.get(id))
    }
}

pub(crate) fn new_call_control_id() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("v3:{id}")
}

pub(crate) fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// True for the keys of a DTMF keypad.
pub(crate) fn is_dtmf(key: char) -> bool {
    key.is_ascii_digit() || matches!(key, '*' | '#' | 'A'..='D')
}

/// Formats a time as RFC 3339 in UTC with microseconds, as Telnyx writes its timestamps.
pub(crate) fn rfc3339(time: SystemTime) -> String {
    let since_epoch = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = since_epoch.as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Days since 1970-01-01 to a civil date (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since_epoch.subsec_micros()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(rfc3339(t), "2023-11-14T22:13:20.000000Z");
        assert_eq!(
            rfc3339(SystemTime::UNIX_EPOCH),
            "1970-01-01T00:00:00.000000Z"
        );
        let leap = SystemTime::UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00.000000Z");
    }

    #[test]
    fn dtmf_keys() {
        for key in "0123456789*#ABCD".chars() {
            assert!(is_dtmf(key));
        }
        for key in "xE a".chars() {
            assert!(!is_dtmf(key));
        }
    }
}
