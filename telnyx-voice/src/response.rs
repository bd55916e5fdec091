//! Successful responses and the JSON envelopes the Telnyx API wraps them in.

use std::ops::{Deref, DerefMut};

use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};

/// A decoded successful response together with its HTTP status and headers.
///
/// It dereferences to the decoded body, so fields can be read directly:
/// `response.data.call_control_id`.
#[derive(Clone, Debug)]
pub struct Response<T> {
    body: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> Response<T> {
    pub(crate) fn new(body: T, status: StatusCode, headers: HeaderMap) -> Self {
        Response {
            body,
            status,
            headers,
        }
    }

    /// The HTTP status code (some 2xx value).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// All response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `x-request-id` header, which identifies the call to Telnyx support.
    pub fn request_id(&self) -> Option<&str> {
        self.headers
            .get("x-request-id")
            .and_then(|value| value.to_str().ok())
    }

    /// A reference to the decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// Drops the status and headers and returns the decoded body.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// Applies `f` to the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            body: f(self.body),
            status: self.status,
            headers: self.headers,
        }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.body
    }
}

/// The `{"data": ...}` wrapper around most single-object Telnyx responses.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Data<T> {
    /// The wrapped object.
    pub data: T,
}

/// One page of a list endpoint: the items plus the endpoint's pagination
/// metadata (`M`, a generated model).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
// serde would ask `M: Default` for the defaulted `Option<M>`; an absent meta is simply `None`.
#[serde(bound(deserialize = "T: Deserialize<'de>, M: Deserialize<'de>"))]
pub struct Page<T, M> {
    /// The items on this page.
    pub data: Vec<T>,
    /// Paging details such as page number and totals, or cursors.
    #[serde(default)]
    pub meta: Option<M>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Call {
        call_control_id: String,
    }

    #[test]
    fn deref_reaches_the_envelope() {
        let body: Data<Call> =
            serde_json::from_str(r#"{"data":{"call_control_id":"v3:abc"}}"#).expect("decode");
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", http::HeaderValue::from_static("req-1"));
        let response = Response::new(body, StatusCode::OK, headers);
        assert_eq!(response.data.call_control_id, "v3:abc");
        assert_eq!(response.request_id(), Some("req-1"));
        assert_eq!(response.status(), StatusCode::OK);
        let id = response.map(|d| d.data.call_control_id).into_inner();
        assert_eq!(id, "v3:abc");
    }

    #[test]
    fn page_meta_is_optional() {
        let page: Page<u32, serde_json::Value> =
            serde_json::from_str(r#"{"data":[1,2]}"#).expect("decode");
        assert_eq!(page.data, vec![1, 2]);
        assert!(page.meta.is_none());
    }
}
