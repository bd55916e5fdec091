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
//! kept in a [`Timeline`] that tests can wait on.
//!
//! Simulated operations: dial, retrieve status, list active calls of a
//! connection, and the call actions answer, hangup, reject, speak,
//! playback_start, playback_stop, gather, gather_using_speak, bridge,
//! transfer and enqueue, plus conference create and join.
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

mod media;
mod routes;
mod script;
mod state;
mod timeline;
mod webhooks;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use ed25519_dalek::SigningKey;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

pub use media::{StreamAudio, StreamReport, Talk};
pub use script::{FarEnd, Pickup};
pub use state::CallState;
pub use timeline::{AttemptOutcome, Delivery, Entry, EntryKind, EventRecord, Timeline};

use state::Shared;

/// API key the simulator accepts unless configured otherwise.
pub const DEFAULT_API_KEY: &str = "KEY_SIMULATOR";

/// How long the simulated world takes to do things. Keep these short in tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    /// From `speak` to `call.speak.ended`.
    pub speak: Duration,
    /// From `playback_start` to `call.playback.ended`.
    pub playback: Duration,
    /// From a gather command to `call.gather.ended`.
    pub gather: Duration,
    /// From dialing a busy far end to its `call.hangup`.
    pub busy_after: Duration,
    /// Longest an outbound call rings before giving up (a smaller `timeout_secs` in the
    /// dial request wins).
    pub no_answer_timeout: Duration,
    /// How long an inbound caller waits for the app to answer before hanging up.
    pub inbound_answer_timeout: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            speak: Duration::from_millis(80),
            playback: Duration::from_millis(80),
            gather: Duration::from_millis(80),
            busy_after: Duration::from_millis(30),
            no_answer_timeout: Duration::from_millis(400),
            inbound_answer_timeout: Duration::from_secs(2),
        }
    }
}

/// How webhook deliveries are retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// Attempts per event, the first one included (at least one is always made).
    pub max_attempts: u32,
    /// Pause after the first failure; the n-th retry waits n times this.
    pub backoff: Duration,
    /// Longest wait for the endpoint's answer in one attempt.
    pub attempt_timeout: Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            max_attempts: 3,
            backoff: Duration::from_millis(50),
            attempt_timeout: Duration::from_secs(3),
        }
    }
}

/// Settings of a [`Simulator`], built with chained setters.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The API key clients must send as `Authorization: Bearer <key>`.
    pub api_key: String,
    /// Webhook URL per connection id. Dialing with an unlisted connection id fails
    /// unless the request names its own `webhook_url`.
    pub connections: HashMap<String, String>,
    /// Seed of the Ed25519 signing key; a random key is made when absent.
    pub seed: Option<[u8; 32]>,
    /// Loopback port to listen on; 0 picks a free one.
    pub port: u16,
    /// Delays of the simulated world.
    pub timing: Timing,
    /// Webhook retry behaviour.
    pub delivery: DeliveryPolicy,
    /// Script for numbers without their own.
    pub default_far_end: FarEnd,
    /// Scripts by phone number (dialed number for outbound calls, caller for inbound ones).
    pub far_ends: HashMap<String, FarEnd>,
    /// Longest [`Simulator::wait_for`] waits.
    pub wait_timeout: Duration,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            api_key: DEFAULT_API_KEY.to_string(),
            connections: HashMap::new(),
            seed: None,
            port: 0,
            timing: Timing::default(),
            delivery: DeliveryPolicy::default(),
            default_far_end: FarEnd::default(),
            far_ends: HashMap::new(),
            wait_timeout: Duration::from_secs(5),
        }
    }
}

impl SimConfig {
    /// Default settings: key [`DEFAULT_API_KEY`], random signing key, any free port.
    pub fn new() -> Self {
        SimConfig::default()
    }

    /// Sets the accepted API key.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// Adds a connection and the URL its webhooks go to.
    pub fn connection(
        mut self,
        connection_id: impl Into<String>,
        webhook_url: impl Into<String>,
    ) -> Self {
        self.connections
            .insert(connection_id.into(), webhook_url.into());
        self
    }

    /// Fixes the signing key, so the public key is known in advance.
    pub fn seed(mut self, seed: [u8; 32]) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Listens on this port instead of a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Replaces the delays.
    pub fn timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self
    }

    /// Replaces the webhook retry behaviour.
    pub fn delivery(mut self, delivery: DeliveryPolicy) -> Self {
        self.delivery = delivery;
        self
    }

    /// Scripts the far end behind one phone number.
    pub fn far_end(mut self, number: impl Into<String>, script: FarEnd) -> Self {
        self.far_ends.insert(number.into(), script);
        self
    }

    /// Scripts every number that has no script of its own.
    pub fn default_far_end(mut self, script: FarEnd) -> Self {
        self.default_far_end = script;
        self
    }

    /// Sets how long the `wait_for` helpers wait before giving up.
    pub fn wait_timeout(mut self, timeout: Duration) -> Self {
        self.wait_timeout = timeout;
        self
    }
}

/// Ways the simulator can fail.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The listening socket could not be opened.
    #[error("simulator could not listen on 127.0.0.1:{port}: {source}")]
    Bind {
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

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}

impl Simulator {
    /// Opens the port, starts serving and returns once requests are accepted.
    pub async fn start(config: SimConfig) -> Result<Simulator, SimError> {
        let port = config.port;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|source| SimError::Bind { port, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| SimError::Bind { port, source })?;
        let seed = config.seed.unwrap_or_else(|| {
            let mut seed = [0u8; 32];
            seed.iter_mut().for_each(|byte| *byte = fastrand::u8(..));
            seed
        });
        let key = SigningKey::from_bytes(&seed);
        let public_key =
            base64::engine::general_purpose::STANDARD.encode(key.verifying_key().as_bytes());

        let (outbox, inbox) = mpsc::unbounded_channel();
        let (shared, timeline_rx) = Shared::new(config, outbox);
        let worker = tokio::spawn(webhooks::delivery_worker(Arc::clone(&shared), key, inbox));
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
        format!("http://{}/v2", self.addr)
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

    /// The current state of a call leg, or `None` for an unknown id.
    pub fn call_state(&self, call_control_id: &str) -> Option<CallState> {
        self.shared.call_state(call_control_id)
    }

    /// Every call leg's id, oldest first (transfer targets included).
    pub fn call_ids(&self) -> Vec<String> {
        self.shared.call_ids()
    }

    /// Waits until `done` holds for the timeline, up to [`SimConfig::wait_timeout`].
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
                    return Err(SimError::Timeout {
                        waited: limit,
                        timeline: self.timeline(),
                    })
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
