//! Every voice webhook example of the pinned Telnyx OpenAPI spec parses into its typed
//! `WebhookEvent` variant without losing a field.
//!
//! The spec is read at test time from the path in `TELNYX_OPENAPI_SPEC` (relative paths are
//! resolved against the workspace root). CI sets
//! `TELNYX_OPENAPI_SPEC=../shared/telnyx-openapi/spec3.yml`; without the variable these tests fail.

mod common;

use common::lost_fields;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use telnyx_voice::webhooks::WebhookError;
use telnyx_voice::{Client, WebhookEvent};
use yaml_serde::Value as Yaml;

const SPEC_ENV: &str = "TELNYX_OPENAPI_SPEC";

/// One voice webhook of the spec with its example delivery body.
#[derive(Debug, Clone)]
struct Case {
    /// Name of the entry under the spec's top-level `webhooks`.
    webhook: String,
    /// The event type from the example.
    event_type: String,
    /// The event object (the content of `data`, or the whole body without envelope).
    event: Value,
    /// The body as the spec describes it: `{"data": event}`, or `event` itself.
    body: Value,
    /// Whether the spec's body wraps the event in `data`.
    enveloped: bool,
    /// Names of string-enum properties of the event object (top level and `payload`),
    /// as (`"payload"` or `""`, property name).
    enum_fields: Vec<(&'static str, String)>,
}

struct Spec {
    cases: Vec<Case>,
    without_example: Vec<String>,
}

fn spec_path() -> PathBuf {
    let raw = std::env::var(SPEC_ENV).unwrap_or_else(|_| {
        panic!(
            "{SPEC_ENV} is not set: point it at the pinned Telnyx OpenAPI spec, e.g. \
             `{SPEC_ENV}=../shared/telnyx-openapi/spec3.yml cargo test` (relative paths are \
             resolved against the workspace root)"
        )
    });
    let path = PathBuf::from(&raw);
    if path.is_absolute() {
        path
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(path)
    }
}

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(load_spec)
}

fn load_spec() -> Spec {
    let path = spec_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| {
        panic!(
            "cannot read the spec at {} ({SPEC_ENV}): {err}",
            path.display()
        )
    });
    let root: Yaml = yaml_serde::from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not valid YAML: {err}", path.display()));
    let webhooks = root
        .get("webhooks")
        .and_then(Yaml::as_mapping)
        .expect("spec has a top-level `webhooks` map");

    let mut cases = Vec::new();
    let mut without_example = Vec::new();
    for (name, item) in webhooks {
        let name = name
            .as_str()
            .expect("webhook names are strings")
            .to_string();
        let lower = name.to_ascii_lowercase();
        if !(lower.starts_with("call")
            || lower.starts_with("conference")
            || name == "transcription")
        {
            continue;
        }
        let operation = item
            .as_mapping()
            .and_then(|ops| ops.values().next())
            .unwrap_or_else(|| panic!("webhook {name} has no operation"));
        let body_schema = operation
            .get("requestBody")
            .and_then(|b| b.get("content"))
            .and_then(|c| c.get("application/json"))
            .and_then(|j| j.get("schema"))
            .unwrap_or_else(|| panic!("webhook {name} has no JSON request body schema"));
        let body_schema = resolve(&root, body_schema);
        let data = body_schema.get("properties").and_then(|p| p.get("data"));
        let (event_schema, enveloped) = match data {
            Some(data) => (resolve(&root, data), true),
            None => (body_schema, false),
        };
        let Some(example) = event_schema.get("example") else {
            without_example.push(name);
            continue;
        };
        let event = yaml_to_json(example);
        let event_type = event["event_type"]
            .as_str()
            .unwrap_or_else(|| panic!("example of {name} has no string event_type"))
            .to_string();
        let body = if enveloped {
            json!({ "data": event.clone() })
        } else {
            event.clone()
        };
        let enum_fields = enum_fields(&root, event_schema, &event);
        cases.push(Case {
            webhook: name,
            event_type,
            event,
            body,
            enveloped,
            enum_fields,
        });
    }
    Spec {
        cases,
        without_example,
    }
}

/// Follows `$ref`s (local `#/...` pointers) until a schema without one.
fn resolve<'a>(root: &'a Yaml, mut schema: &'a Yaml) -> &'a Yaml {
    for _ in 0..32 {
        let Some(reference) = schema.get("$ref").and_then(Yaml::as_str) else {
            return schema;
        };
        let pointer = reference
            .strip_prefix("#/")
            .unwrap_or_else(|| panic!("non-local $ref {reference}"));
        let mut target = root;
        for part in pointer.split('/') {
            let part = part.replace("~1", "/").replace("~0", "~");
            target = target
                .get(part.as_str())
                .unwrap_or_else(|| panic!("dangling $ref {reference}"));
        }
        schema = target;
    }
    panic!("$ref chain too long");
}

fn yaml_to_json(value: &Yaml) -> Value {
    serde_json::to_value(value).expect("example converts to JSON")
}

/// String-enum properties of the event object (except `event_type`, which selects the variant)
/// and of its `payload`, that the example sets.
fn enum_fields(root: &Yaml, event_schema: &Yaml, event: &Value) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    let mut scan = |level: &'static str, schema: &Yaml, object: &Value| {
        let Some(props) = resolve(root, schema)
            .get("properties")
            .and_then(Yaml::as_mapping)
        else {
            return;
        };
        for (key, prop) in props {
            let Some(key) = key.as_str() else { continue };
            if key == "event_type" || !object.get(key).is_some_and(Value::is_string) {
                continue;
            }
            let prop = resolve(root, prop);
            let is_string_enum = prop
                .get("enum")
                .and_then(Yaml::as_sequence)
                .is_some_and(|values| values.iter().all(|v| v.as_str().is_some()));
            if is_string_enum {
                found.push((level, key.to_string()));
            }
        }
    };
    scan("", event_schema, event);
    if let Some(payload) = resolve(root, event_schema)
        .get("properties")
        .and_then(|p| p.get("payload"))
    {
        scan("payload", payload, &event["payload"]);
    }
    found
}

fn parse(body: &Value) -> WebhookEvent {
    let bytes = serde_json::to_vec(body).expect("serialize body");
    WebhookEvent::from_json_bytes(&bytes).unwrap_or_else(|err| {
        panic!("body does not parse: {err}\nbody: {body}");
    })
}

fn case(event_type: &str) -> &'static Case {
    spec()
        .cases
        .iter()
        .find(|c| c.event_type == event_type)
        .unwrap_or_else(|| panic!("no spec example for {event_type}"))
}

#[test]
fn lost_field_comparison_reports_every_difference() {
    let expected = json!({"a": 1, "b": {"c": [1, 2], "d": "x"}, "n": null, "f": 2.0});
    let same = json!({"a": 1.0, "b": {"c": [1, 2], "d": "x", "extra": null}, "f": 2});
    let mut lost = Vec::new();
    lost_fields("", &expected, &same, &mut lost);
    assert!(lost.is_empty(), "{lost:?}");

    let different = json!({"b": {"c": [1], "d": "y"}, "f": 2, "added": 0});
    lost_fields("", &expected, &different, &mut lost);
    assert_eq!(
        lost,
        vec![
            ".a: missing (expected 1)",
            ".b.c: array of 2 items became 1 items",
            ".b.d: \"x\" became \"y\"",
            ".added: added 0 (not in the example)",
        ]
    );
}

#[test]
fn spec_env_var_resolves_to_a_readable_file() {
    let path = spec_path();
    assert!(
        path.is_file(),
        "{SPEC_ENV} points at {}, which is not a file",
        path.display()
    );
}

#[test]
fn every_voice_webhook_has_an_example_and_a_variant() {
    let spec = spec();
    assert_eq!(
        spec.cases.len() + spec.without_example.len(),
        55,
        "expected the 55 voice webhooks of the pinned spec; examples for {:?}, without {:?}",
        spec.cases.iter().map(|c| &c.webhook).collect::<Vec<_>>(),
        spec.without_example
    );
    assert!(
        spec.without_example.is_empty(),
        "every voice webhook of the pinned spec has an example; these lack one and would go \
         unchecked: {:?}",
        spec.without_example
    );
    let from_spec: BTreeSet<&str> = spec.cases.iter().map(|c| c.event_type.as_str()).collect();
    let known: BTreeSet<&str> = WebhookEvent::EVENT_TYPES.iter().copied().collect();
    assert_eq!(
        from_spec.len(),
        spec.cases.len(),
        "two webhooks share an event_type"
    );
    assert_eq!(
        from_spec, known,
        "spec example event types and WebhookEvent::EVENT_TYPES differ"
    );
}

#[test]
fn every_example_parses_into_its_variant_without_losing_fields() {
    let mut failures = Vec::new();
    for case in &spec().cases {
        let event = parse(&case.body);
        if matches!(event, WebhookEvent::Unknown(_)) || event.event_type() != case.event_type {
            failures.push(format!(
                "{} ({}): parsed as {:?} with event_type {}",
                case.webhook,
                case.event_type,
                variant_name(&event),
                event.event_type()
            ));
            continue;
        }
        // Every enum value and union alternative of the example is one the SDK knows: nothing
        // fell back to an `Unknown(..)` catch-all (which would also keep the JSON intact).
        let debug = format!("{event:?}");
        if let Some(at) = debug.find("Unknown(") {
            failures.push(format!(
                "{} ({}): part of the example decoded as Unknown: {}...",
                case.webhook,
                case.event_type,
                debug[at..].chars().take(160).collect::<String>()
            ));
        }
        let reserialized = serde_json::to_value(&event).expect("serialize event");
        let mut lost = Vec::new();
        lost_fields("", &case.event, &reserialized, &mut lost);
        if !lost.is_empty() {
            failures.push(format!(
                "{} ({}):\n    {}",
                case.webhook,
                case.event_type,
                lost.join("\n    ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples failed:\n{}",
        failures.len(),
        spec().cases.len(),
        failures.join("\n")
    );
}

fn variant_name(event: &WebhookEvent) -> String {
    let debug = format!("{event:?}");
    debug.split('(').next().unwrap_or_default().to_string()
}

#[test]
fn unknown_fields_and_enum_values_do_not_break_parsing() {
    let mut failures = Vec::new();
    let mut enum_checks = 0;
    for case in &spec().cases {
        let mut event = case.event.clone();
        event["brand_new_top_level_field"] = json!({"nested": [1, 2, 3]});
        if let Some(payload) = event.get_mut("payload").and_then(Value::as_object_mut) {
            payload.insert("brand_new_payload_field".into(), json!("surprise"));
        }
        for (level, field) in &case.enum_fields {
            let object = if level.is_empty() {
                &mut event
            } else {
                &mut event[*level]
            };
            object[field.as_str()] = json!(format!("brand_new_{field}"));
            enum_checks += 1;
        }
        let body = if case.enveloped {
            json!({ "data": event })
        } else {
            event
        };
        let bytes = serde_json::to_vec(&body).expect("serialize");
        let parsed = match WebhookEvent::from_json_bytes(&bytes) {
            Ok(parsed) => parsed,
            Err(err) => {
                failures.push(format!("{}: {err}", case.event_type));
                continue;
            }
        };
        if parsed.event_type() != case.event_type || matches!(parsed, WebhookEvent::Unknown(_)) {
            failures.push(format!(
                "{}: parsed as {}",
                case.event_type,
                parsed.event_type()
            ));
            continue;
        }
        // The unknown enum values are kept as received.
        let reserialized = serde_json::to_value(&parsed).expect("serialize");
        for (level, field) in &case.enum_fields {
            let object = if level.is_empty() {
                &reserialized
            } else {
                &reserialized[*level]
            };
            let expected = format!("brand_new_{field}");
            if object[field.as_str()] != json!(expected) {
                failures.push(format!(
                    "{}: unknown enum value of {level}.{field} became {}",
                    case.event_type,
                    object[field.as_str()]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(enum_checks > 0, "no enum-typed field found in any example");

    // The case the brief names explicitly.
    let hangup = case("call.hangup");
    assert!(
        hangup
            .enum_fields
            .contains(&("payload", "hangup_cause".to_string())),
        "call.hangup example has no enum `hangup_cause`: {:?}",
        hangup.enum_fields
    );
    let mut body = hangup.body.clone();
    body["data"]["payload"]["hangup_cause"] = json!("brand_new_cause");
    let WebhookEvent::CallHangup(event) = parse(&body) else {
        panic!("call.hangup with a new cause is not CallHangup");
    };
    let cause = event
        .payload
        .as_ref()
        .and_then(|p| p.hangup_cause.as_ref())
        .expect("hangup_cause kept");
    assert!(cause.is_unknown());
    assert_eq!(cause.as_str(), "brand_new_cause");
}

#[test]
fn unknown_event_type_is_kept_as_json() {
    let body = json!({
        "data": {
            "event_type": "call.brand_new",
            "id": "e1",
            "payload": {"call_control_id": "v3:new", "anything": [1, {"x": true}]},
            "record_type": "event"
        },
        "meta": {"attempt": 1}
    });
    let event = parse(&body);
    let WebhookEvent::Unknown(value) = &event else {
        panic!("call.brand_new should be Unknown, got {event:?}");
    };
    assert_eq!(value, &body);
    assert_eq!(event.call_control_id(), Some("v3:new"));
    assert_eq!(serde_json::to_value(&event).expect("serialize"), body);

    // Without envelope, and with no event type at all.
    let bare = json!({"event_type": "conference.brand_new", "payload": {}});
    assert_eq!(parse(&bare), WebhookEvent::Unknown(bare.clone()));
    let typeless = json!({"hello": "world"});
    assert_eq!(parse(&typeless), WebhookEvent::Unknown(typeless.clone()));
}

#[test]
fn conference_floor_changed_parses_with_and_without_envelope() {
    let case = case("conference.floor.changed");
    assert!(
        !case.enveloped,
        "the spec's conferenceFloorChanged body is expected to have no `data` envelope"
    );
    let bare = parse(&case.event);
    let wrapped = parse(&json!({ "data": case.event.clone() }));
    assert!(
        matches!(bare, WebhookEvent::ConferenceFloorChanged(_)),
        "{bare:?}"
    );
    assert_eq!(bare, wrapped);
    assert_eq!(bare.event_type(), "conference.floor.changed");
    assert_eq!(
        bare.call_control_id(),
        case.event["payload"]["call_control_id"].as_str()
    );
}

#[test]
fn enveloped_events_also_parse_without_envelope() {
    for case in spec().cases.iter().filter(|c| c.enveloped) {
        let bare = parse(&case.event);
        assert_eq!(bare, parse(&case.body), "{}", case.event_type);
    }
}

#[test]
fn call_control_id_comes_from_the_payload() {
    let case = case("call.answered");
    let expected = case.event["payload"]["call_control_id"]
        .as_str()
        .expect("example has a call_control_id");
    let event = parse(&case.body);
    assert!(matches!(event, WebhookEvent::CallAnswered(_)));
    assert_eq!(event.call_control_id(), Some(expected));
    // Every example carrying a payload call_control_id exposes it.
    for case in &spec().cases {
        if let Some(id) = case.event["payload"]["call_control_id"].as_str() {
            assert_eq!(
                parse(&case.body).call_control_id(),
                Some(id),
                "{}",
                case.event_type
            );
        }
    }
}

fn signed(signing: &SigningKey, body: &[u8]) -> (String, String) {
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
        .to_string();
    let mut message = timestamp.as_bytes().to_vec();
    message.push(b'|');
    message.extend_from_slice(body);
    let signature =
        base64::engine::general_purpose::STANDARD.encode(signing.sign(&message).to_bytes());
    (timestamp, signature)
}

#[test]
fn client_webhooks_verifies_and_decodes_a_signed_example() {
    let signing = SigningKey::from_bytes(&[42u8; 32]);
    let public_key =
        base64::engine::general_purpose::STANDARD.encode(signing.verifying_key().as_bytes());
    let client = Client::builder()
        .api_key("k")
        .public_key(public_key)
        .build()
        .expect("client");

    let case = case("call.answered");
    let body = serde_json::to_vec(&case.body).expect("body");
    let (timestamp, signature) = signed(&signing, &body);
    let headers = [
        ("Telnyx-Timestamp", timestamp.as_str()),
        ("Telnyx-Signature-Ed25519", signature.as_str()),
    ];
    let event = client
        .webhooks()
        .unwrap(&body, &headers)
        .expect("signed example verifies");
    let WebhookEvent::CallAnswered(answered) = &event else {
        panic!("expected CallAnswered, got {event:?}");
    };
    assert_eq!(
        answered
            .payload
            .as_ref()
            .and_then(|p| p.call_control_id.as_deref()),
        case.event["payload"]["call_control_id"].as_str()
    );

    // One changed byte breaks the signature.
    let mut tampered = body.clone();
    let last = tampered.len() - 2;
    tampered[last] = b' ';
    assert!(matches!(
        client.webhooks().unwrap(&tampered, &headers),
        Err(WebhookError::SignatureMismatch)
    ));

    // A client without a public key refuses everything.
    let keyless = Client::builder().api_key("k").build().expect("client");
    assert!(matches!(
        keyless.webhooks().unwrap(&body, &headers),
        Err(WebhookError::MissingPublicKey { .. })
    ));
}
