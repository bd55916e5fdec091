//! Broken or hostile answers stay contained: each gives a typed error naming
//! the status with a short snippet of the body, memory stays bounded, and
//! nothing panics. The server is a real TCP listener on 127.0.0.1 that
//! writes hand-made HTTP responses.

mod loopback;

use std::time::Duration;

use loopback::{hold, Loopback, Reply};
use serde_json::Value;
use telnyx_voice::{BodyProblem, Client, Error, DEFAULT_MAX_BODY_SIZE};
use tokio::io::AsyncWriteExt;

fn client(server: &Loopback) -> Client {
    server
        .builder()
        .max_retries(0)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

#[tokio::test]
async fn html_502_from_a_proxy_is_an_api_error_with_a_snippet() {
    let page = "<html><head><title>502 Bad Gateway</title></head>\
                <body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
    let server = Loopback::start(vec![Reply::with_headers(
        502,
        &[("content-type", "text/html")],
        page,
    )]);
    let err = client(&server)
        .get("/calls/abc")
        .send::<Value>()
        .await
        .expect_err("502");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    let api = err.api_error().expect("api error");
    assert!(api.errors.is_empty());
    assert!(
        api.body.contains("<h1>502 Bad Gateway</h1>"),
        "{}",
        api.body
    );
    assert!(
        err.to_string().starts_with("502 Bad Gateway: <html>"),
        "{err}"
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_with_the_status_and_snippet() {
    let cut = r#"{"data":{"call_control_id":"v3:ab"#;
    let server = Loopback::start(vec![Reply::json(200, cut)]);
    let err = client(&server)
        .get("/calls/abc")
        .send::<Value>()
        .await
        .expect_err("cut JSON");
    match &err {
        Error::Decode {
            status, snippet, ..
        } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(snippet, cut);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(!err.is_retryable());
}

/// Writes a 100 MB chunked body (no length announced) until the client
/// hangs up, and reports how much it managed to write.
async fn endless_chunks(
    mut stream: tokio::net::TcpStream,
    written: tokio::sync::oneshot::Sender<usize>,
) {
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
    let mut total = 0usize;
    if stream.write_all(head.as_bytes()).await.is_ok() {
        let chunk = vec![b' '; 64 * 1024];
        let framed = [
            format!("{:x}\r\n", chunk.len()).into_bytes(),
            chunk,
            b"\r\n".to_vec(),
        ]
        .concat();
        while total < 100 * 1024 * 1024 {
            if stream.write_all(&framed).await.is_err() {
                break;
            }
            total += 64 * 1024;
        }
    }
    let _ = written.send(total);
}

#[tokio::test]
async fn a_100_mb_body_stops_at_the_limit() {
    let (written, wrote) = tokio::sync::oneshot::channel();
    let server = Loopback::start(vec![Reply::script(move |stream| {
        endless_chunks(stream, written)
    })]);
    let err = client(&server)
        .get("/recordings")
        .send::<Value>()
        .await
        .expect_err("too large");
    match &err {
        Error::Body {
            status,
            problem: BodyProblem::TooLarge { limit },
            ..
        } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(*limit, DEFAULT_MAX_BODY_SIZE);
        }
        other => panic!("expected a body error, got {other:?}"),
    }
    assert!(
        err.to_string().contains("larger than 16777216 bytes"),
        "{err}"
    );
    assert!(!err.is_retryable());
    let written = wrote.await.expect("server finished");
    assert!(
        written < 100 * 1024 * 1024,
        "the client stopped reading early ({written} bytes written)"
    );
}

#[tokio::test]
async fn an_announced_100_mb_body_is_refused_before_reading() {
    let server = Loopback::start(vec![Reply::script(|mut stream| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 104857600\r\n\r\n[1,";
        let _ = stream.write_all(head.as_bytes()).await;
        hold(stream).await;
    })]);
    let err = server
        .builder()
        .max_retries(0)
        .max_body_size(1024)
        .build()
        .expect("client")
        .get("/recordings")
        .send::<Value>()
        .await
        .expect_err("too large");
    assert!(
        matches!(
            err,
            Error::Body {
                problem: BodyProblem::TooLarge { limit: 1024 },
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_response_that_never_finishes_times_out_with_what_arrived() {
    let server = Loopback::start(vec![Reply::script(|mut stream| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"data\":[";
        let _ = stream.write_all(head.as_bytes()).await;
        hold(stream).await;
    })]);
    let err = server
        .builder()
        .max_retries(0)
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client")
        .get("/calls")
        .send::<Value>()
        .await
        .expect_err("stalled");
    assert!(err.is_timeout(), "{err:?}");
    match &err {
        Error::Body {
            status,
            problem: BodyProblem::TimedOut { .. },
            snippet,
        } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(snippet, "{\"data\":[");
        }
        other => panic!("expected a body timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_a_retryable_body_error() {
    let reset = || {
        Reply::script(|mut stream| async move {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"data\":{\"id\"";
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.flush().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            // Closing with a zero linger sends a TCP reset instead of a FIN.
            let _ = stream.set_zero_linger();
            drop(stream);
        })
    };
    let server = Loopback::start(vec![reset(), reset()]);
    let err = server
        .builder()
        .max_retries(1)
        .retry_policy(
            telnyx_voice::RetryPolicy::default()
                .with_backoff(Duration::from_millis(10), Duration::from_millis(10)),
        )
        .build()
        .expect("client")
        .get("/calls/abc")
        .send::<Value>()
        .await
        .expect_err("reset");
    assert!(err.is_connection(), "{err:?}");
    assert!(
        err.to_string()
            .contains("was cut off (Connection reset by peer"),
        "the message names the cause: {err}"
    );
    match &err {
        Error::Body {
            status,
            problem: BodyProblem::Interrupted(_),
            snippet,
        } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(snippet, "{\"data\":{\"id\"");
        }
        other => panic!("expected a cut body, got {other:?}"),
    }
    assert_eq!(
        server.seen().len(),
        2,
        "retried once like any transport failure"
    );
}

#[tokio::test]
async fn an_invalid_utf8_header_is_tolerated() {
    let mut failure = b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\nx-request-id: \xff\xfe\x80\r\nconnection: close\r\n".to_vec();
    let body = r#"{"errors":[{"code":"10007","title":"Unexpected error","detail":"try again"}]}"#;
    failure.extend_from_slice(format!("content-length: {}\r\n\r\n{body}", body.len()).as_bytes());
    let mut success = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: \xc3\x28\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{\"data\":1}\n".to_vec();
    success.truncate(success.len());
    let server = Loopback::start(vec![Reply::raw(failure), Reply::raw(success)]);
    let client = client(&server);
    let err = client.get("/x").send::<Value>().await.expect_err("500");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.request_id(), None);
    let detail = err.api_error().and_then(|api| api.first()).expect("detail");
    assert_eq!(detail.code.as_deref(), Some("10007"));
    assert_eq!(detail.detail.as_deref(), Some("try again"));
    let ok = client.get("/x").send::<Value>().await.expect("200");
    assert_eq!(ok.request_id(), None);
    assert_eq!(ok.headers()["x-request-id"].as_bytes(), b"\xc3\x28");
    assert_eq!(ok.into_inner()["data"], 1);
}

#[tokio::test]
async fn a_redirect_loop_is_not_followed() {
    let redirect = || {
        Reply::with_headers(
            302,
            &[("location", "/v2/loop"), ("content-type", "text/plain")],
            "Found",
        )
    };
    let server = Loopback::start((0..10).map(|_| redirect()).collect());
    let err = client(&server)
        .get("/loop")
        .send::<Value>()
        .await
        .expect_err("302");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302));
    assert!(err.to_string().contains("Found"), "{err}");
    assert!(!err.is_retryable());
    assert_eq!(server.seen().len(), 1);

    // A caller's own reqwest client may follow redirects; its limit holds.
    let following = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
        .expect("reqwest");
    let err = server
        .builder()
        .max_retries(0)
        .http_client(following)
        .build()
        .expect("client")
        .get("/loop")
        .send::<Value>()
        .await
        .expect_err("too many redirects");
    assert!(err.is_connection(), "{err:?}");
    assert_eq!(server.seen().len(), 1 + 4);
}

#[tokio::test]
async fn a_download_redirect_loop_ends_after_five_hops() {
    let redirect = || Reply::with_headers(302, &[("location", "/media/loop.mp3")], "");
    let server = Loopback::start((0..10).map(|_| redirect()).collect());
    let err = client(&server)
        .download(&format!("{}/media/loop.mp3", server.origin))
        .await
        .expect_err("loop");
    assert!(err.to_string().contains("more than 5 redirects"), "{err}");
    assert_eq!(server.seen().len(), 6);
}
