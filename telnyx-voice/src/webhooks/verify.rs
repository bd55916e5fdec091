//! The signature and timestamp checks behind [`WebhookVerifier`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::alphabet::STANDARD;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;

/// Standard base64 that accepts keys and signatures with or without `=` padding.
const STANDARD_PAD_INDIFFERENT: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH};

use super::{WebhookError, WebhookHeaders, WebhookPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// How far a webhook's timestamp may be from the current time by default:
/// five minutes either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Longest signature header (in base64 characters) decoded on the stack; a
/// genuine one is 88. Longer values are only decoded to report their length.
const MAX_INLINE_SIGNATURE_B64: usize = 128;

/// Checks that webhook deliveries were signed by Telnyx and are recent.
///
/// Holds one Ed25519 public key and a timestamp tolerance. It is small,
/// `Clone`, `Send` and `Sync`, so it can be copied into each request handler
/// or shared behind an `Arc` as convenient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookVerifier {
    key: VerifyingKey,
    tolerance: Duration,
}

impl WebhookVerifier {
    /// Creates a verifier from the account's base64 public key (the value
    /// shown in the Telnyx portal and usually stored as `TELNYX_PUBLIC_KEY`).
    ///
    /// Surrounding ASCII whitespace is ignored and missing `=` padding is
    /// tolerated. Fails with [`WebhookError::InvalidPublicKey`] if the text is
    /// not base64, does not decode to 32 bytes, or is not a curve point.
    pub fn new(public_key_base64: &str) -> Result<Self, WebhookError> {
        let text = public_key_base64.trim_ascii();
        // A 32-byte key is 44 base64 characters; refuse to decode anything
        // much longer than that.
        if text.len() > 64 {
            return Err(WebhookError::InvalidPublicKey {
                reason: format!(
                    "{} characters of base64 is too long for 32 bytes",
                    text.len()
                ),
            });
        }
        let mut buf = [0u8; 48];
        let len = STANDARD_PAD_INDIFFERENT
            .decode_slice(text, &mut buf)
            .map_err(|_| WebhookError::InvalidPublicKey {
                reason: "not valid base64".to_owned(),
            })?;
        let bytes: [u8; PUBLIC_KEY_LENGTH] = buf
            .get(..len)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| WebhookError::InvalidPublicKey {
                reason: format!("decodes to {len} bytes, expected {PUBLIC_KEY_LENGTH}"),
            })?;
        Self::from_key_bytes(bytes)
    }

    /// Creates a verifier from the 32 raw bytes of the public key.
    ///
    /// Fails with [`WebhookError::InvalidPublicKey`] if the bytes are not the
    /// encoding of a point on the Ed25519 curve.
    pub fn from_key_bytes(bytes: [u8; 32]) -> Result<Self, WebhookError> {
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| WebhookError::InvalidPublicKey {
            reason: "not a valid Ed25519 public key".to_owned(),
        })?;
        Ok(Self::from_verifying_key(key))
    }

    /// Creates a verifier from an already parsed `ed25519-dalek` key.
    pub fn from_verifying_key(key: VerifyingKey) -> Self {
        Self {
            key,
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// Returns the verifier with a different timestamp tolerance.
    ///
    /// A delivery is accepted when its timestamp is at most this far before
    /// or after the current time. Only whole seconds count: any fraction of a
    /// second in `tolerance` is ignored.
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The timestamp tolerance in use.
    pub fn tolerance(&self) -> Duration {
        self.tolerance
    }

    /// The public key deliveries are checked against.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Checks a delivery's signature and timestamp against the system clock.
    ///
    /// `payload` must be the request body exactly as received.
    pub fn verify<H: WebhookHeaders + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
    ) -> Result<(), WebhookError> {
        self.verify_at(payload, headers, SystemTime::now())
    }

    /// Checks a delivery's signature and timestamp, taking `now` as the
    /// current time (useful in tests and when replaying stored deliveries).
    ///
    /// The checks run in this order, and the first failure is returned:
    /// both headers present, timestamp well-formed, signature well-formed,
    /// timestamp within tolerance of `now`, and finally the signature itself.
    pub fn verify_at<H: WebhookHeaders + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        let timestamp_raw =
            headers
                .header(TIMESTAMP_HEADER)
                .ok_or(WebhookError::MissingHeader {
                    name: TIMESTAMP_HEADER,
                })?;
        let signature_raw =
            headers
                .header(SIGNATURE_HEADER)
                .ok_or(WebhookError::MissingHeader {
                    name: SIGNATURE_HEADER,
                })?;

        let timestamp = parse_timestamp(timestamp_raw).ok_or(WebhookError::InvalidTimestamp)?;
        let signature = decode_signature(signature_raw)?;

        let now_secs = unix_seconds(now);
        let tolerance_secs = self.tolerance.as_secs();
        let skew = i128::from(now_secs) - i128::from(timestamp);
        if skew.unsigned_abs() > u128::from(tolerance_secs) {
            return Err(WebhookError::TimestampOutOfTolerance {
                timestamp,
                now: now_secs,
                tolerance_secs,
            });
        }

        let message = signed_message(timestamp_raw, payload)?;
        self.key
            .verify_strict(&message, &signature)
            .map_err(|_| WebhookError::SignatureMismatch)
    }

    /// Verifies a delivery against the system clock, then parses the body.
    ///
    /// Returns [`WebhookError::Parse`] when the body is authentic but is not
    /// JSON that `E` accepts.
    pub fn unwrap<E: WebhookPayload, H: WebhookHeaders + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
    ) -> Result<E, WebhookError> {
        self.unwrap_at(payload, headers, SystemTime::now())
    }

    /// Verifies a delivery taking `now` as the current time, then parses
    /// the body.
    pub fn unwrap_at<E: WebhookPayload, H: WebhookHeaders + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
        now: SystemTime,
    ) -> Result<E, WebhookError> {
        self.verify_at(payload, headers, now)?;
        E::from_json_bytes(payload).map_err(WebhookError::Parse)
    }
}

/// Builds `timestamp | body` in a single exactly-sized buffer. Ed25519 hashes
/// the message in one piece, so one copy of the body is needed; reserving
/// fallibly turns an impossible allocation into an error instead of an abort.
fn signed_message(timestamp: &[u8], body: &[u8]) -> Result<Vec<u8>, WebhookError> {
    let too_large = WebhookError::PayloadTooLarge { len: body.len() };
    let total = timestamp
        .len()
        .checked_add(1)
        .and_then(|n| n.checked_add(body.len()))
        .ok_or(WebhookError::PayloadTooLarge { len: body.len() })?;
    let mut message = Vec::new();
    message.try_reserve_exact(total).map_err(|_| too_large)?;
    message.extend_from_slice(timestamp);
    message.push(b'|');
    message.extend_from_slice(body);
    Ok(message)
}

/// Parses an optional `-` followed by one or more ASCII digits, with no other
/// characters and no overflow.
fn parse_timestamp(raw: &[u8]) -> Option<i64> {
    let (negative, digits) = match raw.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, raw),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: i64 = 0;
    for &byte in digits {
        if !byte.is_ascii_digit() {
            return None;
        }
        let digit = i64::from(byte - b'0');
        value = value.checked_mul(10)?;
        value = if negative {
            value.checked_sub(digit)?
        } else {
            value.checked_add(digit)?
        };
    }
    Some(value)
}

/// Decodes the base64 signature header into an Ed25519 signature.
fn decode_signature(raw: &[u8]) -> Result<Signature, WebhookError> {
    if raw.len() <= MAX_INLINE_SIGNATURE_B64 {
        let mut buf = [0u8; MAX_INLINE_SIGNATURE_B64];
        let len = STANDARD_PAD_INDIFFERENT
            .decode_slice(raw, &mut buf)
            .map_err(|_| WebhookError::InvalidSignatureEncoding)?;
        let bytes: [u8; SIGNATURE_LENGTH] = buf
            .get(..len)
            .and_then(|b| b.try_into().ok())
            .ok_or(WebhookError::InvalidSignatureLength { len })?;
        Ok(Signature::from_bytes(&bytes))
    } else {
        // Certainly too long if it decodes at all; decode only to say how long.
        let decoded = STANDARD_PAD_INDIFFERENT
            .decode(raw)
            .map_err(|_| WebhookError::InvalidSignatureEncoding)?;
        Err(WebhookError::InvalidSignatureLength { len: decoded.len() })
    }
}

/// Whole Unix seconds for `time`, rounded towards negative infinity and
/// saturated to the `i64` range.
fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => {
            let d = before.duration();
            let secs = d.as_secs().saturating_add(u64::from(d.subsec_nanos() > 0));
            i64::try_from(secs).map_or(i64::MIN, |s| -s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_strictly() {
        assert_eq!(parse_timestamp(b"0"), Some(0));
        assert_eq!(parse_timestamp(b"1700000000"), Some(1_700_000_000));
        assert_eq!(parse_timestamp(b"-12"), Some(-12));
        assert_eq!(parse_timestamp(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_timestamp(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b""[..],
            b"-",
            b"+1",
            b" 1",
            b"1 ",
            b"1.5",
            b"1e9",
            b"9223372036854775808",
            b"-9223372036854775809",
            b"99999999999999999999999",
            "١٢".as_bytes(),
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn unix_seconds_floors_and_saturates() {
        assert_eq!(unix_seconds(UNIX_EPOCH + Duration::from_millis(1500)), 1);
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_millis(1500)), -2);
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_secs(3)), -3);
    }

    #[test]
    fn signature_lengths_are_reported() {
        let b64 = base64::engine::general_purpose::STANDARD;
        for len in [0usize, 1, 63, 65, 95, 96, 200] {
            let text = b64.encode(vec![1u8; len]);
            match decode_signature(text.as_bytes()) {
                Err(WebhookError::InvalidSignatureLength { len: got }) => assert_eq!(got, len),
                other => panic!("len {len}: {other:?}"),
            }
        }
        let ok = b64.encode([2u8; 64]);
        assert!(decode_signature(ok.as_bytes()).is_ok());
        assert!(decode_signature(ok.trim_end_matches('=').as_bytes()).is_ok());
    }
}
