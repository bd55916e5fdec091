//! Null versus absent in a PATCH body, checked by Prism against the pinned spec:
//! `clear_*` sends an explicit `null`, an uncalled setter leaves the field out,
//! and the spec accepts the null only where it marks the field nullable.

use serde_json::Value;
use telnyx_voice::models::UpdateCallControlApplicationRequest;
use telnyx_voice::{Client, Nullable};
use telnyx_voice_tests::{PrismServer, RecordingProxy};

/// A client sending to Prism through a proxy that records each exchange.
async fn client_through_prism() -> (RecordingProxy, Client) {
    let prism = PrismServer::shared().unwrap_or_else(|e| panic!("{e}"));
    let proxy = RecordingProxy::start(prism.base_url())
        .await
        .expect("proxy starts");
    let client = Client::builder()
        .api_key("KEY_null_vs_absent")
        .base_url(proxy.base_url())
        .max_retries(0)
        .build()
        .expect("client");
    (proxy, client)
}

fn sent_body(exchange: &telnyx_voice_tests::Exchange) -> Value {
    serde_json::from_slice(&exchange.request_body).expect("the SDK sends JSON")
}

#[tokio::test]
async fn patch_sends_null_to_clear_and_leaves_unset_fields_out() {
    let (proxy, client) = client_through_prism().await;

    let updated = client
        .call_control_applications()
        .update("1293384261075731499", "call-router", "https://example.com")
        .clear_webhook_event_failover_url()
        .clear_webhook_timeout_secs()
        .await;
    let cleared = &proxy.take()[0];
    assert!(updated.is_ok(), "Prism refused the update: {updated:?}");
    assert_eq!(cleared.request_violations(), Vec::<String>::new());
    let body = sent_body(cleared);
    assert_eq!(body["webhook_event_failover_url"], Value::Null);
    assert_eq!(body["webhook_timeout_secs"], Value::Null);
    let object = body.as_object().expect("object body");
    assert!(
        object.contains_key("webhook_timeout_secs"),
        "null is sent, not dropped"
    );
    assert!(
        !object.contains_key("active") && !object.contains_key("tags"),
        "fields never set stay out of the body: {body}"
    );

    client
        .call_control_applications()
        .update("1293384261075731499", "call-router", "https://example.com")
        .webhook_timeout_secs(25)
        .await
        .expect("a value is accepted");
    let set = &proxy.take()[0];
    let body = sent_body(set);
    assert_eq!(body["webhook_timeout_secs"], 25);
    assert!(!body
        .as_object()
        .unwrap()
        .contains_key("webhook_event_failover_url"));
}

#[tokio::test]
async fn prism_refuses_null_where_the_spec_does_not_allow_it() {
    // The same body with `null` in a field the spec does not mark nullable: the check
    // above would be meaningless if Prism accepted any null.
    let (proxy, client) = client_through_prism().await;
    let result = client
        .patch("/call_control_applications/1293384261075731499")
        .json(&serde_json::json!({
            "application_name": "call-router",
            "webhook_event_url": "https://example.com",
            "active": null,
        }))
        .send::<Value>()
        .await;
    let exchange = &proxy.take()[0];
    assert!(result.is_err(), "Prism accepted a null `active`");
    assert!(
        exchange
            .request_violations()
            .iter()
            .any(|v| v.contains("active")),
        "{:?}",
        exchange.request_violations()
    );
}

#[test]
fn decoding_keeps_null_apart_from_absent() {
    let read = |json: &str| -> UpdateCallControlApplicationRequest {
        serde_json::from_str(json).expect("decodes")
    };
    let base = r#""application_name":"a","webhook_event_url":"https://e""#;
    assert_eq!(read(&format!("{{{base}}}")).webhook_timeout_secs, None);
    assert_eq!(
        read(&format!("{{{base},\"webhook_timeout_secs\":null}}")).webhook_timeout_secs,
        Some(Nullable::Null)
    );
    assert_eq!(
        read(&format!("{{{base},\"webhook_timeout_secs\":7}}")).webhook_timeout_secs,
        Some(Nullable::Value(7))
    );
}
