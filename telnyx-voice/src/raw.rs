//! Calling any endpoint by path, for parts of the API this crate has no
//! typed method for yet.
//!
//! [`Client::get`], [`Client::post`], [`Client::put`], [`Client::patch`],
//! [`Client::delete`] and [`Client::request`] return a [`RawRequest`]. It is
//! sent like every generated call: with the client's key, retry policy,
//! timeouts, size limits, error decoding and tracing.
//!
//! ```no_run
//! use serde_json::{json, Value};
//! use telnyx_voice::{Client, PageScheme};
//!
//! # async fn run(client: Client) -> telnyx_voice::Result<()> {
//! // Any JSON answer, typed or as a `serde_json::Value`.
//! let call = client
//!     .post("/calls/v3:abc/actions/speak")
//!     .json(&json!({"payload": "Hello", "voice": "female", "language": "en-US"}))
//!     .send::<Value>()
//!     .await?
//!     .into_inner();
//!
//! // Every item of a list, fetching pages as needed.
//! let mut queues = client
//!     .get("/queues")
//!     .query("page[size]", 50)
//!     .into_stream::<Value>(PageScheme::PageNumber);
//! while let Some(queue) = queues.try_next().await? {
//!     println!("{}", queue["name"]);
//! }
//! # let _ = call;
//! # Ok(())
//! # }
//! ```

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::pagination::{paginate, PageScheme, PageStream};
use crate::request::{path_param, ApiRequest, QueryStyle, RequestOptions};
use crate::response::{RawResponse, Response};
use crate::retry::RetryPolicy;

impl Client {
    /// A `GET` of `path` (relative to the base URL, e.g. `/calls/{id}`).
    pub fn get(&self, path: impl AsRef<str>) -> RawRequest {
        self.request(Method::GET, path)
    }

    /// A `POST` to `path` (relative to the base URL).
    pub fn post(&self, path: impl AsRef<str>) -> RawRequest {
        self.request(Method::POST, path)
    }

    /// A `PUT` to `path` (relative to the base URL).
    pub fn put(&self, path: impl AsRef<str>) -> RawRequest {
        self.request(Method::PUT, path)
    }

    /// A `PATCH` to `path` (relative to the base URL).
    pub fn patch(&self, path: impl AsRef<str>) -> RawRequest {
        self.request(Method::PATCH, path)
    }

    /// A `DELETE` of `path` (relative to the base URL).
    pub fn delete(&self, path: impl AsRef<str>) -> RawRequest {
        self.request(Method::DELETE, path)
    }

    /// A request with any method to `path`, relative to the base URL (a
    /// leading `/` is optional). The path is sent as given, so encode
    /// variable segments with [`path_segment`]; put the query in
    /// [`RawRequest::query`], not in the path.
    pub fn request(&self, method: Method, path: impl AsRef<str>) -> RawRequest {
        let path = path.as_ref();
        let request = if path.contains(['?', '#']) || path.contains("://") {
            Err(Invalid {
                name: "path".to_owned(),
                reason: "must be a path relative to the base URL, without `?` or `#` \
                         (add query parameters with `.query(..)`)"
                    .to_owned(),
            })
        } else {
            Ok(ApiRequest::new(method, path.to_owned()))
        };
        RawRequest {
            client: self.clone(),
            request,
            options: RequestOptions::default(),
        }
    }
}

/// Percent-encodes `value` as one path segment for [`Client::request`] and
/// friends, as the generated methods do with ids: `v3:a/b` becomes
/// `v3%3Aa%2Fb`. Empty values, `.` and `..` are refused.
pub fn path_segment(value: &str) -> Result<String> {
    path_param("path segment", value)
}

/// A request to any endpoint, from [`Client::get`] and friends.
///
/// Set the query, body, headers and options, then send it with
/// [`send`](RawRequest::send) (JSON decoded into your type),
/// [`send_raw`](RawRequest::send_raw) (status, headers and bytes), or by
/// awaiting it (a [`serde_json::Value`]); walk a list with
/// [`into_stream`](RawRequest::into_stream). A problem with an argument
/// (such as a body that cannot be serialized) is reported when it is sent.
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct RawRequest {
    client: Client,
    request: std::result::Result<ApiRequest, Invalid>,
    options: RequestOptions,
}

/// An argument problem found while building a request, reported on sending.
#[derive(Clone, Debug)]
struct Invalid {
    name: String,
    reason: String,
}

impl From<Error> for Invalid {
    fn from(err: Error) -> Self {
        match err {
            Error::InvalidArgument { name, reason } => Invalid { name, reason },
            other => Invalid {
                name: "request".to_owned(),
                reason: other.to_string(),
            },
        }
    }
}

impl From<Invalid> for Error {
    fn from(invalid: Invalid) -> Self {
        Error::InvalidArgument {
            name: invalid.name,
            reason: invalid.reason,
        }
    }
}

impl RawRequest {
    /// Adds query parameter `name`. A scalar adds `name=value`; a list adds
    /// one pair per item; an object is spread Telnyx-style into
    /// `name[field]=value` pairs (nested to any depth, as in
    /// `filter[occurred_at][gte]`); `None` adds nothing.
    pub fn query(mut self, name: &str, value: impl Serialize) -> Self {
        if let Ok(request) = &mut self.request {
            let outcome = serde_json::to_value(&value)
                .map_err(|err| Error::invalid_argument(name, err.to_string()))
                .and_then(|value| {
                    let style = match value {
                        Value::Object(_) => QueryStyle::DeepObject,
                        _ => QueryStyle::Form,
                    };
                    request.query(name, &value, style)
                });
            if let Err(err) = outcome {
                self.request = Err(err.into());
            }
        }
        self
    }

    /// Sends `body` serialized as JSON (with `content-type:
    /// application/json`). It is serialized once; retries resend the same
    /// bytes.
    pub fn json(mut self, body: &impl Serialize) -> Self {
        if let Ok(request) = &mut self.request {
            if let Err(err) = request.json(body) {
                self.request = Err(err.into());
            }
        }
        self
    }

    /// Adds a header, replacing an earlier one of the same name.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.options.insert_header(name, value);
        self
    }

    /// Overrides the client's timeout for this request (each attempt).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.options.set_timeout(timeout);
        self
    }

    /// Overrides the client's retry limit for this request.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.options.set_max_retries(max_retries);
        self
    }

    /// Overrides the client's retry policy for this request.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.options.set_retry_policy(policy);
        self
    }

    /// Replaces all per-request options at once.
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// Sends the request and decodes the JSON answer as `T`. An empty body
    /// (such as a `204 No Content`) reads as JSON `null`, which `()`,
    /// `Option<T>` and [`serde_json::Value`] accept.
    pub async fn send<T: DeserializeOwned>(self) -> Result<Response<T>> {
        let raw = self.send_raw().await?;
        let body = raw.json::<T>()?;
        let (status, headers, _) = raw.into_parts();
        Ok(Response::new(body, status, headers))
    }

    /// Sends the request and returns the successful answer undecoded.
    pub async fn send_raw(self) -> Result<RawResponse> {
        let request = self.request.map_err(Error::from)?;
        self.client.execute_raw(request, &self.options).await
    }

    /// Walks every item of a list endpoint, fetching pages lazily; `scheme`
    /// says how the endpoint pages (`page[number]` or `page[after]`). Items
    /// are read from the `data` array of each page.
    pub fn into_stream<T: DeserializeOwned + Send + 'static>(
        self,
        scheme: PageScheme,
    ) -> PageStream<T> {
        paginate(
            self.client,
            self.request.map_err(Error::from),
            self.options,
            scheme,
        )
    }
}

impl IntoFuture for RawRequest {
    type Output = Result<Response<Value>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
