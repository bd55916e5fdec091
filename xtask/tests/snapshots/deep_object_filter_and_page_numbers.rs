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
/// Schema `Conference`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Conference {
    /// `id` · string · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}
/// Object defined inline at `#/components/parameters/Filter/schema`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Filter {
    /// `occurred_at` · [`FilterOccurredAt`](crate::models::FilterOccurredAt) · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<crate::models::FilterOccurredAt>,
}
/// Object defined inline at `#/components/parameters/Filter/schema/properties/occurred_at`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FilterOccurredAt {
    /// `gte` · string (date-time) · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gte: Option<String>,
}
/// Schema `PaginationMeta`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PaginationMeta {
    /// `page_number` · integer · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_number: Option<i64>,
    /// `total_pages` · integer · optional
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_pages: Option<i64>,
}
// ===== resources.rs =====

//! Resource handles reached from the client (`client.calls().actions()`), one method per operation.
#![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation)]
use crate::Client;
impl Client {
    /// Operations under `client.conferences()`.
    pub fn conferences(&self) -> Conferences<'_> {
        Conferences { client: self }
    }
}
/// The `conferences` operations.
#[derive(Debug, Clone, Copy)]
pub struct Conferences<'a> {
    client: &'a Client,
}
impl<'a> Conferences<'a> {
    /// `GET /conferences` (operationId `ListConferences`).
    ///
    /// Optional parameters are set on the returned [`conferences::List`](crate::builders::conferences::List).
    pub fn list(&self) -> crate::builders::conferences::List {
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
    pub fn delete(&self, id: impl Into<String>) -> crate::builders::conferences::Delete {
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
    /// Request builder of `client.conferences().list(..)`: set optional parameters, then `.await` it (or call [`send`](crate::Request::send)).
    ///
    /// `GET /conferences` (operationId `ListConferences`).
    pub type List = crate::Request<crate::operations::conferences::List>;
    impl List {
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
    /// Request builder of `client.conferences().delete(..)`: set optional parameters, then `.await` it (or call [`send`](crate::Request::send)).
    ///
    /// `DELETE /conferences/{id}` (operationId `DeleteConference`).
    pub type Delete = crate::Request<crate::operations::conferences::Delete>;
    impl Delete {}
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
