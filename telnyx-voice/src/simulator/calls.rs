//! Call commands: dial, status, listings, and every `/calls/{id}/actions/*`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};

use super::engine::{Cause, Outcome, Shared};
use super::failure::Failure;
use super::model::{
    new_uuid, rfc3339, ActiveRecording, CallState, Direction, Gather, Leg, StreamControl, World,
};
use super::validate::{self, flag, int, text};

/// What state a call action needs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Needs {
    /// Any live leg.
    Alive,
    /// A ringing incoming leg.
    Ringing,
    /// An answered leg.
    Answered,
}

/// The call actions the simulator serves, with the state each needs.
pub(crate) const CALL_ACTIONS: &[&str] = &[
    "ai_assistant_add_messages",
    "ai_assistant_join",
    "ai_assistant_start",
    "ai_assistant_stop",
    "answer",
    "bridge",
    "client_state_update",
    "conversation_relay_start",
    "conversation_relay_stop",
    "enqueue",
    "fork_start",
    "fork_stop",
    "gather",
    "gather_stop",
    "gather_using_ai",
    "gather_using_audio",
    "gather_using_speak",
    "hangup",
    "leave_queue",
    "playback_start",
    "playback_stop",
    "record_pause",
    "record_resume",
    "record_start",
    "record_stop",
    "refer",
    "reject",
    "send_dtmf",
    "send_sip_info",
    "siprec_start",
    "siprec_stop",
    "speak",
    "streaming_start",
    "streaming_stop",
    "suppression_start",
    "suppression_stop",
    "switch_supervisor_role",
    "transcription_start",
    "transcription_stop",
    "transfer",
];

fn needs(action: &str) -> Needs {
    match action {
        "answer" | "reject" => Needs::Ringing,
        "hangup" | "client_state_update" => Needs::Alive,
        _ => Needs::Answered,
    }
}

/// The `data` of a successful call action.
fn result(action: &str, extra: Option<(&str, String)>) -> Value {
    let mut data = json!({ "result": "ok" });
    if action == "answer" {
        data["recording_id"] = Value::Null;
    }
    if let Some((key, value)) = extra {
        data[key] = json!(value);
    }
    data
}

fn ring_limit(shared: &Shared, body: &Value) -> Duration {
    int(body, "timeout_secs")
        .and_then(|secs| u64::try_from(secs).ok())
        .map(Duration::from_secs)
        .map_or(shared.config.timing.no_answer_timeout, |limit| {
            limit.min(shared.config.timing.no_answer_timeout)
        })
}

/// Answering machine detection mode asked for in a dial or transfer body.
fn amd_mode(body: &Value) -> Option<String> {
    text(body, "answering_machine_detection")
        .filter(|mode| *mode != "disabled")
        .map(str::to_string)
}

const AMD_MODES: &[&str] = &[
    "premium",
    "detect",
    "detect_beep",
    "detect_words",
    "greeting_end",
    "disabled",
];

impl Shared {
    /// `POST /calls`.
    pub fn dial(self: &Arc<Self>, body: &Value, cause: Cause) -> Result<Value, Failure> {
        let connection_id = validate::required(body, "connection_id")?;
        let webhook_url = text(body, "webhook_url").map(str::to_string);
        if self.connection_url(connection_id).is_none() && webhook_url.is_none() {
            return Err(Failure::invalid(
                "/connection_id",
                format!("connection `{connection_id}` is not configured in the simulator"),
            ));
        }
        let to = match body.get("to") {
            Some(Value::String(to)) => to.clone(),
            Some(Value::Array(list)) => match list.first().and_then(Value::as_str) {
                Some(to) => to.to_string(),
                None => return Err(Failure::missing("to")),
            },
            _ => return Err(Failure::missing("to")),
        };
        if to.trim().is_empty() {
            return Err(Failure::missing("to"));
        }
        validate::destination("/to", &to)?;
        let from = validate::required(body, "from")?;
        validate::caller("/from", from)?;
        validate::one_of(body, "answering_machine_detection", AMD_MODES)?;
        let mut leg = self.new_leg(connection_id, from, &to, Direction::Outgoing, None, None);
        leg.client_state = text(body, "client_state").map(str::to_string);
        leg.webhook_url = webhook_url;
        leg.amd = amd_mode(body);
        if let Some(command_id) = text(body, "command_id") {
            leg.commands.insert(command_id.to_string());
        }
        if text(body, "record").is_some_and(|mode| mode == "record-from-answer") {
            leg.recording = Some(new_recording(
                body,
                "record_format",
                "record_channels",
                cause,
            ));
        }
        // A `stream_url` connects once the far end answers.
        self.open_stream(&mut leg, body, cause);
        let mut data = leg.status_json();
        data["recording_id"] = json!(leg.recording.as_ref().map(|r| r.id.clone()));
        data["call_duration"] = Value::Null;
        let limit = ring_limit(self, body);
        let mut world = self.world();
        self.start_outgoing(&mut world, leg, limit, cause);
        Ok(data)
    }

    /// `GET /calls/{id}`.
    pub fn status(&self, id: &str) -> Result<Value, Failure> {
        let world = self.world();
        let leg = world
            .calls
            .get(id)
            .ok_or_else(|| Failure::unknown_call(id))?;
        Ok(leg.status_json())
    }

    /// `GET /connections/{id}/active_calls`.
    pub fn active_calls(&self, connection_id: &str) -> Vec<Value> {
        let world = self.world();
        world
            .legs()
            .filter(|leg| leg.alive() && leg.connection_id == connection_id)
            .map(|leg| {
                json!({
                    "call_control_id": leg.call_control_id,
                    "call_duration": leg.duration_secs(),
                    "call_leg_id": leg.call_leg_id,
                    "call_session_id": leg.call_session_id,
                    "client_state": leg.client_state.clone().unwrap_or_default(),
                    "record_type": "call",
                })
            })
            .collect()
    }

    /// `POST /calls/{id}/actions/{action}` (and `PUT` for `client_state_update`).
    pub fn call_action(
        self: &Arc<Self>,
        id: &str,
        action: &str,
        body: &Value,
        cause: Cause,
    ) -> Result<(Value, Outcome), Failure> {
        if !CALL_ACTIONS.contains(&action) {
            return Err(Failure::not_simulated(&format!(
                "the `{action}` call action"
            )));
        }
        validate_action(action, body)?;
        let mut world = self.world();
        let Some(leg) = Self::command_leg(&mut world, id, body)? else {
            return Ok((result(action, None), Outcome::Duplicate));
        };
        if !leg.alive() {
            return Err(Failure::ended());
        }
        match needs(action) {
            Needs::Alive => {}
            Needs::Ringing => {
                if leg.direction == Direction::Outgoing {
                    return Err(Failure::cannot(
                        "only incoming calls are answered or rejected",
                    ));
                }
                if leg.state != CallState::Ringing {
                    return Err(Failure::cannot("the call has already been answered"));
                }
            }
            Needs::Answered => {
                if !leg.talking() {
                    return Err(Failure::not_answered());
                }
            }
        }
        check_state(&world, id, action, body)?;
        if let Some(leg) = world.calls.get_mut(id) {
            Self::accept(leg, body);
        }
        let extra = self.run_action(&mut world, id, action, body, cause)?;
        Ok((result(action, extra), Outcome::Done))
    }

    /// Carries out a validated, accepted action; returns an extra result field.
    fn run_action(
        self: &Arc<Self>,
        world: &mut World,
        id: &str,
        action: &str,
        body: &Value,
        cause: Cause,
    ) -> Result<Option<(&'static str, String)>, Failure> {
        let timing = self.config.timing.clone();
        let Some(leg) = world.calls.get_mut(id) else {
            return Err(Failure::unknown_call(id));
        };
        match action {
            "answer" => {
                if let Some(url) = text(body, "webhook_url") {
                    leg.webhook_url = Some(url.to_string());
                }
                leg.state = CallState::Answered;
                leg.answered_at = Some(SystemTime::now());
                self.emit_call(
                    leg,
                    "call.answered",
                    json!({ "start_time": rfc3339(leg.started_at), "state": "answered" }),
                    cause,
                );
                self.open_stream(leg, body, cause);
                if text(body, "record").is_some_and(|mode| mode == "record-from-answer") {
                    leg.recording = Some(new_recording(
                        body,
                        "record_format",
                        "record_channels",
                        cause,
                    ));
                }
                let hangup_after = leg.far_end.hangup_after;
                self.schedule_far_end_hangup(id, hangup_after);
            }
            "hangup" => {
                self.end_with_peer(world, id, "normal_clearing", "caller", cause);
            }
            "reject" => {
                let hangup_cause = match text(body, "cause") {
                    Some("USER_BUSY") => "user_busy",
                    _ => "call_rejected",
                };
                self.end_leg(world, id, hangup_cause, "callee", cause);
            }
            "client_state_update"
            | "send_dtmf"
            | "send_sip_info"
            | "suppression_start"
            | "suppression_stop"
            | "switch_supervisor_role"
            | "ai_assistant_add_messages" => match action {
                "suppression_start" => leg.activities.suppression = true,
                "suppression_stop" => leg.activities.suppression = false,
                _ => {}
            },
            "speak" => {
                leg.media_generation += 1;
                leg.speaking = true;
                self.emit_call(leg, "call.speak.started", json!({}), cause);
                self.after_media(
                    id,
                    leg.media_generation,
                    timing.speak,
                    cause,
                    |shared, leg, cause| {
                        leg.speaking = false;
                        shared.emit_call(
                            leg,
                            "call.speak.ended",
                            json!({ "status": "completed" }),
                            cause,
                        );
                    },
                );
            }
            "playback_start" => {
                leg.media_generation += 1;
                leg.playing = true;
                let media = media_of(body);
                self.emit_call(leg, "call.playback.started", media.clone(), cause);
                self.after_media(
                    id,
                    leg.media_generation,
                    timing.playback,
                    cause,
                    move |shared, leg, cause| {
                        leg.playing = false;
                        let mut extra = media;
                        extra["status"] = json!("completed");
                        shared.emit_call(leg, "call.playback.ended", extra, cause);
                    },
                );
            }
            "playback_stop" => {
                leg.media_generation += 1;
                if leg.playing {
                    leg.playing = false;
                    self.emit_call(
                        leg,
                        "call.playback.ended",
                        json!({ "overlay": false, "status": "cancelled" }),
                        cause,
                    );
                }
                if leg.speaking {
                    leg.speaking = false;
                    self.emit_call(
                        leg,
                        "call.speak.ended",
                        json!({ "status": "interrupted" }),
                        cause,
                    );
                }
            }
            "gather" | "gather_using_speak" | "gather_using_audio" | "gather_using_ai" => {
                leg.media_generation += 1;
                leg.speaking = false;
                leg.playing = false;
                let mut prompt = Duration::ZERO;
                if action == "gather_using_audio" {
                    let media = media_of(body);
                    self.emit_call(leg, "call.playback.started", media.clone(), cause);
                    let generation = leg.media_generation;
                    self.after_media(
                        id,
                        generation,
                        timing.playback,
                        cause,
                        move |shared, leg, cause| {
                            let mut extra = media;
                            extra["status"] = json!("completed");
                            shared.emit_call(leg, "call.playback.ended", extra, cause);
                        },
                    );
                    prompt = timing.playback;
                } else if action == "gather_using_speak" {
                    prompt = timing.speak;
                }
                let gather = gather_of(action, body, cause);
                let conversation = if gather.ai { Some(new_uuid()) } else { None };
                self.start_gather(leg, gather, prompt);
                return Ok(conversation.map(|id| ("conversation_id", id)));
            }
            "gather_stop" => {
                if let Some(gather) = leg.gather.take() {
                    let (event, extra) = if gather.ai {
                        ("call.ai_gather.ended", json!({ "status": "invalid" }))
                    } else {
                        (
                            "call.gather.ended",
                            json!({ "digits": gather.collected, "status": "cancelled" }),
                        )
                    };
                    self.emit_call(leg, event, extra, cause);
                }
            }
            "bridge" => {
                let other = text(body, "call_control_id")
                    .unwrap_or_default()
                    .to_string();
                self.bridge_pair(world, id, &other, cause);
            }
            "transfer" => {
                let to = text(body, "to").unwrap_or_default().to_string();
                let from = text(body, "from").map_or_else(|| leg.to.clone(), str::to_string);
                let connection_id = leg.connection_id.clone();
                let session = leg.call_session_id.clone();
                let inherited_url = leg.webhook_url.clone();
                let client_state = leg.client_state.clone();
                let mut target = self.new_leg(
                    &connection_id,
                    &from,
                    &to,
                    Direction::Outgoing,
                    Some(session),
                    None,
                );
                target.transfer_of = Some(id.to_string());
                target.client_state = text(body, "target_leg_client_state")
                    .map(str::to_string)
                    .or(client_state);
                target.webhook_url = text(body, "webhook_url")
                    .map(str::to_string)
                    .or(inherited_url);
                target.amd = amd_mode(body);
                let limit = ring_limit(self, body);
                self.start_outgoing(world, target, limit, cause);
            }
            "enqueue" => {
                let name = text(body, "queue_name").unwrap_or_default().to_string();
                let max_size = int(body, "max_size").unwrap_or(100);
                let queue = world
                    .queues
                    .entry(name.clone())
                    .or_insert_with(|| super::model::Queue::new(&name, max_size));
                if i64::try_from(queue.members.len()).unwrap_or(i64::MAX) >= queue.max_size {
                    return Err(Failure::queue_full(&name));
                }
                queue.members.push((id.to_string(), SystemTime::now()));
                queue.updated_at = SystemTime::now();
                let position = queue.members.len();
                if let Some(leg) = world.calls.get_mut(id) {
                    leg.queue = Some(name.clone());
                    self.emit_call(leg, "call.enqueued", json!({ "queue": name, "current_position": position, "queue_avg_wait_time_secs": 0 }), cause);
                }
            }
            "leave_queue" => {
                self.dequeue(world, id, "leave", cause);
            }
            "record_start" => {
                let mut recording = new_recording(body, "format", "channels", cause);
                recording.transcribe = flag(body, "transcription") == Some(true);
                leg.recording = Some(recording);
            }
            "record_stop" => {
                self.finish_recording(world, id, cause);
            }
            "record_pause" | "record_resume" => {
                if let Some(recording) = leg.recording.as_mut() {
                    recording.paused = action == "record_pause";
                }
            }
            "fork_start" => {
                leg.activities.fork = true;
                let stream_type = text(body, "stream_type").unwrap_or("decrypted");
                self.emit_call(
                    leg,
                    "call.fork.started",
                    json!({ "stream_type": stream_type }),
                    cause,
                );
            }
            "fork_stop" => {
                leg.activities.fork = false;
                self.emit_call(
                    leg,
                    "call.fork.stopped",
                    json!({ "stream_type": "decrypted" }),
                    cause,
                );
            }
            // The stream task reports `streaming.started` (or `streaming.failed`) and, after
            // `stop`, `streaming.stopped`.
            "streaming_start" => self.open_stream(leg, body, cause),
            "streaming_stop" => {
                if let Some(link) = leg.activities.stream.take() {
                    link.send(StreamControl::Stop(cause));
                }
            }
            "transcription_start" => {
                leg.activities.transcription = true;
                let said = leg.far_end.speech_for_gather(0).map(str::to_string);
                if let Some(said) = said {
                    self.after_media(id, leg.media_generation, timing.action, cause, move |shared, leg, cause| {
                        if leg.activities.transcription {
                            let data = json!({ "transcript": said, "confidence": 0.97, "is_final": true });
                            shared.emit_call(leg, "call.transcription", json!({ "transcription_data": data }), cause);
                        }
                    });
                }
            }
            "transcription_stop" => {
                leg.activities.transcription = false;
            }
            "siprec_start" => {
                leg.activities.siprec = true;
                self.emit_call(leg, "siprec.started", json!({}), cause);
            }
            "siprec_stop" => {
                leg.activities.siprec = false;
                self.emit_call(
                    leg,
                    "siprec.stopped",
                    json!({ "hangup_cause": "normal_clearing" }),
                    cause,
                );
            }
            "refer" => {
                let sip_address = text(body, "sip_address").unwrap_or_default().to_string();
                self.emit_call(
                    leg,
                    "call.refer.started",
                    json!({ "to": sip_address, "sip_notify_response": 100 }),
                    cause,
                );
                self.after_media(
                    id,
                    leg.media_generation,
                    timing.action,
                    cause,
                    move |shared, leg, cause| {
                        shared.emit_call(
                            leg,
                            "call.refer.completed",
                            json!({ "to": sip_address, "sip_notify_response": 200 }),
                            cause,
                        );
                    },
                );
            }
            "ai_assistant_start" => {
                let conversation = new_uuid();
                leg.activities.ai_assistant = Some(conversation.clone());
                return Ok(Some(("conversation_id", conversation)));
            }
            "ai_assistant_join" => {
                let conversation = text(body, "conversation_id")
                    .unwrap_or_default()
                    .to_string();
                return Ok(Some(("conversation_id", conversation)));
            }
            "ai_assistant_stop" => {
                if let Some(conversation) = leg.activities.ai_assistant.take() {
                    self.emit_call(
                        leg,
                        "call.conversation.ended",
                        json!({ "conversation_id": conversation, "reason": "assistant_stopped" }),
                        cause,
                    );
                }
            }
            "conversation_relay_start" => {
                let relay = new_uuid();
                leg.activities.conversation_relay = Some(relay.clone());
                return Ok(Some(("conversation_relay_id", relay)));
            }
            "conversation_relay_stop" => {
                if let Some(relay) = leg.activities.conversation_relay.take() {
                    self.emit_call(
                        leg,
                        "call.conversation.ended",
                        json!({ "conversation_id": relay, "reason": "relay_stopped" }),
                        cause,
                    );
                }
            }
            _ => {
                return Err(Failure::not_simulated(&format!(
                    "the `{action}` call action"
                )))
            }
        }
        Ok(None)
    }

    /// Runs `finish` on the leg after `delay` if no newer media command or hangup came in between.
    pub fn after_media(
        self: &Arc<Self>,
        id: &str,
        generation: u64,
        delay: Duration,
        cause: Cause,
        finish: impl FnOnce(&Shared, &mut Leg, Cause) + Send + 'static,
    ) {
        let id = id.to_string();
        self.after(delay, move |shared| {
            let mut world = shared.world();
            if let Some(leg) = world.calls.get_mut(&id) {
                if leg.talking() && leg.media_generation == generation {
                    finish(shared, leg, cause);
                }
            }
        });
    }

    /// Takes a call out of its queue and reports `call.dequeued`.
    pub fn dequeue(&self, world: &mut World, id: &str, reason: &str, cause: Cause) -> bool {
        let Some(name) = world.calls.get_mut(id).and_then(|leg| leg.queue.take()) else {
            return false;
        };
        let mut waited = 0;
        let mut position = 0;
        if let Some(queue) = world.queues.get_mut(&name) {
            if let Some(index) = queue.members.iter().position(|(member, _)| member == id) {
                let (_, since) = queue.members.remove(index);
                waited = since.elapsed().map(|d| d.as_secs()).unwrap_or(0);
                position = index + 1;
            }
            queue.updated_at = SystemTime::now();
        }
        if let Some(leg) = world.calls.get(id) {
            self.emit_call(
                leg,
                "call.dequeued",
                json!({ "queue": name, "queue_position": position, "reason": reason, "wait_time_secs": waited }),
                cause,
            );
        }
        true
    }
}

/// The media fields of playback events.
fn media_of(body: &Value) -> Value {
    json!({
        "media_url": text(body, "audio_url"),
        "media_name": text(body, "media_name"),
        "overlay": flag(body, "overlay").unwrap_or(false),
    })
}

fn new_recording(
    body: &Value,
    format_field: &str,
    channels_field: &str,
    cause: Cause,
) -> ActiveRecording {
    ActiveRecording {
        id: new_uuid(),
        started_at: SystemTime::now(),
        format: text(body, format_field).unwrap_or("mp3").to_string(),
        channels: text(body, channels_field).unwrap_or("single").to_string(),
        paused: false,
        transcribe: false,
        cause,
    }
}

fn gather_of(action: &str, body: &Value, cause: Cause) -> Gather {
    let count = |field: &str, default: usize| {
        int(body, field)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| *n > 0)
            .unwrap_or(default)
    };
    let ai_field = body
        .pointer("/parameters/properties")
        .and_then(Value::as_object)
        .and_then(|properties| properties.keys().next().cloned());
    Gather {
        generation: 0,
        valid_digits: text(body, "valid_digits")
            .unwrap_or("0123456789#*")
            .to_string(),
        terminators: text(body, "terminating_digit").unwrap_or("#").to_string(),
        min_digits: count("minimum_digits", 1),
        max_digits: count("maximum_digits", 128),
        collected: String::new(),
        ai: action == "gather_using_ai",
        ai_field,
        timeout: int(body, "timeout_millis")
            .and_then(|ms| u64::try_from(ms).ok())
            .map(Duration::from_millis),
        cause,
    }
}

/// Checks of values Telnyx validates, per action, before any state changes.
fn validate_action(action: &str, body: &Value) -> Result<(), Failure> {
    validate::client_states(body)?;
    if let Some(voice) = text(body, "voice") {
        validate::voice("/voice", voice)?;
    }
    match action {
        "speak" => {
            validate::required(body, "payload")?;
            validate::one_of(body, "payload_type", &["text", "ssml"])?;
            validate::one_of(body, "service_level", &["basic", "premium"])?;
        }
        "gather_using_speak" => {
            validate::required(body, "payload")?;
        }
        "gather" | "gather_using_audio" => {}
        "transfer" => {
            let to = validate::required(body, "to")?;
            validate::destination("/to", to)?;
            validate::one_of(body, "answering_machine_detection", AMD_MODES)?;
        }
        "bridge" => {
            validate::required(body, "call_control_id")?;
        }
        "refer" => {
            let address = validate::required(body, "sip_address")?;
            if !validate::is_sip_uri(address) {
                return Err(Failure::invalid(
                    "/sip_address",
                    "`sip_address` must be a SIP URI",
                ));
            }
        }
        "reject" => {
            validate::one_of(body, "cause", &["CALL_REJECTED", "USER_BUSY"])?;
        }
        "send_dtmf" => {
            let digits = validate::required(body, "digits")?;
            if !digits
                .chars()
                .all(|key| super::model::is_dtmf(key) || matches!(key, 'w' | 'W'))
            {
                return Err(Failure::invalid(
                    "/digits",
                    "`digits` may hold only 0-9, *, #, A-D, w and W",
                ));
            }
        }
        "send_sip_info" => {
            validate::required(body, "content_type")?;
            validate::required(body, "body")?;
        }
        "enqueue" => {
            validate::required(body, "queue_name")?;
        }
        "record_start" => {
            validate::one_of(body, "format", &["wav", "mp3"])?;
            validate::one_of(body, "channels", &["single", "dual"])?;
        }
        "playback_start"
            if text(body, "audio_url").is_none()
                && text(body, "media_name").is_none()
                && text(body, "playback_content").is_none() =>
        {
            return Err(Failure::missing("audio_url"));
        }
        "switch_supervisor_role" => {
            validate::one_of(body, "role", &["barge", "whisper", "monitor"])?;
        }
        "streaming_start" if text(body, "stream_url").is_none() => {
            // Telnyx would stream to Dialogflow instead; the simulator only opens WebSockets.
            return Err(Failure::missing("stream_url"));
        }
        _ => {}
    }
    if action.starts_with("gather") && action != "gather_stop" && action != "gather_using_ai" {
        validate::keys(body, "valid_digits")?;
        validate::keys(body, "terminating_digit")?;
        validate::range(body, "minimum_digits", 1, 128)?;
        validate::range(body, "maximum_digits", 1, 128)?;
        validate::range(body, "timeout_millis", 1, 600_000)?;
        validate::range(body, "inter_digit_timeout_millis", 1, 120_000)?;
        if let (Some(min), Some(max)) = (int(body, "minimum_digits"), int(body, "maximum_digits")) {
            if min > max {
                return Err(Failure::out_of_range(
                    "/minimum_digits",
                    "`minimum_digits` must not exceed `maximum_digits`",
                ));
            }
        }
    }
    Ok(())
}

/// Checks that need the world: the other leg of a bridge, running activities.
fn check_state(world: &World, id: &str, action: &str, body: &Value) -> Result<(), Failure> {
    let Some(leg) = world.calls.get(id) else {
        return Err(Failure::unknown_call(id));
    };
    match action {
        "bridge" => {
            if leg.state != CallState::Answered {
                return Err(Failure::cannot(
                    "only an answered, unbridged call can be bridged",
                ));
            }
            let other = text(body, "call_control_id").unwrap_or_default();
            if other == id {
                return Err(Failure::invalid(
                    "/call_control_id",
                    "a call cannot be bridged to itself",
                ));
            }
            match world.calls.get(other).map(|leg| leg.state) {
                None => return Err(Failure::unknown_call(other)),
                Some(CallState::Answered) => {}
                Some(CallState::Ended) => return Err(Failure::ended()),
                Some(CallState::Bridged) => {
                    return Err(Failure::cannot("the other call is already bridged"))
                }
                Some(_) => return Err(Failure::not_answered()),
            }
        }
        "transfer" if leg.state != CallState::Answered => {
            return Err(Failure::cannot(
                "only an answered, unbridged call can be transferred",
            ));
        }
        "enqueue" if leg.queue.is_some() => {
            return Err(Failure::already_queued());
        }
        "leave_queue" if leg.queue.is_none() => {
            return Err(Failure::cannot("the call is not in a queue"));
        }
        "fork_start" if leg.activities.fork => {
            return Err(Failure::cannot("the call is already forked"));
        }
        "fork_stop" if !leg.activities.fork => return Err(Failure::not_forked()),
        "streaming_start" if leg.activities.stream.is_some() => {
            return Err(Failure::cannot("the call is already streaming"));
        }
        "streaming_stop" if leg.activities.stream.is_none() => {
            return Err(Failure::cannot("the call is not streaming"));
        }
        "transcription_start" if leg.activities.transcription => {
            return Err(Failure::transcription_active());
        }
        "transcription_stop" if !leg.activities.transcription => {
            return Err(Failure::cannot("transcription is not running on the call"));
        }
        "siprec_start" if leg.activities.siprec => {
            return Err(Failure::cannot("a SIPREC session is already running"));
        }
        "siprec_stop" if !leg.activities.siprec => {
            return Err(Failure::cannot("no SIPREC session is running"));
        }
        "ai_assistant_start" | "conversation_relay_start"
            if leg.activities.ai_assistant.is_some()
                || leg.activities.conversation_relay.is_some() =>
        {
            return Err(Failure::assistant_active());
        }
        "ai_assistant_stop" | "ai_assistant_add_messages"
            if leg.activities.ai_assistant.is_none() =>
        {
            return Err(Failure::cannot("no AI assistant is running on the call"));
        }
        "conversation_relay_stop" if leg.activities.conversation_relay.is_none() => {
            return Err(Failure::cannot(
                "no conversation relay is running on the call",
            ));
        }
        "record_start" if leg.recording.is_some() => {
            return Err(Failure::cannot("the call is already being recorded"));
        }
        "record_stop" | "record_pause" | "record_resume" if leg.recording.is_none() => {
            return Err(Failure::cannot("the call is not being recorded"));
        }
        "switch_supervisor_role" if world.conference_of(id).is_none() => {
            return Err(Failure::cannot("the call is not in a conference"));
        }
        _ => {}
    }
    Ok(())
}
