//! The HTTP client: configuration, authentication, sending with retries and
//! reading responses within bounds.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, USER_AGENT};
use http::{HeaderValue, Method, StatusCode};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use crate::download::ByteStream;
use crate::error::{snippet, ApiError, BodyProblem, Error, Result};
use crate::request::{ApiRequest, RequestOptions};
use crate::response::{decode, RawResponse, Response};
use crate::retry::{RetryPolicy, RETRY_COUNT_HEADER};

/// Base URL used when none is configured.
pub const DEFAULT_BASE_URL: &str = "https://api.telnyx.com/v2";

/// Largest response body read by default, in bytes (16 MiB). A success body
/// beyond it fails with [`Error::Body`] without being read further; see
/// [`ClientBuilder::max_body_size`].
pub const DEFAULT_MAX_BODY_SIZE: u64 = 16 * 1024 * 1024;

/// Largest failure (non-2xx) body read, in bytes (64 KiB). Anything beyond
/// it is not read: an error only keeps Telnyx's error entries and a snippet.
pub const MAX_ERROR_BODY_SIZE: u64 = 64 * 1024;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Redirects followed by [`Client::download`] before giving up.
const MAX_DOWNLOAD_REDIRECTS: usize = 5;

/// Handle for calling the Telnyx API.
///
/// Cheap to clone (clones share one connection pool) and usable from many
/// tasks at once.
///
/// ```no_run
/// use std::time::Duration;
///
/// # fn main() -> telnyx_voice::Result<()> {
/// // Reads TELNYX_API_KEY (and optionally TELNYX_PUBLIC_KEY, TELNYX_BASE_URL).
/// let from_env = telnyx_voice::Client::from_env()?;
///
/// // Or configure everything explicitly.
/// let client = telnyx_voice::Client::builder()
///     .api_key("KEY0123...")
///     .timeout(Duration::from_secs(20))
///     .max_retries(3)
///     .build()?;
/// # let _ = (from_env, client);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    authorization: HeaderValue,
    user_agent: HeaderValue,
    public_key: Option<String>,
    /// Built once from `public_key`, so each webhook skips decoding the key.
    webhook_verifier: Option<crate::webhooks::WebhookVerifier>,
    base_url: String,
    /// `base_url` parsed, to tell whether a download goes to the API host.
    base: reqwest::Url,
    timeout: Option<Duration>,
    retry_policy: RetryPolicy,
    max_body_size: u64,
}

/// Configures and creates a [`Client`]; obtained from [`Client::builder`].
#[derive(Clone, Default)]
pub struct ClientBuilder {
    api_key: Option<String>,
    public_key: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_retries: Option<u32>,
    retry_policy: Option<RetryPolicy>,
    max_body_size: Option<u64>,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    #[cfg(test)]
    no_timeout: bool,
}

impl Client {
    /// A client with default settings that authenticates with `api_key`.
    pub fn new(api_key: impl Into<String>) -> Result<Client> {
        Client::builder().api_key(api_key).build()
    }

    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: `TELNYX_API_KEY`
    /// (required), `TELNYX_PUBLIC_KEY` (optional, for webhook verification)
    /// and `TELNYX_BASE_URL` (optional).
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_lookup(|name| std::env::var(name).ok())?.build()
    }

    /// The Telnyx public key used to check webhook signatures, if configured.
    pub fn public_key(&self) -> Option<&str> {
        self.inner.public_key.as_deref()
    }

    /// Webhook verification with the client's public key (`TELNYX_PUBLIC_KEY`).
    #[cfg(feature = "webhooks")]
    pub fn webhooks(&self) -> crate::webhooks::Webhooks<'_> {
        crate::webhooks::Webhooks::new(self.inner.webhook_verifier.as_ref())
    }

    /// The base URL requests are sent to (without a trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The retry policy calls use unless they set their own.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry_policy
    }

    /// Sends `req` (retrying as configured) and decodes the JSON body as `T`.
    #[allow(dead_code)] // called by generated endpoint code and pagination
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        req: ApiRequest,
        options: &RequestOptions,
    ) -> Result<Response<T>> {
        let raw = self.execute_raw(req, options).await?;
        let body = decode::<T>(raw.status(), raw.body())?;
        let (status, headers, _) = raw.into_parts();
        Ok(Response::new(body, status, headers))
    }

    /// Sends `req` (retrying as configured) for endpoints that answer with no
    /// body; any body that does arrive is ignored.
    #[allow(dead_code)] // called by generated endpoint code
    pub(crate) async fn execute_no_content(
        &self,
        req: ApiRequest,
        options: &RequestOptions,
    ) -> Result<Response<()>> {
        let raw = self.execute_raw(req, options).await?;
        let (status, headers, _) = raw.into_parts();
        Ok(Response::new((), status, headers))
    }

    /// Sends `req` (retrying as configured) and returns the successful
    /// response undecoded: status, headers and the body bytes (at most the
    /// client's body size limit). A non-2xx answer is an [`Error::Api`] as
    /// for every other call.
    pub(crate) async fn execute_raw(
        &self,
        req: ApiRequest,
        options: &RequestOptions,
    ) -> Result<RawResponse> {
        let policy = self.policy(options);
        let timeout = options.timeout().or(self.inner.timeout);
        let url = format!("{}{}", self.inner.base_url, req.path_and_query());
        self.with_retries(
            req.method(),
            req.path(),
            &policy,
            |retries_done| self.attempt(&req, &url, options, timeout, retries_done),
            RawResponse::status,
        )
        .await
    }

    /// Starts downloading `url` (for example a recording's media URL) and
    /// returns its body as a stream of byte chunks, so that a large file is
    /// never held in memory whole.
    ///
    /// The API key is sent only when `url` has the same scheme, host and
    /// port as the client's base URL; media links on other hosts (such as
    /// presigned storage URLs) are fetched without it. Up to 5 redirects are
    /// followed, with the same rule applied to each hop. Failures to get a
    /// response are retried like API calls; a non-2xx answer is an
    /// [`Error::Api`]. The client's timeout applies to getting the response
    /// and then to each wait for the next chunk; the whole body may be at
    /// most [`download::DEFAULT_DOWNLOAD_LIMIT`](crate::download::DEFAULT_DOWNLOAD_LIMIT)
    /// bytes unless [`ByteStream::with_limit`] says otherwise.
    pub async fn download(&self, url: &str) -> Result<ByteStream> {
        self.download_with(url, &RequestOptions::default()).await
    }

    /// [`Client::download`] with per-call options (timeout, retries, headers).
    pub async fn download_with(&self, url: &str, options: &RequestOptions) -> Result<ByteStream> {
        let mut url = reqwest::Url::parse(url)
            .map_err(|err| Error::invalid_argument("url", format!("not a URL: {err}")))?;
        let policy = self.policy(options);
        let timeout = options.timeout().or(self.inner.timeout);
        for _ in 0..=MAX_DOWNLOAD_REDIRECTS {
            if !matches!(url.scheme(), "http" | "https") {
                return Err(Error::invalid_argument(
                    "url",
                    format!(
                        "only http and https URLs can be downloaded, not `{}`",
                        url.scheme()
                    ),
                ));
            }
            let response = self
                .with_retries(
                    &Method::GET,
                    url.path(),
                    &policy,
                    |retries_done| self.download_attempt(&url, options, timeout, retries_done),
                    reqwest::Response::status,
                )
                .await?;
            if response.status().is_redirection() {
                let next = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|location| url.join(location).ok());
                if let Some(next) = next {
                    url = next;
                    continue;
                }
                return Err(self.failure(response, timeout).await);
            }
            return Ok(ByteStream::new(response, timeout));
        }
        Err(Error::connection(TooManyRedirects(MAX_DOWNLOAD_REDIRECTS)))
    }

    /// The policy for one call: the call's own, else the client's, with the
    /// call's `max_retries` applied on top.
    fn policy(&self, options: &RequestOptions) -> RetryPolicy {
        let policy = options
            .retry_policy()
            .unwrap_or(&self.inner.retry_policy)
            .clone();
        match options.max_retries() {
            Some(max_retries) => policy.with_max_retries(max_retries),
            None => policy,
        }
    }

    /// Runs `attempt` (given the number of retries done so far) until it
    /// succeeds or `policy` says to stop, waiting in between, with one trace
    /// event per attempt.
    async fn with_retries<T, F, Fut>(
        &self,
        method: &Method,
        path: &str,
        policy: &RetryPolicy,
        mut attempt: F,
        status_of: fn(&T) -> StatusCode,
    ) -> Result<T>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut retries_done = 0u32;
        loop {
            let started = Instant::now();
            let outcome = attempt(retries_done).await;
            let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let wait = match &outcome {
                Err(err) => err
                    .retry_inputs()
                    .filter(|(status, server_says)| {
                        policy.should_retry(*status, *server_says, retries_done)
                    })
                    .map(|_| policy.delay(retries_done, err.retry_after())),
                Ok(_) => None,
            };
            let status = match &outcome {
                Ok(value) => Some(status_of(value).as_u16()),
                Err(err) => err.status().map(|status| status.as_u16()),
            };
            tracing::debug!(
                method = %method,
                path,
                status,
                attempt = retries_done + 1,
                elapsed_ms,
                retry_in_ms = wait.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                error = outcome.as_ref().err().map(tracing::field::display),
                "telnyx api attempt"
            );
            match (outcome, wait) {
                (Ok(value), _) => return Ok(value),
                (Err(_), Some(wait)) => {
                    tokio::time::sleep(wait).await;
                    retries_done += 1;
                }
                (Err(err), None) => return Err(err),
            }
        }
    }

    /// One API exchange: the request, then the whole body within the size
    /// limit and the time limit.
    async fn attempt(
        &self,
        req: &ApiRequest,
        url: &str,
        options: &RequestOptions,
        timeout: Option<Duration>,
        retries_done: u32,
    ) -> Result<RawResponse> {
        let mut builder = self
            .inner
            .http
            .request(req.method().clone(), url)
            .header(AUTHORIZATION, self.inner.authorization.clone())
            .header(USER_AGENT, self.inner.user_agent.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(RETRY_COUNT_HEADER, HeaderValue::from(retries_done));
        if let Some(body) = req.body() {
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone());
        }
        if !options.headers().is_empty() {
            builder = builder.headers(options.headers().clone());
        }

        let started = Instant::now();
        let deadline = timeout.map(|limit| started + limit);
        let mut response = within(deadline, builder.send())
            .await
            .ok_or_else(|| Error::Timeout {
                elapsed: started.elapsed(),
            })?
            .map_err(|err| transport_error(err, started))?;
        let status = response.status();
        let limit = if status.is_success() {
            self.inner.max_body_size
        } else {
            MAX_ERROR_BODY_SIZE
        };
        let mut body = BytesMut::new();
        let read = within(deadline, read_limited(&mut response, limit, &mut body)).await;
        let headers = std::mem::take(response.headers_mut());
        drop(response);
        if !status.is_success() {
            // Whatever part of a failure body arrived is enough for the error.
            return Err(Error::Api(Box::new(ApiError::from_response(
                status, &headers, &body,
            ))));
        }
        let problem = match read {
            Some(Ok(())) => {
                return Ok(RawResponse::new(status, headers, body.freeze()));
            }
            Some(Err(Cut::Interrupted(err))) => BodyProblem::Interrupted(Box::new(err)),
            Some(Err(Cut::TooLarge)) => BodyProblem::TooLarge { limit },
            None => BodyProblem::TimedOut {
                elapsed: started.elapsed(),
            },
        };
        Err(Error::Body {
            status,
            problem,
            snippet: snippet(&body),
        })
    }

    /// One download request, up to the response head. The API key goes only
    /// to the API's own origin.
    async fn download_attempt(
        &self,
        url: &reqwest::Url,
        options: &RequestOptions,
        timeout: Option<Duration>,
        retries_done: u32,
    ) -> Result<reqwest::Response> {
        let mut builder = self
            .inner
            .http
            .get(url.clone())
            .header(USER_AGENT, self.inner.user_agent.clone());
        if url.origin() == self.inner.base.origin() {
            builder = builder
                .header(AUTHORIZATION, self.inner.authorization.clone())
                .header(RETRY_COUNT_HEADER, HeaderValue::from(retries_done));
        }
        if !options.headers().is_empty() {
            builder = builder.headers(options.headers().clone());
        }
        let started = Instant::now();
        let response = within(timeout.map(|limit| started + limit), builder.send())
            .await
            .ok_or_else(|| Error::Timeout {
                elapsed: started.elapsed(),
            })?
            // A media URL's query may hold a signature: keep it out of errors.
            .map_err(|err| transport_error(err.without_url(), started))?;
        if response.status().is_success() || response.status().is_redirection() {
            Ok(response)
        } else {
            Err(self.failure(response, timeout).await)
        }
    }

    /// The [`Error::Api`] for a failure response, reading at most
    /// [`MAX_ERROR_BODY_SIZE`] bytes of its body.
    async fn failure(&self, mut response: reqwest::Response, timeout: Option<Duration>) -> Error {
        let mut body = BytesMut::new();
        let deadline = timeout.map(|limit| Instant::now() + limit);
        let _ = within(
            deadline,
            read_limited(&mut response, MAX_ERROR_BODY_SIZE, &mut body),
        )
        .await;
        Error::Api(Box::new(ApiError::from_response(
            response.status(),
            response.headers(),
            &body,
        )))
    }
}

/// Why [`read_limited`] stopped early.
pub(crate) enum Cut {
    Interrupted(reqwest::Error),
    TooLarge,
}

/// Reads `response`'s body into `out`, chunk by chunk, refusing to go past
/// `limit` bytes. On failure `out` keeps what arrived (up to the limit).
pub(crate) async fn read_limited(
    response: &mut reqwest::Response,
    limit: u64,
    out: &mut BytesMut,
) -> std::result::Result<(), Cut> {
    if let Some(length) = response.content_length() {
        if length > limit {
            return Err(Cut::TooLarge);
        }
        out.reserve(usize::try_from(length).unwrap_or(0));
    }
    while let Some(chunk) = response.chunk().await.map_err(Cut::Interrupted)? {
        let room = usize::try_from(limit.saturating_sub(out.len() as u64)).unwrap_or(usize::MAX);
        if chunk.len() > room {
            out.extend_from_slice(&chunk[..room]);
            return Err(Cut::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(())
}

/// Runs `future` until `deadline` (if any); `None` when time ran out.
pub(crate) async fn within<F: Future>(deadline: Option<Instant>, future: F) -> Option<F::Output> {
    match deadline {
        Some(deadline) => tokio::time::timeout_at(deadline, future).await.ok(),
        None => Some(future.await),
    }
}

/// A redirect chain longer than [`Client::download`] follows.
#[derive(Debug)]
struct TooManyRedirects(usize);

impl fmt::Display for TooManyRedirects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "more than {} redirects", self.0)
    }
}

impl std::error::Error for TooManyRedirects {}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_key", &"***")
            .field("public_key", &self.inner.public_key)
            .field("base_url", &self.inner.base_url)
            .field("timeout", &self.inner.timeout)
            .field("retry_policy", &self.inner.retry_policy)
            .field("max_body_size", &self.inner.max_body_size)
            .finish()
    }
}

impl ClientBuilder {
    /// Builder pre-filled from environment-like `lookup` (see
    /// [`Client::from_env`]).
    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder> {
        let present = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let api_key = present("TELNYX_API_KEY").ok_or_else(|| {
            Error::Config(
                "the TELNYX_API_KEY environment variable is not set; \
                 set it or pass a key with Client::builder().api_key(..)"
                    .to_owned(),
            )
        })?;
        let mut builder = Client::builder().api_key(api_key);
        if let Some(public_key) = present("TELNYX_PUBLIC_KEY") {
            builder = builder.public_key(public_key);
        }
        if let Some(base_url) = present("TELNYX_BASE_URL") {
            builder = builder.base_url(base_url);
        }
        Ok(builder)
    }

    /// The secret API key sent as a bearer token. Required.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// The Telnyx public key (base64) used to verify webhook signatures.
    pub fn public_key(mut self, public_key: impl Into<String>) -> Self {
        self.public_key = Some(public_key.into());
        self
    }

    /// Where to send requests; defaults to [`DEFAULT_BASE_URL`]. It may carry
    /// a path prefix such as `/v2`, with or without a trailing slash.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Time allowed for each attempt, from sending to having read the whole
    /// body. Defaults to 60 seconds.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time allowed to open a connection. Defaults to 5 seconds. Ignored when
    /// a ready-made client is supplied with [`ClientBuilder::http_client`].
    pub fn connect_timeout(mut self, connect_timeout: Duration) -> Self {
        self.connect_timeout = Some(connect_timeout);
        self
    }

    /// How many times a failed call may be retried. Defaults to 2. Applies
    /// on top of [`ClientBuilder::retry_policy`], whichever is called first.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// Which failures are retried, how often and how long to wait (see
    /// [`RetryPolicy`]). Defaults to [`RetryPolicy::default`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// Largest success body read, in bytes; a larger one fails with
    /// [`Error::Body`] and is not read further. Defaults to
    /// [`DEFAULT_MAX_BODY_SIZE`] (16 MiB). Failure bodies are read up to
    /// [`MAX_ERROR_BODY_SIZE`].
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body_size = Some(bytes);
        self
    }

    /// The `User-Agent` header value. Defaults to
    /// `telnyx-voice-rust/<crate version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses an existing `reqwest` client (for custom proxies, TLS roots,
    /// shared pools...) instead of building one. Its own settings then apply
    /// (including its redirect policy; the client built by default follows
    /// no redirects).
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// Sends requests with no per-attempt time limit (unless `timeout` is
    /// also called), so that tests with a paused clock have no timers
    /// pending while waiting on real sockets.
    #[cfg(test)]
    pub(crate) fn without_timeout(mut self) -> Self {
        self.no_timeout = true;
        self
    }

    /// Checks the settings and creates the client.
    pub fn build(self) -> Result<Client> {
        let api_key = self
            .api_key
            .filter(|key| !key.trim().is_empty())
            .ok_or_else(|| Error::Config("an API key is required".to_owned()))?;
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", api_key.trim()))
            .map_err(|_| {
                Error::Config("the API key contains characters not allowed in a header".into())
            })?;
        authorization.set_sensitive(true);

        let user_agent = self
            .user_agent
            .unwrap_or_else(|| format!("telnyx-voice-rust/{}", env!("CARGO_PKG_VERSION")));
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|_| {
            Error::Config("the user agent contains characters not allowed in a header".into())
        })?;

        let base_url = normalize_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let base = reqwest::Url::parse(&base_url)
            .map_err(|err| Error::Config(format!("invalid base URL `{base_url}`: {err}")))?;

        let http = match self.http_client {
            Some(http) => http,
            None => {
                crate::transport::prepare_tls();
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|err| {
                        Error::Config(format!("could not create the HTTP client: {err}"))
                    })?
            }
        };

        #[cfg_attr(not(test), allow(unused_mut))]
        let mut timeout = Some(self.timeout.unwrap_or(DEFAULT_TIMEOUT));
        #[cfg(test)]
        if self.no_timeout && self.timeout.is_none() {
            timeout = None;
        }

        let webhook_verifier = match &self.public_key {
            Some(key) => Some(crate::webhooks::WebhookVerifier::new(key).map_err(|err| {
                Error::Config(format!("the webhook public key is not usable: {err}"))
            })?),
            None => None,
        };

        let mut retry_policy = self.retry_policy.unwrap_or_default();
        if let Some(max_retries) = self.max_retries {
            retry_policy = retry_policy.with_max_retries(max_retries);
        }

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                authorization,
                user_agent,
                public_key: self.public_key,
                webhook_verifier,
                base_url,
                base,
                timeout,
                retry_policy,
                max_body_size: self.max_body_size.unwrap_or(DEFAULT_MAX_BODY_SIZE),
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("public_key", &self.public_key)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("retry_policy", &self.retry_policy)
            .field("max_body_size", &self.max_body_size)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http_client.is_some())
            .finish()
    }
}

/// A fresh random (v4) UUID for the `command_id` of a call command. Set once
/// per command so that retries are recognized as duplicates by Telnyx.
///
/// The 128 bits are two SipHash outputs from std's `RandomState`, whose keys
/// come from the operating system's random source (once per thread, then
/// stepped for every state), over a process-wide counter: unpredictable and
/// distinct, which is all an idempotency key needs. Doing this with std
/// rather than the `uuid` crate keeps `uuid` and a second `getrandom` out of
/// every build (the simulator still uses `uuid` for its own ids).
#[allow(dead_code)] // called by generated endpoint code
pub(crate) fn new_command_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};

    static ISSUED: AtomicU64 = AtomicU64::new(0);
    let serial = ISSUED.fetch_add(1, Ordering::Relaxed);
    let half = |lane: u64| {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(serial);
        hasher.write_u64(lane);
        u128::from(hasher.finish())
    };
    let mut bits = (half(0) << 64) | half(1);
    // RFC 9562: version 4 in bits 76..80, variant `10` in bits 62..64.
    bits = (bits & !(0xF << 76)) | (0x4 << 76);
    bits = (bits & !(0x3 << 62)) | (0x2 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        bits >> 96,
        (bits >> 80) & 0xFFFF,
        (bits >> 64) & 0xFFFF,
        (bits >> 48) & 0xFFFF,
        bits & 0xFFFF_FFFF_FFFF
    )
}

/// Validates `base` and returns it without a trailing slash.
fn normalize_base_url(base: &str) -> Result<String> {
    let url = reqwest::Url::parse(base.trim())
        .map_err(|err| Error::Config(format!("invalid base URL `{base}`: {err}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(Error::Config(format!(
            "base URL `{base}` must be an http or https URL"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "base URL `{base}` must not contain a query or fragment"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn transport_error(err: reqwest::Error, started: Instant) -> Error {
    if err.is_timeout() {
        Error::Timeout {
            elapsed: started.elapsed(),
        }
    } else if err.is_builder() {
        Error::Config(format!("could not build the request: {err}"))
    } else {
        Error::connection(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{path_param, QueryStyle};
    use crate::response::Data;
    use crate::test_support::{self as test_server, Reply, TestServer};
    use http::Method;
    use serde::{Deserialize, Serialize};

    #[derive(Deserialize, Debug)]
    struct Call {
        call_control_id: String,
    }

    #[derive(Serialize)]
    struct Dial<'a> {
        to: &'a str,
        from: &'a str,
        command_id: String,
    }

    fn dial_request() -> ApiRequest {
        let mut req = ApiRequest::new(Method::POST, "/calls".into());
        req.json(&Dial {
            to: "+15550001111",
            from: "+15550002222",
            command_id: new_command_id(),
        })
        .expect("json");
        req
    }

    const CALL: &str = r#"{"data":{"call_control_id":"v3:abc"}}"#;

    #[tokio::test]
    async fn sends_exact_request_and_decodes() {
        let server = TestServer::start(vec![Reply::new(200, CALL).header("x-request-id", "rid-9")]);
        let client = server.client();
        let mut req = ApiRequest::new(
            Method::GET,
            format!(
                "/calls/{}/events",
                path_param("id", "v3:a/b c").expect("path")
            ),
        );
        #[derive(Serialize)]
        struct Occurred {
            gte: &'static str,
        }
        #[derive(Serialize)]
        struct Filter {
            occurred_at: Occurred,
            r#type: &'static str,
        }
        let filter = Filter {
            occurred_at: Occurred {
                gte: "2024-05-01T00:00:00Z",
            },
            r#type: "webhook",
        };
        req.query("filter", &filter, QueryStyle::DeepObject)
            .expect("query");
        req.query("page[size]", &Some(2), QueryStyle::Form)
            .expect("query");
        let response: Response<Data<Call>> = client
            .execute(req, &RequestOptions::default())
            .await
            .expect("success");
        assert_eq!(response.data.call_control_id, "v3:abc");
        assert_eq!(response.request_id(), Some("rid-9"));

        let seen = server.requests();
        assert_eq!(seen.len(), 1);
        let got = &seen[0];
        assert_eq!(got.method, "GET");
        assert_eq!(
            got.uri,
            "/v2/calls/v3%3Aa%2Fb%20c/events?filter%5Boccurred_at%5D%5Bgte%5D=2024-05-01T00%3A00%3A00Z\
             &filter%5Btype%5D=webhook&page%5Bsize%5D=2"
        );
        assert_eq!(got.headers["authorization"], "Bearer test-key");
        assert_eq!(
            got.headers["user-agent"],
            format!("telnyx-voice-rust/{}", env!("CARGO_PKG_VERSION")).as_str()
        );
        assert_eq!(got.headers["accept"], "application/json");
        assert!(got.headers.get("content-type").is_none());
        assert!(got.body.is_empty());
    }

    #[tokio::test]
    async fn posts_json_body_with_content_type_and_extra_headers() {
        let server = TestServer::start(vec![Reply::new(200, CALL)]);
        let client = server
            .builder()
            .user_agent("my-app/1.0")
            .build()
            .expect("client");
        let req = dial_request();
        let expected = req.body().cloned().expect("body");
        let options = RequestOptions::new().with_header(
            http::HeaderName::from_static("x-trace"),
            HeaderValue::from_static("t-1"),
        );
        let _: Response<Data<Call>> = client.execute(req, &options).await.expect("success");
        let seen = server.requests();
        assert_eq!(seen[0].method, "POST");
        assert_eq!(seen[0].uri, "/v2/calls");
        assert_eq!(seen[0].headers["content-type"], "application/json");
        assert_eq!(seen[0].headers["user-agent"], "my-app/1.0");
        assert_eq!(seen[0].headers["x-trace"], "t-1");
        assert_eq!(seen[0].body, expected.to_vec());
        let body: serde_json::Value = serde_json::from_slice(&seen[0].body).expect("json");
        assert_eq!(body["to"], "+15550001111");
        assert_eq!(body["command_id"].as_str().map(str::len), Some(36));
    }

    #[tokio::test]
    async fn no_content_accepts_empty_body() {
        let server = TestServer::start(vec![Reply::new(204, "")]);
        let req = ApiRequest::new(Method::DELETE, "/queues/q1".into());
        let response = server
            .client()
            .execute_no_content(req, &RequestOptions::default())
            .await
            .expect("no content");
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(server.requests()[0].method, "DELETE");
    }

    #[tokio::test(start_paused = true)]
    async fn retries_503_resending_identical_body() {
        let server = TestServer::start(vec![
            Reply::new(503, r#"{"errors":[{"title":"busy"}]}"#),
            Reply::new(200, CALL),
        ]);
        let req = dial_request();
        let started = Instant::now();
        let response: Response<Data<Call>> = server
            .client()
            .execute(req, &RequestOptions::default())
            .await
            .expect("second attempt succeeds");
        assert_eq!(response.data.call_control_id, "v3:abc");
        let elapsed = started.elapsed();
        assert!(
            elapsed >= Duration::from_millis(375) && elapsed <= Duration::from_millis(550),
            "first backoff is 0.375-0.5 s, got {elapsed:?}"
        );
        let seen = server.requests();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].body, seen[1].body);
        assert!(!seen[0].body.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn honors_retry_after_seconds() {
        let server = TestServer::start(vec![
            Reply::new(503, "").header("retry-after", "3"),
            Reply::new(200, CALL),
        ]);
        let started = Instant::now();
        let _: Response<Data<Call>> = server
            .client()
            .execute(dial_request(), &RequestOptions::default())
            .await
            .expect("success");
        let elapsed = started.elapsed();
        assert!(
            elapsed >= Duration::from_secs(3) && elapsed < Duration::from_millis(3100),
            "{elapsed:?}"
        );
        assert_eq!(server.requests().len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn honors_retry_after_ms_on_429() {
        let server = TestServer::start(vec![
            Reply::new(429, "").header("retry-after-ms", "250"),
            Reply::new(200, CALL),
        ]);
        let started = Instant::now();
        let _: Response<Data<Call>> = server
            .client()
            .execute(dial_request(), &RequestOptions::default())
            .await
            .expect("success");
        let elapsed = started.elapsed();
        assert!(
            elapsed >= Duration::from_millis(250) && elapsed < Duration::from_millis(300),
            "{elapsed:?}"
        );
        assert_eq!(server.requests().len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_max_retries_with_last_error() {
        let server = TestServer::start(vec![
            Reply::new(500, r#"{"errors":[{"detail":"first"}]}"#),
            Reply::new(502, r#"{"errors":[{"detail":"second"}]}"#),
            Reply::new(503, r#"{"errors":[{"detail":"third"}]}"#).header("x-request-id", "r3"),
            Reply::new(200, CALL),
        ]);
        let started = Instant::now();
        let err = server
            .client()
            .execute::<Data<Call>>(dial_request(), &RequestOptions::default())
            .await
            .expect_err("exhausted");
        assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(err.request_id(), Some("r3"));
        assert!(err.to_string().contains("third"));
        assert_eq!(server.requests().len(), 3);
        let elapsed = started.elapsed();
        assert!(
            elapsed >= Duration::from_millis(1125) && elapsed <= Duration::from_millis(1550),
            "0.5 s then 1 s backoff with jitter, got {elapsed:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn server_should_retry_header_overrides_the_status() {
        let server = TestServer::start(vec![
            Reply::new(503, "").header("x-should-retry", "false"),
            Reply::new(400, "").header("x-should-retry", "true"),
            Reply::new(200, CALL),
        ]);
        let client = server.client();
        let err = client
            .execute::<Data<Call>>(dial_request(), &RequestOptions::default())
            .await
            .expect_err("told not to retry");
        assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert!(!err.is_retryable());
        assert_eq!(server.requests().len(), 1);
        let _: Response<Data<Call>> = client
            .execute(dial_request(), &RequestOptions::default())
            .await
            .expect("the 400 is retried as told");
        assert_eq!(server.requests().len(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_over_a_minute_falls_back_to_backoff() {
        let server = TestServer::start(vec![
            Reply::new(503, "").header("retry-after", "120"),
            Reply::new(200, CALL),
        ]);
        let started = Instant::now();
        let _: Response<Data<Call>> = server
            .client()
            .execute(dial_request(), &RequestOptions::default())
            .await
            .expect("success");
        let elapsed = started.elapsed();
        assert!(
            elapsed >= Duration::from_millis(375) && elapsed <= Duration::from_millis(500),
            "backoff instead of two minutes, got {elapsed:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn ratelimit_reset_sets_the_wait_on_429() {
        let server = TestServer::start(vec![
            Reply::new(429, "").header("x-ratelimit-reset", "5"),
            Reply::new(200, CALL),
        ]);
        let started = Instant::now();
        let _: Response<Data<Call>> = server
            .client()
            .execute(dial_request(), &RequestOptions::default())
            .await
            .expect("success");
        let elapsed = started.elapsed();
        assert!(
            elapsed >= Duration::from_secs(5) && elapsed < Duration::from_millis(5100),
            "{elapsed:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn attempts_are_numbered_and_keep_one_command_id() {
        let server = TestServer::start(vec![
            Reply::new(503, ""),
            Reply::new(502, ""),
            Reply::new(200, CALL),
        ]);
        let _: Response<Data<Call>> = server
            .client()
            .execute(dial_request(), &RequestOptions::default())
            .await
            .expect("third attempt");
        let seen = server.requests();
        let counts: Vec<&str> = seen
            .iter()
            .map(|r| {
                r.headers[crate::RETRY_COUNT_HEADER]
                    .to_str()
                    .expect("ascii")
            })
            .collect();
        assert_eq!(counts, ["0", "1", "2"]);
        let ids: Vec<String> = seen
            .iter()
            .map(|r| {
                let body: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
                body["command_id"].as_str().expect("command_id").to_owned()
            })
            .collect();
        assert_eq!(ids[0].len(), 36);
        assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn policies_from_the_builder_and_per_request() {
        let server = TestServer::start(vec![
            Reply::new(503, ""),
            Reply::new(400, ""),
            Reply::new(200, CALL),
            Reply::new(503, ""),
            Reply::new(503, ""),
            Reply::new(200, CALL),
        ]);
        let client = server
            .builder()
            .retry_policy(RetryPolicy::never())
            .build()
            .expect("client");
        assert_eq!(client.retry_policy().max_retries(), 0);
        client
            .execute::<Data<Call>>(dial_request(), &RequestOptions::default())
            .await
            .expect_err("never retried");
        assert_eq!(server.requests().len(), 1);
        let only_400 = RetryPolicy::default()
            .with_retryable_statuses([StatusCode::BAD_REQUEST])
            .with_max_retries(3);
        let _: Response<Data<Call>> = client
            .execute(
                dial_request(),
                &RequestOptions::new().with_retry_policy(only_400),
            )
            .await
            .expect("400 retried by the call's policy");
        assert_eq!(server.requests().len(), 3);
        // The builder's max_retries applies on top of its policy.
        let client = server
            .builder()
            .max_retries(1)
            .retry_policy(RetryPolicy::default().with_max_retries(5))
            .build()
            .expect("client");
        client
            .execute::<Data<Call>>(dial_request(), &RequestOptions::default())
            .await
            .expect_err("one retry only");
        assert_eq!(server.requests().len(), 5);
    }

    #[tokio::test(start_paused = true)]
    async fn per_request_max_retries_wins() {
        let server = TestServer::start(vec![Reply::new(503, ""), Reply::new(200, CALL)]);
        let client = server.builder().max_retries(5).build().expect("client");
        let err = client
            .execute::<Data<Call>>(dial_request(), &RequestOptions::new().with_max_retries(0))
            .await
            .expect_err("no retry");
        assert!(err.is_server_error());
        assert_eq!(server.requests().len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn client_max_retries_zero_sends_once() {
        let server = TestServer::start(vec![Reply::new(429, ""), Reply::new(200, CALL)]);
        let client = server.builder().max_retries(0).build().expect("client");
        let err = client
            .execute::<Data<Call>>(dial_request(), &RequestOptions::default())
            .await
            .expect_err("no retry");
        assert!(err.is_rate_limited());
        assert_eq!(server.requests().len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn retries_408_and_409() {
        let server = TestServer::start(vec![
            Reply::new(408, ""),
            Reply::new(409, ""),
            Reply::new(200, CALL),
        ]);
        let _: Response<Data<Call>> = server
            .client()
            .execute(dial_request(), &RequestOptions::default())
            .await
            .expect("third attempt succeeds");
        assert_eq!(server.requests().len(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn client_errors_are_not_retried_and_map_to_helpers() {
        type Check = fn(&Error) -> bool;
        let cases: [(u16, Check); 5] = [
            (400, |e| e.status() == Some(StatusCode::BAD_REQUEST)),
            (401, Error::is_unauthorized),
            (403, Error::is_forbidden),
            (404, Error::is_not_found),
            (422, Error::is_unprocessable),
        ];
        for (status, check) in cases {
            let server = TestServer::start(vec![
                Reply::new(status, r#"{"errors":[{"code":"10015","title":"Bad","detail":"Invalid value for to","source":{"pointer":"/to"}}]}"#)
                    .header("x-request-id", "abc"),
                Reply::new(200, CALL),
            ]);
            let err = server
                .client()
                .execute::<Data<Call>>(dial_request(), &RequestOptions::default())
                .await
                .expect_err("client error");
            assert!(check(&err), "{status}: {err}");
            assert!(matches!(err, Error::Api(_)));
            assert_eq!(server.requests().len(), 1, "{status} must not be retried");
            let api = err.api_error().expect("api error");
            let detail = api.first().expect("detail");
            assert_eq!(detail.code.as_deref(), Some("10015"));
            assert_eq!(detail.title.as_deref(), Some("Bad"));
            assert_eq!(detail.detail.as_deref(), Some("Invalid value for to"));
            assert_eq!(
                detail.source.as_ref().and_then(|s| s.pointer.as_deref()),
                Some("/to")
            );
            assert!(err
                .to_string()
                .ends_with("Invalid value for to (code 10015, pointer /to) [request id abc]"));
        }
    }

    #[tokio::test]
    async fn malformed_success_body_is_decode_error_with_path() {
        let server = TestServer::start(vec![
            Reply::new(200, r#"{"data":{"call_control_id":42}}"#),
            Reply::new(200, "not json at all"),
        ]);
        let client = server.client();
        let err = client
            .execute::<Data<Call>>(dial_request(), &RequestOptions::default())
            .await
            .expect_err("wrong type");
        match &err {
            Error::Decode {
                status,
                path,
                snippet,
                ..
            } => {
                assert_eq!(*status, StatusCode::OK);
                assert_eq!(path, "data.call_control_id");
                assert!(snippet.contains("\"call_control_id\":42"));
            }
            other => panic!("expected decode error, got {other:?}"),
        }
        let err = client
            .execute::<Data<Call>>(dial_request(), &RequestOptions::default())
            .await
            .expect_err("not json");
        assert!(
            matches!(&err, Error::Decode { snippet, .. } if snippet == "not json at all"),
            "{err:?}"
        );
        assert_eq!(server.requests().len(), 2, "decode errors are not retried");
    }

    #[tokio::test]
    async fn empty_path_param_fails_before_any_request() {
        let server = TestServer::start(vec![Reply::new(200, CALL)]);
        let client = server.client();
        let attempt = async {
            let id = path_param("call_control_id", "")?;
            client
                .execute::<Data<Call>>(
                    ApiRequest::new(Method::POST, format!("/calls/{id}/actions/hangup")),
                    &RequestOptions::default(),
                )
                .await
        };
        let err = attempt.await.expect_err("invalid");
        assert!(
            matches!(&err, Error::InvalidArgument { name, .. } if name == "call_control_id"),
            "{err:?}"
        );
        assert!(server.requests().is_empty());
    }

    #[tokio::test]
    async fn traversal_characters_stay_in_one_segment() {
        let server = TestServer::start(vec![Reply::new(200, CALL)]);
        let id = path_param("call_control_id", "../../numbers?x=1#frag").expect("encoded");
        let req = ApiRequest::new(Method::POST, format!("/calls/{id}/actions/answer"));
        let _: Response<Data<Call>> = server
            .client()
            .execute(req, &RequestOptions::default())
            .await
            .expect("success");
        assert_eq!(
            server.requests()[0].uri,
            "/v2/calls/..%2F..%2Fnumbers%3Fx%3D1%23frag/actions/answer"
        );
    }

    #[tokio::test]
    async fn slow_server_times_out() {
        let server = TestServer::start(vec![
            Reply::new(200, CALL).delayed(Duration::from_secs(30)),
            Reply::new(200, CALL).delayed(Duration::from_secs(30)),
        ]);
        let client = server
            .builder()
            .timeout(Duration::from_millis(150))
            .max_retries(0)
            .build()
            .expect("client");
        let started = std::time::Instant::now();
        let err = client
            .execute::<Data<Call>>(dial_request(), &RequestOptions::default())
            .await
            .expect_err("timeout");
        assert!(err.is_timeout(), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(5));

        // A per-request timeout overrides a generous client default.
        let client = server
            .builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        let started = std::time::Instant::now();
        let err = client
            .execute::<Data<Call>>(
                dial_request(),
                &RequestOptions::new()
                    .with_timeout(Duration::from_millis(100))
                    .with_max_retries(0),
            )
            .await
            .expect_err("timeout");
        assert!(err.is_timeout(), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn dropped_connection_is_retried_with_same_body() {
        use std::io::{Read, Write};
        test_server::install_trace_capture();
        test_server::take_events();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = std::thread::spawn(move || {
            let mut bodies = Vec::new();
            for attempt in 0..2 {
                let (mut socket, _) = listener.accept().expect("accept");
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                // Read until the whole JSON body (ends with `}`) has arrived.
                while !seen.ends_with(b"}") {
                    let n = socket.read(&mut buf).expect("read");
                    if n == 0 {
                        break;
                    }
                    seen.extend_from_slice(&buf[..n]);
                }
                let text = String::from_utf8_lossy(&seen).into_owned();
                bodies.push(text.split("\r\n\r\n").nth(1).unwrap_or("").to_owned());
                if attempt == 1 {
                    let reply = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{CALL}",
                        CALL.len()
                    );
                    socket.write_all(reply.as_bytes()).expect("write");
                }
                // Dropping the socket closes it; on the first attempt that
                // happens before any response is written.
            }
            bodies
        });
        let client = Client::builder()
            .api_key("k")
            .base_url(format!("http://127.0.0.1:{port}/v2"))
            .http_client(
                reqwest::Client::builder()
                    .pool_idle_timeout(None)
                    .build()
                    .expect("reqwest"),
            )
            .without_timeout()
            .build()
            .expect("client");
        let response: Response<Data<Call>> = client
            .execute(dial_request(), &RequestOptions::default())
            .await
            .expect("second attempt succeeds");
        assert_eq!(response.data.call_control_id, "v3:abc");
        let bodies = server.join().expect("server thread");
        assert_eq!(bodies.len(), 2);
        assert!(bodies[0].contains("command_id"), "{bodies:?}");
        assert_eq!(bodies[0], bodies[1]);
        // Our retry loop (not the HTTP library) made the second attempt.
        let events = test_server::take_events();
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(events[0].contains("error=connection error"), "{events:?}");
    }

    #[tokio::test]
    async fn refused_connection_is_connection_error() {
        test_server::install_trace_capture();
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            listener.local_addr().expect("addr").port()
        };
        let client = Client::builder()
            .api_key("k")
            .base_url(format!("http://127.0.0.1:{port}"))
            .max_retries(0)
            .build()
            .expect("client");
        let err = client
            .execute::<Data<Call>>(dial_request(), &RequestOptions::default())
            .await
            .expect_err("refused");
        assert!(err.is_connection(), "{err:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn one_trace_event_per_attempt_without_credentials() {
        test_server::take_events();
        let server = TestServer::start(vec![Reply::new(503, ""), Reply::new(200, CALL)]);
        let _: Response<Data<Call>> = server
            .client()
            .execute(dial_request(), &RequestOptions::default())
            .await
            .expect("success");
        let events = test_server::take_events();
        assert_eq!(events.len(), 2, "{events:?}");
        for (event, (attempt, status)) in events.iter().zip([(1, 503), (2, 200)]) {
            assert!(event.contains("method=POST"), "{event}");
            assert!(event.contains("path=\"/calls\""), "{event}");
            assert!(event.contains(&format!("attempt={attempt} ")), "{event}");
            assert!(event.contains(&format!("status={status} ")), "{event}");
            assert!(event.contains("elapsed_ms="), "{event}");
            assert!(!event.contains("test-key"), "{event}");
            assert!(!event.to_lowercase().contains("bearer"), "{event}");
        }
        assert!(events[0].contains("retry_in_ms="));
    }

    #[tokio::test]
    async fn download_traces_neither_the_query_nor_the_key() {
        test_server::take_events();
        let server = TestServer::start(vec![Reply::new(200, "RIFF-bytes")]);
        let url = format!(
            "{}/v2/recordings/r1.wav?X-Amz-Signature=secret-sig",
            server.origin()
        );
        let body = server
            .client()
            .download(&url)
            .await
            .expect("download")
            .collect_bytes()
            .await
            .expect("body");
        assert_eq!(&body[..], b"RIFF-bytes");
        let seen = server.requests();
        assert_eq!(
            seen[0].uri,
            "/v2/recordings/r1.wav?X-Amz-Signature=secret-sig"
        );
        assert_eq!(seen[0].headers["authorization"], "Bearer test-key");
        let events = test_server::take_events();
        assert_eq!(events.len(), 1, "{events:?}");
        assert!(
            events[0].contains("path=\"/v2/recordings/r1.wav\""),
            "{events:?}"
        );
        assert!(events[0].contains("status=200 "), "{events:?}");
        assert!(!events[0].contains("secret-sig"), "{events:?}");
        assert!(!events[0].contains("test-key"), "{events:?}");
    }

    #[test]
    fn debug_hides_the_key() {
        let builder = Client::builder().api_key("KEY_super_secret");
        assert!(!format!("{builder:?}").contains("super_secret"));
        let client = builder.build().expect("client");
        let shown = format!("{client:?}");
        assert!(!shown.contains("super_secret"), "{shown}");
        assert!(shown.contains("***"));
    }

    #[test]
    fn base_url_is_normalized_and_validated() {
        let url = |base: &str| Client::builder().api_key("k").base_url(base).build();
        assert_eq!(
            url("https://example.test/v2/").expect("ok").base_url(),
            "https://example.test/v2"
        );
        assert_eq!(
            url("http://example.test").expect("ok").base_url(),
            "http://example.test"
        );
        for bad in ["not a url", "ftp://example.test", "https://x.test/v2?a=b"] {
            assert!(matches!(url(bad), Err(Error::Config(_))), "{bad}");
        }
        assert_eq!(
            Client::new("k").expect("default").base_url(),
            DEFAULT_BASE_URL
        );
    }

    #[test]
    fn builder_requires_a_usable_key() {
        assert!(matches!(Client::builder().build(), Err(Error::Config(_))));
        assert!(matches!(Client::new("  "), Err(Error::Config(_))));
        let err = Client::new("bad\nkey").expect_err("header-unsafe");
        assert!(!err.to_string().contains("bad\nkey"));
    }

    #[test]
    fn environment_configuration() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        let err = ClientBuilder::from_lookup(env(&[])).expect_err("missing key");
        assert!(err.to_string().contains("TELNYX_API_KEY"));
        let client = ClientBuilder::from_lookup(env(&[("TELNYX_API_KEY", "k")]))
            .and_then(ClientBuilder::build)
            .expect("client");
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
        assert_eq!(client.public_key(), None);
        // The public key must be a real Ed25519 key: the client decodes it once when built.
        use base64::Engine as _;
        // The lookup closure takes `'static` pairs; leaking a few bytes in a test is fine.
        let key: &'static str = Box::leak(
            base64::engine::general_purpose::STANDARD
                .encode(
                    ed25519_dalek::SigningKey::from_bytes(&[7u8; 32])
                        .verifying_key()
                        .as_bytes(),
                )
                .into_boxed_str(),
        );
        let pairs: &'static [(&'static str, &'static str)] = Box::leak(Box::new([
            ("TELNYX_API_KEY", "k"),
            ("TELNYX_PUBLIC_KEY", key),
            ("TELNYX_BASE_URL", "http://localhost:9999/v2"),
        ]));
        let client = ClientBuilder::from_lookup(env(pairs))
            .and_then(ClientBuilder::build)
            .expect("client");
        assert_eq!(client.public_key(), Some(key));
        assert_eq!(client.base_url(), "http://localhost:9999/v2");
    }

    #[test]
    fn command_ids_are_fresh_uuids() {
        let ids: Vec<String> = (0..10_000).map(|_| new_command_id()).collect();
        let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
        for id in &ids {
            let parsed = uuid::Uuid::parse_str(id).expect("uuid");
            assert_eq!(parsed.get_version_num(), 4, "{id}");
            assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122, "{id}");
            assert_eq!(
                parsed.hyphenated().to_string(),
                *id,
                "lower-case, hyphenated"
            );
        }
        // Another thread draws from keys of its own.
        let other = std::thread::spawn(new_command_id).join().expect("thread");
        assert!(!distinct.contains(&other));
        // Every bit outside version and variant takes both values.
        let (mut ones, mut zeros) = (0u128, 0u128);
        for id in &ids {
            let bits = uuid::Uuid::parse_str(id).expect("uuid").as_u128();
            ones |= bits;
            zeros |= !bits;
        }
        let fixed: u128 = (0xF << 76) | (0x3 << 62);
        assert_eq!(ones & zeros & !fixed, !fixed);
    }

    #[test]
    fn client_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Client>();
    }
}
