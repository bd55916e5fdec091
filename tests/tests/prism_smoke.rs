//! Checks that Prism starts on the pinned spec and reports request violations
//! the way the conformance suite relies on.

use std::time::Instant;

use telnyx_voice_tests::{request_violations, violations, PrismServer, RecordingProxy};

/// A made-up API key; Prism only checks that a bearer token is present.
const TOKEN: &str = "KEY_prism_smoke_test";

struct Answer {
    status: u16,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("Prism answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body arrives").to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

fn json(request: reqwest::RequestBuilder, body: serde_json::Value) -> reqwest::RequestBuilder {
    request
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(body.to_string())
}

#[tokio::test]
async fn prism_serves_the_spec_and_reports_violations() {
    let started = Instant::now();
    let prism = PrismServer::start().unwrap_or_else(|e| panic!("{e}"));
    println!(
        "Prism ready at {} after {:.1}s (log: {})",
        prism.base_url(),
        started.elapsed().as_secs_f64(),
        prism.log_path().display()
    );
    let client = reqwest::Client::new();
    let base = prism.base_url();

    // A dial with everything the spec requires.
    let dial = send(json(
        client.post(format!("{base}/calls")),
        serde_json::json!({
            "connection_id": "7267",
            "from": "+18005550101",
            "to": "+18005550100",
        }),
    ))
    .await;
    assert_eq!(
        request_violations(&dial.headers, &dial.body),
        Vec::<String>::new(),
        "valid dial was rejected"
    );
    assert_eq!(dial.status, 200);
    let data: serde_json::Value = serde_json::from_slice(&dial.body).expect("JSON body");
    assert!(
        data["data"]["call_control_id"].is_string(),
        "dial example has a call_control_id: {data}"
    );

    // The same dial without `to`.
    let bad = send(json(
        client.post(format!("{base}/calls")),
        serde_json::json!({
            "connection_id": "7267",
            "from": "+18005550101",
        }),
    ))
    .await;
    let found = violations(&bad.headers);
    assert!(
        found.iter().any(|v| v.contains("'to'")),
        "missing `to` not reported: status {}, violations {found:?}",
        bad.status
    );
    assert_eq!(request_violations(&bad.headers, &bad.body), found);
    assert!(bad.status >= 400, "status {}", bad.status);

    // A list with deepObject paging parameters.
    let list = send(
        client
            .get(format!("{base}/call_control_applications"))
            .query(&[("page[number]", "1"), ("page[size]", "20")]),
    )
    .await;
    assert_eq!(
        request_violations(&list.headers, &list.body),
        Vec::<String>::new()
    );
    assert_eq!(list.status, 200);
    let page: serde_json::Value = serde_json::from_slice(&list.body).expect("JSON body");
    assert!(page["data"].is_array(), "list body: {page}");

    // deepObject parameters are validated too: page[size] is capped at 250.
    let too_big = send(
        client
            .get(format!("{base}/call_control_applications"))
            .query(&[("page[size]", "1000")]),
    )
    .await;
    assert!(
        !request_violations(&too_big.headers, &too_big.body).is_empty(),
        "page[size]=1000 accepted"
    );

    // The same verdicts, read back from the recording proxy.
    let proxy = RecordingProxy::start(base).await.expect("proxy starts");
    let through = send(json(
        client.post(format!("{}/calls", proxy.base_url())),
        serde_json::json!({ "connection_id": "7267", "from": "+18005550101" }),
    ))
    .await;
    assert_eq!(through.status, bad.status);
    let through_ok = send(
        client
            .get(format!("{}/call_control_applications", proxy.base_url()))
            .query(&[("page[number]", "1")]),
    )
    .await;
    assert_eq!(through_ok.body, list.body);
    let exchanges = proxy.take();
    assert_eq!(exchanges.len(), 2);
    assert_eq!(exchanges[0].uri, "/calls");
    assert_eq!(exchanges[0].request_violations(), found);
    assert_eq!(
        exchanges[1].uri,
        "/call_control_applications?page%5Bnumber%5D=1"
    );
    assert!(exchanges[1].request_violations().is_empty());
    assert!(proxy.take().is_empty());
}
