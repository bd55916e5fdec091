//! A client for code that is not async (feature `blocking`).
//!
//! [`Client`] wraps the async [`crate::Client`] and a single-threaded Tokio
//! runtime of its own, which each call drives from the calling thread until
//! the answer is in. Retries, timeouts, `command_id` handling, errors and
//! tracing are exactly those of the async client, at the same cost per
//! request. Called from inside another Tokio runtime (where starting a
//! runtime on the caller's thread panics), a call runs on a thread of its
//! own instead and the caller waits for it.
//!
//! ```no_run
//! use serde_json::Value;
//! use telnyx_voice::blocking::Client;
//! use telnyx_voice::PageScheme;
//!
//! # fn main() -> telnyx_voice::Result<()> {
//! let client = Client::from_env()?;
//! let balance = client.get("/balance").send::<Value>()?.into_inner();
//! for queue in client.get("/queues").into_iter::<Value>(PageScheme::PageNumber) {
//!     println!("{}", queue?["name"]);
//! }
//! # let _ = balance;
//! # Ok(())
//! # }
//! ```
//!
//! Calls from several threads at once proceed concurrently on the shared
//! runtime. Waiting blocks the calling thread: inside an async task prefer
//! the async client, or `tokio::task::spawn_blocking`.

mod download;
mod raw;
mod request;
mod runtime;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::error::Result;
use crate::pagination::PageStream;
use crate::retry::RetryPolicy;

pub use download::ByteStream;
pub use raw::RawRequest;
use runtime::Runtime;

/// Handle for calling the Telnyx API from blocking code.
///
/// Cheap to clone; clones share the connection pool and the runtime, which
/// stops when the last clone (and the last iterator or download made from
/// it) is dropped.
#[derive(Clone)]
pub struct Client {
    inner: crate::Client,
    runtime: Arc<Runtime>,
}

impl Client {
    /// A client with default settings that authenticates with `api_key`.
    pub fn new(api_key: impl Into<String>) -> Result<Client> {
        Client::builder().api_key(api_key).build()
    }

    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            inner: crate::Client::builder(),
        }
    }

    /// A client configured from the environment, as
    /// [`crate::Client::from_env`] does.
    pub fn from_env() -> Result<Client> {
        Client::from_async(crate::Client::from_env()?)
    }

    /// Wraps an async client (sharing its configuration and connection
    /// pool) and creates the runtime calls are driven on.
    pub fn from_async(client: crate::Client) -> Result<Client> {
        Ok(Client {
            inner: client,
            runtime: Arc::new(Runtime::start()?),
        })
    }

    /// The async client underneath.
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }

    /// The Telnyx public key used to check webhook signatures, if configured.
    pub fn public_key(&self) -> Option<&str> {
        self.inner.public_key()
    }

    /// Webhook verification with the client's public key (it never blocks).
    #[cfg(feature = "webhooks")]
    pub fn webhooks(&self) -> crate::webhooks::Webhooks<'_> {
        self.inner.webhooks()
    }

    /// The base URL requests are sent to (without a trailing slash).
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// The retry policy calls use unless they set their own.
    pub fn retry_policy(&self) -> &RetryPolicy {
        self.inner.retry_policy()
    }

    /// Runs `future` on the client's runtime until it is done. A panic
    /// inside the future is resumed on the calling thread.
    pub(crate) fn block_on<F>(&self, future: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        self.runtime.block_on(future)
    }

    /// Turns an async page stream into a blocking iterator.
    pub(crate) fn iter<T: Send + 'static>(&self, stream: PageStream<T>) -> PageIter<T> {
        PageIter {
            stream: Some(stream),
            runtime: Arc::clone(&self.runtime),
        }
    }

    /// Starts downloading `url`; see [`crate::Client::download`] for which
    /// requests carry the API key, redirects, retries and limits.
    pub fn download(&self, url: &str) -> Result<ByteStream> {
        let client = self.inner.clone();
        let url = url.to_owned();
        let stream = self.block_on(async move { client.download(&url).await })?;
        Ok(ByteStream::new(stream, Arc::clone(&self.runtime)))
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::Client")
            .field(&self.inner)
            .finish()
    }
}

/// Configures and creates a blocking [`Client`]; the settings are those of
/// [`crate::ClientBuilder`].
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    inner: crate::ClientBuilder,
}

impl ClientBuilder {
    /// See [`crate::ClientBuilder::api_key`].
    pub fn api_key(self, api_key: impl Into<String>) -> Self {
        self.map(|b| b.api_key(api_key))
    }

    /// See [`crate::ClientBuilder::public_key`].
    pub fn public_key(self, public_key: impl Into<String>) -> Self {
        self.map(|b| b.public_key(public_key))
    }

    /// See [`crate::ClientBuilder::base_url`].
    pub fn base_url(self, base_url: impl Into<String>) -> Self {
        self.map(|b| b.base_url(base_url))
    }

    /// See [`crate::ClientBuilder::timeout`].
    pub fn timeout(self, timeout: Duration) -> Self {
        self.map(|b| b.timeout(timeout))
    }

    /// See [`crate::ClientBuilder::connect_timeout`].
    pub fn connect_timeout(self, connect_timeout: Duration) -> Self {
        self.map(|b| b.connect_timeout(connect_timeout))
    }

    /// See [`crate::ClientBuilder::max_retries`].
    pub fn max_retries(self, max_retries: u32) -> Self {
        self.map(|b| b.max_retries(max_retries))
    }

    /// See [`crate::ClientBuilder::retry_policy`].
    pub fn retry_policy(self, policy: RetryPolicy) -> Self {
        self.map(|b| b.retry_policy(policy))
    }

    /// See [`crate::ClientBuilder::max_body_size`].
    pub fn max_body_size(self, bytes: u64) -> Self {
        self.map(|b| b.max_body_size(bytes))
    }

    /// See [`crate::ClientBuilder::user_agent`].
    pub fn user_agent(self, user_agent: impl Into<String>) -> Self {
        self.map(|b| b.user_agent(user_agent))
    }

    /// See [`crate::ClientBuilder::http_client`].
    pub fn http_client(self, http_client: reqwest::Client) -> Self {
        self.map(|b| b.http_client(http_client))
    }

    /// Checks the settings and creates the client and its runtime.
    pub fn build(self) -> Result<Client> {
        Client::from_async(self.inner.build()?)
    }

    fn map(self, f: impl FnOnce(crate::ClientBuilder) -> crate::ClientBuilder) -> Self {
        ClientBuilder {
            inner: f(self.inner),
        }
    }
}

/// Every item of a list endpoint as a blocking [`Iterator`], fetching
/// further pages only as they are needed. After an error is yielded the
/// iteration ends.
pub struct PageIter<T> {
    stream: Option<PageStream<T>>,
    runtime: Arc<Runtime>,
}

impl<T: Send + 'static> PageIter<T> {
    /// Reads all remaining items (fetching every remaining page).
    pub fn collect_all(self) -> Result<Vec<T>> {
        self.collect()
    }
}

impl<T: Send + 'static> Iterator for PageIter<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        let mut stream = self.stream.take()?;
        let (item, stream) = self.runtime.block_on(async move {
            let item = stream.try_next().await;
            (item, stream)
        });
        match item {
            Ok(Some(item)) => {
                self.stream = Some(stream);
                Some(Ok(item))
            }
            Ok(None) => None,
            Err(err) => Some(Err(err)),
        }
    }
}

impl<T> fmt::Debug for PageIter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageIter")
            .field("finished", &self.stream.is_none())
            .finish_non_exhaustive()
    }
}
