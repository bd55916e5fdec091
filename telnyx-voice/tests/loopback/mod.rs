//! A scripted HTTP/1.1 server on 127.0.0.1 for the runtime's integration
//! tests, written over a plain TCP listener so that each answer can be
//! exactly what a test needs, broken ones included (cut bodies, resets,
//! stalls, invalid headers). It runs on a thread with its own runtime, so it
//! serves blocking clients and tests with a paused clock alike.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the server read it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

type Script = Box<dyn FnOnce(TcpStream) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// What the server does after reading a request.
pub enum Reply {
    /// Writes these bytes and closes the connection.
    Bytes(Vec<u8>),
    /// Hands the connection to a script.
    Script(Script),
}

impl Reply {
    /// A complete JSON answer with `connection: close`.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::with_headers(status, &[("content-type", "application/json")], body)
    }

    /// A complete answer with extra headers.
    pub fn with_headers(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut head = format!(
            "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body.as_bytes());
        Reply::Bytes(bytes)
    }

    /// Exactly these bytes, however broken.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Reply {
        Reply::Bytes(bytes.into())
    }

    /// Runs `script` with the connection once the request was read.
    pub fn script<F, Fut>(script: F) -> Reply
    where
        F: FnOnce(TcpStream) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Reply::Script(Box::new(move |stream| Box::pin(script(stream))))
    }
}

struct Shared {
    replies: Mutex<VecDeque<Reply>>,
    seen: Mutex<Vec<Seen>>,
}

/// The running server; it stops when dropped.
pub struct Loopback {
    pub origin: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Loopback {
    /// Serves `replies` in order, one per request; later requests get a 418.
    pub fn start(replies: Vec<Reply>) -> Loopback {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let origin = format!("http://{}", listener.local_addr().expect("addr"));
        let shared = Arc::new(Shared {
            replies: Mutex::new(replies.into()),
            seen: Mutex::new(Vec::new()),
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let state = Arc::clone(&shared);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("tokio listener");
                let serve = async {
                    loop {
                        let Ok((stream, _)) = listener.accept().await else {
                            continue;
                        };
                        tokio::spawn(handle(stream, Arc::clone(&state)));
                    }
                };
                tokio::select! {
                    () = serve => {}
                    _ = stopped => {}
                }
            });
        });
        Loopback {
            origin,
            shared,
            stop: Some(stop),
        }
    }

    /// `<origin>/v2`, the base URL tests give their clients.
    pub fn base_url(&self) -> String {
        format!("{}/v2", self.origin)
    }

    /// Every request read so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().expect("lock").clone()
    }

    /// A client builder aimed at this server with key `test-key`.
    pub fn builder(&self) -> telnyx_voice::ClientBuilder {
        telnyx_voice::Client::builder()
            .api_key("test-key")
            .base_url(self.base_url())
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn handle(mut stream: TcpStream, shared: Arc<Shared>) {
    let Some(seen) = read_request(&mut stream).await else {
        return;
    };
    shared.seen.lock().expect("lock").push(seen);
    let reply = shared.replies.lock().expect("lock").pop_front();
    match reply {
        Some(Reply::Bytes(bytes)) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Some(Reply::Script(script)) => script(stream).await,
        None => {
            let body = r#"{"errors":[{"title":"no scripted reply"}]}"#;
            let head = format!(
                "HTTP/1.1 418 X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(body.as_bytes()).await;
        }
    }
}

/// Reads one request (head and `content-length` body).
async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    Some(Seen {
        method,
        target,
        headers,
        body,
    })
}

/// Holds a connection open without writing, for stalls.
pub async fn hold(stream: TcpStream) {
    tokio::time::sleep(Duration::from_secs(60)).await;
    drop(stream);
}
