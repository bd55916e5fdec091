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
/// Object defined inline at `#/paths/~1calls~1{call_control_id}~1actions~1answer/post/requestBody/content/application~1json/schema`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AnswerCallBody {
    /// `record_channels` · [`RecordChannels`](crate::models::RecordChannels) · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_channels: Option<crate::models::RecordChannels>,
    /// `record_format` · [`RecordFormat`](crate::models::RecordFormat) · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_format: Option<crate::models::RecordFormat>,
    /// `client_state` · string · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_state: Option<String>,
}
crate::private::id_newtype!(
    #[doc =
    " An identifier with a type of its own (a string on the wire), so another kind of id cannot be passed for it."]
    CallControlId
);
/// Object defined inline at `#/webhooks/callRecordingSaved/post/requestBody/content/application~1json/schema/properties/data`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CallRecordingSaved {
    /// `event_type` · string · optional · always `"call.recording.saved"`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// `payload` · [`CallRecordingSavedDataPayload`](crate::models::CallRecordingSavedDataPayload) · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<crate::models::CallRecordingSavedDataPayload>,
}
/// Object defined inline at `#/webhooks/callRecordingSaved/post/requestBody/content/application~1json/schema/properties/data/properties/payload`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CallRecordingSavedDataPayload {
    /// `call_control_id` · [`CallControlId`](crate::models::CallControlId) · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_control_id: Option<crate::models::CallControlId>,
    /// `channels` · [`RecordChannels`](crate::models::RecordChannels) · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<crate::models::RecordChannels>,
}
/// Schema `CommandResult`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandResult {
    /// `call_control_id` · [`CallControlId`](crate::models::CallControlId) · required
    pub call_control_id: crate::models::CallControlId,
    /// `result` · string · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}
/// Enum defined inline at `#/paths/~1calls~1{call_control_id}~1actions~1record_start/post/requestBody/content/application~1json/schema/properties/channels`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RecordChannels {
    /// `single`
    Single,
    /// `dual`
    Dual,
    /// A value this version of the SDK does not know, kept as received.
    Unknown(String),
}
impl RecordChannels {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            RecordChannels::Single => "single",
            RecordChannels::Dual => "dual",
            RecordChannels::Unknown(value) => value.as_str(),
        }
    }
    /// Whether the value is one this version of the SDK does not know.
    pub fn is_unknown(&self) -> bool {
        matches!(self, RecordChannels::Unknown(_))
    }
}
impl From<&str> for RecordChannels {
    fn from(value: &str) -> Self {
        match value {
            "single" => RecordChannels::Single,
            "dual" => RecordChannels::Dual,
            other => RecordChannels::Unknown(other.to_string()),
        }
    }
}
crate::private::string_enum_traits!(RecordChannels, Unknown);
/// Enum defined inline at `#/paths/~1calls~1{call_control_id}~1actions~1record_start/post/requestBody/content/application~1json/schema/properties/format`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RecordFormat {
    /// `wav`
    Wav,
    /// `mp3`
    Mp3,
    /// A value this version of the SDK does not know, kept as received.
    Unknown(String),
}
impl RecordFormat {
    /// The value as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            RecordFormat::Wav => "wav",
            RecordFormat::Mp3 => "mp3",
            RecordFormat::Unknown(value) => value.as_str(),
        }
    }
    /// Whether the value is one this version of the SDK does not know.
    pub fn is_unknown(&self) -> bool {
        matches!(self, RecordFormat::Unknown(_))
    }
}
impl From<&str> for RecordFormat {
    fn from(value: &str) -> Self {
        match value {
            "wav" => RecordFormat::Wav,
            "mp3" => RecordFormat::Mp3,
            other => RecordFormat::Unknown(other.to_string()),
        }
    }
}
crate::private::string_enum_traits!(RecordFormat, Unknown);
/// Object defined inline at `#/paths/~1calls~1{call_control_id}~1actions~1record_start/post/requestBody/content/application~1json/schema`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartRecordingRequest {
    /// `format` · [`RecordFormat`](crate::models::RecordFormat) · required
    pub format: crate::models::RecordFormat,
    /// `channels` · [`RecordChannels`](crate::models::RecordChannels) · required
    pub channels: crate::models::RecordChannels,
    /// `play_beep` · boolean · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub play_beep: Option<bool>,
    /// `command_id` · string · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_id: Option<String>,
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
    /// The `calls.actions` operations.
    pub fn actions(&self) -> CallsActions<'a> {
        CallsActions {
            client: self.client,
        }
    }
}
/// The `calls.actions` operations.
#[derive(Debug, Clone, Copy)]
pub struct CallsActions<'a> {
    client: &'a Client,
}
impl<'a> CallsActions<'a> {
    /// Recording start.
    ///
    /// `POST /calls/{call_control_id}/actions/record_start` (operationId `StartCallRecord`).
    ///
    /// Webhooks: [`call.recording.saved`](crate::WebhookEvent::CallRecordingSaved).
    ///
    /// Arguments:
    /// - `call_control_id` · [`CallControlId`](crate::models::CallControlId) · required
    /// - `format` · [`RecordFormat`](crate::models::RecordFormat) · required
    /// - `channels` · [`RecordChannels`](crate::models::RecordChannels) · required
    ///
    /// Optional parameters are set on the returned [`calls::StartRecording`](crate::builders::calls::StartRecording).
    pub fn start_recording(
        &self,
        call_control_id: impl Into<crate::models::CallControlId>,
        format: crate::models::RecordFormat,
        channels: crate::models::RecordChannels,
    ) -> crate::builders::calls::StartRecording {
        crate::Request::new(
            self.client.clone(),
            crate::operations::calls::StartRecording {
                call_control_id: call_control_id.into(),
                body: crate::models::StartRecordingRequest {
                    format,
                    channels,
                    play_beep: None,
                    command_id: None,
                },
            },
        )
    }
    /// `POST /calls/{call_control_id}/actions/answer` (operationId `AnswerCall`).
    ///
    /// Arguments:
    /// - `call_control_id` · [`CallControlId`](crate::models::CallControlId) · required
    ///
    /// Optional parameters are set on the returned [`calls::Answer`](crate::builders::calls::Answer).
    pub fn answer(
        &self,
        call_control_id: impl Into<crate::models::CallControlId>,
    ) -> crate::builders::calls::Answer {
        crate::Request::new(
            self.client.clone(),
            crate::operations::calls::Answer {
                call_control_id: call_control_id.into(),
                body: crate::models::AnswerCallBody {
                    record_channels: None,
                    record_format: None,
                    client_state: None,
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
pub const EXPECTED_WEBHOOKS: &[(&str, &[&str])] = &[
    ("StartCallRecord", &["call.recording.saved"]),
    ("AnswerCall", &[]),
];
/// Operations of `client.calls()`.
pub mod calls {
    /// The operation behind `client.calls().actions().start_recording(..)`.
    ///
    /// Recording start.
    ///
    /// `POST /calls/{call_control_id}/actions/record_start` (operationId `StartCallRecord`).
    ///
    /// Webhooks: [`call.recording.saved`](crate::WebhookEvent::CallRecordingSaved).
    #[derive(Debug, Clone, PartialEq)]
    #[non_exhaustive]
    pub struct StartRecording {
        /// `call_control_id` · [`CallControlId`](crate::models::CallControlId) · required
        pub call_control_id: crate::models::CallControlId,
        /// The JSON request body.
        pub body: crate::models::StartRecordingRequest,
    }
    impl crate::Operation for StartRecording {
        type Output = crate::Data<crate::models::CommandResult>;
        const OPERATION_ID: &'static str = "StartCallRecord";
        const METHOD: http::Method = http::Method::POST;
        const PATH: &'static str = "/calls/{call_control_id}/actions/record_start";
        const NO_CONTENT: bool = false;
        const WEBHOOKS: &'static [&'static str] = &["call.recording.saved"];
        fn prepare(&mut self) {
            if self.body.command_id.is_none() {
                self.body.command_id = Some(crate::client::new_command_id());
            }
        }
        fn to_request(&self) -> crate::Result<crate::request::ApiRequest> {
            let mut request = crate::request::ApiRequest::new(
                http::Method::POST,
                format!(
                    "/calls/{}/actions/record_start", crate
                    ::request::path_param("call_control_id", self.call_control_id
                    .as_str()) ?
                ),
            );
            request.json(&self.body)?;
            Ok(request)
        }
    }
    /// The operation behind `client.calls().actions().answer(..)`.
    ///
    /// `POST /calls/{call_control_id}/actions/answer` (operationId `AnswerCall`).
    #[derive(Debug, Clone, PartialEq)]
    #[non_exhaustive]
    pub struct Answer {
        /// `call_control_id` · [`CallControlId`](crate::models::CallControlId) · required
        pub call_control_id: crate::models::CallControlId,
        /// The JSON request body.
        pub body: crate::models::AnswerCallBody,
    }
    impl crate::Operation for Answer {
        type Output = crate::Data<crate::models::CommandResult>;
        const OPERATION_ID: &'static str = "AnswerCall";
        const METHOD: http::Method = http::Method::POST;
        const PATH: &'static str = "/calls/{call_control_id}/actions/answer";
        const NO_CONTENT: bool = false;
        const WEBHOOKS: &'static [&'static str] = &[];
        fn to_request(&self) -> crate::Result<crate::request::ApiRequest> {
            let mut request = crate::request::ApiRequest::new(
                http::Method::POST,
                format!(
                    "/calls/{}/actions/answer", crate
                    ::request::path_param("call_control_id", self.call_control_id
                    .as_str()) ?
                ),
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
    /// Request builder of `client.calls().actions().start_recording(..)`: set optional parameters, then `.await` it (or call [`send`](crate::Request::send)).
    ///
    /// Recording start.
    ///
    /// `POST /calls/{call_control_id}/actions/record_start` (operationId `StartCallRecord`).
    ///
    /// Webhooks: [`call.recording.saved`](crate::WebhookEvent::CallRecordingSaved).
    pub type StartRecording = crate::Request<crate::operations::calls::StartRecording>;
    impl StartRecording {
        /// `play_beep` · boolean · optional
        pub fn play_beep(mut self, value: impl Into<bool>) -> Self {
            self.op.body.play_beep = Some(value.into());
            self
        }
        /// `command_id` · string · optional
        pub fn command_id(mut self, value: impl Into<String>) -> Self {
            self.op.body.command_id = Some(value.into());
            self
        }
    }
    /// Request builder of `client.calls().actions().answer(..)`: set optional parameters, then `.await` it (or call [`send`](crate::Request::send)).
    ///
    /// `POST /calls/{call_control_id}/actions/answer` (operationId `AnswerCall`).
    pub type Answer = crate::Request<crate::operations::calls::Answer>;
    impl Answer {
        /// `record_channels` · [`RecordChannels`](crate::models::RecordChannels) · optional
        pub fn record_channels(
            mut self,
            value: impl Into<crate::models::RecordChannels>,
        ) -> Self {
            self.op.body.record_channels = Some(value.into());
            self
        }
        /// `record_format` · [`RecordFormat`](crate::models::RecordFormat) · optional
        pub fn record_format(
            mut self,
            value: impl Into<crate::models::RecordFormat>,
        ) -> Self {
            self.op.body.record_format = Some(value.into());
            self
        }
        /// `client_state` · string · optional
        pub fn client_state(mut self, value: impl Into<String>) -> Self {
            self.op.body.client_state = Some(value.into());
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
    /// `call.recording.saved` (webhook `callRecordingSaved`).
    CallRecordingSaved(crate::models::CallRecordingSaved),
    /// An event type this version of the SDK does not know, kept as received.
    Unknown(serde_json::Value),
}
/// Serializes the event object (the content of `data`); an unknown event as received.
impl serde::Serialize for WebhookEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            WebhookEvent::CallRecordingSaved(event) => event.serialize(serializer),
            WebhookEvent::Unknown(value) => value.serialize(serializer),
        }
    }
}
impl WebhookEvent {
    /// Every `event_type` this version of the SDK knows.
    pub const EVENT_TYPES: &'static [&'static str] = &["call.recording.saved"];
    /// Decodes a webhook body (already verified) into its variant.
    pub fn from_json_bytes(body: &[u8]) -> Result<Self, serde_json::Error> {
        let probe = crate::private::EventProbe::read(body)?;
        let Some((event_type, enveloped)) = probe.event_type() else {
            return serde_json::from_slice(body).map(WebhookEvent::Unknown);
        };
        match event_type {
            "call.recording.saved" => {
                crate::private::parse_event(body, enveloped)
                    .map(WebhookEvent::CallRecordingSaved)
            }
            _ => serde_json::from_slice(body).map(WebhookEvent::Unknown),
        }
    }
    /// The event's `event_type`.
    pub fn event_type(&self) -> &str {
        match self {
            WebhookEvent::CallRecordingSaved(_) => "call.recording.saved",
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
            WebhookEvent::CallRecordingSaved(event) => {
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
