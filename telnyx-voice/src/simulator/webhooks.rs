//! Event bodies built from the generated models, and their signed delivery
//! with retries.

// The payload macro fills fields shared by all call events and defaults the rest; for a
// payload that has no other fields the default is redundant.
#![allow(clippy::needless_update)]

use std::sync::Arc;
use std::time::SystemTime;

use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::mpsc;

use super::state::{rfc3339, Direction, Leg, Shared};
use super::timeline::{AttemptOutcome, Delivery, EntryKind};
use crate::models;
use crate::webhooks::{SIGNATURE_HEADER, TIMESTAMP_HEADER};
use crate::WebhookEvent;

/// One event waiting for delivery.
pub(crate) struct Outgoing {
    pub event_id: String,
    pub event_type: String,
    pub url: String,
    pub body: Vec<u8>,
}

/// Wraps a generated payload model in the generated event model named by `E`.
///
/// The envelope goes through JSON so fields an event model lacks (a few have
/// no `occurred_at`) are dropped exactly as the spec shapes them.
fn envelope<E: DeserializeOwned>(event_type: &str, payload: impl Serialize) -> Option<E> {
    let value = serde_json::json!({
        "event_type": event_type,
        "id": uuid::Uuid::new_v4().to_string(),
        "occurred_at": rfc3339(SystemTime::now()),
        "payload": payload,
        "record_type": "event",
    });
    match serde_json::from_value(value) {
        Ok(event) => Some(event),
        Err(err) => {
            tracing::warn!(%err, "simulator could not build {event_type}");
            None
        }
    }
}

/// The `id` of an event built by this module.
pub(crate) fn event_id(event: &WebhookEvent) -> Option<String> {
    let value = serde_json::to_value(event).ok()?;
    value.get("id")?.as_str().map(str::to_string)
}

/// Fills the identifiers every call event payload carries.
macro_rules! payload {
    ($model:ident, $leg:expr $(, $field:ident : $value:expr)* $(,)?) => {
        models::$model {
            call_control_id: Some($leg.call_control_id.clone()),
            call_leg_id: Some($leg.call_leg_id.clone()),
            call_session_id: Some($leg.call_session_id.clone()),
            client_state: $leg.client_state.clone(),
            connection_id: Some($leg.connection_id.clone()),
            $($field: $value,)*
            ..Default::default()
        }
    };
}

pub(crate) fn initiated(leg: &Leg) -> Option<WebhookEvent> {
    let (direction, state) = match leg.direction {
        Direction::Incoming => (
            models::CallInitiatedPayloadDirection::Incoming,
            models::CallInitiatedPayloadState::Parked,
        ),
        Direction::Outgoing => (
            models::CallInitiatedPayloadDirection::Outgoing,
            models::CallInitiatedPayloadState::Bridging,
        ),
    };
    let payload = payload!(CallInitiatedPayload, leg,
        direction: Some(direction),
        state: Some(state),
        from: Some(leg.from.clone()),
        to: Some(leg.to.clone()),
        start_time: Some(rfc3339(leg.started_at)),
    );
    envelope("call.initiated", payload).map(WebhookEvent::CallInitiated)
}

pub(crate) fn answered(leg: &Leg) -> Option<WebhookEvent> {
    let payload = payload!(CallAnsweredPayload, leg,
        from: Some(leg.from.clone()),
        to: Some(leg.to.clone()),
        start_time: Some(rfc3339(leg.started_at)),
        state: Some("answered".to_string()),
    );
    envelope("call.answered", payload).map(WebhookEvent::CallAnswered)
}

pub(crate) fn hangup(
    leg: &Leg,
    cause: models::CallHangupPayloadHangupCause,
    source: models::CallHangupPayloadHangupSource,
) -> Option<WebhookEvent> {
    let payload = payload!(CallHangupPayload, leg,
        from: Some(leg.from.clone()),
        to: Some(leg.to.clone()),
        start_time: Some(rfc3339(leg.started_at)),
        state: Some("hangup".to_string()),
        hangup_cause: Some(cause),
        hangup_source: Some(source),
    );
    // The spec's hangup payload has no `end_time`; the event's `occurred_at` marks the end.
    envelope("call.hangup", payload).map(WebhookEvent::CallHangup)
}

pub(crate) fn bridged(leg: &Leg) -> Option<WebhookEvent> {
    let payload = payload!(CallBridgedPayload, leg,
        from: Some(leg.from.clone()),
        to: Some(leg.to.clone()),
    );
    envelope("call.bridged", payload).map(WebhookEvent::CallBridged)
}

pub(crate) fn speak_started(leg: &Leg) -> Option<WebhookEvent> {
    let payload = payload!(CallSpeakStartedPayload, leg);
    envelope("call.speak.started", payload).map(WebhookEvent::CallSpeakStarted)
}

pub(crate) fn speak_ended(leg: &Leg) -> Option<WebhookEvent> {
    let payload = payload!(CallSpeakEndedPayload, leg,
        status: Some(models::CallSpeakEndedPayloadStatus::Completed),
    );
    envelope("call.speak.ended", payload).map(WebhookEvent::CallSpeakEnded)
}

pub(crate) fn playback_started(leg: &Leg, media_url: Option<String>) -> Option<WebhookEvent> {
    let payload = payload!(CallPlaybackStartedPayload, leg,
        media_url: media_url,
        overlay: Some(false),
    );
    envelope("call.playback.started", payload).map(WebhookEvent::CallPlaybackStarted)
}

pub(crate) fn playback_ended(
    leg: &Leg,
    media_url: Option<String>,
    status: models::CallPlaybackEndedPayloadStatus,
) -> Option<WebhookEvent> {
    let payload = payload!(CallPlaybackEndedPayload, leg,
        media_url: media_url,
        overlay: Some(false),
        status: Some(status),
    );
    envelope("call.playback.ended", payload).map(WebhookEvent::CallPlaybackEnded)
}

pub(crate) fn gather_ended(leg: &Leg, digits: Option<String>) -> Option<WebhookEvent> {
    let status = match digits.as_deref() {
        Some(d) if !d.is_empty() => models::CallGatherEndedPayloadStatus::Valid,
        _ => models::CallGatherEndedPayloadStatus::Timeout,
    };
    let payload = payload!(CallGatherEndedPayload, leg,
        digits: digits,
        status: Some(status),
        from: Some(leg.from.clone()),
        to: Some(leg.to.clone()),
    );
    envelope("call.gather.ended", payload).map(WebhookEvent::CallGatherEnded)
}

pub(crate) fn dtmf_received(leg: &Leg, key: char) -> Option<WebhookEvent> {
    let payload = payload!(CallDtmfReceivedPayload, leg,
        digit: Some(key.to_string()),
        from: Some(leg.from.clone()),
        to: Some(leg.to.clone()),
    );
    envelope("call.dtmf.received", payload).map(WebhookEvent::CallDtmfReceived)
}

pub(crate) fn enqueued(leg: &Leg, queue: &str, position: i64) -> Option<WebhookEvent> {
    let payload = payload!(CallEnqueuedPayload, leg,
        queue: Some(queue.to_string()),
        current_position: Some(position),
        queue_avg_wait_time_secs: Some(0),
    );
    envelope("call.enqueued", payload).map(WebhookEvent::CallEnqueued)
}

pub(crate) fn conference_created(leg: &Leg, conference_id: &str) -> Option<WebhookEvent> {
    let payload = payload!(ConferenceCreatedPayload, leg,
        conference_id: Some(conference_id.to_string()),
        occurred_at: Some(rfc3339(SystemTime::now())),
    );
    envelope("conference.created", payload).map(WebhookEvent::ConferenceCreated)
}

pub(crate) fn participant_joined(leg: &Leg, conference_id: &str) -> Option<WebhookEvent> {
    let payload = payload!(ConferenceParticipantJoinedPayload, leg,
        conference_id: Some(conference_id.to_string()),
    );
    envelope("conference.participant.joined", payload)
        .map(WebhookEvent::ConferenceParticipantJoined)
}

/// Signs `timestamp|body` the way Telnyx does and returns the base64 signature.
pub(crate) fn sign(key: &SigningKey, timestamp: &str, body: &[u8]) -> String {
    let mut message = Vec::with_capacity(timestamp.len() + 1 + body.len());
    message.extend_from_slice(timestamp.as_bytes());
    message.push(b'|');
    message.extend_from_slice(body);
    base64::engine::general_purpose::STANDARD.encode(key.sign(&message).to_bytes())
}

/// Delivers queued events one at a time, in order, retrying failures.
pub(crate) async fn delivery_worker(
    shared: Arc<Shared>,
    key: SigningKey,
    mut inbox: mpsc::UnboundedReceiver<Outgoing>,
) {
    let policy = shared.config.delivery.clone();
    let http = match reqwest::Client::builder()
        .timeout(policy.attempt_timeout)
        .no_proxy()
        .build()
    {
        Ok(http) => http,
        Err(err) => {
            tracing::error!(%err, "simulator could not build its webhook HTTP client");
            return;
        }
    };
    let attempts = policy.max_attempts.max(1);
    while let Some(item) = inbox.recv().await {
        let mut delivered = false;
        let mut made = 0;
        for attempt in 1..=attempts {
            made = attempt;
            let timestamp = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs()
                .to_string();
            let signature = sign(&key, &timestamp, &item.body);
            let sent = http
                .post(&item.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(TIMESTAMP_HEADER, &timestamp)
                .header(SIGNATURE_HEADER, signature)
                .body(item.body.clone())
                .send()
                .await;
            let outcome = match sent {
                Ok(response) => AttemptOutcome::Status(response.status().as_u16()),
                Err(err) => AttemptOutcome::Error(err.to_string()),
            };
            let success = outcome.is_success();
            shared.record(EntryKind::Attempt {
                event_id: item.event_id.clone(),
                event_type: item.event_type.clone(),
                attempt,
                outcome,
            });
            if success {
                delivered = true;
                break;
            }
            if attempt < attempts {
                tokio::time::sleep(policy.backoff.saturating_mul(attempt)).await;
            }
        }
        let status = if delivered {
            Delivery::Delivered { attempts: made }
        } else {
            Delivery::Failed { attempts: made }
        };
        shared.set_delivery(&item.event_id, status);
    }
}
