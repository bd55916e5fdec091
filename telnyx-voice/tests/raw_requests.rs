//! The escape hatch (`client.get/post/put/patch/delete(path)`), raw
//! responses and downloads, against a real HTTP server on 127.0.0.1.

mod loopback;

use std::time::Duration;

use loopback::{Loopback, Reply};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use telnyx_voice::raw::path_segment;
use telnyx_voice::{BodyProblem, Client, Error, PageScheme, RetryPolicy, RETRY_COUNT_HEADER};

fn quick_retries() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(5), Duration::from_millis(5))
}

fn client(server: &Loopback) -> Client {
    server
        .builder()
        .retry_policy(quick_retries())
        .build()
        .expect("client")
}

#[derive(Deserialize, Debug, PartialEq)]
struct Queue {
    name: String,
    size: u32,
}

#[tokio::test]
async fn get_sends_query_headers_and_decodes_typed_output() {
    let server = Loopback::start(vec![Reply::with_headers(
        200,
        &[
            ("content-type", "application/json"),
            ("x-request-id", "rid-1"),
        ],
        r#"{"data":{"name":"support","size":3}}"#,
    )]);
    #[derive(Serialize)]
    struct Occurred {
        gte: &'static str,
    }
    let response = client(&server)
        .get(format!(
            "/queues/{}",
            path_segment("sup port/1").expect("segment")
        ))
        .query("page[size]", 5)
        .query(
            "filter",
            json!({"occurred_at": {"gte": "2024-01-01"}, "status": ["a", "b"]}),
        )
        .query("missing", Option::<u32>::None)
        .query("occurred", Occurred { gte: "x" })
        .header(
            http::HeaderName::from_static("x-trace"),
            http::HeaderValue::from_static("t1"),
        )
        .send::<telnyx_voice::Data<Queue>>()
        .await
        .expect("success");
    assert_eq!(
        response.data,
        Queue {
            name: "support".into(),
            size: 3
        }
    );
    assert_eq!(response.request_id(), Some("rid-1"));
    let seen = &server.seen()[0];
    assert_eq!(seen.method, "GET");
    assert_eq!(
        seen.target,
        "/v2/queues/sup%20port%2F1?page%5Bsize%5D=5\
         &filter%5Boccurred_at%5D%5Bgte%5D=2024-01-01&filter%5Bstatus%5D=a&filter%5Bstatus%5D=b\
         &occurred%5Bgte%5D=x"
    );
    assert_eq!(seen.header("authorization"), Some("Bearer test-key"));
    assert_eq!(seen.header("x-trace"), Some("t1"));
    assert_eq!(seen.header(RETRY_COUNT_HEADER), Some("0"));
    assert!(seen
        .header("user-agent")
        .is_some_and(|ua| ua.starts_with("telnyx-voice-rust/")));
}

#[tokio::test]
async fn every_method_with_json_bodies_and_value_output() {
    let server = Loopback::start(vec![
        Reply::json(200, r#"{"data":{"id":"1"}}"#),
        Reply::json(200, r#"{"data":{"id":"2"}}"#),
        Reply::json(200, r#"{"data":{"id":"3"}}"#),
        Reply::with_headers(204, &[], ""),
    ]);
    let client = client(&server);
    let body = json!({"name": "x", "anchorsite_override": null});
    let created: Value = client
        .post("/call_control_applications")
        .json(&body)
        .await
        .expect("post")
        .into_inner();
    assert_eq!(created["data"]["id"], "1");
    let _ = client
        .put("/things/1")
        .json(&json!({"a": 1}))
        .await
        .expect("put");
    let _ = client.patch("things/1").json(&body).await.expect("patch");
    let deleted = client
        .delete("/things/1")
        .send::<()>()
        .await
        .expect("delete");
    assert_eq!(deleted.status().as_u16(), 204);
    let seen = server.seen();
    let methods: Vec<&str> = seen.iter().map(|s| s.method.as_str()).collect();
    assert_eq!(methods, ["POST", "PUT", "PATCH", "DELETE"]);
    assert_eq!(seen[2].target, "/v2/things/1");
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    let sent: Value = serde_json::from_slice(&seen[0].body).expect("json");
    assert_eq!(sent, body, "an explicit null is sent as null");
    assert!(seen[3].body.is_empty());
    assert_eq!(seen[3].header("content-type"), None);
}

#[tokio::test]
async fn api_errors_keep_telnyx_code_title_and_detail() {
    let server = Loopback::start(vec![Reply::with_headers(
        422,
        &[
            ("content-type", "application/json"),
            ("x-request-id", "r-9"),
        ],
        r#"{"errors":[{"code":"10015","title":"Invalid value","detail":"to is not a number","source":{"pointer":"/to"}}]}"#,
    )]);
    let err = client(&server)
        .post("/calls")
        .json(&json!({"to": "x"}))
        .send::<Value>()
        .await
        .expect_err("422");
    assert!(err.is_unprocessable());
    assert_eq!(err.request_id(), Some("r-9"));
    let detail = err.api_error().and_then(|api| api.first()).expect("detail");
    assert_eq!(detail.code.as_deref(), Some("10015"));
    assert_eq!(detail.title.as_deref(), Some("Invalid value"));
    assert_eq!(detail.detail.as_deref(), Some("to is not a number"));
    assert_eq!(server.seen().len(), 1, "422 is not retried");
}

#[tokio::test]
async fn retries_resend_the_same_body_and_count_attempts() {
    let server = Loopback::start(vec![
        Reply::json(503, r#"{"errors":[{"title":"busy"}]}"#),
        Reply::json(500, ""),
        Reply::json(200, r#"{"data":{}}"#),
    ]);
    let body = json!({"to": "+15550001111", "command_id": "cmd-1"});
    client(&server)
        .post("/calls")
        .json(&body)
        .send::<Value>()
        .await
        .expect("third attempt");
    let seen = server.seen();
    let counts: Vec<Option<&str>> = seen.iter().map(|s| s.header(RETRY_COUNT_HEADER)).collect();
    assert_eq!(counts, [Some("0"), Some("1"), Some("2")]);
    assert!(seen.iter().all(|s| s.body == seen[0].body));
}

#[tokio::test]
async fn per_request_retries_and_timeout() {
    let server = Loopback::start(vec![Reply::json(503, ""), Reply::script(loopback::hold)]);
    let client = client(&server);
    let err = client
        .get("/x")
        .with_max_retries(0)
        .send::<Value>()
        .await
        .expect_err("503");
    assert!(err.is_server_error());
    assert_eq!(server.seen().len(), 1);
    let err = client
        .get("/x")
        .with_retry_policy(RetryPolicy::never())
        .with_timeout(Duration::from_millis(200))
        .send::<Value>()
        .await
        .expect_err("stalled");
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn bad_paths_and_bodies_fail_before_sending() {
    let server = Loopback::start(vec![]);
    let client = client(&server);
    for path in ["/calls?x=1", "/calls#frag", "https://example.test/calls"] {
        let err = client.get(path).send::<Value>().await.expect_err(path);
        assert!(
            matches!(&err, Error::InvalidArgument { name, .. } if name == "path"),
            "{err:?}"
        );
    }
    let err = client
        .get("/x")
        .query("filter", json!({"a": [{"b": 1}]}))
        .send::<Value>()
        .await
        .expect_err("nested");
    assert!(
        matches!(&err, Error::InvalidArgument { name, .. } if name == "filter"),
        "{err:?}"
    );
    assert!(path_segment("..").is_err());
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn send_raw_returns_status_headers_and_bytes() {
    let body = r#"{"data": {"odd":  "spacing"}}"#;
    let server = Loopback::start(vec![Reply::with_headers(
        201,
        &[("content-type", "application/json"), ("x-extra", "yes")],
        body,
    )]);
    let raw = client(&server)
        .post("/things")
        .send_raw()
        .await
        .expect("raw");
    assert_eq!(raw.status().as_u16(), 201);
    assert_eq!(raw.headers()["x-extra"], "yes");
    assert_eq!(raw.body().as_ref(), body.as_bytes(), "bytes as sent");
    let value: Value = raw.json().expect("json");
    assert_eq!(value["data"]["odd"], "spacing");
}

#[tokio::test]
async fn into_stream_walks_page_number_and_cursor_lists() {
    let server = Loopback::start(vec![
        Reply::json(
            200,
            r#"{"data":[{"name":"a","size":1}],"meta":{"page_number":1,"total_pages":2}}"#,
        ),
        Reply::json(
            200,
            r#"{"data":[{"name":"b","size":2}],"meta":{"page_number":2,"total_pages":2}}"#,
        ),
        Reply::json(200, r#"{"data":[1,2],"meta":{"cursors":{"after":"c1"}}}"#),
        Reply::json(200, r#"{"data":[3],"meta":{"cursors":{}}}"#),
    ]);
    let client = client(&server);
    let queues = client
        .get("/queues")
        .query("page[size]", 1)
        .into_stream::<Queue>(PageScheme::PageNumber)
        .collect_all()
        .await
        .expect("pages");
    assert_eq!(
        queues.iter().map(|q| q.name.as_str()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    let numbers = client
        .get("/calls")
        .into_stream::<u32>(PageScheme::Cursor)
        .collect_all()
        .await
        .expect("cursor pages");
    assert_eq!(numbers, [1, 2, 3]);
    let targets: Vec<String> = server.seen().into_iter().map(|s| s.target).collect();
    assert_eq!(
        targets,
        [
            "/v2/queues?page%5Bsize%5D=1",
            "/v2/queues?page%5Bsize%5D=1&page%5Bnumber%5D=2",
            "/v2/calls",
            "/v2/calls?page%5Bafter%5D=c1",
        ]
    );
}

#[tokio::test]
async fn download_streams_and_sends_the_key_only_to_the_api_host() {
    let media = vec![7u8; 300_000];
    let mut reply = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: audio/mpeg\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        media.len()
    )
    .into_bytes();
    reply.extend_from_slice(&media);
    let api = Loopback::start(vec![Reply::raw(reply.clone())]);
    let storage = Loopback::start(vec![Reply::raw(reply.clone()), Reply::raw(reply)]);
    let client = client(&api);

    let mut stream = client
        .download(&format!("{}/v2/recordings/r1/media", api.origin))
        .await
        .expect("api download");
    assert_eq!(stream.content_length(), Some(300_000));
    assert_eq!(stream.headers()["content-type"], "audio/mpeg");
    let mut total = 0;
    while let Some(chunk) = stream.next_chunk().await.expect("chunk") {
        assert!(chunk.iter().all(|b| *b == 7));
        total += chunk.len();
    }
    assert_eq!(total, 300_000);
    assert_eq!(
        api.seen()[0].header("authorization"),
        Some("Bearer test-key")
    );

    let url = format!("{}/bucket/r1.mp3?X-Signature=abc", storage.origin);
    let all = client
        .download(&url)
        .await
        .expect("storage")
        .collect_bytes()
        .await
        .expect("bytes");
    assert_eq!(all.len(), 300_000);
    let seen = &storage.seen()[0];
    assert_eq!(seen.target, "/bucket/r1.mp3?X-Signature=abc");
    assert_eq!(
        seen.header("authorization"),
        None,
        "no key for another host"
    );
    assert_eq!(seen.header(RETRY_COUNT_HEADER), None);

    let err = client
        .download(&url)
        .await
        .expect("storage")
        .with_limit(1000)
        .collect_bytes()
        .await
        .expect_err("over the limit");
    assert!(
        matches!(
            err,
            Error::Body {
                problem: BodyProblem::TooLarge { limit: 1000 },
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn download_failures_are_api_errors() {
    let server = Loopback::start(vec![Reply::with_headers(
        404,
        &[("content-type", "application/xml")],
        "<Error><Code>NoSuchKey</Code></Error>",
    )]);
    let err = client(&server)
        .download(&format!("{}/bucket/gone.mp3", server.origin))
        .await
        .expect_err("404");
    assert!(err.is_not_found());
    assert!(err.to_string().contains("NoSuchKey"), "{err}");
    let err = client(&server)
        .download("ftp://example.test/x")
        .await
        .expect_err("scheme");
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
}
