//! Settings of the simulator: delays, webhook retries, connections, far-end
//! scripts and chaos mode.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use super::chaos::Chaos;
use super::script::FarEnd;
use super::DEFAULT_API_KEY;

/// Environment variable that switches chaos mode on for [`SimConfig::new`], such as
/// `TELNYX_SIM_CHAOS=7` or `TELNYX_SIM_CHAOS=7,duplicate=0`.
pub const CHAOS_ENV: &str = "TELNYX_SIM_CHAOS";

/// How long the simulated world takes to do things. Keep these short in tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    /// From `speak` to `call.speak.ended`.
    pub speak: Duration,
    /// From `playback_start` to `call.playback.ended`.
    pub playback: Duration,
    /// Longest a gather waits for keys after its prompt (a smaller `timeout_millis` in the
    /// request wins) before `call.gather.ended`.
    pub gather: Duration,
    /// From dialing a busy far end to its `call.hangup`.
    pub busy_after: Duration,
    /// Longest an outbound call rings before giving up (a smaller `timeout_secs` in the
    /// dial request wins).
    pub no_answer_timeout: Duration,
    /// How long an inbound caller waits for the app to answer before hanging up.
    pub inbound_answer_timeout: Duration,
    /// From answer to the answering machine detection result.
    pub amd: Duration,
    /// From a command to the end of short actions (refer, AI gather, transcription).
    pub action: Duration,
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
            amd: Duration::from_millis(40),
            action: Duration::from_millis(40),
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

/// Settings of a [`Simulator`](super::Simulator), built with chained setters.
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
    /// Address to listen on: `127.0.0.1` unless set with [`SimConfig::bind`].
    pub bind: IpAddr,
    /// Delays of the simulated world.
    pub timing: Timing,
    /// Webhook retry behaviour.
    pub delivery: DeliveryPolicy,
    /// Script for numbers without their own.
    pub default_far_end: FarEnd,
    /// Scripts by phone number (dialed number for outbound calls, caller for inbound ones).
    pub far_ends: HashMap<String, FarEnd>,
    /// Longest [`Simulator::wait_for`](super::Simulator::wait_for) waits.
    pub wait_timeout: Duration,
    /// Chaos mode; `None` (the default) delivers in order, once, and never refuses.
    pub chaos: Option<Chaos>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            api_key: DEFAULT_API_KEY.to_string(),
            connections: HashMap::new(),
            seed: None,
            port: 0,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            timing: Timing::default(),
            delivery: DeliveryPolicy::default(),
            default_far_end: FarEnd::default(),
            far_ends: HashMap::new(),
            wait_timeout: Duration::from_secs(5),
            chaos: None,
        }
    }
}

impl SimConfig {
    /// Default settings: key [`DEFAULT_API_KEY`], random signing key, any free port.
    ///
    /// When the environment variable [`CHAOS_ENV`] holds chaos settings (see
    /// [`Chaos::parse`]), chaos mode is switched on with them, so a whole test suite or
    /// example can be run under chaos without changing code. Invalid settings are
    /// logged and ignored.
    pub fn new() -> Self {
        let mut config = SimConfig::default();
        if let Ok(text) = std::env::var(CHAOS_ENV) {
            match Chaos::parse(&text) {
                Ok(chaos) => config.chaos = Some(chaos),
                Err(err) => tracing::warn!("{CHAOS_ENV} ignored: {err}"),
            }
        }
        config
    }

    /// Switches chaos mode on (seeded, so a failing run can be replayed).
    pub fn chaos(mut self, chaos: Chaos) -> Self {
        self.chaos = Some(chaos);
        self
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

    /// Listens on this address instead of `127.0.0.1`. Anyone who can reach the address can
    /// drive the simulator (its page and `/_sim/` endpoints need no key), so prefer loopback.
    pub fn bind(mut self, addr: IpAddr) -> Self {
        self.bind = addr;
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
