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
/// Schema `Conference`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Conference {
    /// `id` · string · optional
    pub id: Option<String>,
}
#[cfg(feature = "full-serde")]
impl Serialize for Conference {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        let mut fields = crate::private::FieldWriter::new(&mut map);
        fields.optional("id", &self.id);
        fields.finish()?;
        map.end()
    }
}
impl<'de> Deserialize<'de> for Conference {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["id"];
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Conference;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct Conference")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Conference, A::Error> {
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
                Ok(Conference { id: f0 })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}
/// Object defined inline at `#/components/parameters/Filter/schema`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    /// `occurred_at` · [`FilterOccurredAt`](crate::models::FilterOccurredAt) · optional
    pub occurred_at: Option<crate::models::FilterOccurredAt>,
}
impl Serialize for Filter {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        let mut fields = crate::private::FieldWriter::new(&mut map);
        fields.optional("occurred_at", &self.occurred_at);
        fields.finish()?;
        map.end()
    }
}
#[cfg(feature = "full-serde")]
impl<'de> Deserialize<'de> for Filter {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["occurred_at"];
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Filter;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct Filter")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Filter, A::Error> {
                let mut seen = [false; 1];
                let mut f0: Option<crate::models::FilterOccurredAt> = None;
                while let Some(index) = map
                    .next_key_seed(crate::private::FieldIndex::new(FIELDS, &mut seen))?
                {
                    match index {
                        0 => crate::private::read_value(&mut map, &mut f0),
                        _ => crate::private::skip_field(&mut map),
                    }?;
                }
                Ok(Filter { occurred_at: f0 })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}
/// Object defined inline at `#/components/parameters/Filter/schema/properties/occurred_at`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FilterOccurredAt {
    /// `gte` · string (date-time) · optional
    pub gte: Option<String>,
}
impl Serialize for FilterOccurredAt {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        let mut fields = crate::private::FieldWriter::new(&mut map);
        fields.optional("gte", &self.gte);
        fields.finish()?;
        map.end()
    }
}
#[cfg(feature = "full-serde")]
impl<'de> Deserialize<'de> for FilterOccurredAt {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["gte"];
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = FilterOccurredAt;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct FilterOccurredAt")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<FilterOccurredAt, A::Error> {
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
                Ok(FilterOccurredAt { gte: f0 })
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}
/// Schema `PaginationMeta`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PaginationMeta {
    /// `page_number` · integer · optional
    pub page_number: Option<i64>,
    /// `total_pages` · integer · optional
    pub total_pages: Option<i64>,
}
#[cfg(feature = "full-serde")]
impl Serialize for PaginationMeta {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        let mut fields = crate::private::FieldWriter::new(&mut map);
        fields.optional("page_number", &self.page_number);
        fields.optional("total_pages", &self.total_pages);
        fields.finish()?;
        map.end()
    }
}
impl<'de> Deserialize<'de> for PaginationMeta {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {
        const FIELDS: &[&str] = &["page_number", "total_pages"];
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = PaginationMeta;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("struct PaginationMeta")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<PaginationMeta, A::Error> {
                let mut seen = [false; 2];
                let mut f0: Option<i64> = None;
                let mut f1: Option<i64> = None;
                while let Some(index) = map
                    .next_key_seed(crate::private::FieldIndex::new(FIELDS, &mut seen))?
                {
                    match index {
                        0 => crate::private::read_value(&mut map, &mut f0),
                        1 => crate::private::read_value(&mut map, &mut f1),
                        _ => crate::private::skip_field(&mut map),
                    }?;
                }
                Ok(PaginationMeta {
                    page_number: f0,
                    total_pages: f1,
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
    /// Operations under `client.conferences()`.
    pub fn conferences(&self) -> Conferences<'_, Self> {
        Conferences { client: self }
    }
}
#[cfg(feature = "blocking")]
impl crate::blocking::Client {
    /// Operations under `client.conferences()`.
    pub fn conferences(&self) -> Conferences<'_, Self> {
        Conferences { client: self }
    }
}
/// The `conferences` operations.
///
/// `C` is the client it was reached from: [`Client`](crate::Client), or `blocking::Client` (feature `blocking`).
#[derive(Debug)]
pub struct Conferences<'a, C = crate::Client> {
    client: &'a C,
}
impl<C> Clone for Conferences<'_, C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C> Copy for Conferences<'_, C> {}
impl<'a, C: crate::ClientKind> Conferences<'a, C> {
    /// `GET /conferences` (operationId `ListConferences`).
    ///
    /// Optional parameters are set on the returned [`conferences::List`](crate::builders::conferences::List).
    pub fn list(&self) -> crate::builders::conferences::List<C> {
        crate::Request::new(
            self.client.clone(),
            crate::operations::conferences::List {
                filter: None,
                page_number: None,
            },
        )
    }
    /// `DELETE /conferences/{id}` (operationId `DeleteConference`).
    ///
    /// Arguments:
    /// - `id` · string · required
    ///
    /// Optional parameters are set on the returned [`conferences::Delete`](crate::builders::conferences::Delete).
    pub fn delete(
        &self,
        id: impl Into<String>,
    ) -> crate::builders::conferences::Delete<C> {
        crate::Request::new(
            self.client.clone(),
            crate::operations::conferences::Delete {
                id: id.into(),
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
    ("ListConferences", &[]),
    ("DeleteConference", &[]),
];
/// Operations of `client.conferences()`.
pub mod conferences {
    /// The operation behind `client.conferences().list(..)`.
    ///
    /// `GET /conferences` (operationId `ListConferences`).
    #[derive(Debug, Clone, PartialEq)]
    #[non_exhaustive]
    pub struct List {
        /// `filter` · [`Filter`](crate::models::Filter) · optional
        pub filter: Option<crate::models::Filter>,
        /// `page[number]` · integer · optional · minimum 1
        pub page_number: Option<i64>,
    }
    impl crate::Operation for List {
        type Output = crate::Page<
            crate::models::Conference,
            crate::models::PaginationMeta,
        >;
        const OPERATION_ID: &'static str = "ListConferences";
        const METHOD: http::Method = http::Method::GET;
        const PATH: &'static str = "/conferences";
        const NO_CONTENT: bool = false;
        const WEBHOOKS: &'static [&'static str] = &[];
        fn to_request(&self) -> crate::Result<crate::request::ApiRequest> {
            let mut request = crate::request::ApiRequest::new(
                http::Method::GET,
                "/conferences".to_string(),
            );
            if let Some(value) = &self.filter {
                request.query("filter", value, crate::request::QueryStyle::DeepObject)?;
            }
            if let Some(value) = &self.page_number {
                request.query("page[number]", value, crate::request::QueryStyle::Form)?;
            }
            Ok(request)
        }
    }
    impl crate::PagedOperation for List {
        type Item = crate::models::Conference;
        const SCHEME: crate::PageScheme = crate::PageScheme::PageNumber;
    }
    /// The operation behind `client.conferences().delete(..)`.
    ///
    /// `DELETE /conferences/{id}` (operationId `DeleteConference`).
    #[derive(Debug, Clone, PartialEq)]
    #[non_exhaustive]
    pub struct Delete {
        /// `id` · string · required
        pub id: String,
    }
    impl crate::Operation for Delete {
        type Output = ();
        const OPERATION_ID: &'static str = "DeleteConference";
        const METHOD: http::Method = http::Method::DELETE;
        const PATH: &'static str = "/conferences/{id}";
        const NO_CONTENT: bool = true;
        const WEBHOOKS: &'static [&'static str] = &[];
        fn to_request(&self) -> crate::Result<crate::request::ApiRequest> {
            let request = crate::request::ApiRequest::new(
                http::Method::DELETE,
                format!(
                    "/conferences/{}", crate ::request::path_param("id", self.id
                    .as_str()) ?
                ),
            );
            Ok(request)
        }
    }
}
// ===== builders.rs =====

//! Request builders, one per operation: optional parameters are chained setters, and a
//! builder is sent by awaiting it. Sending, retries, timeouts and paging are the
//! runtime's [`Request`](crate::Request) methods, shared by every builder.
#![allow(clippy::doc_lazy_continuation)]
/// Request builders of `client.conferences()`.
pub mod conferences {
    /// Request builder of `client.conferences().list(..)`: set optional parameters, then `.await` it (or call [`send`](crate::Request::send)); from a `blocking::Client`, call `send()`.
    ///
    /// `GET /conferences` (operationId `ListConferences`).
    pub type List<C = crate::Client> = crate::Request<
        crate::operations::conferences::List,
        C,
    >;
    impl<C> List<C> {
        /// `filter` · [`Filter`](crate::models::Filter) · optional
        pub fn filter(mut self, value: impl Into<crate::models::Filter>) -> Self {
            self.op.filter = Some(value.into());
            self
        }
        /// `filter[occurred_at][gte]` · string (date-time) · optional
        pub fn filter_occurred_at_gte(mut self, value: impl Into<String>) -> Self {
            self
                .op
                .filter
                .get_or_insert_with(Default::default)
                .occurred_at
                .get_or_insert_with(Default::default)
                .gte = Some(value.into());
            self
        }
        /// `page[number]` · integer · optional · minimum 1
        pub fn page_number(mut self, value: impl Into<i64>) -> Self {
            self.op.page_number = Some(value.into());
            self
        }
    }
    /// Request builder of `client.conferences().delete(..)`: set optional parameters, then `.await` it (or call [`send`](crate::Request::send)); from a `blocking::Client`, call `send()`.
    ///
    /// `DELETE /conferences/{id}` (operationId `DeleteConference`).
    pub type Delete<C = crate::Client> = crate::Request<
        crate::operations::conferences::Delete,
        C,
    >;
    impl<C> Delete<C> {}
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
impl crate::Client {
    /// A handle on one conference: its commands as methods, without repeating the id (`client.conference(id).delete(..)`).
    pub fn conference(&self, id: impl Into<String>) -> ConferenceHandle<Self> {
        ConferenceHandle::new(self.clone(), id)
    }
}
#[cfg(feature = "blocking")]
impl crate::blocking::Client {
    /// A handle on one conference: its commands as methods, without repeating the id (`client.conference(id).delete(..)`).
    pub fn conference(&self, id: impl Into<String>) -> ConferenceHandle<Self> {
        ConferenceHandle::new(self.clone(), id)
    }
}
/// One conference, bound to its id: every command addressed to it, as methods taking the remaining arguments.
///
/// Get one with [`Client::conference`](crate::Client::conference) or from a webhook event ([`EventFacts::conference`](crate::EventFacts::conference)). Each method returns the same builder as the resource method; set optional parameters on it and `.await` it (or, from a `blocking::Client`, `send()` it). `C` is the client it sends through.
#[derive(Debug, Clone)]
pub struct ConferenceHandle<C = crate::Client> {
    client: C,
    id: String,
}
impl<C: crate::ClientKind> ConferenceHandle<C> {
    /// A handle on the conference with this id, sent through `client`.
    pub fn new(client: C, id: impl Into<String>) -> Self {
        ConferenceHandle {
            client,
            id: id.into(),
        }
    }
    /// The id the handle is bound to.
    pub fn id(&self) -> &String {
        &self.id
    }
    /// The client the handle sends through.
    pub fn client(&self) -> &C {
        &self.client
    }
    /// Same as `client.conferences().delete(id, ..)` with this conference's id.
    ///
    /// `DELETE /conferences/{id}` (operationId `DeleteConference`).
    ///
    /// Optional parameters are set on the returned [`conferences::Delete`](crate::builders::conferences::Delete).
    pub fn delete(&self) -> crate::builders::conferences::Delete<C> {
        crate::Request::new(
            self.client.clone(),
            crate::operations::conferences::Delete {
                id: self.id.clone(),
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
    /// A handle on the event's conference (from [`conference_id`](Self::conference_id)), sending through `client`.
    fn conference(
        &self,
        client: &crate::Client,
    ) -> Option<crate::handles::ConferenceHandle> {
        self.conference_id().map(|id| client.conference(id))
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
