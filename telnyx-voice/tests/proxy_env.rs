//! The default HTTP client takes its proxy from the environment
//! (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`) as reqwest does.
//! This file holds a single test because it changes the process's
//! environment.

mod loopback;

use loopback::{Loopback, Reply};
use serde_json::Value;
use telnyx_voice::Client;

#[tokio::test]
async fn requests_go_through_the_proxy_named_in_the_environment() {
    let proxy = Loopback::start(vec![Reply::json(200, r#"{"data":{"balance":"1.00"}}"#)]);
    for name in [
        "NO_PROXY",
        "no_proxy",
        "ALL_PROXY",
        "all_proxy",
        "http_proxy",
    ] {
        std::env::remove_var(name);
    }
    std::env::set_var("HTTP_PROXY", &proxy.origin);
    let client = Client::builder()
        .api_key("test-key")
        .base_url("http://api.telnyx.invalid/v2")
        .max_retries(0)
        .build()
        .expect("client");
    let balance = client
        .get("/balance")
        .send::<Value>()
        .await
        .expect("answered by the proxy")
        .into_inner();
    assert_eq!(balance["data"]["balance"], "1.00");
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].target, "http://api.telnyx.invalid/v2/balance");
    assert_eq!(seen[0].header("host"), Some("api.telnyx.invalid"));
    assert_eq!(seen[0].header("authorization"), Some("Bearer test-key"));
}
