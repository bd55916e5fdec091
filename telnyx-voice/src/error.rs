//! Error types returned by every operation of this crate.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Deserializer, Serialize};

use crate::json_object::JsonObject;
use crate::retry::{self, RetryPolicy};

/// Shorthand for a `Result` whose error side is this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Largest number of body bytes kept in an error for diagnostics.
pub(crate) const SNIPPET_LIMIT: usize = 512;

/// Everything that can go wrong when talking to the Telnyx API.
///
/// The enum is non-exhaustive; match on the variants you care about and use
/// the helper methods ([`Error::status`], [`Error::is_not_found`], ...) for
/// the common questions.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be delivered or its response could not be read
    /// (DNS failure, refused connection, reset socket, TLS problem...).
    #[error("connection error: {source}")]
    Connection {
        /// The underlying transport failure.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },

    /// No complete response arrived within the allowed time for one attempt.
    #[error("request timed out after {} ms", elapsed.as_millis())]
    Timeout {
        /// How long the attempt had been running when it was abandoned.
        elapsed: Duration,
    },

    /// The API answered with a non-success HTTP status.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The API answered with a success status but the body did not have the
    /// expected shape.
    #[error("could not decode response (HTTP {status}) at `{path}`: {message}; body starts with: {snippet}")]
    Decode {
        /// HTTP status of the response that failed to decode.
        status: StatusCode,
        /// Location of the offending value inside the JSON document, such as
        /// `data.call_control_id` (`.` when the problem is at the top level).
        path: String,
        /// What the JSON decoder complained about.
        message: String,
        /// The beginning of the response body (at most 512 bytes).
        snippet: String,
    },

    /// A value supplied by the caller cannot be turned into a valid request.
    /// No request was sent.
    #[error("invalid argument `{name}`: {reason}")]
    InvalidArgument {
        /// Name of the parameter that was rejected.
        name: String,
        /// Why it was rejected.
        reason: String,
    },

    /// The client itself is misconfigured (missing API key, unusable base
    /// URL, ...).
    #[error("configuration error: {0}")]
    Config(String),

    /// The status line and headers of a success response arrived, but its
    /// body did not arrive whole: the connection broke or stalled, or the
    /// body was larger than allowed.
    #[error("HTTP {status}: the response body {problem}; received so far: {snippet}")]
    Body {
        /// HTTP status of the response.
        status: StatusCode,
        /// What went wrong while reading the body.
        problem: BodyProblem,
        /// The beginning of what was received (at most 512 bytes).
        snippet: String,
    },
}

/// Why a response body could not be read in full (see [`Error::Body`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum BodyProblem {
    /// The connection closed or failed before the body was complete.
    Interrupted(Box<dyn std::error::Error + Send + Sync + 'static>),
    /// The body was still incomplete when the attempt's time ran out.
    TimedOut {
        /// How long the attempt had been running.
        elapsed: Duration,
    },
    /// The body is larger than the client reads (see
    /// [`ClientBuilder::max_body_size`](crate::ClientBuilder::max_body_size)).
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
}

impl fmt::Display for BodyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyProblem::Interrupted(source) => {
                // The innermost cause says what happened ("connection reset
                // by peer"); the outer layers only say where.
                let mut cause: &(dyn std::error::Error + 'static) = source.as_ref();
                while let Some(inner) = cause.source() {
                    cause = inner;
                }
                write!(f, "was cut off ({cause})")
            }
            BodyProblem::TimedOut { elapsed } => {
                write!(f, "was not complete after {} ms", elapsed.as_millis())
            }
            BodyProblem::TooLarge { limit } => write!(f, "is larger than {limit} bytes"),
        }
    }
}

impl Error {
    /// The HTTP status of the response behind this error, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. } | Error::Body { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The structured API error, if the server answered with a failure status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    fn api_status_is(&self, code: u16) -> bool {
        matches!(self, Error::Api(api) if api.status.as_u16() == code)
    }

    /// True for HTTP 401: the API key is missing, wrong or revoked.
    pub fn is_unauthorized(&self) -> bool {
        self.api_status_is(401)
    }

    /// True for HTTP 403: the key is valid but not allowed to do this.
    pub fn is_forbidden(&self) -> bool {
        self.api_status_is(403)
    }

    /// True for HTTP 404: the call, resource or route does not exist.
    pub fn is_not_found(&self) -> bool {
        self.api_status_is(404)
    }

    /// True for HTTP 422: the request was understood but its parameters were
    /// rejected (see [`ApiError::errors`] for which ones).
    pub fn is_unprocessable(&self) -> bool {
        self.api_status_is(422)
    }

    /// True for HTTP 429: too many requests were sent.
    pub fn is_rate_limited(&self) -> bool {
        self.api_status_is(429)
    }

    /// True for any HTTP 5xx answer.
    pub fn is_server_error(&self) -> bool {
        matches!(self, Error::Api(api) if api.status.is_server_error())
    }

    /// True when an attempt ran out of time (before the response began or
    /// while its body was arriving).
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            Error::Timeout { .. }
                | Error::Body {
                    problem: BodyProblem::TimedOut { .. },
                    ..
                }
        )
    }

    /// True when the transport failed before a full response was received
    /// (including a connection lost in the middle of a body).
    pub fn is_connection(&self) -> bool {
        matches!(
            self,
            Error::Connection { .. }
                | Error::Body {
                    problem: BodyProblem::Interrupted(_),
                    ..
                }
        )
    }

    /// Whether the default [`RetryPolicy`] considers this failure worth
    /// another attempt (ignoring how many were already made).
    pub fn is_retryable(&self) -> bool {
        self.is_retryable_by(&RetryPolicy::default())
    }

    /// Whether `policy` considers this failure worth another attempt
    /// (ignoring how many were already made). Connection failures and
    /// timeouts are judged as failures without a status; API errors by their
    /// status and `x-should-retry` header; every other error never is.
    pub fn is_retryable_by(&self, policy: &RetryPolicy) -> bool {
        self.retry_inputs()
            .is_some_and(|(status, server_says)| policy.is_retryable(status, server_says))
    }

    /// The plain values a retry decision is made on, or `None` for errors
    /// that repeating the same request cannot fix.
    pub(crate) fn retry_inputs(&self) -> Option<(Option<StatusCode>, Option<bool>)> {
        match self {
            Error::Connection { .. } | Error::Timeout { .. } => Some((None, None)),
            Error::Body {
                problem: BodyProblem::Interrupted(_) | BodyProblem::TimedOut { .. },
                ..
            } => Some((None, None)),
            Error::Api(api) => Some((Some(api.status), api.should_retry)),
            _ => None,
        }
    }

    /// The wait the server asked for (`retry-after-ms` or `Retry-After`), if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(api) => api.retry_after,
            _ => None,
        }
    }

    /// The `x-request-id` the server attached to a failed response, useful
    /// when contacting Telnyx support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn connection(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::Connection {
            source: Box::new(source),
        }
    }

    pub(crate) fn invalid_argument(name: &str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            name: name.to_owned(),
            reason: reason.into(),
        }
    }
}

/// A failure response from the Telnyx API.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// The entries of the `errors` array of the body, in order. Empty when the
    /// body was not in the usual Telnyx error format.
    pub errors: Vec<ApiErrorDetail>,
    /// Value of the `x-request-id` response header.
    pub request_id: Option<String>,
    /// Wait time requested by the server through `retry-after-ms` or
    /// `Retry-After` (or, on a 429 without those, `x-ratelimit-reset`), as
    /// sent (not capped).
    pub retry_after: Option<Duration>,
    /// The server's `x-should-retry` header: whether it says repeating the
    /// request may succeed. It overrides the retry policy's status list.
    pub should_retry: Option<bool>,
    /// The beginning of the response body (at most 512 bytes, lossily decoded
    /// as UTF-8).
    pub body: String,
}

impl ApiError {
    /// Builds an error from the parts of a failed HTTP response.
    pub(crate) fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        let errors = error_details(body);
        ApiError {
            status,
            errors,
            request_id: header_string(headers, "x-request-id"),
            retry_after: retry::parse_retry_after(
                headers,
                status == StatusCode::TOO_MANY_REQUESTS,
                std::time::SystemTime::now(),
            ),
            should_retry: retry::parse_should_retry(headers),
            body: snippet(body),
        }
    }

    /// The first error entry, which usually carries the main explanation.
    pub fn first(&self) -> Option<&ApiErrorDetail> {
        self.errors.first()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status)?;
        if self.errors.is_empty() {
            let body = self.body.trim();
            if !body.is_empty() {
                write!(f, ": {body}")?;
            }
        } else {
            f.write_str(": ")?;
            for (index, detail) in self.errors.iter().enumerate() {
                if index > 0 {
                    f.write_str("; ")?;
                }
                write!(f, "{detail}")?;
            }
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// One entry of the `errors` array in a Telnyx failure body.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApiErrorDetail {
    /// Telnyx's machine-readable error code, e.g. `"10015"`. Numeric codes
    /// in the body are converted to their decimal text.
    pub code: Option<String>,
    /// Short, general summary of the problem.
    pub title: Option<String>,
    /// Explanation specific to this request.
    pub detail: Option<String>,
    /// Which part of the request caused the problem.
    pub source: Option<ApiErrorSource>,
    /// Any extra information the server included, kept as raw JSON.
    pub meta: Option<serde_json::Value>,
}

impl fmt::Display for ApiErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self
            .detail
            .as_deref()
            .or(self.title.as_deref())
            .unwrap_or("no description");
        f.write_str(text)?;
        let mut extras = Vec::new();
        if let Some(code) = &self.code {
            extras.push(format!("code {code}"));
        }
        if let Some(source) = &self.source {
            if let Some(pointer) = &source.pointer {
                extras.push(format!("pointer {pointer}"));
            }
            if let Some(parameter) = &source.parameter {
                extras.push(format!("parameter {parameter}"));
            }
        }
        if !extras.is_empty() {
            write!(f, " ({})", extras.join(", "))?;
        }
        Ok(())
    }
}

/// Location of the request value an [`ApiErrorDetail`] refers to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApiErrorSource {
    /// JSON pointer into the request body, e.g. `/to`.
    pub pointer: Option<String>,
    /// Name of the offending query or path parameter.
    pub parameter: Option<String>,
}

// The error types are read through a `serde_json::Value` (failures are the cold path), written
// out rather than derived so that the crate needs no serde derive.

impl Serialize for ApiErrorDetail {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        crate::private::serialize_map_with(serializer, |fields| {
            fields.required("code", &self.code);
            fields.required("title", &self.title);
            fields.required("detail", &self.detail);
            fields.required("source", &self.source);
            fields.required("meta", &self.meta);
        })
    }
}

impl<'de> Deserialize<'de> for ApiErrorDetail {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let mut object = JsonObject::read::<D>(serde_json::Value::deserialize(deserializer)?)?;
        Ok(ApiErrorDetail {
            // `"10015"`, `10015` or `null`.
            code: match object.take("code") {
                None => None,
                Some(serde_json::Value::String(text)) => Some(text),
                Some(other) => Some(other.to_string()),
            },
            title: object.string::<D>("title")?,
            detail: object.string::<D>("detail")?,
            source: object.decode::<D, ApiErrorSource>("source")?,
            meta: object.take("meta"),
        })
    }
}

impl Serialize for ApiErrorSource {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        crate::private::serialize_map_with(serializer, |fields| {
            fields.required("pointer", &self.pointer);
            fields.required("parameter", &self.parameter);
        })
    }
}

impl<'de> Deserialize<'de> for ApiErrorSource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let mut object = JsonObject::read::<D>(serde_json::Value::deserialize(deserializer)?)?;
        Ok(ApiErrorSource {
            pointer: object.string::<D>("pointer")?,
            parameter: object.string::<D>("parameter")?,
        })
    }
}

/// The `errors` array of a failure body; empty when the body has none or is not JSON.
fn error_details(body: &[u8]) -> Vec<ApiErrorDetail> {
    let Ok(serde_json::Value::Object(mut envelope)) = serde_json::from_slice(body) else {
        return Vec::new();
    };
    match envelope.remove("errors") {
        Some(errors @ serde_json::Value::Array(_)) => {
            serde_json::from_value(errors).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// The first [`SNIPPET_LIMIT`] bytes of `body`, cut on a character boundary.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= SNIPPET_LIMIT {
        return text.into_owned();
    }
    let mut end = SNIPPET_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut cut = text[..end].to_owned();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn api(status: u16, body: &str, headers: HeaderMap) -> Error {
        let status = StatusCode::from_u16(status).expect("valid status");
        Error::Api(Box::new(ApiError::from_response(
            status,
            &headers,
            body.as_bytes(),
        )))
    }

    #[test]
    fn parses_telnyx_error_body_and_displays_it() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", HeaderValue::from_static("abc"));
        let body = r#"{"errors":[{"code":"10015","title":"Invalid value","detail":"Invalid value for to","source":{"pointer":"/to"},"meta":{"url":"https://example.test/10015"}}]}"#;
        let err = api(422, body, headers);
        assert!(err.is_unprocessable());
        assert_eq!(err.request_id(), Some("abc"));
        let detail = err.api_error().and_then(ApiError::first).expect("detail");
        assert_eq!(detail.code.as_deref(), Some("10015"));
        assert_eq!(detail.title.as_deref(), Some("Invalid value"));
        assert_eq!(
            detail.source.as_ref().and_then(|s| s.pointer.as_deref()),
            Some("/to")
        );
        assert!(detail.meta.is_some());
        assert_eq!(
            err.to_string(),
            "422 Unprocessable Entity: Invalid value for to (code 10015, pointer /to) [request id abc]"
        );
    }

    #[test]
    fn numeric_code_and_parameter_source() {
        let body =
            r#"{"errors":[{"code":90015,"title":"Bad page","source":{"parameter":"page[size]"}}]}"#;
        let err = api(400, body, HeaderMap::new());
        let detail = err.api_error().and_then(ApiError::first).expect("detail");
        assert_eq!(detail.code.as_deref(), Some("90015"));
        assert_eq!(
            err.to_string(),
            "400 Bad Request: Bad page (code 90015, parameter page[size])"
        );
    }

    #[test]
    fn unparseable_body_still_gives_status() {
        let err = api(502, "<html>bad gateway</html>", HeaderMap::new());
        assert_eq!(err.status(), Some(StatusCode::BAD_GATEWAY));
        assert!(err.is_server_error());
        assert!(err.api_error().expect("api").errors.is_empty());
        assert_eq!(err.to_string(), "502 Bad Gateway: <html>bad gateway</html>");
    }

    #[test]
    fn helpers_match_only_their_status() {
        let cases = [
            (401, Error::is_unauthorized as fn(&Error) -> bool),
            (403, Error::is_forbidden),
            (404, Error::is_not_found),
            (422, Error::is_unprocessable),
            (429, Error::is_rate_limited),
            (500, Error::is_server_error),
        ];
        for (status, _) in cases {
            let err = api(status, "{}", HeaderMap::new());
            for (other, check) in cases {
                assert_eq!(check(&err), status == other, "{status} vs {other}");
            }
            assert!(!err.is_timeout() && !err.is_connection());
        }
        let timeout = Error::Timeout {
            elapsed: Duration::from_millis(1500),
        };
        assert!(timeout.is_timeout());
        assert_eq!(timeout.status(), None);
        assert_eq!(timeout.to_string(), "request timed out after 1500 ms");
    }

    #[test]
    fn retry_after_is_exposed() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("7"));
        let err = api(429, "", headers);
        assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    }

    #[test]
    fn retryable_follows_the_policy_and_the_server() {
        assert!(api(503, "", HeaderMap::new()).is_retryable());
        assert!(!api(404, "", HeaderMap::new()).is_retryable());
        let mut headers = HeaderMap::new();
        headers.insert("x-should-retry", HeaderValue::from_static("true"));
        let told = api(404, "", headers);
        assert_eq!(told.api_error().and_then(|a| a.should_retry), Some(true));
        assert!(told.is_retryable());
        let timeout = Error::Timeout {
            elapsed: Duration::ZERO,
        };
        assert!(timeout.is_retryable());
        // An empty status list still retries failures without a status.
        let no_statuses = RetryPolicy::default().with_retryable_statuses([]);
        assert!(timeout.is_retryable_by(&no_statuses));
        assert!(!api(503, "", HeaderMap::new()).is_retryable_by(&no_statuses));
        assert!(!Error::Config("x".into()).is_retryable());
        assert!(!Error::invalid_argument("id", "empty").is_retryable());
        let cut = Error::Body {
            status: StatusCode::OK,
            problem: BodyProblem::Interrupted(Box::new(std::io::Error::from(
                std::io::ErrorKind::ConnectionReset,
            ))),
            snippet: "{\"da".into(),
        };
        assert!(cut.is_retryable() && cut.is_connection() && !cut.is_timeout());
        assert_eq!(cut.status(), Some(StatusCode::OK));
        assert!(
            cut.to_string()
                .starts_with("HTTP 200 OK: the response body was cut off ("),
            "{cut}"
        );
        let big = Error::Body {
            status: StatusCode::OK,
            problem: BodyProblem::TooLarge { limit: 10 },
            snippet: String::new(),
        };
        assert!(!big.is_retryable());
        assert!(big.to_string().contains("is larger than 10 bytes"), "{big}");
    }

    #[test]
    fn ratelimit_reset_is_read_only_on_429() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("9"));
        assert_eq!(
            api(429, "", headers.clone()).retry_after(),
            Some(Duration::from_secs(9))
        );
        assert_eq!(api(503, "", headers).retry_after(), None);
    }

    #[test]
    fn snippet_is_bounded_on_char_boundary() {
        let long = "é".repeat(1000);
        let cut = snippet(long.as_bytes());
        assert!(cut.len() <= SNIPPET_LIMIT + '…'.len_utf8());
        assert!(cut.ends_with('…'));
        assert_eq!(snippet(b"short"), "short");
    }
}
