//! The simulated world in motion: [`Shared`] owns the state, runs timers for
//! the far end and for media, and turns every state change into events that
//! are recorded and queued for delivery while the state lock is held, so events
//! leave in the order the state changed.
//!
//! The commands themselves live in `calls` (calls and their actions, queue
//! membership), `conferences` and `resources` (stored resources); this module
//! holds what they share. It depends on `model` and `events` and hands events
//! to `delivery`, none of which depend back on it. Media streams run in
//! `media`, which uses this module; this module reaches a running stream only
//! through the leg's `StreamLink` (answered, keys pressed, stop).

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::chaos::Dice;
use super::delivery::Outgoing;
use super::events::{self, Built};
use super::failure::Failure;
use super::model::{
    is_dtmf, new_call_control_id, new_uuid, rfc3339, CallInfo, CallState, Direction, FarEndError,
    Gather, Leg, StoredRecording, StreamControl, World,
};
use super::recorder::{lock, Recorder};
use super::script::{FarEnd, Pickup};
use super::timeline::{Delivery, EntryKind, Timeline};
use super::SimConfig;

/// The seq of the command an event follows from, if any.
pub(crate) type Cause = Option<u64>;

/// Whether a command ran or was skipped as a repeat of an earlier `command_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Done,
    Duplicate,
}

/// Everything the server, the timers and the [`Simulator`](super::Simulator) handle share.
pub(crate) struct Shared {
    pub config: SimConfig,
    pub recorder: Arc<Recorder>,
    pub chaos: Option<Arc<Dice>>,
    /// `http://127.0.0.1:PORT`, for URLs the simulator serves itself (recordings).
    pub origin: String,
    world: Mutex<World>,
    /// Webhook URLs of applications created through the API, by id.
    app_urls: Mutex<std::collections::HashMap<String, String>>,
    outbox: mpsc::UnboundedSender<Outgoing>,
    tasks: Mutex<Vec<AbortHandle>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}

impl Shared {
    pub fn new(
        config: SimConfig,
        recorder: Arc<Recorder>,
        chaos: Option<Arc<Dice>>,
        origin: String,
        outbox: mpsc::UnboundedSender<Outgoing>,
    ) -> Arc<Shared> {
        Arc::new(Shared {
            config,
            recorder,
            chaos,
            origin,
            world: Mutex::new(World::default()),
            app_urls: Mutex::new(std::collections::HashMap::new()),
            outbox,
            tasks: Mutex::new(Vec::new()),
        })
    }

    pub fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }

    pub fn timeline(&self) -> Timeline {
        self.recorder.snapshot()
    }

    // ----- timers ---------------------------------------------------------

    /// Runs `action` after `delay` unless the simulator shuts down first.
    pub fn after(
        self: &Arc<Self>,
        delay: Duration,
        action: impl FnOnce(&Arc<Shared>) + Send + 'static,
    ) {
        let shared = Arc::clone(self);
        let handle = tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            action(&shared);
        });
        let mut tasks = lock(&self.tasks);
        tasks.retain(|task| !task.is_finished());
        tasks.push(handle.abort_handle());
    }

    /// Runs `task` until it ends or the simulator shuts down.
    pub fn spawn(&self, task: impl std::future::Future<Output = ()> + Send + 'static) {
        let handle = tokio::spawn(task);
        let mut tasks = lock(&self.tasks);
        tasks.retain(|task| !task.is_finished());
        tasks.push(handle.abort_handle());
    }

    pub fn abort_tasks(&self) {
        for task in lock(&self.tasks).drain(..) {
            task.abort();
        }
    }

    // ----- events ---------------------------------------------------------

    fn url_for(&self, leg: &Leg) -> Option<String> {
        leg.webhook_url
            .clone()
            .or_else(|| self.connection_url(&leg.connection_id))
    }

    /// The webhook URL of a configured connection or a created application.
    pub fn connection_url(&self, connection_id: &str) -> Option<String> {
        self.config
            .connections
            .get(connection_id)
            .cloned()
            .or_else(|| self.app_url(connection_id))
    }

    fn app_url(&self, connection_id: &str) -> Option<String> {
        lock(&self.app_urls).get(connection_id).cloned()
    }

    /// Makes a created application's webhook URL known (or forgets it with `None`).
    pub fn set_app_url(&self, id: &str, url: Option<String>) {
        let mut urls = lock(&self.app_urls);
        match url {
            Some(url) => urls.insert(id.to_string(), url),
            None => urls.remove(id),
        };
    }

    /// Records a call event and hands it to the delivery worker.
    pub fn emit(&self, leg: &Leg, event: Option<Built>, cause: Cause) {
        let url = self.url_for(leg);
        self.send(url, Some(leg.call_control_id.clone()), event, cause);
    }

    /// A call event with the leg's identifiers and `extra` fields.
    pub fn emit_call(&self, leg: &Leg, event_type: &str, extra: Value, cause: Cause) {
        self.emit(leg, events::call(leg, event_type, extra), cause);
    }

    /// Records an event for `url` and queues it.
    pub fn send(
        &self,
        url: Option<String>,
        call: Option<String>,
        event: Option<Built>,
        cause: Cause,
    ) {
        let Some(event) = event else { return };
        self.recorder.record(EntryKind::Event {
            event_id: event.event_id.clone(),
            event_type: event.event_type.clone(),
            call_control_id: call,
            url: url.clone(),
            delivery: if url.is_some() {
                Delivery::Pending
            } else {
                Delivery::NoUrl
            },
            payload: event.value.clone(),
            cause,
        });
        if let Some(url) = url {
            let _ = self.outbox.send(Outgoing {
                event_id: event.event_id,
                event_type: event.event_type,
                url,
                event: event.value,
            });
        }
    }

    // ----- legs -----------------------------------------------------------

    fn script_for(&self, number: &str) -> FarEnd {
        self.config
            .far_ends
            .get(number)
            .cloned()
            .unwrap_or_else(|| self.config.default_far_end.clone())
    }

    pub fn new_leg(
        &self,
        connection_id: &str,
        from: &str,
        to: &str,
        direction: Direction,
        session: Option<String>,
        script: Option<FarEnd>,
    ) -> Leg {
        let script_number = match direction {
            Direction::Outgoing => to,
            Direction::Incoming => from,
        };
        Leg {
            call_control_id: new_call_control_id(),
            call_leg_id: new_uuid(),
            call_session_id: session.unwrap_or_else(new_uuid),
            connection_id: connection_id.to_string(),
            from: from.to_string(),
            to: to.to_string(),
            direction,
            state: CallState::Initiated,
            client_state: None,
            webhook_url: None,
            far_end: script.unwrap_or_else(|| self.script_for(script_number)),
            started_at: SystemTime::now(),
            answered_at: None,
            ended_at: None,
            peer: None,
            transfer_of: None,
            commands: HashSet::new(),
            media_generation: 0,
            playing: false,
            speaking: false,
            pressed: String::new(),
            gather: None,
            gathers_heard: 0,
            recording: None,
            activities: Default::default(),
            amd: None,
            queue: None,
            conference: None,
            origin: None,
        }
    }

    /// Registers an outgoing leg, announces it and starts its far-end script.
    pub fn start_outgoing(
        self: &Arc<Self>,
        world: &mut World,
        mut leg: Leg,
        ring_limit: Duration,
        cause: Cause,
    ) {
        leg.origin = cause;
        self.emit_call(&leg, "call.initiated", initiated_extra(&leg), cause);
        leg.state = CallState::Ringing;
        let id = leg.call_control_id.clone();
        let pickup = leg.far_end.pickup.clone();
        world.order.push(id.clone());
        world.calls.insert(id.clone(), leg);
        match pickup {
            Pickup::After(delay) => self.after(delay, move |shared| shared.far_end_answers(&id)),
            Pickup::Busy => self.after(self.config.timing.busy_after, move |shared| {
                shared.far_end_refuses(&id, "user_busy")
            }),
            Pickup::NoAnswer => self.after(ring_limit, move |shared| {
                shared.far_end_refuses(&id, "timeout")
            }),
        }
    }

    /// Starts an inbound call that the app must answer.
    pub fn inbound(self: &Arc<Self>, from: &str, to: &str, connection_id: &str) -> String {
        self.inbound_with(from, to, connection_id, None)
    }

    /// [`inbound`](Self::inbound) with a script of its own.
    pub fn inbound_with(
        self: &Arc<Self>,
        from: &str,
        to: &str,
        connection_id: &str,
        script: Option<FarEnd>,
    ) -> String {
        let mut leg = self.new_leg(connection_id, from, to, Direction::Incoming, None, script);
        leg.state = CallState::Ringing;
        let id = leg.call_control_id.clone();
        let mut world = self.world();
        self.emit_call(&leg, "call.initiated", initiated_extra(&leg), None);
        world.order.push(id.clone());
        world.calls.insert(id.clone(), leg);
        drop(world);
        let cancel_id = id.clone();
        self.after(self.config.timing.inbound_answer_timeout, move |shared| {
            let mut world = shared.world();
            let ringing = world
                .calls
                .get(&cancel_id)
                .is_some_and(|leg| leg.state == CallState::Ringing);
            if ringing {
                shared.end_leg(&mut world, &cancel_id, "originator_cancel", "caller", None);
            }
        });
        id
    }

    fn far_end_answers(self: &Arc<Self>, id: &str) {
        let mut world = self.world();
        let Some(leg) = world.calls.get_mut(id) else {
            return;
        };
        if leg.state != CallState::Ringing {
            return;
        }
        leg.state = CallState::Answered;
        leg.answered_at = Some(SystemTime::now());
        let cause = leg.origin;
        self.emit_call(
            leg,
            "call.answered",
            json!({ "start_time": rfc3339(leg.started_at), "state": "answered" }),
            cause,
        );
        // A dial's `stream_url` connects once the call is answered.
        if let Some(link) = &leg.activities.stream {
            link.send(StreamControl::Answered);
        }
        let hangup_after = leg.far_end.hangup_after;
        let amd = leg.amd.clone();
        let origin = leg.transfer_of.clone();
        if let Some(origin) = origin {
            self.bridge_pair(&mut world, &origin, id, cause);
        }
        drop(world);
        if let Some(mode) = amd {
            self.schedule_amd(id, &mode, cause);
        }
        self.schedule_far_end_hangup(id, hangup_after);
    }

    /// Reports answering machine detection for `mode` (`detect`, `premium`, ...).
    fn schedule_amd(self: &Arc<Self>, id: &str, mode: &str, cause: Cause) {
        if mode == "disabled" {
            return;
        }
        let id = id.to_string();
        let mode = mode.to_string();
        self.after(self.config.timing.amd, move |shared| {
            let world = shared.world();
            let Some(leg) = world.calls.get(&id).filter(|leg| leg.talking()) else {
                return;
            };
            let answerer = leg.far_end.answerer;
            let premium = mode == "premium";
            use super::script::Answerer;
            let result = match (answerer, premium) {
                (Answerer::Human, false) => "human",
                (Answerer::Human, true) => "human_residence",
                (Answerer::Machine, _) => "machine",
                (Answerer::NotSure, _) => "not_sure",
            };
            let (detection, greeting) = if premium {
                (
                    "call.machine.premium.detection.ended",
                    "call.machine.premium.greeting.ended",
                )
            } else {
                (
                    "call.machine.detection.ended",
                    "call.machine.greeting.ended",
                )
            };
            shared.emit_call(leg, detection, json!({ "result": result }), cause);
            let wants_greeting =
                matches!(mode.as_str(), "detect_beep" | "greeting_end" | "premium");
            if answerer == Answerer::Machine && wants_greeting {
                shared.emit_call(leg, greeting, json!({ "result": "beep_detected" }), cause);
            }
        });
    }

    pub fn schedule_far_end_hangup(self: &Arc<Self>, id: &str, hangup_after: Option<Duration>) {
        if let Some(delay) = hangup_after {
            let id = id.to_string();
            self.after(delay, move |shared| {
                let mut world = shared.world();
                let side = match world.calls.get(&id).map(|leg| leg.direction) {
                    Some(Direction::Incoming) => "caller",
                    _ => "callee",
                };
                shared.end_with_peer(&mut world, &id, "normal_clearing", side, None);
            });
        }
    }

    fn far_end_refuses(self: &Arc<Self>, id: &str, cause_text: &str) {
        let mut world = self.world();
        let Some(leg) = world
            .calls
            .get(id)
            .filter(|leg| leg.state == CallState::Ringing)
        else {
            return;
        };
        let cause = leg.origin;
        let transfer_of = leg.transfer_of.clone();
        self.end_leg(&mut world, id, cause_text, "callee", cause);
        if let Some(origin) = transfer_of {
            // The transferring leg stays up, free to be used again.
            if let Some(leg) = world.calls.get_mut(&origin) {
                leg.peer = None;
            }
        }
    }

    /// Ends one leg (no effect on an ended or unknown one) and sends its `call.hangup`,
    /// after saving a running recording and leaving queues and conferences.
    pub fn end_leg(
        &self,
        world: &mut World,
        id: &str,
        hangup_cause: &str,
        source: &str,
        cause: Cause,
    ) -> Option<String> {
        let leg = world.calls.get_mut(id)?;
        if !leg.alive() {
            return None;
        }
        leg.state = CallState::Ended;
        leg.ended_at = Some(SystemTime::now());
        leg.playing = false;
        leg.speaking = false;
        leg.media_generation += 1;
        if let Some(gather) = leg.gather.take() {
            let event = if gather.ai {
                "call.ai_gather.ended"
            } else {
                "call.gather.ended"
            };
            if !gather.ai {
                self.emit_call(
                    leg,
                    event,
                    json!({ "digits": gather.collected, "status": "call_hangup" }),
                    gather.cause,
                );
            }
        }
        let peer = leg.peer.take();
        let recording = leg.recording.take();
        let stream = leg.activities.stream.take();
        let assistant = leg.activities.ai_assistant.take();
        let relay = leg.activities.conversation_relay.take();
        let started = rfc3339(leg.started_at);
        self.emit_call(
            leg,
            "call.hangup",
            json!({
                "hangup_cause": hangup_cause,
                "hangup_source": source,
                "start_time": started,
                "state": "hangup",
            }),
            cause,
        );
        // The stream task sends `stop` and reports `streaming.stopped`.
        if let Some(link) = stream {
            link.send(StreamControl::Stop(None));
        }
        for conversation in [assistant, relay].into_iter().flatten() {
            self.emit_call(
                leg,
                "call.conversation.ended",
                json!({ "conversation_id": conversation, "reason": "call_hangup" }),
                cause,
            );
        }
        if let Some(recording) = recording {
            let cause = recording.cause.or(cause);
            self.save_recording(world, id, recording, cause);
        }
        for queue in world.queues.values_mut() {
            queue.members.retain(|(member, _)| member != id);
        }
        self.leave_conferences(world, id, cause);
        peer
    }

    /// Ends a leg and, when it was bridged, the leg on the other side.
    pub fn end_with_peer(
        &self,
        world: &mut World,
        id: &str,
        hangup_cause: &str,
        source: &str,
        cause: Cause,
    ) {
        if let Some(peer) = self.end_leg(world, id, hangup_cause, source, cause) {
            let other_side = if source == "caller" {
                "callee"
            } else {
                "caller"
            };
            if let Some(peer_leg) = world.calls.get_mut(&peer) {
                peer_leg.peer = None;
            }
            self.end_leg(world, &peer, hangup_cause, other_side, cause);
        }
    }

    /// Marks two answered legs as bridged and sends `call.bridged` on both.
    pub fn bridge_pair(&self, world: &mut World, a: &str, b: &str, cause: Cause) -> bool {
        let both_up = [a, b].iter().all(|id| {
            world
                .calls
                .get(*id)
                .is_some_and(|leg| leg.state == CallState::Answered)
        });
        if !both_up {
            return false;
        }
        for (this, other) in [(a, b), (b, a)] {
            if let Some(leg) = world.calls.get_mut(this) {
                leg.state = CallState::Bridged;
                leg.peer = Some(other.to_string());
                self.emit_call(leg, "call.bridged", json!({}), cause);
            }
        }
        true
    }

    // ----- recordings -----------------------------------------------------

    pub fn recording_url(&self, id: &str, format: &str) -> String {
        format!("{}/media/recordings/{id}.{format}", self.origin)
    }

    fn save_recording_of(
        &self,
        leg: &Leg,
        recording: super::model::ActiveRecording,
    ) -> StoredRecording {
        StoredRecording {
            id: recording.id,
            call_control_id: Some(leg.call_control_id.clone()),
            call_leg_id: Some(leg.call_leg_id.clone()),
            call_session_id: Some(leg.call_session_id.clone()),
            conference_id: None,
            connection_id: leg.connection_id.clone(),
            channels: recording.channels,
            started_at: recording.started_at,
            ended_at: SystemTime::now(),
        }
    }

    pub fn recording_saved_extra(&self, stored: &StoredRecording) -> Value {
        let urls = json!({
            "mp3": self.recording_url(&stored.id, "mp3"),
            "wav": self.recording_url(&stored.id, "wav"),
        });
        json!({
            "channels": stored.channels,
            "recording_started_at": rfc3339(stored.started_at),
            "recording_ended_at": rfc3339(stored.ended_at),
            "recording_urls": urls,
            "public_recording_urls": urls,
            "recording_id": stored.id,
            "conference_id": stored.conference_id,
        })
    }

    /// Stops a call's recording and reports `call.recording.saved`.
    pub fn finish_recording(&self, world: &mut World, id: &str, cause: Cause) -> bool {
        let Some(leg) = world.calls.get_mut(id) else {
            return false;
        };
        let Some(recording) = leg.recording.take() else {
            return false;
        };
        self.save_recording(world, id, recording, cause);
        true
    }

    /// Stores a finished call recording, reports `call.recording.saved` and, when asked
    /// for, `call.recording.transcription.saved`.
    fn save_recording(
        &self,
        world: &mut World,
        id: &str,
        recording: super::model::ActiveRecording,
        cause: Cause,
    ) {
        let Some(leg) = world.calls.get(id) else {
            return;
        };
        let transcribe = recording.transcribe;
        // The transcription follows from the command that asked for it.
        let transcription_cause = recording.cause.or(cause);
        let stored = self.save_recording_of(leg, recording);
        let extra = self.recording_saved_extra(&stored);
        self.emit_call(leg, "call.recording.saved", extra, cause);
        if transcribe {
            let text = leg
                .far_end
                .speech_for_gather(0)
                .unwrap_or_default()
                .to_string();
            let transcription_id = new_uuid();
            self.emit_call(
                leg,
                "call.recording.transcription.saved",
                json!({
                    "recording_id": stored.id,
                    "recording_transcription_id": transcription_id,
                    "status": "completed",
                    "transcription_text": text,
                }),
                transcription_cause,
            );
            let now = rfc3339(SystemTime::now());
            world.transcriptions.push(json!({
                "created_at": now,
                "duration_millis": stored.duration_millis(),
                "id": transcription_id,
                "record_type": "recording_transcription",
                "recording_id": stored.id,
                "status": "completed",
                "transcription_text": text,
                "updated_at": now,
            }));
        }
        world.recordings.push(stored);
    }

    // ----- gathers --------------------------------------------------------

    /// Ends the leg's gather when its input is complete; `timed_out` forces an end.
    pub fn settle_gather(&self, leg: &mut Leg, timed_out: bool) {
        let Some(gather) = leg.gather.as_mut() else {
            return;
        };
        if gather.ai {
            return;
        }
        // Take pressed keys into the gather.
        let mut finished = false;
        for key in std::mem::take(&mut leg.pressed).chars() {
            if gather.terminators.contains(key) {
                finished = true;
                break;
            }
            gather.collected.push(key);
            if gather.collected.chars().count() >= gather.max_digits {
                finished = true;
                break;
            }
        }
        if !finished && !timed_out {
            return;
        }
        let Some(gather) = leg.gather.take() else {
            return;
        };
        let digits = gather.collected;
        let count = digits.chars().count();
        let status = if digits.is_empty() {
            "timeout"
        } else if count < gather.min_digits
            || !digits.chars().all(|key| gather.valid_digits.contains(key))
        {
            "invalid"
        } else {
            "valid"
        };
        self.emit_call(
            leg,
            "call.gather.ended",
            json!({ "digits": digits, "status": status }),
            gather.cause,
        );
    }

    /// Starts a gather on an answered leg: the far end's scripted keys come after
    /// `prompt`, and the gather times out after `prompt + Timing::gather`.
    pub fn start_gather(self: &Arc<Self>, leg: &mut Leg, mut gather: Gather, prompt: Duration) {
        let index = leg.gathers_heard;
        leg.gathers_heard += 1;
        let generation = leg.media_generation;
        gather.generation = generation;
        let scripted = if gather.ai {
            leg.far_end.speech_for_gather(index).map(str::to_string)
        } else {
            leg.far_end.keys_for_gather(index).map(str::to_string)
        };
        let ai = gather.ai;
        let cause = gather.cause;
        // A shorter `timeout_millis` in the request wins over the simulator's gather time.
        let wait = gather.timeout.map_or(self.config.timing.gather, |limit| {
            limit.min(self.config.timing.gather)
        });
        leg.gather = Some(gather);
        let id = leg.call_control_id.clone();
        if ai {
            let speech = scripted;
            self.after(prompt + self.config.timing.action, move |shared| {
                let mut world = shared.world();
                let Some(leg) = world.calls.get_mut(&id) else {
                    return;
                };
                if !leg.talking() || leg.media_generation != generation {
                    return;
                }
                if let Some(gather) = leg.gather.take() {
                    let field = gather
                        .ai_field
                        .clone()
                        .unwrap_or_else(|| "answer".to_string());
                    let (status, result) = match &speech {
                        Some(said) => ("valid", json!({ field: said })),
                        None => ("invalid", json!({})),
                    };
                    shared.emit_call(
                        leg,
                        "call.ai_gather.ended",
                        json!({ "result": result, "status": status }),
                        gather.cause.or(cause),
                    );
                }
            });
            return;
        }
        if let Some(keys) = scripted {
            let press_id = id.clone();
            self.after(prompt + Duration::from_millis(5), move |shared| {
                let mut world = shared.world();
                let Some(leg) = world.calls.get_mut(&press_id) else {
                    return;
                };
                if !leg.talking() || leg.media_generation != generation || leg.gather.is_none() {
                    return;
                }
                for key in keys.chars().filter(|key| is_dtmf(*key)) {
                    leg.pressed.push(key);
                    shared.emit_call(
                        leg,
                        "call.dtmf.received",
                        json!({ "digit": key.to_string() }),
                        cause,
                    );
                }
                leg.keys_to_stream(&keys);
                shared.settle_gather(leg, false);
            });
        }
        self.after(prompt + wait, move |shared| {
            let mut world = shared.world();
            let Some(leg) = world.calls.get_mut(&id) else {
                return;
            };
            let current = leg
                .gather
                .as_ref()
                .is_some_and(|g| g.generation == generation);
            if leg.talking() && current {
                shared.settle_gather(leg, true);
            }
        });
    }

    // ----- the handle's far-end controls ---------------------------------

    /// A snapshot of every leg in creation order.
    pub fn calls(&self) -> Vec<CallInfo> {
        self.world().legs().map(Leg::info).collect()
    }

    /// The state of one leg.
    pub fn call_state(&self, id: &str) -> Option<CallState> {
        self.world().calls.get(id).map(|leg| leg.state)
    }

    /// Every call id in creation order.
    pub fn call_ids(&self) -> Vec<String> {
        self.world().order.clone()
    }

    /// The far end presses `digits`: one `call.dtmf.received` per key, fed to the gather.
    pub fn press(&self, id: &str, digits: &str) -> Result<(), FarEndError> {
        if let Some(bad) = digits.chars().find(|key| !is_dtmf(*key)) {
            return Err(FarEndError::InvalidDigit(bad));
        }
        let mut world = self.world();
        let leg = world
            .calls
            .get_mut(id)
            .ok_or_else(|| FarEndError::UnknownCall(id.to_string()))?;
        if !leg.alive() {
            return Err(FarEndError::Ended(id.to_string()));
        }
        if !leg.talking() {
            return Err(FarEndError::NotAnswered(id.to_string()));
        }
        for key in digits.chars() {
            leg.pressed.push(key);
            self.emit_call(
                leg,
                "call.dtmf.received",
                json!({ "digit": key.to_string() }),
                None,
            );
        }
        leg.keys_to_stream(digits);
        self.settle_gather(leg, false);
        Ok(())
    }

    /// The far end hangs up.
    pub fn far_end_hangs_up(&self, id: &str) -> Result<(), FarEndError> {
        let mut world = self.world();
        let leg = world
            .calls
            .get(id)
            .ok_or_else(|| FarEndError::UnknownCall(id.to_string()))?;
        if !leg.alive() {
            return Err(FarEndError::Ended(id.to_string()));
        }
        let source = match leg.direction {
            Direction::Incoming => "caller",
            Direction::Outgoing => "callee",
        };
        let hangup_cause = if leg.talking() {
            "normal_clearing"
        } else if leg.direction == Direction::Incoming {
            "originator_cancel"
        } else {
            "call_rejected"
        };
        self.end_with_peer(&mut world, id, hangup_cause, source, None);
        Ok(())
    }

    // ----- command plumbing ----------------------------------------------

    /// Finds the leg, and reports a repeated `command_id` before any state check.
    pub fn command_leg<'w>(
        world: &'w mut World,
        id: &str,
        body: &Value,
    ) -> Result<Option<&'w mut Leg>, Failure> {
        let leg = world
            .calls
            .get_mut(id)
            .ok_or_else(|| Failure::unknown_call(id))?;
        if let Some(command_id) = body.get("command_id").and_then(Value::as_str) {
            if leg.commands.contains(command_id) {
                return Ok(None);
            }
        }
        Ok(Some(leg))
    }

    /// Notes the command id and takes a new `client_state`.
    pub fn accept(leg: &mut Leg, body: &Value) {
        if let Some(command_id) = body.get("command_id").and_then(Value::as_str) {
            leg.commands.insert(command_id.to_string());
        }
        if let Some(state) = body.get("client_state").and_then(Value::as_str) {
            leg.client_state = Some(state.to_string());
        }
    }
}

/// The `call.initiated` fields beyond the identifiers.
fn initiated_extra(leg: &Leg) -> Value {
    let (direction, state) = match leg.direction {
        Direction::Incoming => ("incoming", "parked"),
        Direction::Outgoing => ("outgoing", "bridging"),
    };
    json!({
        "direction": direction,
        "state": state,
        "start_time": rfc3339(leg.started_at),
    })
}
