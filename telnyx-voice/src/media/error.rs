//! Errors of media streaming.

use std::time::Duration;

/// What can go wrong reading, checking or sending media-stream frames.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// A text frame that is not JSON, or a known frame missing a required field.
    #[error("media frame is not valid JSON of its kind: {0}")]
    Json(#[source] serde_json::Error),
    /// A `payload` or `client_state` that is not valid base64.
    #[error("media payload is not valid base64: {0}")]
    Base64(String),
    /// A binary WebSocket message: the protocol only uses text frames.
    #[error("binary WebSocket message of {0} bytes (media streams use JSON text frames)")]
    BinaryFrame(usize),
    /// The socket closed, or sent something other than `start`, before the `start` frame.
    #[error("the stream ended or misbehaved before its `start` frame: {0}")]
    NoStart(String),
    /// An RTP chunk shorter than 20 ms or longer than 30 s of audio.
    #[error("RTP audio chunk of {duration_ms} ms is outside the accepted 20 ms to 30 s")]
    ChunkDuration {
        /// The chunk's duration at the configured codec and rate.
        duration_ms: u64,
    },
    /// An empty audio chunk.
    #[error("empty audio chunk")]
    EmptyChunk,
    /// An RTP chunk whose length is not a whole number of samples (L16).
    #[error("audio chunk of {len} bytes is not a whole number of {sample_bytes}-byte samples")]
    PartialSample {
        /// Bytes given.
        len: usize,
        /// Bytes per sample of the codec.
        sample_bytes: usize,
    },
    /// An mp3 frame sent sooner than one second after the previous one.
    #[error("mp3 media frames are accepted once a second; next one allowed in {retry_after:?}")]
    RateLimited {
        /// How long until the next mp3 frame is accepted.
        retry_after: Duration,
    },
    /// The outgoing queue is full (only from the `try_` senders).
    #[error("the outgoing frame queue is full")]
    QueueFull,
    /// The socket is closed.
    #[error("the media stream is closed")]
    Closed,
    /// The WebSocket layer failed.
    #[error("WebSocket error: {0}")]
    WebSocket(String),
}
