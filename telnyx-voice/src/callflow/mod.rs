//! Writing call flows: typed `client_state`, and (with the `axum` feature) a router that
//! verifies, decodes, deduplicates and dispatches webhook events to typed handlers.
//!
//! The generated halves live beside it: call, conference and queue handles
//! ([`Client::call`](crate::Client::call) and [`crate::handles`]) and the
//! [`EventFacts`](crate::EventFacts) every event implements.

mod client_state;
#[cfg(feature = "axum")]
pub mod router;

pub use client_state::{ClientState, ClientStateError, MAX_ENCODED_LEN};

/// An event type the router can dispatch on: one variant of [`WebhookEvent`](crate::WebhookEvent).
///
/// Implemented by the generated event models (`telnyx_voice::models::CallAnswered`, ...).
pub trait TypedEvent: Sized {
    /// The `event_type` of this variant (`call.answered`).
    const EVENT_TYPE: &'static str;

    /// The variant's event, or the event back when it is another variant.
    #[allow(clippy::result_large_err)]
    fn from_event(event: crate::WebhookEvent) -> Result<Self, crate::WebhookEvent>;
}
