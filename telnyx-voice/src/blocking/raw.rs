//! The escape hatch ([`crate::raw`]) in blocking form.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::runtime::Runtime;
use super::{Client, PageIter};
use crate::error::Result;
use crate::pagination::PageScheme;
use crate::request::RequestOptions;
use crate::response::{RawResponse, Response};
use crate::retry::RetryPolicy;

impl Client {
    /// A `GET` of `path` (relative to the base URL); see [`crate::Client::get`].
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

    /// A request with any method to `path`; see [`crate::Client::request`].
    pub fn request(&self, method: Method, path: impl AsRef<str>) -> RawRequest {
        RawRequest {
            inner: self.inner.request(method, path),
            runtime: Arc::clone(&self.runtime),
        }
    }
}

/// A request to any endpoint, from the blocking [`Client::get`] and friends;
/// the blocking twin of [`crate::raw::RawRequest`].
#[derive(Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest {
    inner: crate::raw::RawRequest,
    runtime: Arc<Runtime>,
}

impl RawRequest {
    fn map(self, f: impl FnOnce(crate::raw::RawRequest) -> crate::raw::RawRequest) -> Self {
        RawRequest {
            inner: f(self.inner),
            runtime: self.runtime,
        }
    }

    /// See [`crate::raw::RawRequest::query`].
    pub fn query(self, name: &str, value: impl Serialize) -> Self {
        self.map(|r| r.query(name, value))
    }

    /// See [`crate::raw::RawRequest::json`].
    pub fn json(self, body: &impl Serialize) -> Self {
        self.map(|r| r.json(body))
    }

    /// Adds a header, replacing an earlier one of the same name.
    pub fn header(self, name: HeaderName, value: HeaderValue) -> Self {
        self.map(|r| r.header(name, value))
    }

    /// Overrides the client's timeout for this request (each attempt).
    pub fn with_timeout(self, timeout: Duration) -> Self {
        self.map(|r| r.with_timeout(timeout))
    }

    /// Overrides the client's retry limit for this request.
    pub fn with_max_retries(self, max_retries: u32) -> Self {
        self.map(|r| r.with_max_retries(max_retries))
    }

    /// Overrides the client's retry policy for this request.
    pub fn with_retry_policy(self, policy: RetryPolicy) -> Self {
        self.map(|r| r.with_retry_policy(policy))
    }

    /// Replaces all per-request options at once.
    pub fn with_options(self, options: RequestOptions) -> Self {
        self.map(|r| r.with_options(options))
    }

    /// Sends the request, waits, and decodes the JSON answer as `T` (see
    /// [`crate::raw::RawRequest::send`]).
    pub fn send<T: DeserializeOwned + Send + 'static>(self) -> Result<Response<T>> {
        self.runtime.block_on(self.inner.send::<T>())
    }

    /// Sends the request, waits, and returns the successful answer
    /// undecoded.
    pub fn send_raw(self) -> Result<RawResponse> {
        self.runtime.block_on(self.inner.send_raw())
    }

    /// Every item of a list endpoint as an iterator, fetching pages lazily
    /// (see [`crate::raw::RawRequest::into_stream`]).
    pub fn into_iter<T: DeserializeOwned + Send + 'static>(
        self,
        scheme: PageScheme,
    ) -> PageIter<T> {
        PageIter {
            stream: Some(self.inner.into_stream(scheme)),
            runtime: self.runtime,
        }
    }
}

impl std::fmt::Debug for RawRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("blocking::RawRequest")
            .field(&self.inner)
            .finish()
    }
}
