// ===== models.rs =====

//! Types of the Telnyx Voice API: request bodies, responses and webhook events.
//!
//! Optional and nullable fields are `Option`s: `None` is left out when sending, and a
//! JSON `null` and an absent field both read as `None`. In what is sent, a field that is
//! both optional and nullable is an `Option<Nullable<T>>`: `Some(Nullable::Null)` sends
//! an explicit `null` (to clear a value), `None` leaves the field out. A required field missing from a
//! response is a decode error naming the field, never an invented default. Fields this
//! version does not know are ignored; enum values it does not know are kept.
#![allow(
    clippy::large_enum_variant,
    clippy::doc_lazy_continuation,
    clippy::too_many_arguments
)]
#[allow(unused_imports)]
use serde::{Deserialize, Serialize};
/// Schema `CallAnswered`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallAnswered {
    /// `event_type` · string · optional · always `"call.answered"`
    pub event_type: Option<String>,
    /// `payload` · [`CallAnsweredPayload`](crate::models::CallAnsweredPayload) · optional
    pub payload: Option<crate::models::CallAnsweredPayload>,
}
#[cfg(feature = "full-serde")]
impl Serialize for CallAnswered {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        let mut fields = crate::private::FieldWriter::new(&mut map);
        fields.optional("event_type", &self.event_type);
        fields.optional("payload", &self.payload);
        fields.finish()?;
        map.end()
    }
}
impl<'de> Deserialize<'de> for CallAnswered {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["event_type", "payload"];
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = CallAnswered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct CallAnswered")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<CallAnswered, A::Error> {
                let mut seen = [false; 2];
                let mut f0: Option<String> = None;
                let mut f1: Option<crate::models::CallAnsweredPayload> = None;
                while let Some(index) = map
                    .next_key_seed(crate::private::FieldIndex::new(FIELDS, &mut seen))?
                {
                    match index {
                        0 => crate::private::read_value(&mut map, &mut f0),
                        1 => crate::private::read_value(&mut map, &mut f1),
                        _ => crate::private::skip_field(&mut map),
                    }?;
                }
                Ok(CallAnswered {
                    event_type: f0,
                    payload: f1,
                })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}
/// Object defined inline at `#/components/schemas/CallAnswered/properties/payload`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallAnsweredPayload {
    /// `call_control_id` · string · optional
    pub call_control_id: Option<String>,
}
#[cfg(feature = "full-serde")]
impl Serialize for CallAnsweredPayload {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        let mut fields = crate::private::FieldWriter::new(&mut map);
        fields.optional("call_control_id", &self.call_control_id);
        fields.finish()?;
        map.end()
    }
}
impl<'de> Deserialize<'de> for CallAnsweredPayload {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["call_control_id"];
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = CallAnsweredPayload;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct CallAnsweredPayload")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<CallAnsweredPayload, A::Error> {
                let mut seen = [false; 1];
                let mut f0: Option<String> = None;
                while let Some(index) = map
                    .next_key_seed(crate::private::FieldIndex::new(FIELDS, &mut seen))?
                {
                    match index {
                        0 => crate::private::read_value(&mut map, &mut f0),
                        _ => crate::private::skip_field(&mut map),
                    }?;
                }
                Ok(CallAnsweredPayload {
                    call_control_id: f0,
                })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}
/// Schema `FloorChanged`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConferenceFloorChanged {
    /// `event_type` · string · optional · always `"conference.floor.changed"`
    pub event_type: Option<String>,
}
#[cfg(feature = "full-serde")]
impl Serialize for ConferenceFloorChanged {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        let mut fields = crate::private::FieldWriter::new(&mut map);
        fields.optional("event_type", &self.event_type);
        fields.finish()?;
        map.end()
    }
}
impl<'de> Deserialize<'de> for ConferenceFloorChanged {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["event_type"];
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = ConferenceFloorChanged;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct ConferenceFloorChanged")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ConferenceFloorChanged, A::Error> {
                let mut seen = [false; 1];
                let mut f0: Option<String> = None;
                while let Some(index) = map
                    .next_key_seed(crate::private::FieldIndex::new(FIELDS, &mut seen))?
                {
                    match index {
                        0 => crate::private::read_value(&mut map, &mut f0),
                        _ => crate::private::skip_field(&mut map),
                    }?;
                }
                Ok(ConferenceFloorChanged {
                    event_type: f0,
                })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}
// ===== resources.rs =====

//! Resource handles reached from the client (`client.calls().actions()`), one method per operation.
#![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation)]
impl crate::Client {}
#[cfg(feature = "blocking")]
impl crate::blocking::Client {}
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
///
/// Each variant compiles with the Cargo feature of the resource group that sends it
/// (`calls`, `conferences`, ..., all on by default); with that feature off, its events
/// arrive as `Unknown` too.
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
#[cfg(feature = "full-serde")]
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
    /// Every `event_type` this version of the SDK knows, including those of resource
    /// groups left out of the build (which decode as [`WebhookEvent::Unknown`]).
    pub const EVENT_TYPES: &'static [&'static str] = &[
        "call.answered",
        "conference.floor.changed",
    ];
    /// Decodes a webhook body (already verified) into its variant.
    pub fn from_json_bytes(body: &[u8]) -> Result<Self, serde_json::Error> {
        let Some((event_type, object)) = crate::private::locate_event(body)? else {
            return serde_json::from_slice(body).map(WebhookEvent::Unknown);
        };
        match event_type.as_ref() {
            "call.answered" => {
                crate::private::parse_event(object).map(WebhookEvent::CallAnswered)
            }
            "conference.floor.changed" => {
                crate::private::parse_event(object)
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
// ===== handles.rs =====

//! Handles bound to one call, conference or queue: `client.call(id).answer().await?`.
#![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation)]
impl crate::Client {}
#[cfg(feature = "blocking")]
impl crate::blocking::Client {}
// ===== flow.rs =====

//! Event facts (ids, client state, numbers, times) of every event type, and the
//! `*_client_state_json` setters of every builder that has a client-state setter.
#![allow(clippy::result_large_err)]
use crate::WebhookEvent;
/// What call-flow code reads from any event, without unwrapping its payload: ids, client
/// state, numbers and times, each `None` when the event type or this delivery lacks it.
///
/// Implemented by every event type and by [`WebhookEvent`]; an
/// [`Unknown`](WebhookEvent::Unknown) event answers the string facts from its JSON.
/// `WebhookEvent` keeps its older inherent `call_control_id()` (a `&str`, read from unknown
/// events too), which method syntax prefers; `EventFacts::call_control_id(&event)` or
/// `event.facts().call_control_id()` gives the typed id.
pub trait EventFacts {
    /// The event's own id (`id`): the same on every redelivery of the event.
    fn event_id(&self) -> Option<&str> {
        None
    }
    /// When the event happened (`occurred_at`, ISO 8601).
    fn occurred_at(&self) -> Option<&str> {
        None
    }
    /// The call's `call_control_id`: the id commands to the call are sent with.
    fn call_control_id(&self) -> Option<&str> {
        None
    }
    /// The call leg's id (`call_leg_id`).
    fn call_leg_id(&self) -> Option<&str> {
        None
    }
    /// The id of the session the call belongs to (`call_session_id`).
    fn call_session_id(&self) -> Option<&str> {
        None
    }
    /// The connection (`connection_id`) the call belongs to.
    fn connection_id(&self) -> Option<&str> {
        None
    }
    /// The `client_state` as received (base64); [`client_state`](Self::client_state) decodes it.
    fn client_state_raw(&self) -> Option<&str> {
        None
    }
    /// The calling number or SIP URI (`from`).
    fn from(&self) -> Option<&str> {
        None
    }
    /// The called number or SIP URI (`to`).
    fn to(&self) -> Option<&str> {
        None
    }
    /// The conference's id (`conference_id`).
    fn conference_id(&self) -> Option<&str> {
        None
    }
    /// The queue's name (`queue`).
    fn queue_name(&self) -> Option<&str> {
        None
    }
    /// The facts as a trait object: the event itself, or for a [`WebhookEvent`] the event
    /// it carries ([`Unknown`](WebhookEvent::Unknown) events have none).
    fn facts(&self) -> &dyn EventFacts
    where
        Self: Sized,
    {
        self
    }
    /// Decodes the event's `client_state` (base64 of JSON, as written by
    /// [`ClientState::encode`](crate::ClientState::encode)) into `T`.
    fn client_state<T: serde::de::DeserializeOwned>(
        &self,
    ) -> Result<T, crate::ClientStateError>
    where
        Self: Sized,
    {
        crate::ClientState::decode_field(self.client_state_raw())
    }
}
impl crate::EventFacts for crate::models::CallAnswered {
    fn call_control_id(&self) -> Option<&str> {
        self.payload.as_ref()?.call_control_id.as_deref()
    }
}
impl crate::EventFacts for crate::models::ConferenceFloorChanged {}
impl crate::EventFacts for WebhookEvent {
    fn event_id(&self) -> Option<&str> {
        match self {
            WebhookEvent::Unknown(value) => unknown_str(value, &["/id"]),
            event => event.facts().event_id(),
        }
    }
    fn occurred_at(&self) -> Option<&str> {
        match self {
            WebhookEvent::Unknown(value) => {
                unknown_str(value, &["/occurred_at", "/payload/occurred_at"])
            }
            event => event.facts().occurred_at(),
        }
    }
    fn call_control_id(&self) -> Option<&str> {
        match self {
            WebhookEvent::Unknown(value) => {
                unknown_str(value, &["/payload/call_control_id"])
            }
            event => event.facts().call_control_id(),
        }
    }
    fn call_leg_id(&self) -> Option<&str> {
        match self {
            WebhookEvent::Unknown(value) => unknown_str(value, &["/payload/call_leg_id"]),
            event => event.facts().call_leg_id(),
        }
    }
    fn call_session_id(&self) -> Option<&str> {
        match self {
            WebhookEvent::Unknown(value) => {
                unknown_str(value, &["/payload/call_session_id"])
            }
            event => event.facts().call_session_id(),
        }
    }
    fn connection_id(&self) -> Option<&str> {
        match self {
            WebhookEvent::Unknown(value) => {
                unknown_str(value, &["/payload/connection_id"])
            }
            event => event.facts().connection_id(),
        }
    }
    fn client_state_raw(&self) -> Option<&str> {
        match self {
            WebhookEvent::Unknown(value) => {
                unknown_str(value, &["/payload/client_state"])
            }
            event => event.facts().client_state_raw(),
        }
    }
    fn from(&self) -> Option<&str> {
        match self {
            WebhookEvent::Unknown(value) => unknown_str(value, &["/payload/from"]),
            event => event.facts().from(),
        }
    }
    fn to(&self) -> Option<&str> {
        match self {
            WebhookEvent::Unknown(value) => unknown_str(value, &["/payload/to"]),
            event => event.facts().to(),
        }
    }
    fn conference_id(&self) -> Option<&str> {
        match self {
            WebhookEvent::Unknown(value) => {
                unknown_str(value, &["/payload/conference_id"])
            }
            event => event.facts().conference_id(),
        }
    }
    fn queue_name(&self) -> Option<&str> {
        match self {
            WebhookEvent::Unknown(value) => unknown_str(value, &["/payload/queue"]),
            event => event.facts().queue_name(),
        }
    }
    fn facts(&self) -> &dyn crate::EventFacts {
        match self {
            WebhookEvent::CallAnswered(event) => event,
            WebhookEvent::ConferenceFloorChanged(event) => event,
            _ => &NoFacts,
        }
    }
}
/// The first string at one of `paths`, inside `data` or at the top level.
fn unknown_str<'a>(value: &'a serde_json::Value, paths: &[&str]) -> Option<&'a str> {
    let data = value.get("data").unwrap_or(value);
    paths.iter().find_map(|path| data.pointer(path)).and_then(serde_json::Value::as_str)
}
/// The facts of an event without any.
struct NoFacts;
impl crate::EventFacts for NoFacts {}
impl crate::callflow::TypedEvent for crate::models::CallAnswered {
    const EVENT_TYPE: &'static str = "call.answered";
    fn from_event(event: WebhookEvent) -> Result<Self, WebhookEvent> {
        match event {
            WebhookEvent::CallAnswered(event) => Ok(event),
            other => Err(other),
        }
    }
}
impl crate::callflow::TypedEvent for crate::models::ConferenceFloorChanged {
    const EVENT_TYPE: &'static str = "conference.floor.changed";
    fn from_event(event: WebhookEvent) -> Result<Self, WebhookEvent> {
        match event {
            WebhookEvent::ConferenceFloorChanged(event) => Ok(event),
            other => Err(other),
        }
    }
}
