//! Verification of signed Telnyx webhook deliveries.
//!
//! Every webhook Telnyx sends carries two headers:
//!
//! * `telnyx-timestamp`: the send time in whole Unix seconds, written in decimal;
//! * `telnyx-signature-ed25519`: a base64 Ed25519 signature over the bytes of
//!   that timestamp header, a `|` byte, and the raw request body.
//!
//! [`WebhookVerifier`] holds your account's public key and checks both: the
//! signature must be genuine (strict Ed25519 verification over the exact bytes
//! received, never over re-serialized JSON) and the timestamp must lie within a
//! tolerance window around the current time (five minutes by default), which
//! limits how long a captured delivery can be replayed.
//!
//! Header lookup goes through the [`WebhookHeaders`] trait, implemented for
//! [`http::HeaderMap`], for slices, arrays and vectors of name/value pairs and
//! for hash and B-tree maps, so the verifier works with any web framework. A
//! verified body becomes a typed value through [`WebhookPayload`]; the crate's
//! generated event enum implements it, and so do [`serde_json::Value`] and the
//! [`JsonPayload`] wrapper for your own `Deserialize` types.
//!
//! With the `axum` feature, the `axum` submodule offers a `VerifiedWebhook`
//! extractor that does all of this inside a handler's argument list.
//!
//! ```
//! use std::time::{Duration, SystemTime, UNIX_EPOCH};
//! use base64::Engine as _;
//! use ed25519_dalek::{Signer, SigningKey};
//! use telnyx_voice::webhooks::{WebhookError, WebhookVerifier};
//!
//! // Telnyx holds the signing key; here we make one to have something to check.
//! let signing = SigningKey::from_bytes(&[7u8; 32]);
//! let b64 = base64::engine::general_purpose::STANDARD;
//! let public_key = b64.encode(signing.verifying_key().as_bytes());
//!
//! let body = br#"{"data":{"event_type":"call.answered"}}"#;
//! let timestamp = "1700000000";
//! let mut message = timestamp.as_bytes().to_vec();
//! message.push(b'|');
//! message.extend_from_slice(body);
//! let signature = b64.encode(signing.sign(&message).to_bytes());
//!
//! let headers = [
//!     ("Telnyx-Timestamp", timestamp),
//!     ("Telnyx-Signature-Ed25519", signature.as_str()),
//! ];
//! let verifier = WebhookVerifier::new(&public_key)?;
//! let now = UNIX_EPOCH + Duration::from_secs(1_700_000_030);
//! let event: serde_json::Value = verifier.unwrap_at(body, &headers, now)?;
//! assert_eq!(event["data"]["event_type"], "call.answered");
//!
//! // The same delivery an hour later is refused as a possible replay.
//! let later = now + Duration::from_secs(3600);
//! assert!(matches!(
//!     verifier.verify_at(body, &headers, later),
//!     Err(WebhookError::TimestampOutOfTolerance { .. })
//! ));
//! # Ok::<(), WebhookError>(())
//! ```

#[cfg(feature = "axum")]
pub mod axum;
#[cfg(feature = "webhooks")]
mod client;
mod verify;

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

#[cfg(feature = "webhooks")]
pub use client::Webhooks;
pub use verify::{WebhookVerifier, DEFAULT_TOLERANCE};

/// Name of the header carrying the base64 Ed25519 signature (lowercase).
pub const SIGNATURE_HEADER: &str = "telnyx-signature-ed25519";

/// Name of the header carrying the Unix timestamp in seconds (lowercase).
pub const TIMESTAMP_HEADER: &str = "telnyx-timestamp";

/// Environment variable that [`verifier_from_env`] reads the public key from.
pub const PUBLIC_KEY_ENV: &str = "TELNYX_PUBLIC_KEY";

/// Everything that can make a webhook delivery (or a verifier) unusable.
///
/// Each variant names one precise cause, so callers can log or count
/// rejections by kind. More variants may be added in later releases.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// A required header was absent from the request.
    #[error("webhook header `{name}` is missing")]
    MissingHeader {
        /// Lowercase name of the absent header.
        name: &'static str,
    },

    /// The timestamp header was not a decimal integer that fits in an `i64`.
    #[error("webhook header `telnyx-timestamp` is not a decimal Unix timestamp")]
    InvalidTimestamp,

    /// The timestamp was further from the current time than the tolerance allows.
    #[error(
        "webhook timestamp {timestamp} is too {} (now {now}, tolerance {tolerance_secs} s)",
        age_word(*.timestamp, *.now)
    )]
    TimestampOutOfTolerance {
        /// The timestamp sent with the webhook, in Unix seconds.
        timestamp: i64,
        /// The verifier's notion of the current time, in Unix seconds.
        now: i64,
        /// The largest accepted distance between the two, in seconds.
        tolerance_secs: u64,
    },

    /// The signature header was not valid base64.
    #[error("webhook header `telnyx-signature-ed25519` is not valid base64")]
    InvalidSignatureEncoding,

    /// The signature header decoded to something other than 64 bytes.
    #[error("webhook signature is {len} bytes long, expected 64")]
    InvalidSignatureLength {
        /// Number of bytes the header decoded to.
        len: usize,
    },

    /// The configured public key could not be used.
    #[error("invalid Telnyx public key: {reason}")]
    InvalidPublicKey {
        /// Human-readable explanation of what is wrong with the key.
        reason: String,
    },

    /// The public-key environment variable was unset or not valid Unicode.
    #[error("environment variable `{name}` is not set (or is not valid Unicode)")]
    MissingPublicKey {
        /// Name of the environment variable that was read.
        name: &'static str,
    },

    /// The signature is well-formed but was not made by the configured key over
    /// this timestamp and body.
    #[error("webhook signature does not match the timestamp and body")]
    SignatureMismatch,

    /// The signed message could not be assembled because memory for it could
    /// not be reserved.
    #[error("webhook body of {len} bytes is too large to verify")]
    PayloadTooLarge {
        /// Length of the body that was offered.
        len: usize,
    },

    /// The body was authentic but not JSON of the expected shape.
    #[error("webhook body is not a valid event: {0}")]
    Parse(#[source] serde_json::Error),
}

fn age_word(timestamp: i64, now: i64) -> &'static str {
    if timestamp <= now {
        "old"
    } else {
        "new"
    }
}

/// Turns a verified webhook body into a typed value.
///
/// The generated `WebhookEvent` enum implements this with its own dispatch
/// on the event type; [`serde_json::Value`] and [`JsonPayload`] implement it
/// for untyped and custom handling.
pub trait WebhookPayload: Sized {
    /// Parses the raw JSON body of a webhook delivery.
    fn from_json_bytes(body: &[u8]) -> Result<Self, serde_json::Error>;
}

impl WebhookPayload for serde_json::Value {
    fn from_json_bytes(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }
}

/// Adapter that lets any `Deserialize` type be produced by
/// [`WebhookVerifier::unwrap`], for callers with their own event structs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsonPayload<T>(pub T);

impl<T: serde::de::DeserializeOwned> WebhookPayload for JsonPayload<T> {
    fn from_json_bytes(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body).map(JsonPayload)
    }
}

/// Parses a webhook body WITHOUT checking its signature or timestamp.
///
/// Meant for local tooling (replaying saved deliveries, fixtures, debugging).
/// A server receiving webhooks from the network should use
/// [`WebhookVerifier::unwrap`] instead, since anyone can send this body.
pub fn parse_unverified<E: WebhookPayload>(payload: &[u8]) -> Result<E, WebhookError> {
    E::from_json_bytes(payload).map_err(WebhookError::Parse)
}

/// Builds a [`WebhookVerifier`] from the base64 public key in the
/// `TELNYX_PUBLIC_KEY` environment variable (surrounding whitespace ignored).
pub fn verifier_from_env() -> Result<WebhookVerifier, WebhookError> {
    let value = std::env::var(PUBLIC_KEY_ENV).map_err(|_| WebhookError::MissingPublicKey {
        name: PUBLIC_KEY_ENV,
    })?;
    WebhookVerifier::new(&value)
}

/// Read access to request headers by name, ignoring ASCII case.
///
/// Implementations return the raw value bytes of the first header whose name
/// matches. Values are used exactly as returned: no whitespace is trimmed, so
/// sources that keep surrounding whitespace should strip it first (the `http`
/// crate already does).
pub trait WebhookHeaders {
    /// Returns the value of the first header called `name` (any ASCII case).
    fn header(&self, name: &str) -> Option<&[u8]>;
}

impl<T: WebhookHeaders + ?Sized> WebhookHeaders for &T {
    fn header(&self, name: &str) -> Option<&[u8]> {
        (**self).header(name)
    }
}

impl WebhookHeaders for http::HeaderMap {
    fn header(&self, name: &str) -> Option<&[u8]> {
        // `HeaderMap::get` with a `&str` key normalizes the case of the name.
        self.get(name).map(http::HeaderValue::as_bytes)
    }
}

impl<B> WebhookHeaders for http::Request<B> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers().header(name)
    }
}

impl WebhookHeaders for http::request::Parts {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers.header(name)
    }
}

fn find_pair<'a, K, V, I>(pairs: I, name: &str) -> Option<&'a [u8]>
where
    K: AsRef<[u8]> + 'a,
    V: AsRef<[u8]> + 'a,
    I: IntoIterator<Item = (&'a K, &'a V)>,
{
    pairs
        .into_iter()
        .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name.as_bytes()))
        .map(|(_, v)| v.as_ref())
}

impl<K: AsRef<[u8]>, V: AsRef<[u8]>> WebhookHeaders for [(K, V)] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        find_pair(self.iter().map(|(k, v)| (k, v)), name)
    }
}

impl<K: AsRef<[u8]>, V: AsRef<[u8]>, const N: usize> WebhookHeaders for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<[u8]>, V: AsRef<[u8]>> WebhookHeaders for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<[u8]>, V: AsRef<[u8]>, S: BuildHasher> WebhookHeaders for HashMap<K, V, S> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        find_pair(self.iter(), name)
    }
}

impl<K: AsRef<[u8]>, V: AsRef<[u8]>> WebhookHeaders for BTreeMap<K, V> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        find_pair(self.iter(), name)
    }
}

/// Header pairs collected by [`headers_from_pairs`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HeaderPairs<K, V>(pub Vec<(K, V)>);

impl<K: AsRef<[u8]>, V: AsRef<[u8]>> WebhookHeaders for HeaderPairs<K, V> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.0.as_slice().header(name)
    }
}

/// Collects any iterator of name/value pairs (strings, byte slices, `http`
/// header types, ...) into something the verifier can read headers from.
pub fn headers_from_pairs<I, K, V>(pairs: I) -> HeaderPairs<K, V>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<[u8]>,
    V: AsRef<[u8]>,
{
    HeaderPairs(pairs.into_iter().collect())
}
