//! A webhook router for call flows (feature `axum`): verify, decode, drop redeliveries, dispatch.
//!
//! ```no_run
//! use telnyx_voice::callflow::router::CallRouter;
//! use telnyx_voice::models::CallAnswered;
//! use telnyx_voice::{CallHandle, Client};
//!
//! #[derive(serde::Serialize, serde::Deserialize)]
//! enum Step { Greeting }
//!
//! # async fn run(client: Client, listener: tokio::net::TcpListener) -> std::io::Result<()> {
//! let router = CallRouter::new(client).on(
//!     |_event: CallAnswered, call: CallHandle, step: Step| async move {
//!         match step {
//!             Step::Greeting => call.speak("Hello", "female").await?,
//!         };
//!         Ok(())
//!     },
//! );
//! axum::serve(listener, router.into_axum("/webhooks")).await
//! # }
//! ```
//!
//! Every delivery is answered `200` once it is verified, whatever the handler does: a handler
//! error is reported (see [`CallRouter::on_error`]) and never turned into a redelivery. Only a
//! delivery that fails verification gets `400`. An event whose `id` was seen within the
//! deduplication window is answered `200` without running a handler again.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use super::{ClientState, ClientStateError, TypedEvent};
use crate::webhooks::WebhookError;
use crate::{CallHandle, Client, EventFacts, WebhookEvent};

/// What a handler returns on failure: any error (`?` works on the SDK's errors).
pub type HandlerError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The result of a handler.
pub type HandlerResult = Result<(), HandlerError>;

type BoxFuture = Pin<Box<dyn Future<Output = Result<(), RouteError>> + Send>>;
type Dispatch = Box<dyn Fn(WebhookEvent) -> BoxFuture + Send + Sync>;
type ErrorHook = Arc<dyn Fn(&RouteError) + Send + Sync>;

/// Default number of event ids remembered for deduplication.
pub const DEFAULT_DEDUPE_CAPACITY: usize = 10_000;

/// Default time an event id is remembered for deduplication.
pub const DEFAULT_DEDUPE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Default longest wait for a handler before the delivery is answered anyway.
pub const DEFAULT_ANSWER_WITHIN: Duration = Duration::from_secs(2);

/// A problem met while routing one delivery, passed to the [`on_error`](CallRouter::on_error) hook.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum RouteError {
    /// The delivery failed verification (answered `400`).
    #[error("webhook rejected: {0}")]
    Rejected(#[source] WebhookError),
    /// The verified body is not an event this SDK can read (answered `200`).
    #[error("webhook body could not be decoded: {0}")]
    Undecodable(#[source] WebhookError),
    /// A handler needs a call but the event has no `call_control_id`.
    #[error("`{event_type}` event has no call_control_id")]
    NoCall {
        /// The event's type.
        event_type: String,
    },
    /// The event's `client_state` is not the handler's state type.
    #[error("`{event_type}` event: {source}")]
    ClientState {
        /// The event's type.
        event_type: String,
        /// What was wrong with it.
        #[source]
        source: ClientStateError,
    },
    /// The handler failed.
    #[error("handler of `{event_type}` failed: {source}")]
    Handler {
        /// The event's type.
        event_type: String,
        /// The handler's error.
        #[source]
        source: HandlerError,
    },
}

/// Event ids already seen, oldest first, bounded in number and age.
struct Seen {
    ids: HashSet<String>,
    order: VecDeque<(Instant, String)>,
    capacity: usize,
    window: Duration,
}

impl Seen {
    /// Records `id`; false when it was already there (a redelivery).
    fn insert(&mut self, id: &str, now: Instant) -> bool {
        while let Some((at, old)) = self.order.front() {
            if self.order.len() < self.capacity && now.duration_since(*at) < self.window {
                break;
            }
            self.ids.remove(old);
            self.order.pop_front();
        }
        if self.capacity == 0 || self.ids.contains(id) {
            return self.capacity == 0;
        }
        self.ids.insert(id.to_string());
        self.order.push_back((now, id.to_string()));
        true
    }
}

/// What the router shares with its running handlers: the error hook's counters and the
/// deduplication memory.
struct Shared {
    seen: Mutex<Seen>,
    handled: AtomicU64,
    duplicates: AtomicU64,
    errors: AtomicU64,
}

/// Counters of a [`CallRouter`], readable while it serves (get them with [`CallRouter::stats`]).
#[derive(Clone)]
pub struct RouterStats {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for RouterStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouterStats")
            .field("handled", &self.handled())
            .field("duplicates_dropped", &self.duplicates_dropped())
            .field("errors", &self.errors())
            .finish()
    }
}

impl RouterStats {
    /// Events passed to a handler or the fallback so far.
    pub fn handled(&self) -> u64 {
        self.shared.handled.load(Ordering::Relaxed)
    }

    /// Redeliveries dropped so far.
    pub fn duplicates_dropped(&self) -> u64 {
        self.shared.duplicates.load(Ordering::Relaxed)
    }

    /// Problems reported to the error hook so far.
    pub fn errors(&self) -> u64 {
        self.shared.errors.load(Ordering::Relaxed)
    }
}

/// Routes verified webhook events to async handlers by event type.
///
/// Build it with [`new`](Self::new) and the `on*` methods, then serve it with
/// [`into_axum`](Self::into_axum) or call [`handle`](Self::handle) from any framework.
pub struct CallRouter {
    client: Client,
    handlers: HashMap<&'static str, Dispatch>,
    fallback: Option<Dispatch>,
    on_error: ErrorHook,
    answer_within: Duration,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for CallRouter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut types: Vec<&str> = self.handlers.keys().copied().collect();
        types.sort_unstable();
        f.debug_struct("CallRouter")
            .field("handlers", &types)
            .field("fallback", &self.fallback.is_some())
            .finish_non_exhaustive()
    }
}

impl CallRouter {
    /// A router verifying deliveries with `client`'s public key and giving handlers handles that
    /// send through `client`.
    pub fn new(client: Client) -> Self {
        CallRouter {
            client,
            handlers: HashMap::new(),
            fallback: None,
            on_error: Arc::new(|err| tracing::warn!(error = %err, "telnyx webhook")),
            answer_within: DEFAULT_ANSWER_WITHIN,
            shared: Arc::new(Shared {
                seen: Mutex::new(Seen {
                    ids: HashSet::new(),
                    order: VecDeque::new(),
                    capacity: DEFAULT_DEDUPE_CAPACITY,
                    window: DEFAULT_DEDUPE_WINDOW,
                }),
                handled: AtomicU64::new(0),
                duplicates: AtomicU64::new(0),
                errors: AtomicU64::new(0),
            }),
        }
    }

    /// Handles events of type `E` for a call: the handler gets the event, a handle on its call,
    /// and its `client_state` decoded as `T` (take `Option<T>` when the state may be absent, as on
    /// an inbound `call.initiated`).
    ///
    /// An event without a `call_control_id`, or whose state does not decode as `T`, is reported
    /// ([`RouteError::NoCall`], [`RouteError::ClientState`]) and the handler is not run.
    pub fn on<E, T, F, Fut>(mut self, handler: F) -> Self
    where
        E: TypedEvent + EventFacts + Send + 'static,
        T: DeserializeOwned + Send + 'static,
        F: Fn(E, CallHandle, T) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let client = self.client.clone();
        let dispatch: Dispatch = Box::new(move |event| {
            let handler = Arc::clone(&handler);
            let client = client.clone();
            Box::pin(async move {
                let Ok(event) = E::from_event(event) else {
                    return Ok(());
                };
                let event_type = E::EVENT_TYPE;
                let call = event.call(&client).ok_or_else(|| RouteError::NoCall {
                    event_type: event_type.into(),
                })?;
                let state = decode_state::<T>(event.client_state_raw()).map_err(|source| {
                    RouteError::ClientState {
                        event_type: event_type.into(),
                        source,
                    }
                })?;
                handler(event, call, state)
                    .await
                    .map_err(|source| RouteError::Handler {
                        event_type: event_type.into(),
                        source,
                    })
            })
        });
        self.handlers.insert(E::EVENT_TYPE, dispatch);
        self
    }

    /// Handles events of type `E` with the event alone (conference and queue events, or calls
    /// whose state the handler reads itself).
    pub fn on_event<E, F, Fut>(mut self, handler: F) -> Self
    where
        E: TypedEvent + Send + 'static,
        F: Fn(E) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let dispatch: Dispatch = Box::new(move |event| {
            let handler = Arc::clone(&handler);
            Box::pin(async move {
                let Ok(event) = E::from_event(event) else {
                    return Ok(());
                };
                handler(event).await.map_err(|source| RouteError::Handler {
                    event_type: E::EVENT_TYPE.into(),
                    source,
                })
            })
        });
        self.handlers.insert(E::EVENT_TYPE, dispatch);
        self
    }

    /// Handles every event no `on*` handler takes, unknown event types included.
    pub fn fallback<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(WebhookEvent) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let dispatch: Dispatch = Box::new(move |event| {
            let handler = Arc::clone(&handler);
            Box::pin(async move {
                let event_type = event.event_type().to_string();
                handler(event)
                    .await
                    .map_err(|source| RouteError::Handler { event_type, source })
            })
        });
        self.fallback = Some(dispatch);
        self
    }

    /// Called with every routing problem (default: a `tracing` warning).
    pub fn on_error(mut self, hook: impl Fn(&RouteError) + Send + Sync + 'static) -> Self {
        self.on_error = Arc::new(hook);
        self
    }

    /// How many event ids are remembered, and for how long, to drop redeliveries
    /// (defaults [`DEFAULT_DEDUPE_CAPACITY`], [`DEFAULT_DEDUPE_WINDOW`]). A capacity of 0 turns
    /// deduplication off.
    pub fn dedupe(self, capacity: usize, window: Duration) -> Self {
        let mut seen = self
            .shared
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        seen.capacity = capacity;
        seen.window = window;
        drop(seen);
        self
    }

    /// Longest wait for a handler before the delivery is answered anyway; the handler keeps
    /// running (default [`DEFAULT_ANSWER_WITHIN`]).
    pub fn answer_within(mut self, limit: Duration) -> Self {
        self.answer_within = limit;
        self
    }

    /// Counters that stay readable after the router is moved into a server.
    pub fn stats(&self) -> RouterStats {
        RouterStats {
            shared: Arc::clone(&self.shared),
        }
    }

    fn report(&self, err: &RouteError) {
        report(&self.shared, &self.on_error, err);
    }

    /// Verifies and decodes one delivery, drops it when already seen, and runs its handler;
    /// returns the status to answer with.
    pub async fn handle(&self, headers: &HeaderMap, body: &[u8]) -> StatusCode {
        let event = match self.client.webhooks().unwrap(body, headers) {
            Ok(event) => event,
            Err(WebhookError::Parse(err)) => {
                self.report(&RouteError::Undecodable(WebhookError::Parse(err)));
                return StatusCode::OK;
            }
            Err(err) => {
                self.report(&RouteError::Rejected(err));
                return StatusCode::BAD_REQUEST;
            }
        };
        if let Some(id) = event.event_id() {
            let fresh = self
                .shared
                .seen
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .insert(id, Instant::now());
            if !fresh {
                self.shared.duplicates.fetch_add(1, Ordering::Relaxed);
                return StatusCode::OK;
            }
        }
        let dispatch = self
            .handlers
            .get(event.event_type())
            .or(self.fallback.as_ref());
        let Some(dispatch) = dispatch else {
            return StatusCode::OK;
        };
        self.shared.handled.fetch_add(1, Ordering::Relaxed);
        let mut future = dispatch(event);
        // A handler that finishes without waiting costs no task and no timer.
        let first = std::future::poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx))).await;
        if let Poll::Ready(result) = first {
            if let Err(err) = result {
                self.report(&err);
            }
            return StatusCode::OK;
        }
        let shared = Arc::clone(&self.shared);
        let hook = Arc::clone(&self.on_error);
        let task = tokio::spawn(async move {
            if let Err(err) = future.await {
                report(&shared, &hook, &err);
            }
        });
        // A slow handler keeps running; the delivery is answered regardless.
        let _ = tokio::time::timeout(self.answer_within, task).await;
        StatusCode::OK
    }

    /// An axum router answering `POST path` with this router.
    pub fn into_axum(self, path: &str) -> axum::Router {
        let router = Arc::new(self);
        axum::Router::new().route(
            path,
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let router = Arc::clone(&router);
                async move { router.handle(&headers, &body).await }
            }),
        )
    }
}

fn report(shared: &Shared, hook: &ErrorHook, err: &RouteError) {
    shared.errors.fetch_add(1, Ordering::Relaxed);
    hook(err);
}

/// Decodes a state, reading an absent one as JSON `null` (so `Option<T>` gets `None`).
fn decode_state<T: DeserializeOwned>(raw: Option<&str>) -> Result<T, ClientStateError> {
    match raw {
        Some(raw) => ClientState::decode(raw),
        None => T::deserialize(serde_json::Value::Null).map_err(|_| ClientStateError::Missing),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(capacity: usize, window: Duration) -> Seen {
        Seen {
            ids: HashSet::new(),
            order: VecDeque::new(),
            capacity,
            window,
        }
    }

    #[test]
    fn ids_are_forgotten_past_the_capacity_or_the_window() {
        let start = Instant::now();
        let mut s = seen(2, Duration::from_secs(60));
        assert!(s.insert("a", start));
        assert!(!s.insert("a", start));
        assert!(s.insert("b", start));
        assert!(s.insert("c", start)); // "a" is evicted to make room
        assert!(s.insert("a", start));
        assert_eq!(s.ids.len(), 2);

        let mut s = seen(10, Duration::from_secs(60));
        assert!(s.insert("a", start));
        assert!(!s.insert("a", start + Duration::from_secs(59)));
        assert!(s.insert("a", start + Duration::from_secs(61)));
    }

    #[test]
    fn absent_state_is_none_for_options_and_missing_otherwise() {
        assert_eq!(decode_state::<Option<u8>>(None).unwrap(), None);
        assert!(matches!(
            decode_state::<u8>(None),
            Err(ClientStateError::Missing)
        ));
    }
}
