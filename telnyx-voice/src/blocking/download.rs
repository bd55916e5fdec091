//! Downloads in blocking form.

use std::io::Read;
use std::sync::Arc;

use bytes::{Buf, Bytes};
use http::{HeaderMap, StatusCode};

use super::runtime::Runtime;
use crate::error::Result;

/// The body of a download from the blocking
/// [`Client::download`](super::Client::download): read it chunk by chunk
/// with [`ByteStream::next_chunk`], as an [`Iterator`] of chunks, or through
/// [`std::io::Read`] (for example with `std::io::copy` into a file). Limits
/// and errors are those of the async [`crate::ByteStream`].
pub struct ByteStream {
    stream: Option<crate::ByteStream>,
    status: StatusCode,
    headers: HeaderMap,
    content_length: Option<u64>,
    /// Part of a chunk not yet handed out by `read`.
    leftover: Bytes,
    runtime: Arc<Runtime>,
}

impl ByteStream {
    pub(super) fn new(stream: crate::ByteStream, runtime: Arc<Runtime>) -> Self {
        ByteStream {
            status: stream.status(),
            headers: stream.headers().clone(),
            content_length: stream.content_length(),
            stream: Some(stream),
            leftover: Bytes::new(),
            runtime,
        }
    }

    /// The HTTP status of the response (some 2xx value).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The announced body size, if the server sent one.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// See [`crate::ByteStream::with_limit`].
    pub fn with_limit(mut self, max_bytes: u64) -> Self {
        self.stream = self.stream.map(|stream| stream.with_limit(max_bytes));
        self
    }

    /// The next chunk of the body, or `Ok(None)` at its end.
    pub fn next_chunk(&mut self) -> Result<Option<Bytes>> {
        if !self.leftover.is_empty() {
            return Ok(Some(std::mem::take(&mut self.leftover)));
        }
        let Some(mut stream) = self.stream.take() else {
            return Ok(None);
        };
        let (chunk, stream) = self.runtime.block_on(async move {
            let chunk = stream.next_chunk().await;
            (chunk, stream)
        });
        if matches!(chunk, Ok(Some(_))) {
            self.stream = Some(stream);
        }
        chunk
    }
}

impl Iterator for ByteStream {
    type Item = Result<Bytes>;

    fn next(&mut self) -> Option<Result<Bytes>> {
        self.next_chunk().transpose()
    }
}

impl Read for ByteStream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.leftover.is_empty() {
            match self.next_chunk() {
                Ok(Some(chunk)) => self.leftover = chunk,
                Ok(None) => return Ok(0),
                Err(err) => return Err(std::io::Error::other(err)),
            }
        }
        let n = buf.len().min(self.leftover.len());
        buf[..n].copy_from_slice(&self.leftover[..n]);
        self.leftover.advance(n);
        Ok(n)
    }
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("blocking::ByteStream")
            .field("status", &self.status)
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}
