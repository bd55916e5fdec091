//! An offline, stateful stand-in for the Telnyx Voice API and its webhooks.
//!
//! The [`Simulator`] listens on a loopback port and answers the SDK's requests
//! the way the real service does: request bodies are decoded into the
//! generated request models, answers use the generated response models in the
//! `{"data": ...}` envelope, and failures come back as Telnyx-shaped error
//! objects. Each call leg moves through [`CallState`]s, and every change is
//! reported to the connection's webhook URL as a signed event built from the
//! generated event models, so the app's normal verification path
//! (`client.webhooks().unwrap(..)` or the axum extractor) accepts it.
//!
//! The far end of each call follows a [`FarEnd`] script (pick up, be busy,
//! never answer, press keys, hang up later), and everything that happens is
//! kept in a [`Timeline`] that tests can wait on and draw
//! ([`Timeline::to_html`], [`Timeline::to_mermaid`]). The same port serves a
//! live page at `/` ([`Simulator::page_url`]) with the calls, the timeline as
//! a sequence diagram, and buttons to ring the app and drive the far end.
//!
//! Every operation of the Voice API is served (96 of 96): calls and all their
//! actions, conferences and their participants, queues, Call Control
//! Applications and connections, custom storage credentials, recordings (with
//! their audio served below `/media/recordings/`), recording transcriptions,
//! webhook deliveries and call events. Values Telnyx validates are validated
//! (base64 `client_state`, E.164 or SIP destinations, voices, key sets and
//! ranges), and refusals use Telnyx's codes: 90015 for an unknown call, 10004
//! for a missing field, 90018 for an ended call, 90034 for one not answered yet.
//! Every answer carries `x-request-id`, every webhook body `meta.attempt` and
//! `meta.delivered_to`. [`Chaos`] mode makes delivery and the API unreliable on
//! purpose, seeded for replay.
//!
//! A `stream_url` on dial or answer, or `streaming_start`, makes the simulator
//! connect to the app's WebSocket as Telnyx does and stream the far end's audio
//! ([`FarEnd::talk`]: a tone or a WAV) as 20 ms PCMU frames, its keys as `dtmf`
//! frames, and `stop` at the end; in bidirectional mode it plays back what the
//! app sends, returns its marks and honours `clear`
//! ([`Simulator::stream_report`], [`EntryKind::Stream`]). A URL that refuses
//! the connection gets `streaming.failed`.
//!
//! A test can read back what the app sent and what it was told: the timeline
//! keeps each command's decoded body and each event's payload, by call
//! ([`Timeline::commands_for`], [`Timeline::requests`], [`Timeline::events_for`],
//! [`Timeline::last_event`]).
//!
//! ```no_run
//! use telnyx_voice::simulator::{SimConfig, Simulator};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let sim = Simulator::start(
//!     SimConfig::new().connection("conn-1", "http://127.0.0.1:8080/webhooks"),
//! )
//! .await?;
//! let client = sim.client()?; // base URL, API key and public key preset
//! let call = client.calls().dial("conn-1", "+15550000001", "+15550000002").await?;
//! sim.wait_for_event("call.answered", 1).await?;
//! println!("{}\n{}", call.data.call_control_id, sim.timeline());
//! sim.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod calls;
mod chaos;
mod conferences;
mod config;
mod delivery;
mod diagram;
mod engine;
mod events;
mod failure;
mod media;
mod model;
mod page;
mod recorder;
mod requests;
mod resources;
mod routes;
mod scenario;
mod script;
mod timeline;
mod validate;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use ed25519_dalek::SigningKey;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

pub use chaos::Chaos;
pub use config::{DeliveryPolicy, SimConfig, Timing, CHAOS_ENV};
pub use model::{CallInfo, CallState, Direction, FarEndError, StreamReport};
pub use scenario::{FarEndSpec, InboundSpec, Scenario, ScenarioError, TalkSpec};
pub use script::{Answerer, FarEnd, Pickup, StreamAudio, Talk, WavError};
pub use timeline::{
    AttemptOutcome, CommandRecord, Delivery, Entry, EntryKind, EventRecord, Timeline,
};

use engine::Shared;
use recorder::Recorder;

/// Every `operationId` of the Voice API the simulator serves (all 96).
pub const SERVED_OPERATIONS: &[&str] = &[
    "ListCallControlApplications",
    "CreateCallControlApplication",
    "RetrieveCallControlApplication",
    "UpdateCallControlApplication",
    "DeleteCallControlApplication",
    "ListCallEvents",
    "DialCall",
    "RetrieveCallStatus",
    "CallAddMessagesToAIAssistant",
    "CallJoinAIAssistant",
    "CallStartAIAssistant",
    "CallStopAIAssistant",
    "AnswerCall",
    "BridgeCall",
    "UpdateClientState",
    "CallStartConversationRelay",
    "CallStopConversationRelay",
    "EnqueueCall",
    "StartCallFork",
    "StopCallFork",
    "GatherCall",
    "StopCallGather",
    "callGatherUsingAI",
    "GatherUsingAudio",
    "GatherUsingSpeak",
    "HangupCall",
    "LeaveQueue",
    "StartCallPlayback",
    "StopCallPlayback",
    "PauseCallRecording",
    "ResumeCallRecording",
    "StartCallRecord",
    "StopCallRecording",
    "ReferCall",
    "RejectCall",
    "SendDTMF",
    "SendSIPInfo",
    "StartSiprecSession",
    "StopSiprecSession",
    "SpeakCall",
    "StartCallStreaming",
    "StopCallStreaming",
    "noiseSuppressionStart",
    "noiseSuppressionStop",
    "SwitchSupervisorRole",
    "StartCallTranscription",
    "StopCallTranscription",
    "TransferCall",
    "ListConferences",
    "CreateConference",
    "RetrieveConference",
    "ListConferenceParticipants",
    "RetrieveConferenceParticipant",
    "UpdateConferenceParticipant",
    "EndConference",
    "ConferenceGatherUsingAudio",
    "HoldConferenceParticipants",
    "JoinConference",
    "LeaveConference",
    "MuteConferenceParticipants",
    "PlayConferenceAudio",
    "PauseConferenceRecording",
    "ResumeConferenceRecording",
    "StartConferenceRecording",
    "StopConferenceRecording",
    "ConferenceSendDTMF",
    "SpeakTextToConference",
    "StopConferenceAudio",
    "UnholdConferenceParticipants",
    "UnmuteConferenceParticipants",
    "UpdateConference",
    "ListConnections",
    "ListConnectionActiveCalls",
    "RetrieveConnection",
    "GetCustomStorageCredentials",
    "CreateCustomStorageCredentials",
    "UpdateCustomStorageCredentials",
    "DeleteCustomStorageCredentials",
    "ListQueues",
    "CreateQueue",
    "RetrieveCallQueue",
    "UpdateQueue",
    "DeleteQueue",
    "ListQueueCalls",
    "RetrieveCallFromQueue",
    "UpdateCallInQueue",
    "RemoveQueueCall",
    "getRecordingTranscriptions",
    "getRecordingTranscription",
    "deleteRecordingTranscription",
    "GetRecordings",
    "GetRecording",
    "DeleteRecording",
    "DeleteRecordings",
    "GetWebhookDeliveries",
    "GetWebhookDelivery",
];

/// `operationId`s the simulator answers with a 501 error (none).
pub const NOT_SIMULATED: &[&str] = &[];

/// API key the simulator accepts unless configured otherwise.
pub const DEFAULT_API_KEY: &str = "KEY_SIMULATOR";

/// Ways the simulator can fail.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The listening socket could not be opened.
    #[error("simulator could not listen on {ip}:{port}: {source}")]
    Bind {
        /// The requested address.
        ip: IpAddr,
        /// The requested port.
        port: u16,
        /// The operating system's complaint.
        #[source]
        source: std::io::Error,
    },
    /// A seed was not 64 hexadecimal digits.
    #[error("signing key seed must be 64 hex digits")]
    InvalidSeed,
    /// A `wait_for` condition did not become true in time.
    #[error("condition not met within {} ms; timeline so far:\n{timeline}", waited.as_millis())]
    Timeout {
        /// How long was waited.
        waited: Duration,
        /// The timeline when waiting stopped.
        timeline: Timeline,
    },
    /// The SDK client for the simulator could not be built.
    #[error(transparent)]
    Client(#[from] crate::Error),
    /// No command or event matched within the limit; the bodies that were seen differ.
    #[error("{wanted}: nothing matched within {} ms; these differ:\n{}\ntimeline so far:\n{timeline}", waited.as_millis(), seen.join("\n"))]
    NoMatch {
        /// What was waited for.
        wanted: String,
        /// How long was waited.
        waited: Duration,
        /// The bodies of the candidates that did not match, one JSON text each.
        seen: Vec<String>,
        /// The timeline when waiting stopped.
        timeline: Timeline,
    },
    /// A scenario file could not be used.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
}

/// Parses a 32-byte signing key seed written as 64 hexadecimal digits.
pub fn parse_seed_hex(hex: &str) -> Result<[u8; 32], SimError> {
    let hex = hex.trim();
    if hex.len() != 64 || !hex.is_ascii() {
        return Err(SimError::InvalidSeed);
    }
    let mut seed = [0u8; 32];
    for (i, byte) in seed.iter_mut().enumerate() {
        let pair = hex.get(2 * i..2 * i + 2).ok_or(SimError::InvalidSeed)?;
        *byte = u8::from_str_radix(pair, 16).map_err(|_| SimError::InvalidSeed)?;
    }
    Ok(seed)
}

/// A running simulator. Dropping it stops the server; [`shutdown`](Self::shutdown)
/// also waits for it to finish.
#[derive(Debug)]
pub struct Simulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    public_key: String,
    timeline_rx: watch::Receiver<u64>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
    worker: JoinHandle<()>,
}

impl Simulator {
    /// Opens the port, starts serving and returns once requests are accepted.
    pub async fn start(config: SimConfig) -> Result<Simulator, SimError> {
        let (ip, port) = (config.bind, config.port);
        let listener = tokio::net::TcpListener::bind((ip, port))
            .await
            .map_err(|source| SimError::Bind { ip, port, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| SimError::Bind { ip, port, source })?;
        let seed = config.seed.unwrap_or_else(|| {
            let mut seed = [0u8; 32];
            seed.iter_mut().for_each(|byte| *byte = fastrand::u8(..));
            seed
        });
        let key = SigningKey::from_bytes(&seed);
        let public_key =
            base64::engine::general_purpose::STANDARD.encode(key.verifying_key().as_bytes());

        let (outbox, inbox) = mpsc::unbounded_channel();
        let (recorder, timeline_rx) = Recorder::new();
        let recorder = Arc::new(recorder);
        let dice = config
            .chaos
            .clone()
            .map(|chaos| Arc::new(chaos::Dice::new(chaos)));
        let mut origin_addr = addr;
        if origin_addr.ip().is_unspecified() {
            origin_addr.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        let policy = config.delivery.clone();
        let shared = Shared::new(
            config,
            Arc::clone(&recorder),
            dice.clone(),
            format!("http://{origin_addr}"),
            outbox,
        );
        let worker = tokio::spawn(delivery::run(recorder, key, policy, dice, inbox));
        let app = routes::router(Arc::clone(&shared));
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            if let Err(err) = serve.await {
                tracing::error!(%err, "simulator server stopped");
            }
        });
        Ok(Simulator {
            shared,
            addr,
            public_key,
            timeline_rx,
            stop: Some(stop),
            server: Some(server),
            worker,
        })
    }

    /// Base URL to give the SDK, such as `http://127.0.0.1:40123/v2`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v2", self.url_addr())
    }

    /// The live page showing the calls and the timeline, such as `http://127.0.0.1:40123/`.
    pub fn page_url(&self) -> String {
        format!("http://{}/", self.url_addr())
    }

    /// The address to put in URLs: loopback when listening on every interface.
    fn url_addr(&self) -> SocketAddr {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        addr
    }

    /// The socket address the simulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API key the simulator accepts.
    pub fn api_key(&self) -> &str {
        &self.shared.config.api_key
    }

    /// Base64 of the Ed25519 public key that checks the simulator's webhook signatures.
    pub fn public_key_base64(&self) -> &str {
        &self.public_key
    }

    /// An SDK client preset with the simulator's base URL, API key and public key.
    pub fn client(&self) -> Result<crate::Client, SimError> {
        Ok(crate::Client::builder()
            .api_key(self.api_key())
            .base_url(self.base_url())
            .public_key(self.public_key.clone())
            .build()?)
    }

    /// A snapshot of everything recorded so far.
    pub fn timeline(&self) -> Timeline {
        self.shared.timeline()
    }

    /// Starts an inbound call from `from` to `to` on `connection_id` and returns its
    /// `call_control_id`. The app gets `call.initiated` and must answer it (or reject it);
    /// otherwise the caller hangs up after [`Timing::inbound_answer_timeout`].
    pub async fn inbound_call(&self, from: &str, to: &str, connection_id: &str) -> String {
        self.shared.inbound(from, to, connection_id)
    }

    /// [`inbound_call`](Self::inbound_call) with its own far-end script for this call
    /// (instead of the one configured for `from`). Any number of inbound calls may be
    /// started, at any time.
    pub fn inbound_call_with(
        &self,
        from: &str,
        to: &str,
        connection_id: &str,
        script: FarEnd,
    ) -> String {
        self.shared
            .inbound_with(from, to, connection_id, Some(script))
    }

    /// Every command about one call, with its decoded body (see [`Timeline::commands_for`]).
    pub fn commands_for(&self, call_control_id: &str) -> Vec<(String, Option<serde_json::Value>)> {
        self.timeline()
            .commands_for(call_control_id)
            .into_iter()
            .map(|record| (record.path.to_string(), record.body.cloned()))
            .collect()
    }

    /// The events about one call, decoded (see [`Timeline::events_for`]).
    pub fn events_for(&self, call_control_id: &str) -> Vec<crate::WebhookEvent> {
        self.timeline().events_for(call_control_id)
    }

    /// Waits until the app sends an accepted `action` command on the call whose body,
    /// decoded as `T`, satisfies `check`; returns that body.
    ///
    /// On timeout the error lists the bodies of the `action` commands that were sent
    /// but did not satisfy `check`, then the timeline.
    pub async fn wait_for_request<T, F>(
        &self,
        call_control_id: &str,
        action: &str,
        mut check: F,
    ) -> Result<T, SimError>
    where
        T: serde::de::DeserializeOwned,
        F: FnMut(&T) -> bool,
    {
        let mut found = None;
        let waited = self
            .wait_for(|timeline| {
                found = timeline
                    .requests::<T>(call_control_id, action)
                    .into_iter()
                    .find(|body| check(body));
                found.is_some()
            })
            .await;
        let (waited, timeline) = match (waited, found) {
            (Ok(_), Some(body)) => return Ok(body),
            (Ok(timeline), None) => (self.shared.config.wait_timeout, timeline),
            (Err(SimError::Timeout { waited, timeline }), _) => (waited, timeline),
            (Err(err), _) => return Err(err),
        };
        {
            {
                let seen = timeline
                    .commands_for(call_control_id)
                    .into_iter()
                    .filter(|record| record.action == Some(action))
                    .map(|record| {
                        let body = record.body.map_or_else(String::new, ToString::to_string);
                        format!("  {} -> {}: {body}", record.path, record.status)
                    })
                    .collect();
                Err(SimError::NoMatch {
                    wanted: format!("`{action}` on {call_control_id}"),
                    waited,
                    seen,
                    timeline,
                })
            }
        }
    }

    /// Waits until an event of `event_type` about the call, decoded as the event model
    /// `T` (such as `models::CallHangup`), satisfies `check`; returns that event.
    ///
    /// On timeout the error lists the payloads of the `event_type` events that did not
    /// satisfy `check`, then the timeline.
    pub async fn wait_for_event_where<T, F>(
        &self,
        call_control_id: &str,
        event_type: &str,
        mut check: F,
    ) -> Result<T, SimError>
    where
        T: serde::de::DeserializeOwned,
        F: FnMut(&T) -> bool,
    {
        let mut found = None;
        let waited = self
            .wait_for(|timeline| {
                found = timeline
                    .events_of::<T>(call_control_id, event_type)
                    .into_iter()
                    .find(|event| check(event));
                found.is_some()
            })
            .await;
        let (waited, timeline) = match (waited, found) {
            (Ok(_), Some(event)) => return Ok(event),
            (Ok(timeline), None) => (self.shared.config.wait_timeout, timeline),
            (Err(SimError::Timeout { waited, timeline }), _) => (waited, timeline),
            (Err(err), _) => return Err(err),
        };
        {
            {
                let seen = timeline
                    .event_payloads(event_type)
                    .into_iter()
                    .map(|object| format!("  {}", object.get("payload").unwrap_or(object)))
                    .collect();
                Err(SimError::NoMatch {
                    wanted: format!("`{event_type}` on {call_control_id}"),
                    waited,
                    seen,
                    timeline,
                })
            }
        }
    }

    /// Starts what a [`Scenario`] lists to happen once the simulator runs: its inbound
    /// calls, each after its delay. Returns at once.
    pub fn play(&self, scenario: &Scenario) {
        scenario::play(&self.shared, scenario);
    }

    /// The current state of a call leg, or `None` for an unknown id.
    pub fn call_state(&self, call_control_id: &str) -> Option<CallState> {
        self.shared.call_state(call_control_id)
    }

    /// A snapshot of every call leg (id, numbers, direction, state), oldest first.
    pub fn calls(&self) -> Vec<CallInfo> {
        self.shared.calls()
    }

    /// The far end presses `digits` (`0-9`, `*`, `#`, `A-D`) on an answered call.
    ///
    /// Each key is reported as `call.dtmf.received`, and the keys are what the gather in
    /// progress (or the next one) collects, ahead of the far end's script.
    pub fn press(&self, call_control_id: &str, digits: &str) -> Result<(), FarEndError> {
        self.shared.press(call_control_id, digits)
    }

    /// The far end hangs up the call (`call.hangup`; a bridged peer is hung up too).
    ///
    /// A ringing inbound call is cancelled by its caller (`originator_cancel`).
    pub fn hang_up(&self, call_control_id: &str) -> Result<(), FarEndError> {
        self.shared.far_end_hangs_up(call_control_id)
    }

    /// What happened on the latest media stream of a call so far (`None` when no stream was
    /// started on it): frames and keys sent, what the app sent back, marks, clears, failure.
    pub fn stream_report(&self, call_control_id: &str) -> Option<StreamReport> {
        self.shared.stream_report(call_control_id)
    }

    /// Every call leg's id, oldest first (transfer targets included).
    pub fn call_ids(&self) -> Vec<String> {
        self.shared.call_ids()
    }

    /// Waits until `done` holds for the timeline, up to [`SimConfig::wait_timeout`].
    ///
    /// When the wait times out, the timeline is also drawn (see [`Timeline::to_html`]) to
    /// `target/telnyx-sim/<test-name>.html`, and the path is printed on stderr.
    pub async fn wait_for(
        &self,
        done: impl FnMut(&Timeline) -> bool,
    ) -> Result<Timeline, SimError> {
        self.wait_for_within(self.shared.config.wait_timeout, done)
            .await
    }

    /// [`wait_for`](Self::wait_for) with an explicit limit.
    pub async fn wait_for_within(
        &self,
        limit: Duration,
        mut done: impl FnMut(&Timeline) -> bool,
    ) -> Result<Timeline, SimError> {
        let mut changes = self.timeline_rx.clone();
        let now = tokio::time::Instant::now();
        // A limit too large to add means "wait for a very long time".
        let deadline = now
            .checked_add(limit)
            .unwrap_or_else(|| now + Duration::from_secs(365 * 24 * 3600));
        loop {
            changes.borrow_and_update();
            let timeline = self.timeline();
            if done(&timeline) {
                return Ok(timeline);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) | Err(_) => {
                    let timeline = self.timeline();
                    diagram::save_failure_page(&timeline);
                    return Err(SimError::Timeout {
                        waited: limit,
                        timeline,
                    });
                }
            }
        }
    }

    /// Waits until at least `count` events of `event_type` have finished delivery
    /// (delivered, failed, or unsent for lack of a URL).
    pub async fn wait_for_event(
        &self,
        event_type: &str,
        count: usize,
    ) -> Result<Timeline, SimError> {
        self.wait_for(|timeline| timeline.count_settled(event_type) >= count)
            .await
    }

    /// Stops serving, cancels pending far-end actions and deliveries, and waits for the server.
    pub async fn shutdown(mut self) {
        self.stop_everything();
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    fn stop_everything(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.shared.abort_tasks();
        self.worker.abort();
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.stop_everything();
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}
