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
/// Schema `CallRequest`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRequest {
    /// `to` · [`CallRequestTo`](crate::models::CallRequestTo) · required
    pub to: crate::models::CallRequestTo,
    /// `tool` · [`Tool`](crate::models::Tool) · required
    pub tool: crate::models::Tool,
    /// `command_id` · string · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_id: Option<String>,
}
/// Union defined inline at `#/components/schemas/CallRequest/properties/to`.
/// One of several shapes, told apart by their content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
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
/// Schema `HangupTool`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct HangupTool {
    /// `type` · string · optional · always `"hangup"`
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
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
        match self {
            Tool::HangupTool(inner) => {
                crate::private::serialize_tagged(serializer, "type", "hangup", inner)
            }
            Tool::TransferTool(inner) => {
                crate::private::serialize_tagged(serializer, "type", "transfer", inner)
            }
            Tool::Unknown(value) => value.serialize(serializer),
        }
    }
}
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
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TransferTool {
    /// `target` · string · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}
// ===== resources.rs =====

//! Resource handles reached from the client (`client.calls().actions()`), one method per operation.
#![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation)]
use crate::Client;
impl Client {
    /// Operations under `client.calls()`.
    pub fn calls(&self) -> Calls<'_> {
        Calls { client: self }
    }
}
/// The `calls` operations.
#[derive(Debug, Clone, Copy)]
pub struct Calls<'a> {
    client: &'a Client,
}
impl<'a> Calls<'a> {
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
    ) -> crate::builders::calls::Create {
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
    /// Request builder of `client.calls().create(..)`: set optional parameters, then `.await` it (or call [`send`](crate::Request::send)).
    ///
    /// `POST /calls` (operationId `DialCall`).
    pub type Create = crate::Request<crate::operations::calls::Create>;
    impl Create {
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
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// An event type this version of the SDK does not know, kept as received.
    Unknown(serde_json::Value),
}
/// Serializes the event object (the content of `data`); an unknown event as received.
impl serde::Serialize for WebhookEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            WebhookEvent::Unknown(value) => value.serialize(serializer),
        }
    }
}
impl WebhookEvent {
    /// Every `event_type` this version of the SDK knows.
    pub const EVENT_TYPES: &'static [&'static str] = &[];
    /// Decodes a webhook body (already verified) into its variant.
    pub fn from_json_bytes(body: &[u8]) -> Result<Self, serde_json::Error> {
        let probe = crate::private::EventProbe::read(body)?;
        let Some((event_type, enveloped)) = probe.event_type() else {
            return serde_json::from_slice(body).map(WebhookEvent::Unknown);
        };
        match event_type {
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
