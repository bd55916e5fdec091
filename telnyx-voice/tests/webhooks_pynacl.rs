//! Cross-check against an independent Ed25519 implementation (PyNaCl, i.e.
//! libsodium): its signatures must verify here, and ours must verify there.
//!
//! Needs a Python with the pinned PyNaCl. From the workspace root:
//!
//! ```text
//! python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt
//! ```
//!
//! or point `TELNYX_TEST_PYTHON` at another interpreter that has it.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use telnyx_voice::webhooks::{WebhookError, WebhookVerifier, SIGNATURE_HEADER, TIMESTAMP_HEADER};

const INSTALL_HINT: &str = "install the cross-check Python from the workspace root with \
`python3 -m venv .venv && .venv/bin/pip install -r tests/python/requirements.txt`, \
or set TELNYX_TEST_PYTHON to a Python that has the pinned PyNaCl";

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn python() -> PathBuf {
    match std::env::var_os("TELNYX_TEST_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => workspace_root().join(".venv/bin/python"),
    }
}

fn run_script(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let py = python();
    assert!(
        py.exists() || py.components().count() == 1,
        "PyNaCl cross-check: Python not found at {}; {INSTALL_HINT}",
        py.display()
    );
    let script = workspace_root().join("tests/python/webhook_vectors.py");
    let mut child = Command::new(&py)
        .arg(&script)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not run {}: {e}; {INSTALL_HINT}", py.display()));
    {
        let mut pipe = child.stdin.take().expect("stdin piped");
        if let Some(input) = stdin {
            // A failed write means the script died early; its stderr, checked
            // below, says why.
            let _ = pipe.write_all(input);
        }
    }
    let out = child.wait_with_output().expect("script output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "PyNaCl is not installed for {}: {stderr}\n{INSTALL_HINT}",
        py.display()
    );
    out
}

fn b64d(v: &Value, field: &str) -> Vec<u8> {
    let text = v[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} missing"));
    STANDARD.decode(text).expect("base64 from the script")
}

fn at(ts: &str) -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(ts.parse().expect("numeric timestamp"))
}

#[test]
fn pynacl_signatures_verify_here() {
    for seed_byte in [0x01u8, 0x7f, 0xd3] {
        let seed = [seed_byte; 32];
        let seed_hex: String = seed.iter().map(|b| format!("{b:02x}")).collect();
        let out = run_script(&["sign", &seed_hex], None);
        assert!(
            out.status.success(),
            "sign mode failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let vectors: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON vectors");
        assert!(vectors.len() >= 5, "too few vectors: {}", vectors.len());

        let ours = SigningKey::from_bytes(&seed);
        for v in &vectors {
            let public_key = v["public_key"].as_str().unwrap();
            assert_eq!(public_key, STANDARD.encode(ours.verifying_key().as_bytes()));
            let verifier = WebhookVerifier::new(public_key).expect("PyNaCl key parses");
            let ts = v["timestamp"].as_str().unwrap();
            let body = b64d(v, "body_b64");
            let sig = v["signature"].as_str().unwrap();
            let headers = [(TIMESTAMP_HEADER, ts), (SIGNATURE_HEADER, sig)];

            verifier
                .verify_at(&body, &headers, at(ts))
                .unwrap_or_else(|e| panic!("PyNaCl vector rejected ({e}): {v}"));

            // Ed25519 signing is deterministic, so both libraries must agree
            // byte for byte.
            let mut msg = ts.as_bytes().to_vec();
            msg.push(b'|');
            msg.extend_from_slice(&body);
            assert_eq!(STANDARD.encode(ours.sign(&msg).to_bytes()), sig);

            let mut tampered = body.clone();
            match tampered.last_mut() {
                Some(b) => *b ^= 1,
                None => tampered.push(0),
            }
            assert!(matches!(
                verifier.verify_at(&tampered, &headers, at(ts)),
                Err(WebhookError::SignatureMismatch)
            ));
        }
    }
}

#[test]
fn our_signatures_verify_in_pynacl() {
    let key = SigningKey::from_bytes(&[0x5eu8; 32]);
    let public_key = STANDARD.encode(key.verifying_key().as_bytes());
    let verifier = WebhookVerifier::new(&public_key).unwrap();
    let mut bodies: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"{\"data\":{\"event_type\":\"call.hangup\"}}".to_vec(),
        "caf\u{e9} \u{260e}".as_bytes().to_vec(),
        (0u8..=255).collect(),
        vec![b'|'; 300],
    ];
    // A few pseudo-random bodies of varied length (simple LCG, fixed seed).
    let mut state: u32 = 12345;
    for len in [1usize, 17, 1000, 65_537] {
        bodies.push(
            (0..len)
                .map(|_| {
                    state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (state >> 16) as u8
                })
                .collect(),
        );
    }

    let mut vectors = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        let ts = (1_700_000_000 + i as u64 * 7).to_string();
        let mut msg = ts.as_bytes().to_vec();
        msg.push(b'|');
        msg.extend_from_slice(body);
        let sig = STANDARD.encode(key.sign(&msg).to_bytes());
        // Sanity: our own verifier accepts what we send.
        let headers = [(TIMESTAMP_HEADER, ts.as_str()), (SIGNATURE_HEADER, &sig)];
        verifier.verify_at(body, &headers, at(&ts)).unwrap();
        vectors.push(json!({
            "public_key": public_key,
            "timestamp": ts,
            "body_b64": STANDARD.encode(body),
            "signature": sig,
        }));
    }

    let input = serde_json::to_vec(&vectors).unwrap();
    let out = run_script(&["verify"], Some(&input));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "verify mode gave no JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(report["checked"], vectors.len(), "{report}");
    assert_eq!(report["failures"], 0, "{report}");
    assert!(out.status.success(), "{report}");
}
