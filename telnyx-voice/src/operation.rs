//! The boundary between the generated code and the runtime.
//!
//! Every generated operation is a plain struct describing one endpoint call
//! (its path parameters, query and body) that implements [`Operation`]. The
//! runtime wraps it in a [`Request`], which carries the client and per-call
//! options and is the one place that sends, retries, pages and decodes.
//! Generated code adds only the per-operation setters on `Request<ThatOperation>`.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::Result;
use crate::pagination::{paginate, PageScheme};
use crate::request::{ApiRequest, RequestOptions};
use crate::response::Response;
use crate::PageStream;

/// One API operation, described well enough for the runtime to send it.
///
/// Implemented by the generated types in [`crate::operations`]; there is no
/// need to implement it yourself (use the client's raw request methods for
/// endpoints the crate does not cover).
pub trait Operation: Send + Sync + 'static {
    /// The decoded success body (`()` when the endpoint answers without one).
    type Output: DeserializeOwned + Send + 'static;
    /// The spec's operationId.
    const OPERATION_ID: &'static str;
    /// HTTP method.
    const METHOD: Method;
    /// Path template as written in the spec (`/calls/{call_control_id}/actions/answer`).
    const PATH: &'static str;
    /// Whether a success carries no body.
    const NO_CONTENT: bool = false;
    /// Event types the spec says this operation can cause, in the order it names them.
    const WEBHOOKS: &'static [&'static str] = &[];

    /// Called once before the first attempt, never on retries: fills values
    /// that must stay the same on every attempt (such as `command_id`).
    fn prepare(&mut self) {}

    /// The request to send: encoded path, query pairs and JSON body.
    #[doc(hidden)]
    fn to_request(&self) -> Result<ApiRequest>;
}

/// An [`Operation`] that returns one page of a list.
pub trait PagedOperation: Operation {
    /// One item of the list.
    type Item: DeserializeOwned + Send + 'static;
    /// How the list asks for its next page.
    #[doc(hidden)]
    const SCHEME: PageScheme;
}

/// The clients a [`Request`] can be sent through: the async [`Client`] and,
/// with the `blocking` feature, `blocking::Client`. Sealed.
///
/// Resources, handles and builders are generic over it, so the blocking
/// client has the same generated surface as the async one, from one source.
pub trait ClientKind: Clone + fmt::Debug + Send + Sync + 'static + sealed::Sealed {}

impl ClientKind for Client {}
impl sealed::Sealed for Client {}

pub(crate) mod sealed {
    /// Keeps [`ClientKind`](super::ClientKind) to this crate's clients.
    pub trait Sealed {}
}

/// A request ready to send: an operation, the client that sends it, and the
/// options of this one call.
///
/// Optional parameters of the operation are chained setters on it. Made from
/// the async [`Client`] (`C` is then `Client`), send it by awaiting it (or
/// with [`Request::send`]) and walk every page of a list with
/// [`Request::into_stream`]; made from a `blocking::Client`, `send()`
/// waits for the answer and a list is an [`Iterator`] of its items.
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Request<O, C = Client> {
    client: C,
    options: RequestOptions,
    pub(crate) op: O,
}

impl<O: Clone, C: Clone> Clone for Request<O, C> {
    fn clone(&self) -> Self {
        Request {
            client: self.client.clone(),
            options: self.options.clone(),
            op: self.op.clone(),
        }
    }
}

impl<O: fmt::Debug, C> fmt::Debug for Request<O, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.op)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<O: Operation, C> Request<O, C> {
    /// A request for `op`, sent by `client` with the client's defaults.
    pub(crate) fn new(client: C, op: O) -> Self {
        Request {
            client,
            options: RequestOptions::default(),
            op,
        }
    }

    /// The client the request is sent through.
    #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
    pub(crate) fn client(&self) -> &C {
        &self.client
    }

    /// The same request, sent through `client` instead; returns the old client.
    #[cfg_attr(not(feature = "blocking"), allow(dead_code))]
    pub(crate) fn with_client<D>(self, client: D) -> (C, Request<O, D>) {
        let request = Request {
            client,
            options: self.options,
            op: self.op,
        };
        (self.client, request)
    }

    /// The operation as it will be sent.
    pub fn operation(&self) -> &O {
        &self.op
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

    /// Adds a header to this request.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.options.insert_header(name, value);
        self
    }
}

impl<O: Operation> Request<O> {
    /// Sends the request, retrying as the client's policy allows.
    pub async fn send(mut self) -> Result<Response<O::Output>> {
        self.op.prepare();
        let request = self.op.to_request()?;
        if O::NO_CONTENT {
            let response = self
                .client
                .execute_no_content(request, &self.options)
                .await?;
            // `()` (the output of every no-content operation) reads from JSON null. Read from
            // text, the one decoder of `O::Output` compiled is the one `execute` uses as well.
            let unit = crate::response::decode::<O::Output>(response.status(), b"null")?;
            Ok(response.map(|()| unit))
        } else {
            self.client.execute(request, &self.options).await
        }
    }
}

impl<O: Operation> Request<O> {
    /// Sends the request like [`send`](Self::send) and returns the raw answer (status,
    /// headers, body bytes) without decoding it.
    pub async fn send_raw(mut self) -> Result<crate::RawResponse> {
        self.op.prepare();
        let request = self.op.to_request()?;
        self.client.execute_raw(request, &self.options).await
    }
}

impl<O: PagedOperation> Request<O> {
    /// Walks every page lazily, yielding items one by one; only one page is held in memory.
    pub fn into_stream(self) -> PageStream<O::Item> {
        let request = self.op.to_request();
        paginate(self.client, request, self.options, O::SCHEME)
    }
}

impl<O: Operation> IntoFuture for Request<O> {
    type Output = Result<Response<O::Output>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
