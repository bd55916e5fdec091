//! Downloading files (such as recording media) as a stream of byte chunks.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http::{HeaderMap, StatusCode};
use tokio::time::Instant;

use crate::client::within;
use crate::error::{snippet, BodyProblem, Error, Result, SNIPPET_LIMIT};

/// Largest download, in bytes, that a [`ByteStream`] delivers unless
/// [`ByteStream::with_limit`] sets another limit (4 GiB).
pub const DEFAULT_DOWNLOAD_LIMIT: u64 = 4 * 1024 * 1024 * 1024;

/// The body of a download, from [`Client::download`](crate::Client::download),
/// as a stream of byte chunks.
///
/// Only one chunk is held at a time. Each wait for the next chunk is limited
/// by the client's timeout, and the total by a byte limit; a broken
/// connection, a stall or an oversized body ends the stream with an
/// [`Error::Body`] naming the status.
///
/// ```no_run
/// # async fn run(client: telnyx_voice::Client, url: &str) -> telnyx_voice::Result<()> {
/// let mut media = client.download(url).await?.with_limit(200 * 1024 * 1024);
/// let mut size = 0;
/// while let Some(chunk) = media.next_chunk().await? {
///     size += chunk.len(); // write it to a file, hash it, ...
/// }
/// println!("{size} bytes");
/// # Ok(())
/// # }
/// ```
pub struct ByteStream {
    status: StatusCode,
    headers: HeaderMap,
    content_length: Option<u64>,
    /// Present while no read is in flight.
    reader: Option<Reader>,
    pending: Option<Pending>,
}

type Pending = Pin<Box<dyn Future<Output = (Result<Option<Bytes>>, Reader)> + Send>>;

/// The state of a download between chunks.
struct Reader {
    response: reqwest::Response,
    status: StatusCode,
    idle_timeout: Option<Duration>,
    limit: u64,
    received: u64,
    /// The start of the body, kept for error messages.
    head: BytesMut,
    done: bool,
}

impl ByteStream {
    pub(crate) fn new(response: reqwest::Response, idle_timeout: Option<Duration>) -> Self {
        ByteStream {
            status: response.status(),
            headers: response.headers().clone(),
            content_length: response.content_length(),
            reader: Some(Reader {
                status: response.status(),
                response,
                idle_timeout,
                limit: DEFAULT_DOWNLOAD_LIMIT,
                received: 0,
                head: BytesMut::new(),
                done: false,
            }),
            pending: None,
        }
    }

    /// The HTTP status of the response (some 2xx value).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers (`content-type`, `content-length`, ...).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The announced body size, if the server sent one.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// Fails the download with [`Error::Body`] once more than `max_bytes`
    /// have arrived (or at the first read, when the announced size is
    /// larger). Call it before reading.
    pub fn with_limit(mut self, max_bytes: u64) -> Self {
        if let Some(reader) = &mut self.reader {
            reader.limit = max_bytes;
        }
        self
    }

    /// The next chunk of the body, or `Ok(None)` at its end. After an error
    /// the stream ends.
    pub async fn next_chunk(&mut self) -> Result<Option<Bytes>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// Reads the rest of the body into memory (within the byte limit).
    pub async fn collect_bytes(mut self) -> Result<Bytes> {
        let mut all = BytesMut::new();
        while let Some(chunk) = self.next_chunk().await? {
            all.extend_from_slice(&chunk);
        }
        Ok(all.freeze())
    }
}

impl Reader {
    async fn next(&mut self) -> Result<Option<Bytes>> {
        if self.done {
            return Ok(None);
        }
        let outcome = self.read_chunk().await;
        if !matches!(outcome, Ok(Some(_))) {
            self.done = true;
        }
        outcome
    }

    async fn read_chunk(&mut self) -> Result<Option<Bytes>> {
        if self.received == 0 {
            if let Some(length) = self.response.content_length() {
                if length > self.limit {
                    return Err(self.error(BodyProblem::TooLarge { limit: self.limit }));
                }
            }
        }
        let started = Instant::now();
        let deadline = self.idle_timeout.map(|limit| started + limit);
        let chunk = match within(deadline, self.response.chunk()).await {
            None => {
                return Err(self.error(BodyProblem::TimedOut {
                    elapsed: started.elapsed(),
                }))
            }
            Some(Err(err)) => return Err(self.error(BodyProblem::Interrupted(Box::new(err)))),
            Some(Ok(None)) => return Ok(None),
            Some(Ok(Some(chunk))) => chunk,
        };
        self.received = self.received.saturating_add(chunk.len() as u64);
        let kept = self.head.len();
        if kept < SNIPPET_LIMIT {
            let take = chunk.len().min(SNIPPET_LIMIT - kept);
            self.head.extend_from_slice(&chunk[..take]);
        }
        if self.received > self.limit {
            return Err(self.error(BodyProblem::TooLarge { limit: self.limit }));
        }
        Ok(Some(chunk))
    }

    fn error(&self, problem: BodyProblem) -> Error {
        Error::Body {
            status: self.status,
            problem,
            snippet: snippet(&self.head),
        }
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes>>> {
        loop {
            if let Some(pending) = self.pending.as_mut() {
                let (outcome, reader) = match pending.as_mut().poll(cx) {
                    Poll::Ready(done) => done,
                    Poll::Pending => return Poll::Pending,
                };
                self.pending = None;
                self.reader = Some(reader);
                return Poll::Ready(outcome.transpose());
            }
            let Some(mut reader) = self.reader.take() else {
                return Poll::Ready(None);
            };
            if reader.done {
                self.reader = Some(reader);
                return Poll::Ready(None);
            }
            // The read owns the state while it runs and hands it back.
            self.pending = Some(Box::pin(async move {
                let outcome = reader.next().await;
                (outcome, reader)
            }));
        }
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}
