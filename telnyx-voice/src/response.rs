//! Successful responses and the JSON envelopes the Telnyx API wraps them in.

use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{snippet, Error, Result};
use crate::private;

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

/// A successful response read in full but not decoded: status, headers and
/// the body bytes.
///
/// Returned by `send_raw()` (for example
/// [`RawRequest::send_raw`](crate::raw::RawRequest::send_raw)); the body is
/// at most the client's body size limit. Convert it with
/// [`RawResponse::json`], or into an [`http::Response`] with `From`.
#[derive(Clone, Debug)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl RawResponse {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        RawResponse {
            status,
            headers,
            body,
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

    /// The body as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body, lossily decoded as UTF-8.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Decodes the body as JSON into `T`; a failure is an [`Error::Decode`]
    /// naming where in the document it happened. An empty body reads as JSON
    /// `null` (so `()` and `Option<T>` accept it).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &self.body
        };
        decode(self.status, body)
    }

    /// Splits the response into status, headers and body.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, Bytes) {
        (self.status, self.headers, self.body)
    }
}

impl From<RawResponse> for http::Response<Bytes> {
    fn from(raw: RawResponse) -> Self {
        let mut response = http::Response::new(raw.body);
        *response.status_mut() = raw.status;
        *response.headers_mut() = raw.headers;
        response
    }
}

/// Decodes a success body, reporting where in the document decoding failed.
pub(crate) fn decode<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|err| decode_error(status, body, &err))
}

fn decode_error(status: StatusCode, body: &[u8], err: &serde_json::Error) -> Error {
    Error::Decode {
        status,
        path: crate::json_path::path_of_error(body, err),
        message: err.to_string(),
        snippet: snippet(body),
    }
}

/// The `{"data": ...}` wrapper around most single-object Telnyx responses.
#[derive(Clone, Debug, PartialEq)]
pub struct Data<T> {
    /// The wrapped object.
    pub data: T,
}

/// One page of a list endpoint: the items plus the endpoint's pagination
/// metadata (`M`, a generated model).
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T, M> {
    /// The items on this page.
    pub data: Vec<T>,
    /// Paging details such as page number and totals, or cursors.
    pub meta: Option<M>,
}

// Written out like the generated models' impls (the same field reader), so that the crate needs
// no serde derive.

impl<T: Serialize> Serialize for Data<T> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        crate::private::serialize_map_with(serializer, |fields| {
            fields.required("data", &self.data);
        })
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Data<T> {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        struct Visitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = Data<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object with `data`")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Data<T>, A::Error> {
                const FIELDS: &[&str] = &["data"];
                let mut seen = [false; 1];
                let mut data = None;
                while let Some(index) =
                    map.next_key_seed(private::FieldIndex::new(FIELDS, &mut seen))?
                {
                    match index {
                        0 => private::read_required(&mut map, &mut data),
                        _ => private::skip_field(&mut map),
                    }?;
                }
                Ok(Data {
                    data: private::required(data, "data")?,
                })
            }
        }
        deserializer.deserialize_map(Visitor(PhantomData))
    }
}

impl<T: Serialize, M: Serialize> Serialize for Page<T, M> {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        crate::private::serialize_map_with(serializer, |fields| {
            fields.required("data", &self.data);
            fields.required("meta", &self.meta);
        })
    }
}

impl<'de, T: Deserialize<'de>, M: Deserialize<'de>> Deserialize<'de> for Page<T, M> {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        struct Visitor<T, M>(PhantomData<(T, M)>);
        impl<'de, T: Deserialize<'de>, M: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T, M> {
            type Value = Page<T, M>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object with `data` and `meta`")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Page<T, M>, A::Error> {
                const FIELDS: &[&str] = &["data", "meta"];
                let mut seen = [false; 2];
                let mut data = None;
                let mut meta = None;
                while let Some(index) =
                    map.next_key_seed(private::FieldIndex::new(FIELDS, &mut seen))?
                {
                    match index {
                        0 => private::read_required(&mut map, &mut data),
                        1 => private::read_value(&mut map, &mut meta),
                        _ => private::skip_field(&mut map),
                    }?;
                }
                Ok(Page {
                    data: private::required(data, "data")?,
                    meta,
                })
            }
        }
        deserializer.deserialize_map(Visitor(PhantomData))
    }
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
    fn raw_response_parts_json_and_http() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", http::HeaderValue::from_static("r1"));
        let raw = RawResponse::new(
            StatusCode::OK,
            headers,
            Bytes::from_static(br#"{"data":{"call_control_id":"v3:x"}}"#),
        );
        assert_eq!(raw.request_id(), Some("r1"));
        let body: Data<Call> = raw.json().expect("decode");
        assert_eq!(body.data.call_control_id, "v3:x");
        let err = raw.json::<Data<u32>>().expect_err("wrong type");
        assert!(
            matches!(&err, Error::Decode { path, .. } if path == "data"),
            "{err:?}"
        );
        let http: http::Response<Bytes> = raw.clone().into();
        assert_eq!(http.status(), StatusCode::OK);
        assert_eq!(http.headers()["x-request-id"], "r1");
        assert_eq!(http.body(), raw.body());
        let empty = RawResponse::new(StatusCode::NO_CONTENT, HeaderMap::new(), Bytes::new());
        empty.json::<()>().expect("empty body is null");
        assert_eq!(empty.json::<Option<u32>>().expect("null"), None);
    }

    #[test]
    fn envelopes_write_every_field() {
        let page: Page<u32, serde_json::Value> = Page {
            data: vec![1],
            meta: None,
        };
        assert_eq!(
            serde_json::to_string(&page).unwrap(),
            r#"{"data":[1],"meta":null}"#
        );
        let data = Data { data: "x" };
        assert_eq!(serde_json::to_string(&data).unwrap(), r#"{"data":"x"}"#);
    }

    #[test]
    fn page_meta_is_optional() {
        let page: Page<u32, serde_json::Value> =
            serde_json::from_str(r#"{"data":[1,2]}"#).expect("decode");
        assert_eq!(page.data, vec![1, 2]);
        assert!(page.meta.is_none());
    }
}
