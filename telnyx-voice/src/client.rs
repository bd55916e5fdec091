//! The HTTP client: configuration, authentication, sending with retries and
//! decoding responses.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use crate::error::{snippet, ApiError, Error, Result};
use crate::request::{ApiRequest, RequestOptions};
use crate::response::Response;
use crate::retry;

/// Base URL used when none is configured.
pub const DEFAULT_BASE_URL: &str = "https://api.telnyx.com/v2";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MAX_RETRIES: u32 = 2;

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
    timeout: Option<Duration>,
    max_retries: u32,
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
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    #[cfg(test)]
    no_timeout: bool,
}

/// A response read in full but not yet decoded.
struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
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

    /// Sends `req` (retrying as configured) and decodes the JSON body as `T`.
    #[allow(dead_code)] // called by generated endpoint code and pagination
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        req: ApiRequest,
        options: &RequestOptions,
    ) -> Result<Response<T>> {
        let raw = self.send(&req, options).await?;
        let body = decode::<T>(raw.status, &raw.body)?;
        Ok(Response::new(body, raw.status, raw.headers))
    }

    /// Sends `req` (retrying as configured) for endpoints that answer with no
    /// body; any body that does arrive is ignored.
    #[allow(dead_code)] // called by generated endpoint code
    pub(crate) async fn execute_no_content(
        &self,
        req: ApiRequest,
        options: &RequestOptions,
    ) -> Result<Response<()>> {
        let raw = self.send(&req, options).await?;
        Ok(Response::new((), raw.status, raw.headers))
    }

    async fn send(&self, req: &ApiRequest, options: &RequestOptions) -> Result<RawResponse> {
        let max_retries = options.max_retries().unwrap_or(self.inner.max_retries);
        let timeout = options.timeout().or(self.inner.timeout);
        let url = format!("{}{}", self.inner.base_url, req.path_and_query());
        let mut retries_done = 0u32;
        loop {
            let started = Instant::now();
            let outcome = self.attempt(req, &url, options, timeout).await;
            let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let wait = match &outcome {
                Err(err) if retries_done < max_retries && retry::should_retry(err) => {
                    Some(retry::delay(retries_done, err.retry_after()))
                }
                _ => None,
            };
            let status = match &outcome {
                Ok(raw) => Some(raw.status.as_u16()),
                Err(err) => err.status().map(|status| status.as_u16()),
            };
            tracing::debug!(
                method = %req.method(),
                path = req.path(),
                status,
                attempt = retries_done + 1,
                elapsed_ms,
                retry_in_ms = wait.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                error = outcome.as_ref().err().map(tracing::field::display),
                "telnyx api attempt"
            );
            match (outcome, wait) {
                (Ok(raw), _) => return Ok(raw),
                (Err(_), Some(wait)) => {
                    tokio::time::sleep(wait).await;
                    retries_done += 1;
                }
                (Err(err), None) => return Err(err),
            }
        }
    }

    async fn attempt(
        &self,
        req: &ApiRequest,
        url: &str,
        options: &RequestOptions,
        timeout: Option<Duration>,
    ) -> Result<RawResponse> {
        let mut builder = self
            .inner
            .http
            .request(req.method().clone(), url)
            .header(AUTHORIZATION, self.inner.authorization.clone())
            .header(USER_AGENT, self.inner.user_agent.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(body) = req.body() {
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone());
        }
        if !options.headers().is_empty() {
            builder = builder.headers(options.headers().clone());
        }

        let started = Instant::now();
        let exchange = async {
            let response = builder
                .send()
                .await
                .map_err(|err| transport_error(err, started))?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = response
                .bytes()
                .await
                .map_err(|err| transport_error(err, started))?;
            Ok::<_, Error>(RawResponse {
                status,
                headers,
                body,
            })
        };
        let raw = match timeout {
            Some(limit) => {
                tokio::time::timeout(limit, exchange)
                    .await
                    .map_err(|_| Error::Timeout {
                        elapsed: started.elapsed(),
                    })??
            }
            None => exchange.await?,
        };
        if raw.status.is_success() {
            Ok(raw)
        } else {
            Err(Error::Api(Box::new(ApiError::from_response(
                raw.status,
                &raw.headers,
                &raw.body,
            ))))
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_key", &"***")
            .field("public_key", &self.inner.public_key)
            .field("base_url", &self.inner.base_url)
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.max_retries)
            .finish()
    }
}

impl ClientBuilder {
    /// Builder pre-filled from environment-like `lookup` (see
    /// [`Client::from_env`]).
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder> {
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

    /// How many times a failed call may be retried. Defaults to 2.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// The `User-Agent` header value. Defaults to
    /// `telnyx-voice-rust/<crate version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses an existing `reqwest` client (for proxies, custom TLS, shared
    /// pools...) instead of building one.
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

        let http = match self.http_client {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|err| Error::Config(format!("could not create the HTTP client: {err}")))?,
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

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                authorization,
                user_agent,
                public_key: self.public_key,
                webhook_verifier,
                base_url,
                timeout,
                max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
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
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http_client.is_some())
            .finish()
    }
}

/// A fresh random (v4) UUID for the `command_id` of a call command. Set once
/// per command so that retries are recognized as duplicates by Telnyx.
#[allow(dead_code)] // called by generated endpoint code
pub(crate) fn new_command_id() -> String {
    uuid::Uuid::new_v4().to_string()
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

/// Decodes a success body, reporting where in the document decoding failed.
fn decode<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T> {
    let fail = |path: String, err: serde_json::Error| Error::Decode {
        status,
        path,
        message: err.to_string(),
        snippet: snippet(body),
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize::<_, T>(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        fail(path, err.into_inner())
    })?;
    deserializer
        .end()
        .map_err(|err| fail(".".to_owned(), err))?;
    Ok(value)
}

#[cfg(test)]
pub(crate) mod test_server {
    //! A scripted HTTP server on a loopback port, running on its own thread
    //! and runtime so it keeps real time even when a test pauses its clock.

    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex, PoisonError};
    use std::time::Duration;

    use axum::body::Body;
    use axum::extract::{Request, State};
    use http::{HeaderMap, StatusCode};

    use super::{Client, ClientBuilder};

    thread_local! {
        static EVENTS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    /// Global subscriber that keeps the fields of this crate's events, per
    /// thread. It is installed once, before any test can reach a callsite,
    /// because tracing caches per-callsite interest process-wide and a
    /// scoped subscriber set in one parallel test can miss events.
    struct Capture;

    struct FieldText(String);

    impl tracing::field::Visit for FieldText {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            self.0.push_str(&format!("{}={:?} ", field.name(), value));
        }
    }

    impl tracing::Subscriber for Capture {
        fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
            metadata.target().starts_with("telnyx_voice")
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            let mut text = FieldText(String::new());
            event.record(&mut text);
            EVENTS.with(|events| events.borrow_mut().push(text.0));
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    /// Installs the capturing subscriber (once per process). Every test that
    /// sends a request calls this first, through [`TestServer::start`].
    pub(crate) fn install_trace_capture() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let _ = tracing::subscriber::set_global_default(Capture);
        });
    }

    /// Removes and returns the events recorded on the current thread.
    pub(crate) fn take_events() -> Vec<String> {
        EVENTS.with(|events| std::mem::take(&mut *events.borrow_mut()))
    }

    /// One request as the server saw it.
    #[derive(Clone, Debug)]
    pub(crate) struct Recorded {
        pub(crate) method: String,
        pub(crate) uri: String,
        pub(crate) headers: HeaderMap,
        pub(crate) body: Vec<u8>,
    }

    /// One scripted answer.
    #[derive(Clone, Debug)]
    pub(crate) struct Reply {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
        delay: Duration,
    }

    impl Reply {
        pub(crate) fn new(status: u16, body: impl Into<String>) -> Self {
            Reply {
                status,
                headers: vec![("content-type", "application/json".to_owned())],
                body: body.into(),
                delay: Duration::ZERO,
            }
        }

        pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
            self.headers.push((name, value.into()));
            self
        }

        pub(crate) fn delayed(mut self, delay: Duration) -> Self {
            self.delay = delay;
            self
        }
    }

    struct Shared {
        replies: Mutex<VecDeque<Reply>>,
        seen: Mutex<Vec<Recorded>>,
    }

    pub(crate) struct TestServer {
        base: String,
        shared: Arc<Shared>,
        stop: Option<tokio::sync::oneshot::Sender<()>>,
    }

    async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> axum::response::Response {
        let (parts, body) = req.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX)
            .await
            .map(|b| b.to_vec())
            .unwrap_or_default();
        shared
            .seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Recorded {
                method: parts.method.to_string(),
                uri: parts.uri.to_string(),
                headers: parts.headers,
                body,
            });
        let reply = shared
            .replies
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
            .unwrap_or_else(|| Reply::new(418, r#"{"errors":[{"title":"no scripted reply"}]}"#));
        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        let mut response = axum::response::Response::new(Body::from(reply.body));
        *response.status_mut() = StatusCode::from_u16(reply.status).expect("scripted status");
        for (name, value) in reply.headers {
            response
                .headers_mut()
                .insert(name, value.parse().expect("scripted header"));
        }
        response
    }

    impl TestServer {
        pub(crate) fn start(replies: Vec<Reply>) -> TestServer {
            install_trace_capture();
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
            listener.set_nonblocking(true).expect("nonblocking");
            let addr = listener.local_addr().expect("addr");
            let shared = Arc::new(Shared {
                replies: Mutex::new(replies.into()),
                seen: Mutex::new(Vec::new()),
            });
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let state = Arc::clone(&shared);
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("server runtime");
                runtime.block_on(async move {
                    let listener =
                        tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    let app = axum::Router::new().fallback(handle).with_state(state);
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async move {
                            let _ = stopped.await;
                        })
                        .await;
                });
            });
            TestServer {
                base: format!("http://{addr}"),
                shared,
                stop: Some(stop),
            }
        }

        /// Everything received so far, in arrival order.
        pub(crate) fn requests(&self) -> Vec<Recorded> {
            self.shared
                .seen
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        }

        /// A builder aimed at `<origin>/v2/` with a test key, a pool without
        /// idle timers and no per-attempt timeout.
        pub(crate) fn builder(&self) -> ClientBuilder {
            let http = reqwest::Client::builder()
                .pool_idle_timeout(None)
                .build()
                .expect("reqwest client");
            Client::builder()
                .api_key("test-key")
                .base_url(format!("{}/v2/", self.base))
                .http_client(http)
                .without_timeout()
        }

        pub(crate) fn client(&self) -> Client {
            self.builder().build().expect("client")
        }
    }

    impl Drop for TestServer {
        fn drop(&mut self) {
            if let Some(stop) = self.stop.take() {
                let _ = stop.send(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_server::{Reply, TestServer};
    use super::*;
    use crate::request::{path_param, QueryStyle};
    use crate::response::Data;
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
        let a = new_command_id();
        let b = new_command_id();
        assert_ne!(a, b);
        assert_eq!(
            uuid::Uuid::parse_str(&a).expect("uuid").get_version_num(),
            4
        );
    }

    #[test]
    fn client_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Client>();
    }
}
