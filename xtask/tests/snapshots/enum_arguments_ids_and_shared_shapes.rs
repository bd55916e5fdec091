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
/// Object defined inline at `#/paths/~1calls~1{call_control_id}~1actions~1answer/post/requestBody/content/application~1json/schema`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AnswerCallBody {
    /// `record_channels` · [`RecordChannels`](crate::models::RecordChannels) · optional
    pub record_channels: Option<crate::models::RecordChannels>,
    /// `record_format` · [`RecordFormat`](crate::models::RecordFormat) · optional
    pub record_format: Option<crate::models::RecordFormat>,
    /// `client_state` · string · optional
    pub client_state: Option<String>,
}
impl Serialize for AnswerCallBody {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        let mut fields = crate::private::FieldWriter::new(&mut map);
        fields.optional("record_channels", &self.record_channels);
        fields.optional("record_format", &self.record_format);
        fields.optional("client_state", &self.client_state);
        fields.finish()?;
        map.end()
    }
}
#[cfg(feature = "full-serde")]
impl<'de> Deserialize<'de> for AnswerCallBody {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["record_channels", "record_format", "client_state"];
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = AnswerCallBody;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct AnswerCallBody")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<AnswerCallBody, A::Error> {
                let mut seen = [false; 3];
                let mut f0: Option<crate::models::RecordChannels> = None;
                let mut f1: Option<crate::models::RecordFormat> = None;
                let mut f2: Option<String> = None;
                while let Some(index) = map
                    .next_key_seed(crate::private::FieldIndex::new(FIELDS, &mut seen))?
                {
                    match index {
                        0 => crate::private::read_value(&mut map, &mut f0),
                        1 => crate::private::read_value(&mut map, &mut f1),
                        2 => crate::private::read_value(&mut map, &mut f2),
                        _ => crate::private::skip_field(&mut map),
                    }?;
                }
                Ok(AnswerCallBody {
                    record_channels: f0,
                    record_format: f1,
                    client_state: f2,
                })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}
crate::private::id_newtype!(
    #[doc =
    " An identifier with a type of its own (a string on the wire), so another kind of id cannot be passed for it."]
    CallControlId
);
/// Object defined inline at `#/webhooks/callRecordingSaved/post/requestBody/content/application~1json/schema/properties/data`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallRecordingSaved {
    /// `event_type` · string · optional · always `"call.recording.saved"`
    pub event_type: Option<String>,
    /// `payload` · [`CallRecordingSavedDataPayload`](crate::models::CallRecordingSavedDataPayload) · optional
    pub payload: Option<crate::models::CallRecordingSavedDataPayload>,
}
#[cfg(feature = "full-serde")]
impl Serialize for CallRecordingSaved {
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
impl<'de> Deserialize<'de> for CallRecordingSaved {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["event_type", "payload"];
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = CallRecordingSaved;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct CallRecordingSaved")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<CallRecordingSaved, A::Error> {
                let mut seen = [false; 2];
                let mut f0: Option<String> = None;
                let mut f1: Option<crate::models::CallRecordingSavedDataPayload> = None;
                while let Some(index) = map
                    .next_key_seed(crate::private::FieldIndex::new(FIELDS, &mut seen))?
                {
                    match index {
                        0 => crate::private::read_value(&mut map, &mut f0),
                        1 => crate::private::read_value(&mut map, &mut f1),
                        _ => crate::private::skip_field(&mut map),
                    }?;
                }
                Ok(CallRecordingSaved {
                    event_type: f0,
                    payload: f1,
                })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}
/// Object defined inline at `#/webhooks/callRecordingSaved/post/requestBody/content/application~1json/schema/properties/data/properties/payload`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallRecordingSavedDataPayload {
    /// `call_control_id` · [`CallControlId`](crate::models::CallControlId) · optional
    pub call_control_id: Option<crate::models::CallControlId>,
    /// `channels` · [`RecordChannels`](crate::models::RecordChannels) · optional
    pub channels: Option<crate::models::RecordChannels>,
}
#[cfg(feature = "full-serde")]
impl Serialize for CallRecordingSavedDataPayload {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        let mut fields = crate::private::FieldWriter::new(&mut map);
        fields.optional("call_control_id", &self.call_control_id);
        fields.optional("channels", &self.channels);
        fields.finish()?;
        map.end()
    }
}
impl<'de> Deserialize<'de> for CallRecordingSavedDataPayload {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["call_control_id", "channels"];
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = CallRecordingSavedDataPayload;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct CallRecordingSavedDataPayload")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<CallRecordingSavedDataPayload, A::Error> {
                let mut seen = [false; 2];
                let mut f0: Option<crate::models::CallControlId> = None;
                let mut f1: Option<crate::models::RecordChannels> = None;
                while let Some(index) = map
                    .next_key_seed(crate::private::FieldIndex::new(FIELDS, &mut seen))?
                {
                    match index {
                        0 => crate::private::read_value(&mut map, &mut f0),
                        1 => crate::private::read_value(&mut map, &mut f1),
                        _ => crate::private::skip_field(&mut map),
                    }?;
                }
                Ok(CallRecordingSavedDataPayload {
                    call_control_id: f0,
                    channels: f1,
                })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}
/// Schema `CommandResult`.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandResult {
    /// `call_control_id` · [`CallControlId`](crate::models::CallControlId) · required
    pub call_control_id: crate::models::CallControlId,
    /// `result` · string · optional
    pub result: Option<String>,
}
#[cfg(feature = "full-serde")]
impl Serialize for CommandResult {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        let mut fields = crate::private::FieldWriter::new(&mut map);
        fields.required("call_control_id", &self.call_control_id);
        fields.optional("result", &self.result);
        fields.finish()?;
        map.end()
    }
}
impl<'de> Deserialize<'de> for CommandResult {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["call_control_id", "result"];
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = CommandResult;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct CommandResult")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<CommandResult, A::Error> {
                let mut seen = [false; 2];
                let mut f0: Option<crate::models::CallControlId> = None;
                let mut f1: Option<String> = None;
                while let Some(index) = map
                    .next_key_seed(crate::private::FieldIndex::new(FIELDS, &mut seen))?
                {
                    match index {
                        0 => crate::private::read_required(&mut map, &mut f0),
                        1 => crate::private::read_value(&mut map, &mut f1),
                        _ => crate::private::skip_field(&mut map),
                    }?;
                }
                Ok(CommandResult {
                    call_control_id: crate::private::required(f0, "call_control_id")?,
                    result: f1,
                })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
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
#[derive(Debug, Clone, PartialEq)]
pub struct StartRecordingRequest {
    /// `format` · [`RecordFormat`](crate::models::RecordFormat) · required
    pub format: crate::models::RecordFormat,
    /// `channels` · [`RecordChannels`](crate::models::RecordChannels) · required
    pub channels: crate::models::RecordChannels,
    /// `play_beep` · boolean · optional
    pub play_beep: Option<bool>,
    /// `command_id` · string · optional
    pub command_id: Option<String>,
}
impl Serialize for StartRecordingRequest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        let mut fields = crate::private::FieldWriter::new(&mut map);
        fields.required("format", &self.format);
        fields.required("channels", &self.channels);
        fields.optional("play_beep", &self.play_beep);
        fields.optional("command_id", &self.command_id);
        fields.finish()?;
        map.end()
    }
}
#[cfg(feature = "full-serde")]
impl<'de> Deserialize<'de> for StartRecordingRequest {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["format", "channels", "play_beep", "command_id"];
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = StartRecordingRequest;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct StartRecordingRequest")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<StartRecordingRequest, A::Error> {
                let mut seen = [false; 4];
                let mut f0: Option<crate::models::RecordFormat> = None;
                let mut f1: Option<crate::models::RecordChannels> = None;
                let mut f2: Option<bool> = None;
                let mut f3: Option<String> = None;
                while let Some(index) = map
                    .next_key_seed(crate::private::FieldIndex::new(FIELDS, &mut seen))?
                {
                    match index {
                        0 => crate::private::read_required(&mut map, &mut f0),
                        1 => crate::private::read_required(&mut map, &mut f1),
                        2 => crate::private::read_value(&mut map, &mut f2),
                        3 => crate::private::read_value(&mut map, &mut f3),
                        _ => crate::private::skip_field(&mut map),
                    }?;
                }
                Ok(StartRecordingRequest {
                    format: crate::private::required(f0, "format")?,
                    channels: crate::private::required(f1, "channels")?,
                    play_beep: f2,
                    command_id: f3,
                })
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
    /// The `calls.actions` operations.
    pub fn actions(&self) -> CallsActions<'a, C> {
        CallsActions {
            client: self.client,
        }
    }
}
/// The `calls.actions` operations.
///
/// `C` is the client it was reached from: [`Client`](crate::Client), or `blocking::Client` (feature `blocking`).
#[derive(Debug)]
pub struct CallsActions<'a, C = crate::Client> {
    client: &'a C,
}
impl<C> Clone for CallsActions<'_, C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C> Copy for CallsActions<'_, C> {}
impl<'a, C: crate::ClientKind> CallsActions<'a, C> {
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
    ) -> crate::builders::calls::StartRecording<C> {
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
    ) -> crate::builders::calls::Answer<C> {
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
    /// Request builder of `client.calls().actions().start_recording(..)`: set optional parameters, then `.await` it (or call [`send`](crate::Request::send)); from a `blocking::Client`, call `send()`.
    ///
    /// Recording start.
    ///
    /// `POST /calls/{call_control_id}/actions/record_start` (operationId `StartCallRecord`).
    ///
    /// Webhooks: [`call.recording.saved`](crate::WebhookEvent::CallRecordingSaved).
    pub type StartRecording<C = crate::Client> = crate::Request<
        crate::operations::calls::StartRecording,
        C,
    >;
    impl<C> StartRecording<C> {
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
    /// Request builder of `client.calls().actions().answer(..)`: set optional parameters, then `.await` it (or call [`send`](crate::Request::send)); from a `blocking::Client`, call `send()`.
    ///
    /// `POST /calls/{call_control_id}/actions/answer` (operationId `AnswerCall`).
    pub type Answer<C = crate::Client> = crate::Request<
        crate::operations::calls::Answer,
        C,
    >;
    impl<C> Answer<C> {
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
///
/// Each variant compiles with the Cargo feature of the resource group that sends it
/// (`calls`, `conferences`, ..., all on by default); with that feature off, its events
/// arrive as `Unknown` too.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// `call.recording.saved` (webhook `callRecordingSaved`).
    CallRecordingSaved(crate::models::CallRecordingSaved),
    /// An event type this version of the SDK does not know, kept as received.
    Unknown(serde_json::Value),
}
/// Serializes the event object (the content of `data`); an unknown event as received.
#[cfg(feature = "full-serde")]
impl serde::Serialize for WebhookEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            WebhookEvent::CallRecordingSaved(event) => event.serialize(serializer),
            WebhookEvent::Unknown(value) => value.serialize(serializer),
        }
    }
}
impl WebhookEvent {
    /// Every `event_type` this version of the SDK knows, including those of resource
    /// groups left out of the build (which decode as [`WebhookEvent::Unknown`]).
    pub const EVENT_TYPES: &'static [&'static str] = &["call.recording.saved"];
    /// Decodes a webhook body (already verified) into its variant.
    pub fn from_json_bytes(body: &[u8]) -> Result<Self, serde_json::Error> {
        let Some((event_type, object)) = crate::private::locate_event(body)? else {
            return serde_json::from_slice(body).map(WebhookEvent::Unknown);
        };
        match event_type.as_ref() {
            "call.recording.saved" => {
                crate::private::parse_event(object).map(WebhookEvent::CallRecordingSaved)
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
// ===== handles.rs =====

//! Handles bound to one call, conference or queue: `client.call(id).answer().await?`.
#![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation)]
impl crate::Client {
    /// A handle on one call: its commands as methods, without repeating the id (`client.call(id).start_recording(..)`).
    pub fn call(&self, id: impl Into<crate::models::CallControlId>) -> CallHandle<Self> {
        CallHandle::new(self.clone(), id)
    }
}
#[cfg(feature = "blocking")]
impl crate::blocking::Client {
    /// A handle on one call: its commands as methods, without repeating the id (`client.call(id).start_recording(..)`).
    pub fn call(&self, id: impl Into<crate::models::CallControlId>) -> CallHandle<Self> {
        CallHandle::new(self.clone(), id)
    }
}
/// One call, bound to its id: every command addressed to it, as methods taking the remaining arguments.
///
/// Get one with [`Client::call`](crate::Client::call) or from a webhook event ([`EventFacts::call`](crate::EventFacts::call)). Each method returns the same builder as the resource method; set optional parameters on it and `.await` it (or, from a `blocking::Client`, `send()` it). `C` is the client it sends through.
#[derive(Debug, Clone)]
pub struct CallHandle<C = crate::Client> {
    client: C,
    id: crate::models::CallControlId,
}
impl<C: crate::ClientKind> CallHandle<C> {
    /// A handle on the call with this id, sent through `client`.
    pub fn new(client: C, id: impl Into<crate::models::CallControlId>) -> Self {
        CallHandle {
            client,
            id: id.into(),
        }
    }
    /// The id the handle is bound to.
    pub fn id(&self) -> &crate::models::CallControlId {
        &self.id
    }
    /// The client the handle sends through.
    pub fn client(&self) -> &C {
        &self.client
    }
    /// Same as `client.calls().actions().start_recording(id, ..)` with this call's id.
    ///
    /// Recording start.
    ///
    /// `POST /calls/{call_control_id}/actions/record_start` (operationId `StartCallRecord`).
    ///
    /// Webhooks: [`call.recording.saved`](crate::WebhookEvent::CallRecordingSaved).
    ///
    /// Arguments:
    /// - `format` · [`RecordFormat`](crate::models::RecordFormat) · required
    /// - `channels` · [`RecordChannels`](crate::models::RecordChannels) · required
    ///
    /// Optional parameters are set on the returned [`calls::StartRecording`](crate::builders::calls::StartRecording).
    pub fn start_recording(
        &self,
        format: crate::models::RecordFormat,
        channels: crate::models::RecordChannels,
    ) -> crate::builders::calls::StartRecording<C> {
        crate::Request::new(
            self.client.clone(),
            crate::operations::calls::StartRecording {
                call_control_id: self.id.clone(),
                body: crate::models::StartRecordingRequest {
                    format,
                    channels,
                    play_beep: None,
                    command_id: None,
                },
            },
        )
    }
    /// Same as `client.calls().actions().answer(id, ..)` with this call's id.
    ///
    /// `POST /calls/{call_control_id}/actions/answer` (operationId `AnswerCall`).
    ///
    /// Optional parameters are set on the returned [`calls::Answer`](crate::builders::calls::Answer).
    pub fn answer(&self) -> crate::builders::calls::Answer<C> {
        crate::Request::new(
            self.client.clone(),
            crate::operations::calls::Answer {
                call_control_id: self.id.clone(),
                body: crate::models::AnswerCallBody {
                    record_channels: None,
                    record_format: None,
                    client_state: None,
                },
            },
        )
    }
}
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
    fn call_control_id(&self) -> Option<&crate::models::CallControlId> {
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
    /// A handle on the event's call (from [`call_control_id`](Self::call_control_id)), sending through `client`.
    fn call(&self, client: &crate::Client) -> Option<crate::handles::CallHandle> {
        self.call_control_id().map(|id| client.call(id))
    }
}
impl crate::EventFacts for crate::models::CallRecordingSaved {
    fn call_control_id(&self) -> Option<&crate::models::CallControlId> {
        self.payload.as_ref()?.call_control_id.as_ref()
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
    fn call_control_id(&self) -> Option<&crate::models::CallControlId> {
        match self {
            WebhookEvent::Unknown(value) => {
                let _ = value;
                None
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
            WebhookEvent::CallRecordingSaved(event) => event,
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
impl crate::callflow::TypedEvent for crate::models::CallRecordingSaved {
    const EVENT_TYPE: &'static str = "call.recording.saved";
    fn from_event(event: WebhookEvent) -> Result<Self, WebhookEvent> {
        match event {
            WebhookEvent::CallRecordingSaved(event) => Ok(event),
            other => Err(other),
        }
    }
}
impl<C> crate::builders::calls::Answer<C> {
    /// Sets `client_state` to `value` as JSON in base64 ([`ClientState::encode`](crate::ClientState::encode)); fails, before anything is sent, when it cannot be serialized or is too long.
    pub fn client_state_json<T: serde::Serialize + ?Sized>(
        mut self,
        value: &T,
    ) -> Result<Self, crate::ClientStateError> {
        self.op.body.client_state = Some(
            crate::ClientState::encode(value)?.into_string(),
        );
        Ok(self)
    }
}
