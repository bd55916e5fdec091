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
/// Schema `CallRequest`.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRequest {
    /// `to` · [`CallRequestTo`](crate::models::CallRequestTo) · required
    pub to: crate::models::CallRequestTo,
    /// `tool` · [`Tool`](crate::models::Tool) · required
    pub tool: crate::models::Tool,
    /// `command_id` · string · optional
    pub command_id: Option<String>,
}
impl Serialize for CallRequest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        let mut fields = crate::private::FieldWriter::new(&mut map);
        fields.required("to", &self.to);
        fields.required("tool", &self.tool);
        fields.optional("command_id", &self.command_id);
        fields.finish()?;
        map.end()
    }
}
#[cfg(feature = "full-serde")]
impl<'de> Deserialize<'de> for CallRequest {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["to", "tool", "command_id"];
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = CallRequest;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct CallRequest")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<CallRequest, A::Error> {
                let mut seen = [false; 3];
                let mut f0: Option<crate::models::CallRequestTo> = None;
                let mut f1: Option<crate::models::Tool> = None;
                let mut f2: Option<String> = None;
                while let Some(index) = map
                    .next_key_seed(crate::private::FieldIndex::new(FIELDS, &mut seen))?
                {
                    match index {
                        0 => crate::private::read_required(&mut map, &mut f0),
                        1 => crate::private::read_required(&mut map, &mut f1),
                        2 => crate::private::read_value(&mut map, &mut f2),
                        _ => crate::private::skip_field(&mut map),
                    }?;
                }
                Ok(CallRequest {
                    to: crate::private::required(f0, "to")?,
                    tool: crate::private::required(f1, "tool")?,
                    command_id: f2,
                })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}
/// Union defined inline at `#/components/schemas/CallRequest/properties/to`.
/// One of several shapes, told apart by their content.
#[derive(Debug, Clone, PartialEq)]
pub enum CallRequestTo {
    /// A string.
    String(String),
    /// A list of string.
    StringList(Vec<String>),
    /// A shape this version of the SDK does not know, kept as received.
    Unknown(serde_json::Value),
}
impl From<String> for CallRequestTo {
    fn from(value: String) -> Self {
        CallRequestTo::String(value)
    }
}
impl From<&str> for CallRequestTo {
    fn from(value: &str) -> Self {
        CallRequestTo::String(value.to_string())
    }
}
impl From<Vec<String>> for CallRequestTo {
    fn from(value: Vec<String>) -> Self {
        CallRequestTo::StringList(value)
    }
}
impl From<Vec<&str>> for CallRequestTo {
    fn from(value: Vec<&str>) -> Self {
        CallRequestTo::StringList(value.into_iter().map(str::to_string).collect())
    }
}
impl Serialize for CallRequestTo {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CallRequestTo::String(inner) => inner.serialize(serializer),
            CallRequestTo::StringList(inner) => inner.serialize(serializer),
            CallRequestTo::Unknown(value) => value.serialize(serializer),
        }
    }
}
#[cfg(feature = "full-serde")]
impl<'de> Deserialize<'de> for CallRequestTo {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        if let Some(inner) = crate::private::try_shape::<String>(&value) {
            return Ok(CallRequestTo::String(inner));
        }
        if let Some(inner) = crate::private::try_shape::<Vec<String>>(&value) {
            return Ok(CallRequestTo::StringList(inner));
        }
        Ok(CallRequestTo::Unknown(value))
    }
}
/// Schema `HangupTool`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HangupTool {
    /// `type` · string · optional · always `"hangup"`
    pub type_: Option<String>,
}
impl HangupTool {
    /// Writes the fields into an open map.
    pub(crate) fn write_fields<M: serde::ser::SerializeMap>(
        &self,
        map: &mut M,
    ) -> Result<(), M::Error> {
        let mut fields = crate::private::FieldWriter::new(map);
        fields.optional("type", &self.type_);
        fields.finish()?;
        Ok(())
    }
}
impl Serialize for HangupTool {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        self.write_fields(&mut map)?;
        map.end()
    }
}
#[cfg(feature = "full-serde")]
impl<'de> Deserialize<'de> for HangupTool {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["type"];
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = HangupTool;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct HangupTool")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<HangupTool, A::Error> {
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
                Ok(HangupTool { type_: f0 })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}
/// Schema `Tool`.
/// One of several shapes, told apart by `type`.
#[derive(Debug, Clone, PartialEq)]
pub enum Tool {
    /// `hangup`.
    HangupTool(crate::models::HangupTool),
    /// `transfer`.
    TransferTool(crate::models::TransferTool),
    /// A shape this version of the SDK does not know, kept as received.
    Unknown(serde_json::Value),
}
impl From<crate::models::HangupTool> for Tool {
    fn from(value: crate::models::HangupTool) -> Self {
        Tool::HangupTool(value)
    }
}
impl From<crate::models::TransferTool> for Tool {
    fn from(value: crate::models::TransferTool) -> Self {
        Tool::TransferTool(value)
    }
}
impl Serialize for Tool {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[allow(unused_imports)]
        use serde::ser::SerializeMap as _;
        match self {
            Tool::HangupTool(inner) => {
                let mut map = serializer.serialize_map(None)?;
                inner.write_fields(&mut map)?;
                if inner.type_.is_none() {
                    map.serialize_entry("type", "hangup")?;
                }
                map.end()
            }
            Tool::TransferTool(inner) => {
                let mut map = serializer.serialize_map(None)?;
                inner.write_fields(&mut map)?;
                map.serialize_entry("type", "transfer")?;
                map.end()
            }
            Tool::Unknown(value) => value.serialize(serializer),
        }
    }
}
#[cfg(feature = "full-serde")]
impl<'de> Deserialize<'de> for Tool {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let tag = crate::private::tag_of(&value, "type");
        match tag.as_deref() {
            Some("hangup") => crate::private::from_value(value).map(Tool::HangupTool),
            Some("transfer") => crate::private::from_value(value).map(Tool::TransferTool),
            _ => Ok(Tool::Unknown(value)),
        }
            .map_err(serde::de::Error::custom)
    }
}
/// Schema `TransferTool`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TransferTool {
    /// `target` · string · optional
    pub target: Option<String>,
}
impl TransferTool {
    /// Writes the fields into an open map.
    pub(crate) fn write_fields<M: serde::ser::SerializeMap>(
        &self,
        map: &mut M,
    ) -> Result<(), M::Error> {
        let mut fields = crate::private::FieldWriter::new(map);
        fields.optional("target", &self.target);
        fields.finish()?;
        Ok(())
    }
}
impl Serialize for TransferTool {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        self.write_fields(&mut map)?;
        map.end()
    }
}
#[cfg(feature = "full-serde")]
impl<'de> Deserialize<'de> for TransferTool {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["target"];
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = TransferTool;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct TransferTool")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TransferTool, A::Error> {
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
                Ok(TransferTool { target: f0 })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}
// ===== resources.rs =====

//! Resource handles reached from the client (`client.calls().actions()`), one method per operation.
#![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation)]
impl crate::Client {
    /// Operations under `client.calls()`.
    pub fn calls(&self) -> Calls<'_, Self> {
        Calls { client: self }
    }
}
#[cfg(feature = "blocking")]
impl crate::blocking::Client {
    /// Operations under `client.calls()`.
    pub fn calls(&self) -> Calls<'_, Self> {
        Calls { client: self }
    }
}
/// The `calls` operations.
///
/// `C` is the client it was reached from: [`Client`](crate::Client), or `blocking::Client` (feature `blocking`).
#[derive(Debug)]
pub struct Calls<'a, C = crate::Client> {
    client: &'a C,
}
impl<C> Clone for Calls<'_, C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C> Copy for Calls<'_, C> {}
impl<'a, C: crate::ClientKind> Calls<'a, C> {
    /// `POST /calls` (operationId `DialCall`).
    ///
    /// Arguments:
    /// - `to` · [`CallRequestTo`](crate::models::CallRequestTo) · required
    /// - `tool` · [`Tool`](crate::models::Tool) · required
    ///
    /// Optional parameters are set on the returned [`calls::Create`](crate::builders::calls::Create).
    pub fn create(
        &self,
        to: impl Into<crate::models::CallRequestTo>,
        tool: impl Into<crate::models::Tool>,
    ) -> crate::builders::calls::Create<C> {
        crate::Request::new(
            self.client.clone(),
            crate::operations::calls::Create {
                body: crate::models::CallRequest {
                    to: to.into(),
                    tool: tool.into(),
                    command_id: None,
                },
            },
        )
    }
}
// ===== operations.rs =====

//! One type per operation: its path parameters, query and body, as the runtime sends them.
//! Reach them through the client (`client.calls().actions().answer(id)`), which wraps them
//! in a [`Request`](crate::Request).
#![allow(clippy::doc_lazy_continuation)]
/// For each operationId, the webhook event types its spec description names, in order.
pub const EXPECTED_WEBHOOKS: &[(&str, &[&str])] = &[("DialCall", &[])];
/// Operations of `client.calls()`.
pub mod calls {
    /// The operation behind `client.calls().create(..)`.
    ///
    /// `POST /calls` (operationId `DialCall`).
    #[derive(Debug, Clone, PartialEq)]
    #[non_exhaustive]
    pub struct Create {
        /// The JSON request body.
        pub body: crate::models::CallRequest,
    }
    impl crate::Operation for Create {
        type Output = ();
        const OPERATION_ID: &'static str = "DialCall";
        const METHOD: http::Method = http::Method::POST;
        const PATH: &'static str = "/calls";
        const NO_CONTENT: bool = true;
        const WEBHOOKS: &'static [&'static str] = &[];
        fn prepare(&mut self) {
            if self.body.command_id.is_none() {
                self.body.command_id = Some(crate::client::new_command_id());
            }
        }
        fn to_request(&self) -> crate::Result<crate::request::ApiRequest> {
            let mut request = crate::request::ApiRequest::new(
                http::Method::POST,
                "/calls".to_string(),
            );
            request.json(&self.body)?;
            Ok(request)
        }
    }
}
// ===== builders.rs =====

//! Request builders, one per operation: optional parameters are chained setters, and a
//! builder is sent by awaiting it. Sending, retries, timeouts and paging are the
//! runtime's [`Request`](crate::Request) methods, shared by every builder.
#![allow(clippy::doc_lazy_continuation)]
/// Request builders of `client.calls()`.
pub mod calls {
    /// Request builder of `client.calls().create(..)`: set optional parameters, then `.await` it (or call [`send`](crate::Request::send)); from a `blocking::Client`, call `send()`.
    ///
    /// `POST /calls` (operationId `DialCall`).
    pub type Create<C = crate::Client> = crate::Request<
        crate::operations::calls::Create,
        C,
    >;
    impl<C> Create<C> {
        /// `command_id` · string · optional
        pub fn command_id(mut self, value: impl Into<String>) -> Self {
            self.op.body.command_id = Some(value.into());
            self
        }
    }
}
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
    /// An event type this version of the SDK does not know, kept as received.
    Unknown(serde_json::Value),
}
/// Serializes the event object (the content of `data`); an unknown event as received.
#[cfg(feature = "full-serde")]
impl serde::Serialize for WebhookEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            WebhookEvent::Unknown(value) => value.serialize(serializer),
        }
    }
}
impl WebhookEvent {
    /// Every `event_type` this version of the SDK knows, including those of resource
    /// groups left out of the build (which decode as [`WebhookEvent::Unknown`]).
    pub const EVENT_TYPES: &'static [&'static str] = &[];
    /// Decodes a webhook body (already verified) into its variant.
    pub fn from_json_bytes(body: &[u8]) -> Result<Self, serde_json::Error> {
        let Some((event_type, object)) = crate::private::locate_event(body)? else {
            return serde_json::from_slice(body).map(WebhookEvent::Unknown);
        };
        match event_type.as_ref() {
            _ => serde_json::from_slice(body).map(WebhookEvent::Unknown),
        }
    }
    /// The event's `event_type`.
    pub fn event_type(&self) -> &str {
        match self {
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
