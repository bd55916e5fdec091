//! Case-by-case checks of webhook verification, each asserting the exact error.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use http::{HeaderMap, HeaderValue};
use telnyx_voice::webhooks::{
    headers_from_pairs, parse_unverified, JsonPayload, WebhookError, WebhookHeaders,
    WebhookVerifier, DEFAULT_TOLERANCE, SIGNATURE_HEADER, TIMESTAMP_HEADER,
};

const TS: i64 = 1_700_000_000;
const BODY: &[u8] = br#"{"data":{"event_type":"call.answered","id":"0ccc7b54","payload":{"call_control_id":"v3:abc"}}}"#;

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn public_b64(k: &SigningKey) -> String {
    STANDARD.encode(k.verifying_key().as_bytes())
}

fn sign(k: &SigningKey, timestamp: &str, body: &[u8]) -> String {
    let mut msg = timestamp.as_bytes().to_vec();
    msg.push(b'|');
    msg.extend_from_slice(body);
    STANDARD.encode(k.sign(&msg).to_bytes())
}

fn at(secs: i64) -> SystemTime {
    if secs >= 0 {
        UNIX_EPOCH + Duration::from_secs(secs as u64)
    } else {
        UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs())
    }
}

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new(&public_b64(&key(1))).expect("valid key")
}

fn good_headers() -> Vec<(String, String)> {
    let ts = TS.to_string();
    let sig = sign(&key(1), &ts, BODY);
    vec![
        (TIMESTAMP_HEADER.to_owned(), ts),
        (SIGNATURE_HEADER.to_owned(), sig),
    ]
}

fn with_header(name: &str, value: &str) -> Vec<(String, String)> {
    good_headers()
        .into_iter()
        .map(|(k, v)| {
            if k == name {
                (k, value.to_owned())
            } else {
                (k, v)
            }
        })
        .collect()
}

#[test]
fn valid_delivery_is_accepted() {
    verifier()
        .verify_at(BODY, &good_headers(), at(TS))
        .expect("genuine delivery");
}

#[test]
fn verify_uses_the_system_clock() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let sig = sign(&key(1), &now, BODY);
    let headers = [(TIMESTAMP_HEADER, now.as_str()), (SIGNATURE_HEADER, &sig)];
    verifier().verify(BODY, &headers).expect("fresh delivery");
    let event: serde_json::Value = verifier().unwrap(BODY, &headers).expect("parses");
    assert_eq!(event["data"]["event_type"], "call.answered");

    let old = at(TS)
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let sig = sign(&key(1), &old, BODY);
    let headers = [(TIMESTAMP_HEADER, old.as_str()), (SIGNATURE_HEADER, &sig)];
    assert!(matches!(
        verifier().verify(BODY, &headers),
        Err(WebhookError::TimestampOutOfTolerance { .. })
    ));
}

#[test]
fn missing_timestamp_header() {
    let headers: Vec<_> = good_headers()
        .into_iter()
        .filter(|(k, _)| k != TIMESTAMP_HEADER)
        .collect();
    assert!(matches!(
        verifier().verify_at(BODY, &headers, at(TS)),
        Err(WebhookError::MissingHeader {
            name: "telnyx-timestamp"
        })
    ));
}

#[test]
fn missing_signature_header() {
    let headers: Vec<_> = good_headers()
        .into_iter()
        .filter(|(k, _)| k != SIGNATURE_HEADER)
        .collect();
    assert!(matches!(
        verifier().verify_at(BODY, &headers, at(TS)),
        Err(WebhookError::MissingHeader {
            name: "telnyx-signature-ed25519"
        })
    ));
}

#[test]
fn missing_both_headers_reports_one() {
    let headers: [(&str, &str); 0] = [];
    assert!(matches!(
        verifier().verify_at(BODY, &headers, at(TS)),
        Err(WebhookError::MissingHeader { .. })
    ));
}

#[test]
fn header_names_in_any_case_are_accepted() {
    let good = good_headers();
    for (ts_name, sig_name) in [
        ("Telnyx-Timestamp", "Telnyx-Signature-Ed25519"),
        ("TELNYX-TIMESTAMP", "TELNYX-SIGNATURE-ED25519"),
        ("tElNyX-tImEsTaMp", "telnyx-SIGNATURE-ed25519"),
    ] {
        let headers = vec![
            (ts_name.to_owned(), good[0].1.clone()),
            (sig_name.to_owned(), good[1].1.clone()),
        ];
        verifier()
            .verify_at(BODY, &headers, at(TS))
            .unwrap_or_else(|e| panic!("{ts_name}/{sig_name}: {e}"));
    }
}

#[test]
fn every_header_container_works() {
    let good = good_headers();
    let v = verifier();
    let now = at(TS);

    let mut map = HeaderMap::new();
    map.insert(
        "Telnyx-Timestamp",
        HeaderValue::from_str(&good[0].1).unwrap(),
    );
    map.insert(
        "TELNYX-SIGNATURE-ED25519",
        HeaderValue::from_str(&good[1].1).unwrap(),
    );
    v.verify_at(BODY, &map, now).expect("HeaderMap");

    let mut req = http::Request::new(());
    *req.headers_mut() = map.clone();
    v.verify_at(BODY, &req, now).expect("Request");
    let (parts, ()) = req.into_parts();
    v.verify_at(BODY, &parts, now).expect("Parts");

    let strs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    v.verify_at(BODY, &strs, now).expect("Vec<(&str, &str)>");
    v.verify_at(BODY, strs.as_slice(), now)
        .expect("[(&str, &str)]");
    v.verify_at(BODY, &[strs[0], strs[1]], now).expect("array");
    v.verify_at(BODY, &good, now)
        .expect("Vec<(String, String)>");

    let bytes: Vec<(&[u8], Vec<u8>)> = good
        .iter()
        .map(|(k, v)| (k.as_bytes(), v.as_bytes().to_vec()))
        .collect();
    v.verify_at(BODY, &bytes, now).expect("byte pairs");

    let hash: HashMap<String, String> = good.iter().cloned().collect();
    v.verify_at(BODY, &hash, now).expect("HashMap");
    let tree: BTreeMap<&str, &str> = strs.iter().copied().collect();
    v.verify_at(BODY, &tree, now).expect("BTreeMap");

    let pairs = headers_from_pairs(map.iter());
    v.verify_at(BODY, &pairs, now)
        .expect("headers_from_pairs(HeaderMap::iter)");
    let pairs = headers_from_pairs(good.clone());
    v.verify_at(BODY, &pairs, now)
        .expect("headers_from_pairs(Vec)");

    let dyn_headers: &dyn WebhookHeaders = &map;
    v.verify_at(BODY, dyn_headers, now)
        .expect("dyn WebhookHeaders");
}

#[test]
fn non_numeric_timestamp() {
    for bad in [
        "",
        "abc",
        "17e8",
        "1700000000.0",
        " 1700000000",
        "+1700000000",
        "-",
    ] {
        let headers = with_header(TIMESTAMP_HEADER, bad);
        assert!(
            matches!(
                verifier().verify_at(BODY, &headers, at(TS)),
                Err(WebhookError::InvalidTimestamp)
            ),
            "{bad:?}"
        );
    }
    let headers = with_header(TIMESTAMP_HEADER, "99999999999999999999999999");
    assert!(matches!(
        verifier().verify_at(BODY, &headers, at(TS)),
        Err(WebhookError::InvalidTimestamp)
    ));
}

#[test]
fn too_old_timestamp() {
    let now = TS + 301;
    let err = verifier()
        .verify_at(BODY, &good_headers(), at(now))
        .unwrap_err();
    match &err {
        WebhookError::TimestampOutOfTolerance {
            timestamp,
            now: n,
            tolerance_secs,
        } => {
            assert_eq!((*timestamp, *n, *tolerance_secs), (TS, now, 300));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("too old"), "{err}");
}

#[test]
fn too_new_timestamp() {
    let err = verifier()
        .verify_at(BODY, &good_headers(), at(TS - 301))
        .unwrap_err();
    assert!(
        matches!(
            err,
            WebhookError::TimestampOutOfTolerance { timestamp: TS, .. }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("too new"), "{err}");
}

#[test]
fn tolerance_boundary_is_inclusive() {
    let v = verifier();
    let h = good_headers();
    v.verify_at(BODY, &h, at(TS + 300))
        .expect("exactly 300 s old");
    v.verify_at(BODY, &h, at(TS - 300))
        .expect("exactly 300 s early");
    // Sub-second parts of `now` are floored: 300.999 s is still 300.
    v.verify_at(BODY, &h, at(TS + 300) + Duration::from_millis(999))
        .expect("300.999 s old");
    assert!(matches!(
        v.verify_at(BODY, &h, at(TS + 301)),
        Err(WebhookError::TimestampOutOfTolerance { .. })
    ));
    assert!(matches!(
        v.verify_at(BODY, &h, at(TS - 301)),
        Err(WebhookError::TimestampOutOfTolerance { .. })
    ));

    let strict = verifier().with_tolerance(Duration::from_secs(10));
    assert_eq!(strict.tolerance(), Duration::from_secs(10));
    strict.verify_at(BODY, &h, at(TS + 10)).expect("10 s old");
    assert!(matches!(
        strict.verify_at(BODY, &h, at(TS + 11)),
        Err(WebhookError::TimestampOutOfTolerance {
            tolerance_secs: 10,
            ..
        })
    ));

    let zero = verifier().with_tolerance(Duration::ZERO);
    zero.verify_at(BODY, &h, at(TS)).expect("same second");
    zero.verify_at(BODY, &h, at(TS) + Duration::from_millis(500))
        .expect("same second, later fraction");
    assert!(zero.verify_at(BODY, &h, at(TS + 1)).is_err());

    let huge = verifier().with_tolerance(Duration::MAX);
    huge.verify_at(BODY, &h, at(i64::MIN / 2))
        .expect("no overflow");
    assert_eq!(verifier().tolerance(), DEFAULT_TOLERANCE);
}

#[test]
fn extreme_timestamps_do_not_overflow() {
    let v = verifier().with_tolerance(Duration::MAX);
    for ts in [i64::MIN, i64::MAX, 0, -1] {
        let ts = ts.to_string();
        let sig = sign(&key(1), &ts, BODY);
        let headers = [(TIMESTAMP_HEADER, ts.as_str()), (SIGNATURE_HEADER, &sig)];
        v.verify_at(BODY, &headers, at(TS)).expect("wide tolerance");
        assert!(matches!(
            verifier().verify_at(BODY, &headers, at(TS)),
            Err(WebhookError::TimestampOutOfTolerance { .. })
        ));
    }
}

#[test]
fn bad_signature_base64() {
    for bad in ["not base64!", "****", "a", "QUJD=QUJD"] {
        let headers = with_header(SIGNATURE_HEADER, bad);
        assert!(
            matches!(
                verifier().verify_at(BODY, &headers, at(TS)),
                Err(WebhookError::InvalidSignatureEncoding)
            ),
            "{bad:?}"
        );
    }
    let long_garbage = "!".repeat(10_000);
    let headers = with_header(SIGNATURE_HEADER, &long_garbage);
    assert!(matches!(
        verifier().verify_at(BODY, &headers, at(TS)),
        Err(WebhookError::InvalidSignatureEncoding)
    ));
}

#[test]
fn signature_without_padding_is_tolerated() {
    let good = good_headers();
    let unpadded = good[1].1.trim_end_matches('=').to_owned();
    assert_ne!(unpadded, good[1].1);
    let headers = with_header(SIGNATURE_HEADER, &unpadded);
    verifier()
        .verify_at(BODY, &headers, at(TS))
        .expect("unpadded signature");
}

#[test]
fn wrong_signature_length() {
    for len in [0usize, 32, 63, 65, 128, 4096] {
        let sig = STANDARD.encode(vec![0x5a; len]);
        let headers = with_header(SIGNATURE_HEADER, &sig);
        match verifier().verify_at(BODY, &headers, at(TS)) {
            Err(WebhookError::InvalidSignatureLength { len: got }) => assert_eq!(got, len),
            other => panic!("len {len}: {other:?}"),
        }
    }
}

#[test]
fn bad_public_key_base64() {
    for bad in ["", "not base64!", "@@@@", "AAAA=AAAA"] {
        assert!(
            matches!(
                WebhookVerifier::new(bad),
                Err(WebhookError::InvalidPublicKey { .. })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn wrong_public_key_length() {
    for len in [0usize, 16, 31, 33, 64, 1000] {
        let text = STANDARD.encode(vec![9u8; len]);
        let err = WebhookVerifier::new(&text).unwrap_err();
        assert!(
            matches!(err, WebhookError::InvalidPublicKey { .. }),
            "{len}: {err:?}"
        );
    }
}

#[test]
fn public_key_forms_accepted() {
    let k = key(1);
    let padded = public_b64(&k);
    let unpadded = STANDARD_NO_PAD.encode(k.verifying_key().as_bytes());
    let spaced = format!("  {padded}\n");
    for text in [padded, unpadded, spaced] {
        let v = WebhookVerifier::new(&text).expect("accepted form");
        v.verify_at(BODY, &good_headers(), at(TS))
            .expect("verifies");
    }
    let from_bytes = WebhookVerifier::from_key_bytes(k.verifying_key().to_bytes()).unwrap();
    assert_eq!(from_bytes, verifier());
    assert_eq!(from_bytes.verifying_key(), &k.verifying_key());
}

#[test]
fn invalid_curve_point_is_rejected() {
    // y = 2 has no matching x on edwards25519, so this encoding is not a point.
    let mut bytes = [0u8; 32];
    bytes[0] = 2;
    assert!(matches!(
        WebhookVerifier::from_key_bytes(bytes),
        Err(WebhookError::InvalidPublicKey { .. })
    ));
    assert!(matches!(
        WebhookVerifier::new(&STANDARD.encode(bytes)),
        Err(WebhookError::InvalidPublicKey { .. })
    ));
}

#[test]
fn signature_mismatch_with_random_bytes() {
    let headers = with_header(SIGNATURE_HEADER, &STANDARD.encode([0x11u8; 64]));
    assert!(matches!(
        verifier().verify_at(BODY, &headers, at(TS)),
        Err(WebhookError::SignatureMismatch)
    ));
}

#[test]
fn one_changed_body_byte_is_rejected() {
    let h = good_headers();
    for i in [0, BODY.len() / 2, BODY.len() - 1] {
        let mut body = BODY.to_vec();
        body[i] ^= 0x01;
        assert!(matches!(
            verifier().verify_at(&body, &h, at(TS)),
            Err(WebhookError::SignatureMismatch)
        ));
    }
    let mut longer = BODY.to_vec();
    longer.push(b'\n');
    assert!(matches!(
        verifier().verify_at(&longer, &h, at(TS)),
        Err(WebhookError::SignatureMismatch)
    ));
}

#[test]
fn signature_from_a_different_key_is_rejected() {
    let ts = TS.to_string();
    let sig = sign(&key(2), &ts, BODY);
    let headers = [(TIMESTAMP_HEADER, ts.as_str()), (SIGNATURE_HEADER, &sig)];
    assert!(matches!(
        verifier().verify_at(BODY, &headers, at(TS)),
        Err(WebhookError::SignatureMismatch)
    ));
}

#[test]
fn changed_timestamp_header_is_rejected() {
    // Still within tolerance, so only the signature can catch it.
    for changed in ["1700000001", "01700000000", "1699999999"] {
        let headers = with_header(TIMESTAMP_HEADER, changed);
        assert!(
            matches!(
                verifier().verify_at(BODY, &headers, at(TS)),
                Err(WebhookError::SignatureMismatch)
            ),
            "{changed}"
        );
    }
}

#[test]
fn separator_is_part_of_the_message() {
    // Moving bytes across the `|` must not verify: sign "17|00..." style splits.
    let ts = TS.to_string();
    let mut msg = ts.as_bytes().to_vec();
    msg.extend_from_slice(BODY);
    let sig = STANDARD.encode(key(1).sign(&msg).to_bytes());
    let headers = [(TIMESTAMP_HEADER, ts.as_str()), (SIGNATURE_HEADER, &sig)];
    assert!(matches!(
        verifier().verify_at(BODY, &headers, at(TS)),
        Err(WebhookError::SignatureMismatch)
    ));
}

#[test]
fn unwrap_parses_verified_bodies() {
    let v = verifier();
    let event: serde_json::Value = v.unwrap_at(BODY, &good_headers(), at(TS)).unwrap();
    assert_eq!(event["data"]["payload"]["call_control_id"], "v3:abc");

    #[derive(serde::Deserialize)]
    struct Envelope {
        data: Data,
    }
    #[derive(serde::Deserialize)]
    struct Data {
        event_type: String,
    }
    let JsonPayload(env): JsonPayload<Envelope> =
        v.unwrap_at(BODY, &good_headers(), at(TS)).unwrap();
    assert_eq!(env.data.event_type, "call.answered");

    // Verification failures come before parsing.
    let r: Result<serde_json::Value, _> = v.unwrap_at(b"{}", &good_headers(), at(TS));
    assert!(matches!(r, Err(WebhookError::SignatureMismatch)));
}

#[test]
fn unwrap_reports_parse_errors_after_verification() {
    let ts = TS.to_string();
    for body in [&b"not json"[..], b"", b"{\"data\":"] {
        let sig = sign(&key(1), &ts, body);
        let headers = [(TIMESTAMP_HEADER, ts.as_str()), (SIGNATURE_HEADER, &sig)];
        verifier()
            .verify_at(body, &headers, at(TS))
            .expect("signed");
        let r: Result<serde_json::Value, _> = verifier().unwrap_at(body, &headers, at(TS));
        assert!(matches!(r, Err(WebhookError::Parse(_))), "{body:?}");
    }
    // Valid JSON of the wrong shape.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct NeedsData {
        data: u32,
    }
    let r: Result<JsonPayload<NeedsData>, _> = verifier().unwrap_at(BODY, &good_headers(), at(TS));
    assert!(matches!(r, Err(WebhookError::Parse(_))));
}

#[test]
fn parse_unverified_skips_checks() {
    let v: serde_json::Value = parse_unverified(BODY).unwrap();
    assert_eq!(v["data"]["id"], "0ccc7b54");
    assert!(matches!(
        parse_unverified::<serde_json::Value>(b"{"),
        Err(WebhookError::Parse(_))
    ));
}

#[test]
fn verifier_is_cheap_to_share() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<WebhookVerifier>();
    assert!(std::mem::size_of::<WebhookVerifier>() <= 256);
    let v = verifier();
    let copy = v.clone();
    std::thread::spawn(move || copy.verify_at(BODY, &good_headers(), at(TS)))
        .join()
        .unwrap()
        .unwrap();
}

#[test]
fn verifier_from_env_reads_the_public_key() {
    // The only test in this binary touching this variable.
    std::env::remove_var("TELNYX_PUBLIC_KEY");
    assert!(matches!(
        telnyx_voice::webhooks::verifier_from_env(),
        Err(WebhookError::MissingPublicKey {
            name: "TELNYX_PUBLIC_KEY"
        })
    ));
    std::env::set_var("TELNYX_PUBLIC_KEY", "garbage");
    assert!(matches!(
        telnyx_voice::webhooks::verifier_from_env(),
        Err(WebhookError::InvalidPublicKey { .. })
    ));
    std::env::set_var("TELNYX_PUBLIC_KEY", public_b64(&key(1)));
    let v = telnyx_voice::webhooks::verifier_from_env().unwrap();
    assert_eq!(v, verifier());
    std::env::remove_var("TELNYX_PUBLIC_KEY");
}

#[test]
fn error_messages_are_descriptive() {
    let cases: Vec<(WebhookError, &str)> = vec![
        (
            WebhookError::MissingHeader {
                name: TIMESTAMP_HEADER,
            },
            "telnyx-timestamp",
        ),
        (WebhookError::InvalidSignatureLength { len: 3 }, "3 bytes"),
        (WebhookError::SignatureMismatch, "does not match"),
        (
            WebhookError::TimestampOutOfTolerance {
                timestamp: 10,
                now: 10,
                tolerance_secs: 0,
            },
            "too old",
        ),
    ];
    for (err, needle) in cases {
        assert!(err.to_string().contains(needle), "{err}");
    }
}
