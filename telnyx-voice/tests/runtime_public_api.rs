//! Checks that the runtime's public surface is usable from outside the crate.

use std::time::Duration;

use telnyx_voice::{
    ApiErrorDetail, ApiErrorSource, Client, Data, Error, Page, PageStream, RequestOptions, Response,
};

#[test]
fn builder_and_accessors() {
    use base64::Engine as _;
    let public_key = base64::engine::general_purpose::STANDARD.encode(
        ed25519_dalek::SigningKey::from_bytes(&[3u8; 32])
            .verifying_key()
            .as_bytes(),
    );
    // A public key that is not an Ed25519 key is refused when the client is built.
    let err = Client::builder()
        .api_key("outside-key")
        .public_key("cHVibGlj")
        .build()
        .expect_err("not a key");
    assert!(err.to_string().contains("public key"), "{err}");
    let client = Client::builder()
        .api_key("outside-key")
        .public_key(public_key.as_str())
        .base_url("https://example.test/v2/")
        .timeout(Duration::from_secs(3))
        .connect_timeout(Duration::from_secs(1))
        .max_retries(1)
        .user_agent("outside/0.1")
        .build()
        .expect("client builds");
    assert_eq!(client.public_key(), Some(public_key.as_str()));
    assert_eq!(client.base_url(), "https://example.test/v2");
    assert!(!format!("{client:?}").contains("outside-key"));
    let cloned = client.clone();
    assert_eq!(cloned.base_url(), client.base_url());
}

#[test]
fn missing_key_is_a_config_error() {
    let err = Client::builder().build().expect_err("no key");
    assert!(matches!(err, Error::Config(_)));
    assert_eq!(err.status(), None);
    assert!(!err.is_timeout());
}

#[test]
fn request_options_round_trip() {
    let mut options = RequestOptions::default();
    options.set_timeout(Duration::from_millis(250));
    options.set_max_retries(0);
    options.insert_header(
        http::HeaderName::from_static("x-extra"),
        http::HeaderValue::from_static("1"),
    );
    assert_eq!(options.timeout(), Some(Duration::from_millis(250)));
    assert_eq!(options.max_retries(), Some(0));
    assert_eq!(options.headers()["x-extra"], "1");
}

#[test]
fn envelopes_and_error_details_deserialize() {
    let data: Data<u32> = serde_json::from_str(r#"{"data":5}"#).expect("data");
    assert_eq!(data.data, 5);
    let page: Page<u32, serde_json::Value> =
        serde_json::from_str(r#"{"data":[1],"meta":{"page_number":1}}"#).expect("page");
    assert_eq!(page.data, vec![1]);
    let detail: ApiErrorDetail =
        serde_json::from_str(r#"{"code":10015,"source":{"pointer":"/to"}}"#).expect("detail");
    assert_eq!(detail.code.as_deref(), Some("10015"));
    assert_eq!(
        detail.source,
        Some(ApiErrorSource {
            pointer: Some("/to".into()),
            parameter: None
        })
    );
}

fn _stream_is_send_unpin<T: Send + 'static>(stream: PageStream<T>) -> impl Send + Unpin {
    stream
}

fn _response_derefs(response: &Response<Data<String>>) -> &str {
    &response.data
}
