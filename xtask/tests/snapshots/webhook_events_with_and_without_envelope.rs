// ===== models.rs =====

//! Types of the Telnyx Voice API: request bodies, responses and webhook events.
//!
//! Optional and nullable fields are `Option`s: `None` is left out when sending, and a
//! JSON `null` and an absent field both read as `None`. A required field missing from a
//! response is a decode error naming the field, never an invented default. Fields this
//! version does not know are ignored; enum values it does not know are kept.
#![allow(
    clippy::large_enum_variant,
    clippy::doc_lazy_continuation,
    clippy::too_many_arguments
)]
use serde::{Deserialize, Serialize};
/// Schema `CallAnswered`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CallAnswered {
    /// `event_type` · string · optional · always `"call.answered"`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// `payload` · [`CallAnsweredPayload`](crate::models::CallAnsweredPayload) · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<crate::models::CallAnsweredPayload>,
}
/// Object defined inline at `#/components/schemas/CallAnswered/properties/payload`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CallAnsweredPayload {
    /// `call_control_id` · string · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_control_id: Option<String>,
}
/// Schema `FloorChanged`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConferenceFloorChanged {
    /// `event_type` · string · optional · always `"conference.floor.changed"`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
}
// ===== resources.rs =====

//! Resource handles reached from the client (`client.calls().actions()`), one method per operation.
#![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation)]
use crate::Client;
impl Client {}
// ===== operations.rs =====

//! One type per operation: its path parameters, query and body, as the runtime sends them.
//! Reach them through the client (`client.calls().actions().answer(id)`), which wraps them
//! in a [`Request`](crate::Request).
#![allow(clippy::doc_lazy_continuation)]
/// For each operationId, the webhook event types its spec description names, in order.
pub const EXPECTED_WEBHOOKS: &[(&str, &[&str])] = &[];
// ===== builders.rs =====

//! Request builders, one per operation: optional parameters are chained setters, and a
//! builder is sent by awaiting it. Sending, retries, timeouts and paging are the
//! runtime's [`Request`](crate::Request) methods, shared by every builder.
#![allow(clippy::doc_lazy_continuation)]
// ===== events.rs =====

//! Webhook events of the voice surface, one variant per `event_type`.
#![allow(clippy::large_enum_variant)]
/// A webhook event, told apart by its `event_type`.
///
/// Events this version of the SDK does not know arrive as [`WebhookEvent::Unknown`] with
/// their JSON, so a new event type never breaks a handler. Both body shapes are read:
/// `{"data": {"event_type": ..}}` and an event object at the top level.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// `call.answered` (webhook `callAnswered`).
    CallAnswered(crate::models::CallAnswered),
    /// `conference.floor.changed` (webhook `floorChanged`).
    ConferenceFloorChanged(crate::models::ConferenceFloorChanged),
    /// An event type this version of the SDK does not know, kept as received.
    Unknown(serde_json::Value),
}
/// Serializes the event object (the content of `data`); an unknown event as received.
impl serde::Serialize for WebhookEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            WebhookEvent::CallAnswered(event) => event.serialize(serializer),
            WebhookEvent::ConferenceFloorChanged(event) => event.serialize(serializer),
            WebhookEvent::Unknown(value) => value.serialize(serializer),
        }
    }
}
impl WebhookEvent {
    /// Every `event_type` this version of the SDK knows.
    pub const EVENT_TYPES: &'static [&'static str] = &[
        "call.answered",
        "conference.floor.changed",
    ];
    /// Decodes a webhook body (already verified) into its variant.
    pub fn from_json_bytes(body: &[u8]) -> Result<Self, serde_json::Error> {
        let probe = crate::private::EventProbe::read(body)?;
        let Some((event_type, enveloped)) = probe.event_type() else {
            return serde_json::from_slice(body).map(WebhookEvent::Unknown);
        };
        match event_type {
            "call.answered" => {
                crate::private::parse_event(body, enveloped)
                    .map(WebhookEvent::CallAnswered)
            }
            "conference.floor.changed" => {
                crate::private::parse_event(body, enveloped)
                    .map(WebhookEvent::ConferenceFloorChanged)
            }
            _ => serde_json::from_slice(body).map(WebhookEvent::Unknown),
        }
    }
    /// The event's `event_type`.
    pub fn event_type(&self) -> &str {
        match self {
            WebhookEvent::CallAnswered(_) => "call.answered",
            WebhookEvent::ConferenceFloorChanged(_) => "conference.floor.changed",
            WebhookEvent::Unknown(value) => {
                value
                    .pointer("/data/event_type")
                    .or_else(|| value.get("event_type"))
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("")
            }
        }
    }
    /// The `payload.call_control_id` of call events, when present.
    pub fn call_control_id(&self) -> Option<&str> {
        match self {
            WebhookEvent::CallAnswered(event) => {
                Some(event)
                    .and_then(|v| v.payload.as_ref())
                    .and_then(|v| v.call_control_id.as_ref())
                    .map(|v| v.as_str())
            }
            WebhookEvent::Unknown(value) => {
                value
                    .pointer("/data/payload/call_control_id")
                    .or_else(|| value.pointer("/payload/call_control_id"))
                    .and_then(serde_json::Value::as_str)
            }
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }
}
