//! Property tests: arbitrary input never panics and is only accepted when the
//! signature is genuine.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use proptest::prelude::*;
use telnyx_voice::webhooks::{WebhookError, WebhookVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER};

const NOW: u64 = 1_700_000_000;

fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&[42u8; 32])
}

fn verifier() -> WebhookVerifier {
    WebhookVerifier::from_key_bytes(signing_key().verifying_key().to_bytes()).unwrap()
}

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW)
}

fn message(timestamp: &[u8], body: &[u8]) -> Vec<u8> {
    let mut m = timestamp.to_vec();
    m.push(b'|');
    m.extend_from_slice(body);
    m
}

/// Header values: either arbitrary bytes or something that looks plausible.
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        "[A-Za-z0-9+/=-]{0,120}".prop_map(String::into_bytes),
        (NOW - 400..NOW + 400).prop_map(|t| t.to_string().into_bytes()),
    ]
}

fn header_name() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(TIMESTAMP_HEADER.as_bytes().to_vec()),
        Just(SIGNATURE_HEADER.as_bytes().to_vec()),
        Just(b"TELNYX-TIMESTAMP".to_vec()),
        Just(b"Telnyx-Signature-Ed25519".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..40),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Arbitrary headers and body: no panic, and acceptance only when the
    /// headers happen to carry a genuine signature over that exact input.
    #[test]
    fn arbitrary_input_is_rejected_unless_genuine(
        body in proptest::collection::vec(any::<u8>(), 0..2048),
        headers in proptest::collection::vec((header_name(), header_value()), 0..6),
    ) {
        let result = verifier().verify_at(&body, &headers, now());
        if result.is_ok() {
            let ts = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(TIMESTAMP_HEADER.as_bytes())).unwrap();
            let sig = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(SIGNATURE_HEADER.as_bytes())).unwrap();
            let expected = STANDARD.encode(signing_key().sign(&message(&ts.1, &body)).to_bytes());
            prop_assert_eq!(sig.1.clone(), expected.into_bytes());
        }
        let parsed: Result<serde_json::Value, _> = verifier().unwrap_at(&body, &headers, now());
        prop_assert!(parsed.is_err() || result.is_ok());
    }

    /// A genuine timestamp with an arbitrary 64-byte signature is rejected.
    #[test]
    fn arbitrary_signatures_are_rejected(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        sig in proptest::collection::vec(any::<u8>(), 64..=64),
        skew in -300i64..=300,
    ) {
        let ts = (NOW as i64 + skew).to_string();
        let sig_b64 = STANDARD.encode(&sig);
        let genuine = signing_key().sign(&message(ts.as_bytes(), &body)).to_bytes();
        prop_assume!(sig != genuine.as_slice());
        let headers = [(TIMESTAMP_HEADER, ts.as_str()), (SIGNATURE_HEADER, sig_b64.as_str())];
        prop_assert!(matches!(
            verifier().verify_at(&body, &headers, now()),
            Err(WebhookError::SignatureMismatch)
        ));
    }

    /// Genuine signatures over arbitrary bodies and in-tolerance timestamps
    /// are accepted; flipping any single body bit is not.
    #[test]
    fn genuine_signatures_are_accepted(
        body in proptest::collection::vec(any::<u8>(), 0..4096),
        skew in -300i64..=300,
        flip in any::<proptest::sample::Index>(),
        bit in 0u8..8,
    ) {
        let ts = (NOW as i64 + skew).to_string();
        let sig = STANDARD.encode(signing_key().sign(&message(ts.as_bytes(), &body)).to_bytes());
        let headers = [(TIMESTAMP_HEADER, ts.as_str()), (SIGNATURE_HEADER, sig.as_str())];
        prop_assert!(verifier().verify_at(&body, &headers, now()).is_ok());

        if !body.is_empty() {
            let mut tampered = body.clone();
            tampered[flip.index(body.len())] ^= 1 << bit;
            prop_assert!(matches!(
                verifier().verify_at(&tampered, &headers, now()),
                Err(WebhookError::SignatureMismatch)
            ));
        }
    }

    /// Any public-key text either builds a verifier or gives InvalidPublicKey.
    #[test]
    fn arbitrary_public_keys_never_panic(text in ".{0,100}") {
        match WebhookVerifier::new(&text) {
            Ok(_) | Err(WebhookError::InvalidPublicKey { .. }) => {}
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    /// Any 32 bytes either build a verifier or give InvalidPublicKey.
    #[test]
    fn arbitrary_key_bytes_never_panic(bytes in any::<[u8; 32]>()) {
        match WebhookVerifier::from_key_bytes(bytes) {
            Ok(_) | Err(WebhookError::InvalidPublicKey { .. }) => {}
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    /// Arbitrary `now` values (far past and future included) never panic.
    #[test]
    fn arbitrary_clock_values_never_panic(
        secs in any::<u32>(),
        before_epoch in any::<bool>(),
        tolerance in any::<u64>(),
        ts in any::<i64>(),
    ) {
        let now = if before_epoch {
            UNIX_EPOCH - Duration::from_secs(u64::from(secs))
        } else {
            UNIX_EPOCH + Duration::from_secs(u64::from(secs))
        };
        let ts = ts.to_string();
        let sig = STANDARD.encode(signing_key().sign(&message(ts.as_bytes(), b"{}")).to_bytes());
        let headers = [(TIMESTAMP_HEADER, ts.as_str()), (SIGNATURE_HEADER, sig.as_str())];
        let v = verifier().with_tolerance(Duration::from_secs(tolerance));
        match v.verify_at(b"{}", &headers, now) {
            Ok(()) | Err(WebhookError::TimestampOutOfTolerance { .. }) => {}
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }
}
