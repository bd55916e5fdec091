//! Call, conference and queue state, and the transitions commands and the
//! scripted far end cause. Every transition queues its webhooks while the
//! state lock is held, so events leave in the order the state changed.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::{mpsc, watch};
use tokio::task::AbortHandle;

use super::script::{FarEnd, Pickup};
use super::timeline::{Delivery, Entry, EntryKind, Timeline};
use super::webhooks::{self, Outgoing};
use super::SimConfig;
use crate::models;
use crate::WebhookEvent;

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

/// Which side started a leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Incoming,
    Outgoing,
}

/// A command refused the way Telnyx refuses it: HTTP status plus one error object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub status: u16,
    pub code: &'static str,
    pub title: &'static str,
    pub detail: String,
    pub pointer: Option<String>,
}

impl Failure {
    pub fn new(status: u16, code: &'static str, title: &'static str, detail: String) -> Self {
        Failure {
            status,
            code,
            title,
            detail,
            pointer: None,
        }
    }

    pub fn invalid(pointer: &str, detail: String) -> Self {
        Failure {
            pointer: Some(pointer.to_string()),
            ..Failure::new(422, "10015", "Invalid parameter", detail)
        }
    }

    fn not_found(id: &str) -> Self {
        Failure::new(
            404,
            "10005",
            "Resource not found",
            format!("no call with call_control_id `{id}`"),
        )
    }

    fn ended() -> Self {
        Failure::new(
            422,
            "90018",
            "Call has already ended",
            "the call leg is no longer active, so it cannot take commands".to_string(),
        )
    }

    fn wrong_state(detail: String) -> Self {
        Failure::new(422, "90053", "Invalid call state", detail)
    }
}

/// Whether a command ran or was skipped as a repeat of an earlier `command_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Done,
    Duplicate,
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
}

impl Leg {
    fn alive(&self) -> bool {
        self.state != CallState::Ended
    }

    fn talking(&self) -> bool {
        matches!(self.state, CallState::Answered | CallState::Bridged)
    }

    fn to_call(&self) -> models::Call {
        models::Call {
            call_control_id: self.call_control_id.as_str().into(),
            call_duration: Some(self.duration_secs()),
            call_leg_id: self.call_leg_id.as_str().into(),
            call_session_id: self.call_session_id.as_str().into(),
            client_state: self.client_state.clone(),
            end_time: self.ended_at.map(rfc3339),
            is_alive: self.alive(),
            record_type: "call".to_string(),
            start_time: Some(rfc3339(self.started_at)),
        }
    }

    fn duration_secs(&self) -> i64 {
        let end = self.ended_at.unwrap_or_else(SystemTime::now);
        let secs = end
            .duration_since(self.started_at)
            .unwrap_or_default()
            .as_secs();
        i64::try_from(secs).unwrap_or(i64::MAX)
    }
}

pub(crate) struct Conference {
    pub id: String,
    pub name: String,
    pub created_at: SystemTime,
    pub members: Vec<String>,
}

#[derive(Default)]
pub(crate) struct World {
    pub calls: HashMap<String, Leg>,
    /// Call ids in creation order, so listings are stable.
    pub order: Vec<String>,
    pub conferences: HashMap<String, Conference>,
    pub queues: HashMap<String, Vec<String>>,
}

impl World {
    fn leg(&mut self, id: &str) -> Result<&mut Leg, Failure> {
        self.calls.get_mut(id).ok_or_else(|| Failure::not_found(id))
    }
}

/// Everything the server, the timers and the [`Simulator`](super::Simulator) handle share.
pub(crate) struct Shared {
    pub config: SimConfig,
    world: Mutex<World>,
    timeline: Mutex<Vec<Entry>>,
    timeline_tx: watch::Sender<u64>,
    started: Instant,
    outbox: mpsc::UnboundedSender<Outgoing>,
    tasks: Mutex<Vec<AbortHandle>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn new_call_control_id() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("v3:{id}")
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Pulls `command_id` and `client_state` out of a request model for the shared bookkeeping.
pub(crate) struct CommandMeta {
    pub command_id: Option<String>,
    pub client_state: Option<String>,
}

impl Shared {
    pub fn new(
        config: SimConfig,
        outbox: mpsc::UnboundedSender<Outgoing>,
    ) -> (Arc<Shared>, watch::Receiver<u64>) {
        let (timeline_tx, timeline_rx) = watch::channel(0);
        let shared = Arc::new(Shared {
            config,
            world: Mutex::new(World::default()),
            timeline: Mutex::new(Vec::new()),
            timeline_tx,
            started: Instant::now(),
            outbox,
            tasks: Mutex::new(Vec::new()),
        });
        (shared, timeline_rx)
    }

    // ----- timeline -------------------------------------------------------

    pub fn record(&self, kind: EntryKind) -> u64 {
        let mut entries = lock(&self.timeline);
        let seq = entries.len() as u64;
        entries.push(Entry {
            seq,
            at: self.started.elapsed(),
            kind,
        });
        drop(entries);
        self.timeline_tx.send_modify(|version| *version += 1);
        seq
    }

    /// Fills in the outcome of a command recorded on arrival.
    pub fn finish_command(&self, seq: u64, result: u16, call: Option<String>, repeated: bool) {
        let mut entries = lock(&self.timeline);
        let index = usize::try_from(seq).unwrap_or(usize::MAX);
        if let Some(Entry {
            kind:
                EntryKind::Command {
                    call_control_id,
                    status,
                    duplicate,
                    ..
                },
            ..
        }) = entries.get_mut(index)
        {
            *status = result;
            *duplicate = repeated;
            if call.is_some() {
                *call_control_id = call;
            }
        }
        drop(entries);
        self.timeline_tx.send_modify(|version| *version += 1);
    }

    pub fn set_delivery(&self, event_id: &str, status: Delivery) {
        let mut entries = lock(&self.timeline);
        for entry in entries.iter_mut().rev() {
            if let EntryKind::Event {
                event_id: id,
                delivery,
                ..
            } = &mut entry.kind
            {
                if id == event_id {
                    *delivery = status;
                    break;
                }
            }
        }
        drop(entries);
        self.timeline_tx.send_modify(|version| *version += 1);
    }

    pub fn timeline(&self) -> Timeline {
        Timeline {
            entries: lock(&self.timeline).clone(),
        }
    }

    // ----- tasks ----------------------------------------------------------

    /// Runs `action` after `delay` unless the simulator shuts down first.
    fn after(
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

    /// Media streams (`media.rs`): a task to abort at shutdown.
    pub(crate) fn track_task(&self, task: AbortHandle) {
        lock(&self.tasks).push(task);
    }

    /// Media streams (`media.rs`): reads a leg.
    pub(crate) fn with_leg<R>(&self, id: &str, f: impl FnOnce(&Leg) -> R) -> Option<R> {
        self.world().calls.get(id).map(f)
    }

    /// Media streams (`media.rs`): emits an event about a leg.
    pub(crate) fn emit_on(&self, id: &str, event: impl FnOnce(&Leg) -> Option<WebhookEvent>) {
        let world = self.world();
        if let Some(leg) = world.calls.get(id) {
            self.emit(leg, event(leg));
        }
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
            .or_else(|| self.config.connections.get(&leg.connection_id).cloned())
    }

    /// Records an event and hands it to the delivery worker.
    fn emit(&self, leg: &Leg, event: Option<WebhookEvent>) {
        let Some(event) = event else { return };
        let url = self.url_for(leg);
        let event_type = event.event_type().to_string();
        let event_id = webhooks::event_id(&event).unwrap_or_else(uuid);
        let body = match serde_json::to_vec(&serde_json::json!({ "data": event })) {
            Ok(body) => body,
            Err(err) => {
                tracing::warn!(%err, "simulator could not encode {event_type}");
                return;
            }
        };
        self.record(EntryKind::Event {
            event_id: event_id.clone(),
            event_type: event_type.clone(),
            call_control_id: Some(leg.call_control_id.clone()),
            url: url.clone(),
            delivery: if url.is_some() {
                Delivery::Pending
            } else {
                Delivery::NoUrl
            },
        });
        if let Some(url) = url {
            let _ = self.outbox.send(Outgoing {
                event_id,
                event_type,
                url,
                body,
            });
        }
    }

    // ----- commands -------------------------------------------------------

    fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }

    /// Finds the leg, and reports a repeated `command_id` before any state check.
    fn command_leg<'w>(
        world: &'w mut World,
        id: &str,
        meta: &CommandMeta,
    ) -> Result<Option<&'w mut Leg>, Failure> {
        let leg = world.leg(id)?;
        if let Some(command_id) = &meta.command_id {
            if leg.commands.contains(command_id) {
                return Ok(None);
            }
        }
        Ok(Some(leg))
    }

    fn accept(leg: &mut Leg, meta: &CommandMeta) {
        if let Some(command_id) = &meta.command_id {
            leg.commands.insert(command_id.clone());
        }
        if meta.client_state.is_some() {
            leg.client_state = meta.client_state.clone();
        }
    }

    fn script_for(&self, number: &str) -> FarEnd {
        self.config
            .far_ends
            .get(number)
            .cloned()
            .unwrap_or_else(|| self.config.default_far_end.clone())
    }

    fn new_leg(
        &self,
        connection_id: &str,
        from: &str,
        to: &str,
        direction: Direction,
        session: Option<String>,
    ) -> Leg {
        let script_number = match direction {
            Direction::Outgoing => to,
            Direction::Incoming => from,
        };
        Leg {
            call_control_id: new_call_control_id(),
            call_leg_id: uuid(),
            call_session_id: session.unwrap_or_else(uuid),
            connection_id: connection_id.to_string(),
            from: from.to_string(),
            to: to.to_string(),
            direction,
            state: CallState::Initiated,
            client_state: None,
            webhook_url: None,
            far_end: self.script_for(script_number),
            started_at: SystemTime::now(),
            answered_at: None,
            ended_at: None,
            peer: None,
            transfer_of: None,
            commands: HashSet::new(),
            media_generation: 0,
            playing: false,
        }
    }

    /// `POST /calls`.
    pub fn dial(
        self: &Arc<Self>,
        req: models::CallRequest,
    ) -> Result<models::CallWithRecordingId, Failure> {
        if !self
            .config
            .connections
            .contains_key(req.connection_id.as_str())
            && req.webhook_url.is_none()
        {
            return Err(Failure::invalid(
                "/connection_id",
                format!(
                    "connection `{}` is not configured in the simulator",
                    req.connection_id
                ),
            ));
        }
        let to = match &req.to {
            models::CallRequestTo::String(to) => to.clone(),
            models::CallRequestTo::StringList(list) => match list.first() {
                Some(to) => to.clone(),
                None => return Err(Failure::invalid("/to", "`to` is an empty list".into())),
            },
            models::CallRequestTo::Unknown(_) => {
                return Err(Failure::invalid(
                    "/to",
                    "`to` must be a string or a list of strings".into(),
                ))
            }
        };
        if to.is_empty() {
            return Err(Failure::invalid("/to", "`to` must not be empty".into()));
        }
        let mut leg = self.new_leg(
            &req.connection_id,
            &req.from,
            &to,
            Direction::Outgoing,
            None,
        );
        leg.client_state = req.client_state.clone();
        leg.webhook_url = req.webhook_url.clone();
        if let Some(command_id) = &req.command_id {
            leg.commands.insert(command_id.clone());
        }
        let ring_limit = req
            .timeout_secs
            .and_then(|secs| u64::try_from(secs).ok())
            .map(Duration::from_secs)
            .map_or(self.config.timing.no_answer_timeout, |limit| {
                limit.min(self.config.timing.no_answer_timeout)
            });
        let result = models::CallWithRecordingId {
            call_control_id: leg.call_control_id.as_str().into(),
            call_duration: None,
            call_leg_id: leg.call_leg_id.as_str().into(),
            call_session_id: leg.call_session_id.as_str().into(),
            client_state: leg.client_state.clone(),
            end_time: None,
            is_alive: true,
            record_type: "call".to_string(),
            recording_id: None,
            start_time: Some(rfc3339(leg.started_at)),
        };
        let id = leg.call_control_id.clone();
        let mut world = self.world();
        self.start_outgoing(&mut world, leg, ring_limit);
        drop(world);
        tracing::debug!(call = %id, "simulator dialed");
        Ok(result)
    }

    /// Registers an outgoing leg, announces it and starts its far-end script.
    fn start_outgoing(self: &Arc<Self>, world: &mut World, mut leg: Leg, ring_limit: Duration) {
        self.emit(&leg, webhooks::initiated(&leg));
        leg.state = CallState::Ringing;
        let id = leg.call_control_id.clone();
        let pickup = leg.far_end.pickup.clone();
        world.order.push(id.clone());
        world.calls.insert(id.clone(), leg);
        match pickup {
            Pickup::After(delay) => self.after(delay, move |shared| shared.far_end_answers(&id)),
            Pickup::Busy => self.after(self.config.timing.busy_after, move |shared| {
                shared.far_end_refuses(&id, models::CallHangupPayloadHangupCause::UserBusy)
            }),
            Pickup::NoAnswer => self.after(ring_limit, move |shared| {
                shared.far_end_refuses(&id, models::CallHangupPayloadHangupCause::Timeout)
            }),
        }
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
        self.emit(leg, webhooks::answered(leg));
        let hangup_after = leg.far_end.hangup_after;
        let origin = leg.transfer_of.clone();
        if let Some(origin) = origin {
            self.bridge_pair(&mut world, &origin, id);
        }
        drop(world);
        self.schedule_far_end_hangup(id, hangup_after);
    }

    fn schedule_far_end_hangup(self: &Arc<Self>, id: &str, hangup_after: Option<Duration>) {
        if let Some(delay) = hangup_after {
            let id = id.to_string();
            self.after(delay, move |shared| {
                let mut world = shared.world();
                shared.end_with_peer(
                    &mut world,
                    &id,
                    models::CallHangupPayloadHangupCause::NormalClearing,
                    models::CallHangupPayloadHangupSource::Callee,
                );
            });
        }
    }

    fn far_end_refuses(self: &Arc<Self>, id: &str, cause: models::CallHangupPayloadHangupCause) {
        let mut world = self.world();
        let ringing = world
            .calls
            .get(id)
            .is_some_and(|leg| leg.state == CallState::Ringing);
        if ringing {
            self.end_leg(
                &mut world,
                id,
                cause,
                models::CallHangupPayloadHangupSource::Callee,
            );
        }
    }

    /// Ends one leg (no effect on an ended or unknown one) and sends its `call.hangup`.
    fn end_leg(
        &self,
        world: &mut World,
        id: &str,
        cause: models::CallHangupPayloadHangupCause,
        source: models::CallHangupPayloadHangupSource,
    ) -> Option<String> {
        let leg = world.calls.get_mut(id)?;
        if !leg.alive() {
            return None;
        }
        leg.state = CallState::Ended;
        leg.ended_at = Some(SystemTime::now());
        leg.playing = false;
        leg.media_generation += 1;
        let peer = leg.peer.take();
        self.emit(leg, webhooks::hangup(leg, cause, source));
        super::media::stop(id);
        for queue in world.queues.values_mut() {
            queue.retain(|member| member != id);
        }
        for conference in world.conferences.values_mut() {
            conference.members.retain(|member| member != id);
        }
        peer
    }

    /// Ends a leg and, when it was bridged, the leg on the other side.
    fn end_with_peer(
        &self,
        world: &mut World,
        id: &str,
        cause: models::CallHangupPayloadHangupCause,
        source: models::CallHangupPayloadHangupSource,
    ) {
        if let Some(peer) = self.end_leg(world, id, cause.clone(), source.clone()) {
            let other_side = match source {
                models::CallHangupPayloadHangupSource::Caller => {
                    models::CallHangupPayloadHangupSource::Callee
                }
                _ => models::CallHangupPayloadHangupSource::Caller,
            };
            if let Some(peer_leg) = world.calls.get_mut(&peer) {
                peer_leg.peer = None;
            }
            self.end_leg(world, &peer, cause, other_side);
        }
    }

    /// Marks two answered legs as bridged and sends `call.bridged` on both.
    fn bridge_pair(&self, world: &mut World, a: &str, b: &str) -> bool {
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
                self.emit(leg, webhooks::bridged(leg));
            }
        }
        true
    }

    /// Starts an inbound call that the app must answer.
    pub fn inbound(self: &Arc<Self>, from: &str, to: &str, connection_id: &str) -> String {
        let mut leg = self.new_leg(connection_id, from, to, Direction::Incoming, None);
        leg.state = CallState::Ringing;
        let id = leg.call_control_id.clone();
        let mut world = self.world();
        self.emit(&leg, webhooks::initiated(&leg));
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
                shared.end_leg(
                    &mut world,
                    &cancel_id,
                    models::CallHangupPayloadHangupCause::OriginatorCancel,
                    models::CallHangupPayloadHangupSource::Caller,
                );
            }
        });
        id
    }

    /// `actions/answer`.
    pub fn answer(
        self: &Arc<Self>,
        id: &str,
        meta: &CommandMeta,
        webhook_url: Option<String>,
    ) -> Result<Outcome, Failure> {
        let mut world = self.world();
        let Some(leg) = Self::command_leg(&mut world, id, meta)? else {
            return Ok(Outcome::Duplicate);
        };
        match (leg.state, leg.direction) {
            (CallState::Ended, _) => return Err(Failure::ended()),
            (CallState::Ringing, Direction::Incoming) => {}
            (_, Direction::Outgoing) => {
                return Err(Failure::wrong_state(
                    "only incoming calls can be answered".into(),
                ))
            }
            _ => {
                return Err(Failure::wrong_state(
                    "the call has already been answered".into(),
                ))
            }
        }
        Self::accept(leg, meta);
        if webhook_url.is_some() {
            leg.webhook_url = webhook_url;
        }
        leg.state = CallState::Answered;
        leg.answered_at = Some(SystemTime::now());
        self.emit(leg, webhooks::answered(leg));
        let hangup_after = leg.far_end.hangup_after;
        drop(world);
        self.schedule_far_end_hangup(id, hangup_after);
        Ok(Outcome::Done)
    }

    /// `actions/hangup`.
    pub fn hangup(self: &Arc<Self>, id: &str, meta: &CommandMeta) -> Result<Outcome, Failure> {
        let mut world = self.world();
        let Some(leg) = Self::command_leg(&mut world, id, meta)? else {
            return Ok(Outcome::Duplicate);
        };
        if !leg.alive() {
            return Err(Failure::ended());
        }
        Self::accept(leg, meta);
        self.end_with_peer(
            &mut world,
            id,
            models::CallHangupPayloadHangupCause::NormalClearing,
            models::CallHangupPayloadHangupSource::Caller,
        );
        Ok(Outcome::Done)
    }

    /// `actions/reject`.
    pub fn reject(self: &Arc<Self>, id: &str, meta: &CommandMeta) -> Result<Outcome, Failure> {
        let mut world = self.world();
        let Some(leg) = Self::command_leg(&mut world, id, meta)? else {
            return Ok(Outcome::Duplicate);
        };
        match (leg.state, leg.direction) {
            (CallState::Ended, _) => return Err(Failure::ended()),
            (CallState::Ringing, Direction::Incoming) => {}
            _ => {
                return Err(Failure::wrong_state(
                    "only a ringing incoming call can be rejected".into(),
                ))
            }
        }
        Self::accept(leg, meta);
        self.end_leg(
            &mut world,
            id,
            models::CallHangupPayloadHangupCause::CallRejected,
            models::CallHangupPayloadHangupSource::Callee,
        );
        Ok(Outcome::Done)
    }

    /// Common checks of the media commands: the leg must be up.
    fn media_leg<'w>(
        world: &'w mut World,
        id: &str,
        meta: &CommandMeta,
    ) -> Result<Option<&'w mut Leg>, Failure> {
        let Some(leg) = Self::command_leg(world, id, meta)? else {
            return Ok(None);
        };
        if !leg.alive() {
            return Err(Failure::ended());
        }
        if !leg.talking() {
            return Err(Failure::wrong_state(
                "the call has not been answered yet".into(),
            ));
        }
        Self::accept(leg, meta);
        leg.media_generation += 1;
        Ok(Some(leg))
    }

    /// Runs `finish` on the leg after `delay` if no newer media command or hangup came in between.
    fn after_media(
        self: &Arc<Self>,
        id: &str,
        generation: u64,
        delay: Duration,
        finish: fn(&Shared, &mut Leg),
    ) {
        let id = id.to_string();
        self.after(delay, move |shared| {
            let mut world = shared.world();
            if let Some(leg) = world.calls.get_mut(&id) {
                if leg.talking() && leg.media_generation == generation {
                    finish(shared, leg);
                }
            }
        });
    }

    /// `actions/speak`.
    pub fn speak(self: &Arc<Self>, id: &str, meta: &CommandMeta) -> Result<Outcome, Failure> {
        let mut world = self.world();
        let Some(leg) = Self::media_leg(&mut world, id, meta)? else {
            return Ok(Outcome::Duplicate);
        };
        self.emit(leg, webhooks::speak_started(leg));
        let generation = leg.media_generation;
        drop(world);
        self.after_media(id, generation, self.config.timing.speak, |shared, leg| {
            shared.emit(leg, webhooks::speak_ended(leg));
        });
        Ok(Outcome::Done)
    }

    /// `actions/playback_start`.
    pub fn playback_start(
        self: &Arc<Self>,
        id: &str,
        meta: &CommandMeta,
        audio_url: Option<String>,
    ) -> Result<Outcome, Failure> {
        let mut world = self.world();
        let Some(leg) = Self::media_leg(&mut world, id, meta)? else {
            return Ok(Outcome::Duplicate);
        };
        leg.playing = true;
        self.emit(leg, webhooks::playback_started(leg, audio_url.clone()));
        let generation = leg.media_generation;
        drop(world);
        let id_owned = id.to_string();
        let shared = Arc::clone(self);
        self.after(self.config.timing.playback, move |_| {
            let mut world = shared.world();
            if let Some(leg) = world.calls.get_mut(&id_owned) {
                if leg.talking() && leg.playing && leg.media_generation == generation {
                    leg.playing = false;
                    shared.emit(
                        leg,
                        webhooks::playback_ended(
                            leg,
                            audio_url,
                            models::CallPlaybackEndedPayloadStatus::Completed,
                        ),
                    );
                }
            }
        });
        Ok(Outcome::Done)
    }

    /// `actions/playback_stop`.
    pub fn playback_stop(
        self: &Arc<Self>,
        id: &str,
        meta: &CommandMeta,
    ) -> Result<Outcome, Failure> {
        let mut world = self.world();
        let Some(leg) = Self::media_leg(&mut world, id, meta)? else {
            return Ok(Outcome::Duplicate);
        };
        if leg.playing {
            leg.playing = false;
            self.emit(
                leg,
                webhooks::playback_ended(
                    leg,
                    None,
                    models::CallPlaybackEndedPayloadStatus::Cancelled,
                ),
            );
        }
        Ok(Outcome::Done)
    }

    /// `actions/gather` and `actions/gather_using_speak`.
    pub fn gather(
        self: &Arc<Self>,
        id: &str,
        meta: &CommandMeta,
        max_digits: Option<i64>,
        terminator: Option<String>,
    ) -> Result<Outcome, Failure> {
        let mut world = self.world();
        let Some(leg) = Self::media_leg(&mut world, id, meta)? else {
            return Ok(Outcome::Duplicate);
        };
        let generation = leg.media_generation;
        let pressed = leg.far_end.digits.clone();
        drop(world);
        let id_owned = id.to_string();
        let shared = Arc::clone(self);
        self.after(self.config.timing.gather, move |_| {
            let mut world = shared.world();
            if let Some(leg) = world.calls.get_mut(&id_owned) {
                if leg.talking() && leg.media_generation == generation {
                    let digits =
                        collect_digits(pressed.as_deref(), max_digits, terminator.as_deref());
                    shared.emit(leg, webhooks::gather_ended(leg, digits));
                }
            }
        });
        Ok(Outcome::Done)
    }

    /// `actions/bridge`.
    pub fn bridge(
        self: &Arc<Self>,
        id: &str,
        meta: &CommandMeta,
        other: &str,
    ) -> Result<Outcome, Failure> {
        let mut world = self.world();
        let Some(leg) = Self::command_leg(&mut world, id, meta)? else {
            return Ok(Outcome::Duplicate);
        };
        if !leg.alive() {
            return Err(Failure::ended());
        }
        if leg.state != CallState::Answered {
            return Err(Failure::wrong_state(
                "only an answered, unbridged call can be bridged".into(),
            ));
        }
        if other == id {
            return Err(Failure::invalid(
                "/call_control_id",
                "a call cannot be bridged to itself".into(),
            ));
        }
        Self::accept(leg, meta);
        let other_ok = world.calls.get(other).map(|leg| leg.state);
        match other_ok {
            None => {
                return Err(Failure::invalid(
                    "/call_control_id",
                    format!("no call with call_control_id `{other}`"),
                ))
            }
            Some(CallState::Answered) => {}
            Some(CallState::Ended) => return Err(Failure::ended()),
            Some(_) => {
                return Err(Failure::wrong_state(
                    "the other call must be answered and unbridged".into(),
                ))
            }
        }
        self.bridge_pair(&mut world, id, other);
        Ok(Outcome::Done)
    }

    /// `actions/transfer`.
    pub fn transfer(
        self: &Arc<Self>,
        id: &str,
        meta: &CommandMeta,
        req: &models::TransferCallRequest,
    ) -> Result<Outcome, Failure> {
        let mut world = self.world();
        let Some(leg) = Self::command_leg(&mut world, id, meta)? else {
            return Ok(Outcome::Duplicate);
        };
        if !leg.alive() {
            return Err(Failure::ended());
        }
        if leg.state != CallState::Answered {
            return Err(Failure::wrong_state(
                "only an answered, unbridged call can be transferred".into(),
            ));
        }
        if req.to.is_empty() {
            return Err(Failure::invalid("/to", "`to` must not be empty".into()));
        }
        Self::accept(leg, meta);
        let from = req.from.clone().unwrap_or_else(|| leg.to.clone());
        let connection_id = leg.connection_id.clone();
        let session = leg.call_session_id.clone();
        let inherited_url = leg.webhook_url.clone();
        let mut target = self.new_leg(
            &connection_id,
            &from,
            &req.to,
            Direction::Outgoing,
            Some(session),
        );
        target.transfer_of = Some(id.to_string());
        target.client_state = req
            .target_leg_client_state
            .clone()
            .or_else(|| meta.client_state.clone());
        target.webhook_url = req.webhook_url.clone().or(inherited_url);
        let ring_limit = req
            .timeout_secs
            .and_then(|secs| u64::try_from(secs).ok())
            .map(Duration::from_secs)
            .map_or(self.config.timing.no_answer_timeout, |limit| {
                limit.min(self.config.timing.no_answer_timeout)
            });
        self.start_outgoing(&mut world, target, ring_limit);
        Ok(Outcome::Done)
    }

    /// `actions/enqueue`.
    pub fn enqueue(
        self: &Arc<Self>,
        id: &str,
        meta: &CommandMeta,
        queue: &str,
    ) -> Result<Outcome, Failure> {
        let mut world = self.world();
        let Some(leg) = Self::media_leg(&mut world, id, meta)? else {
            return Ok(Outcome::Duplicate);
        };
        let event_leg_id = leg.call_control_id.clone();
        let members = world.queues.entry(queue.to_string()).or_default();
        if !members.contains(&event_leg_id) {
            members.push(event_leg_id.clone());
        }
        let position = i64::try_from(members.len()).unwrap_or(i64::MAX);
        if let Some(leg) = world.calls.get(&event_leg_id) {
            self.emit(leg, webhooks::enqueued(leg, queue, position));
        }
        Ok(Outcome::Done)
    }

    /// `POST /conferences`.
    pub fn create_conference(
        self: &Arc<Self>,
        req: &models::CreateConferenceRequest,
    ) -> Result<models::Conference, Failure> {
        let meta = CommandMeta {
            command_id: req.command_id.clone(),
            client_state: req.client_state.clone(),
        };
        let mut world = self.world();
        let leg = world.leg(&req.call_control_id).map_err(|_| {
            Failure::invalid(
                "/call_control_id",
                format!("no call with call_control_id `{}`", req.call_control_id),
            )
        })?;
        if !leg.alive() {
            return Err(Failure::ended());
        }
        if !leg.talking() {
            return Err(Failure::wrong_state(
                "the call has not been answered yet".into(),
            ));
        }
        Self::accept(leg, &meta);
        let conference = Conference {
            id: uuid(),
            name: req.name.clone(),
            created_at: SystemTime::now(),
            members: vec![req.call_control_id.to_string()],
        };
        self.emit(leg, webhooks::conference_created(leg, &conference.id));
        self.emit(leg, webhooks::participant_joined(leg, &conference.id));
        let model = conference_model(&conference, &leg.connection_id);
        world.conferences.insert(conference.id.clone(), conference);
        Ok(model)
    }

    /// `POST /conferences/{id}/actions/join`.
    pub fn join_conference(
        self: &Arc<Self>,
        conference_id: &str,
        req: &models::JoinConferenceRequest,
    ) -> Result<Outcome, Failure> {
        let meta = CommandMeta {
            command_id: req.command_id.clone(),
            client_state: req.client_state.clone(),
        };
        let mut world = self.world();
        if !world.conferences.contains_key(conference_id) {
            return Err(Failure::new(
                404,
                "10005",
                "Resource not found",
                format!("no conference with id `{conference_id}`"),
            ));
        }
        let Some(leg) =
            Self::command_leg(&mut world, &req.call_control_id, &meta).map_err(|_| {
                Failure::invalid(
                    "/call_control_id",
                    format!("no call with call_control_id `{}`", req.call_control_id),
                )
            })?
        else {
            return Ok(Outcome::Duplicate);
        };
        if !leg.alive() {
            return Err(Failure::ended());
        }
        if !leg.talking() {
            return Err(Failure::wrong_state(
                "the call has not been answered yet".into(),
            ));
        }
        Self::accept(leg, &meta);
        self.emit(leg, webhooks::participant_joined(leg, conference_id));
        let id = req.call_control_id.to_string();
        if let Some(conference) = world.conferences.get_mut(conference_id) {
            if !conference.members.contains(&id) {
                conference.members.push(id);
            }
        }
        Ok(Outcome::Done)
    }

    /// `GET /calls/{id}`.
    pub fn status(&self, id: &str) -> Result<models::Call, Failure> {
        let mut world = self.world();
        Ok(world.leg(id)?.to_call())
    }

    /// `GET /connections/{id}/active_calls`.
    pub fn active_calls(&self, connection_id: &str) -> Vec<models::ActiveCall> {
        let world = self.world();
        world
            .order
            .iter()
            .filter_map(|id| world.calls.get(id))
            .filter(|leg| leg.alive() && leg.connection_id == connection_id)
            .map(|leg| models::ActiveCall {
                call_control_id: leg.call_control_id.as_str().into(),
                call_duration: leg.duration_secs(),
                call_leg_id: leg.call_leg_id.as_str().into(),
                call_session_id: leg.call_session_id.as_str().into(),
                client_state: leg.client_state.clone().unwrap_or_default(),
                record_type: "call".to_string(),
            })
            .collect()
    }

    /// The state of one leg, for tests.
    pub fn call_state(&self, id: &str) -> Option<CallState> {
        self.world().calls.get(id).map(|leg| leg.state)
    }

    /// Every call id in creation order, for tests.
    pub fn call_ids(&self) -> Vec<String> {
        self.world().order.clone()
    }
}

fn conference_model(conference: &Conference, connection_id: &str) -> models::Conference {
    let expires = conference.created_at + Duration::from_secs(24 * 3600);
    models::Conference {
        connection_id: Some(connection_id.into()),
        created_at: rfc3339(conference.created_at),
        end_reason: None,
        ended_by: None,
        expires_at: rfc3339(expires),
        id: conference.id.clone(),
        name: conference.name.clone(),
        record_type: "conference".to_string(),
        region: None,
        status: Some(models::ConferenceStatus::InProgress),
        updated_at: None,
    }
}

/// What a far end that presses `pressed` sends back under the gather's limits.
fn collect_digits(
    pressed: Option<&str>,
    max_digits: Option<i64>,
    terminator: Option<&str>,
) -> Option<String> {
    let pressed = pressed?;
    let limit = max_digits
        .and_then(|max| usize::try_from(max).ok())
        .filter(|max| *max > 0)
        .unwrap_or(usize::MAX);
    let terminators = terminator.unwrap_or("#");
    let mut digits = String::new();
    for key in pressed.chars() {
        if terminators.contains(key) {
            break;
        }
        digits.push(key);
        if digits.chars().count() >= limit {
            break;
        }
    }
    Some(digits)
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
    fn digits_respect_limits() {
        assert_eq!(
            collect_digits(Some("123#9"), None, None).as_deref(),
            Some("123")
        );
        assert_eq!(
            collect_digits(Some("123"), Some(2), None).as_deref(),
            Some("12")
        );
        assert_eq!(collect_digits(None, Some(2), None), None);
    }
}
