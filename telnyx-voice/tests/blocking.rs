//! The blocking client (feature `blocking`) against a real HTTP server on
//! 127.0.0.1: plain threads, calls from inside Tokio runtimes, retries,
//! errors, pagination as an iterator, downloads and webhook verification.

mod loopback;

use std::io::Read;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use loopback::{Loopback, Reply};
use serde_json::{json, Value};
use telnyx_voice::blocking::Client;
use telnyx_voice::{PageScheme, RetryPolicy, RETRY_COUNT_HEADER};

fn client(server: &Loopback) -> Client {
    Client::builder()
        .api_key("test-key")
        .base_url(server.base_url())
        .retry_policy(
            RetryPolicy::default().with_backoff(Duration::from_millis(5), Duration::from_millis(5)),
        )
        .build()
        .expect("blocking client")
}

#[test]
fn sends_typed_requests_with_retries_from_a_plain_thread() {
    let server = Loopback::start(vec![
        Reply::json(503, r#"{"errors":[{"title":"busy"}]}"#),
        Reply::json(200, r#"{"data":{"call_control_id":"v3:abc"}}"#),
    ]);
    let client = client(&server);
    let body = json!({"to": "+15550001111", "from": "+15550002222", "command_id": "c-1"});
    let response = client
        .post("/calls")
        .json(&body)
        .send::<Value>()
        .expect("second attempt");
    assert_eq!(response.data()["call_control_id"], "v3:abc");
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body, seen[1].body);
    assert_eq!(seen[1].header(RETRY_COUNT_HEADER), Some("1"));
    assert_eq!(seen[0].header("authorization"), Some("Bearer test-key"));
}

trait DataField {
    fn data(&self) -> &Value;
}

impl DataField for telnyx_voice::Response<Value> {
    fn data(&self) -> &Value {
        &self.body()["data"]
    }
}

#[test]
fn api_errors_are_the_async_clients_errors() {
    let server = Loopback::start(vec![Reply::json(
        404,
        r#"{"errors":[{"code":"90018","title":"Call has already ended","detail":"This call is no longer active"}]}"#,
    )]);
    let err = client(&server)
        .post("/calls/v3:gone/actions/hangup")
        .send::<Value>()
        .expect_err("404");
    assert!(err.is_not_found());
    let detail = err.api_error().and_then(|api| api.first()).expect("detail");
    assert_eq!(detail.code.as_deref(), Some("90018"));
    assert_eq!(detail.title.as_deref(), Some("Call has already ended"));
    assert_eq!(
        detail.detail.as_deref(),
        Some("This call is no longer active")
    );
}

#[test]
fn works_from_inside_a_multi_thread_runtime() {
    let server = Loopback::start(vec![Reply::json(200, r#"{"data":1}"#)]);
    let client = client(&server);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let value = runtime.block_on(async move {
        // Called straight from an async task: no "cannot block" panic.
        let value = client
            .get("/x")
            .send::<Value>()
            .expect("inside")
            .into_inner();
        drop(client);
        value
    });
    assert_eq!(value["data"], 1);
}

#[tokio::test(flavor = "current_thread")]
async fn works_from_inside_a_current_thread_runtime() {
    let server = Loopback::start(vec![
        Reply::json(200, r#"{"data":2}"#),
        Reply::json(200, r#"{"data":3}"#),
    ]);
    let client = client(&server);
    let value = client
        .get("/x")
        .send::<Value>()
        .expect("inside")
        .into_inner();
    assert_eq!(value["data"], 2);
    // Also from spawn_blocking, the recommended place in async code.
    let value = tokio::task::spawn_blocking(move || client.get("/x").send::<Value>())
        .await
        .expect("join")
        .expect("send")
        .into_inner();
    assert_eq!(value["data"], 3);
}

#[test]
fn pagination_is_an_iterator() {
    let server = Loopback::start(vec![
        Reply::json(
            200,
            r#"{"data":[1,2],"meta":{"page_number":1,"total_pages":2}}"#,
        ),
        Reply::json(
            200,
            r#"{"data":[3],"meta":{"page_number":2,"total_pages":2}}"#,
        ),
        Reply::json(200, r#"{"data":[1],"meta":{"cursors":{"after":"n"}}}"#),
        Reply::json(500, r#"{"errors":[{"detail":"broken page"}]}"#),
    ]);
    let client = Client::builder()
        .api_key("test-key")
        .base_url(server.base_url())
        .max_retries(0)
        .build()
        .expect("client");
    let mut items = client
        .get("/queues")
        .into_iter::<u32>(PageScheme::PageNumber);
    assert_eq!(items.next().map(Result::unwrap), Some(1));
    assert_eq!(server.seen().len(), 1, "pages are fetched lazily");
    assert_eq!(items.collect_all().expect("rest"), [2, 3]);
    let results: Vec<_> = client
        .get("/calls")
        .into_iter::<u32>(PageScheme::Cursor)
        .collect();
    assert_eq!(results.len(), 2, "one item, then the error, then the end");
    assert_eq!(*results[0].as_ref().expect("first"), 1);
    let err = results[1].as_ref().expect_err("second page fails");
    assert!(err.to_string().contains("broken page"), "{err}");
}

#[test]
fn concurrent_calls_from_many_threads() {
    let replies = (0..8)
        .map(|n| Reply::json(200, &format!(r#"{{"data":{n}}}"#)))
        .collect();
    let server = Loopback::start(replies);
    let client = client(&server);
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || client.get("/x").send::<Value>().expect("send"))
        })
        .collect();
    let mut seen: Vec<u64> = handles
        .into_iter()
        .map(|h| {
            h.join().expect("thread").into_inner()["data"]
                .as_u64()
                .expect("n")
        })
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..8).collect::<Vec<u64>>());
}

#[test]
fn download_reads_through_std_io() {
    let media: Vec<u8> = (0..200_000u32).map(|n| (n % 251) as u8).collect();
    let mut reply = format!(
        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        media.len()
    )
    .into_bytes();
    reply.extend_from_slice(&media);
    let server = Loopback::start(vec![Reply::raw(reply)]);
    let mut download = client(&server)
        .download(&format!("{}/v2/recordings/r/media", server.origin))
        .expect("download");
    assert_eq!(download.content_length(), Some(200_000));
    let mut read = Vec::new();
    download.read_to_end(&mut read).expect("read");
    assert_eq!(read, media);
}

#[test]
fn webhooks_are_verified_with_the_public_key() {
    let signing = SigningKey::from_bytes(&[5u8; 32]);
    let b64 = base64::engine::general_purpose::STANDARD;
    let client = Client::builder()
        .api_key("k")
        .public_key(b64.encode(signing.verifying_key().as_bytes()))
        .build()
        .expect("client");
    let body = br#"{"data":{"event_type":"call.hangup","payload":{}}}"#;
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        .to_string();
    let mut message = timestamp.as_bytes().to_vec();
    message.push(b'|');
    message.extend_from_slice(body);
    let signature = b64.encode(signing.sign(&message).to_bytes());
    let headers = [
        ("telnyx-timestamp", timestamp.as_str()),
        ("telnyx-signature-ed25519", signature.as_str()),
    ];
    client.webhooks().verify(body, &headers).expect("verified");
    let event = client
        .webhooks()
        .unwrap(body, &headers)
        .expect("typed event");
    assert_eq!(event.event_type(), "call.hangup");
    let forged = br#"{"data":{"event_type":"call.answered","payload":{}}}"#;
    assert!(client.webhooks().verify(forged, &headers).is_err());
}

#[test]
fn constructors_mirror_the_async_client() {
    let client = Client::new("k").expect("new");
    assert_eq!(client.base_url(), telnyx_voice::DEFAULT_BASE_URL);
    assert_eq!(*client.retry_policy(), RetryPolicy::default());
    assert!(Client::new(" ").is_err());
    let wrapped = Client::from_async(telnyx_voice::Client::new("k").expect("async")).expect("wrap");
    assert_eq!(
        wrapped.as_async().base_url(),
        telnyx_voice::DEFAULT_BASE_URL
    );
    let shown = format!("{client:?}");
    assert!(shown.contains("***") && !shown.contains("\"k\""), "{shown}");
}

#[test]
fn generated_commands_send_and_keep_the_command_id_across_retries() {
    let server = Loopback::start(vec![
        Reply::json(503, r#"{"errors":[{"title":"busy"}]}"#),
        Reply::json(
            200,
            r#"{"data":{"call_control_id":"v3:abc","call_leg_id":"l","call_session_id":"s","is_alive":true,"record_type":"call"}}"#,
        ),
        Reply::json(200, r#"{"data":{"result":"ok"}}"#),
    ]);
    let client = client(&server);
    let call = client
        .calls()
        .dial("conn-1", "+15550002222", "+15550001111")
        .timeout_secs(30)
        .send()
        .expect("dial after one retry");
    assert_eq!(call.data.call_control_id, "v3:abc");
    let spoken = client
        .call(&call.data.call_control_id)
        .speak("Hello", "female")
        .send()
        .expect("speak");
    assert_eq!(
        serde_json::to_value(&spoken.data).expect("json")["result"],
        "ok"
    );

    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    let bodies: Vec<Value> = seen
        .iter()
        .map(|s| serde_json::from_slice(&s.body).expect("json body"))
        .collect();
    assert_eq!(bodies[0]["to"], "+15550001111");
    assert_eq!(bodies[0]["timeout_secs"], 30);
    assert!(bodies[0]["command_id"].is_string());
    assert_eq!(bodies[0]["command_id"], bodies[1]["command_id"]);
    assert_eq!(seen[2].target, "/v2/calls/v3%3Aabc/actions/speak");
    assert_eq!(bodies[2]["payload"], "Hello");
}

#[test]
fn generated_lists_are_iterators_and_work_inside_a_runtime() {
    let server = Loopback::start(vec![
        Reply::json(
            200,
            r#"{"data":[{"id":"a"},{"id":"b"}],"meta":{"page_number":1,"total_pages":2}}"#,
        ),
        Reply::json(
            200,
            r#"{"data":[{"id":"c"}],"meta":{"page_number":2,"total_pages":2}}"#,
        ),
    ]);
    let client = client(&server);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let ids = runtime.block_on(async move {
        // Iterated from inside an async task, where a naive blocking wrapper panics.
        client
            .call_control_applications()
            .list()
            .page_size(2)
            .into_iter()
            .map(|app| app.map(|app| app.id.unwrap_or_default()))
            .collect::<telnyx_voice::Result<Vec<_>>>()
    });
    assert_eq!(ids.expect("both pages"), ["a", "b", "c"]);
    let seen = server.seen();
    assert!(
        seen[0].target.contains("page%5Bsize%5D=2"),
        "{}",
        seen[0].target
    );
    assert!(
        seen[1].target.contains("page%5Bnumber%5D=2"),
        "{}",
        seen[1].target
    );
}

/// Nothing drives the client's runtime between calls, so a keep-alive
/// connection the server closed in the meantime is only found closed when
/// the next call picks it; that call must still go out, on a new connection,
/// without a retry of ours.
#[test]
fn a_connection_closed_between_calls_is_replaced() {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = std::thread::spawn(move || {
        let mut connections = 0;
        for n in 0..2 {
            let (stream, _) = listener.accept().expect("accept");
            connections += 1;
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            while reader.read_line(&mut line).expect("read") > 2 {
                line.clear();
            }
            let body = format!(r#"{{"data":{n}}}"#);
            let mut stream = stream;
            write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            )
            .expect("reply");
            // The connection is closed right after the reply, keep-alive or not.
        }
        connections
    });
    let client = Client::builder()
        .api_key("test-key")
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(0)
        .build()
        .expect("client");
    let first = client.get("/x").send::<Value>().expect("first call");
    std::thread::sleep(Duration::from_millis(100));
    let second = client.get("/x").send::<Value>().expect("second call");
    assert_eq!(first.into_inner()["data"], 0);
    assert_eq!(second.into_inner()["data"], 1);
    assert_eq!(server.join().expect("server"), 2);
}
