//! The axum side of a media stream: accept Telnyx's WebSocket and give the app typed frames.
//!
//! # Backpressure
//!
//! Both directions go through bounded queues ([`MediaStreamConfig::inbound_capacity`] and
//! [`MediaStreamConfig::outbound_capacity`] frames), so a slow app never grows memory without
//! bound:
//!
//! - Inbound, a `media` frame that finds the queue full is dropped and counted
//!   ([`MediaStream::dropped_frames`]): late audio is worth less than current audio. Every other
//!   frame (`dtmf`, `mark`, `error`, `stop`, unknown ones) waits for room, which stops reading the
//!   socket until the app catches up (TCP then slows the sender).
//! - Outbound, [`MediaSender::send_audio`] and the other `async` senders wait for room; the `try_`
//!   senders return [`MediaError::QueueFull`] instead.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;

use super::frames::{DtmfFrame, ErrorFrame, MarkFrame, MediaTrack, StartFrame, StopFrame};
use super::{decode_inbound, encode_outbound, InboundFrame, MediaError, OutboundFrame};

/// The header Telnyx sends the stream auth token in (besides `Authorization: Bearer`).
pub const AUTH_TOKEN_HEADER: &str = "x-telnyx-streaming-auth-token";

/// Codecs of bidirectional RTP mode (`stream_bidirectional_codec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RtpCodec {
    /// G.711 mu-law, one byte a sample.
    Pcmu,
    /// G.711 A-law, one byte a sample.
    Pcma,
    /// 16-bit linear PCM, two bytes a sample.
    L16,
    /// G.722 (duration not checked: variable bytes per millisecond is not assumed).
    G722,
    /// Opus (duration not checked).
    Opus,
    /// AMR-WB (duration not checked).
    AmrWb,
}

impl RtpCodec {
    fn sample_bytes(self) -> Option<usize> {
        match self {
            RtpCodec::Pcmu | RtpCodec::Pcma => Some(1),
            RtpCodec::L16 => Some(2),
            _ => None,
        }
    }
}

/// What the app sends back (`stream_bidirectional_mode` of the command that started the stream).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bidirectional {
    /// RTP payloads: each chunk must hold 20 ms to 30 s of audio.
    Rtp {
        /// The codec.
        codec: RtpCodec,
        /// Samples per second (8000 for PCMU/PCMA).
        sample_rate: u32,
    },
    /// mp3 files, at most one frame a second.
    Mp3,
}

/// Settings of [`MediaStreamUpgrade::on_stream`].
#[derive(Debug, Clone)]
pub struct MediaStreamConfig {
    /// When set, the upgrade request must carry this token as `Authorization: Bearer <token>` or
    /// in the [`AUTH_TOKEN_HEADER`] header, else it is answered 401.
    pub auth_token: Option<String>,
    /// Inbound frames queued for the app (default 64, about 1.3 s of 20 ms audio).
    pub inbound_capacity: usize,
    /// Outbound frames queued for the socket (default 64).
    pub outbound_capacity: usize,
    /// What the app sends back (default RTP PCMU at 8000 Hz).
    pub bidirectional: Bidirectional,
    /// Bytes the socket reads at a time (default 4 KiB). A 20 ms frame of 8 kHz audio is about
    /// 300 bytes of JSON, and larger messages take several reads; the WebSocket library zeroes
    /// this much before every read, so its 128 KiB default costs more CPU per frame than the
    /// frame itself when many streams run.
    pub read_buffer_size: usize,
}

impl Default for MediaStreamConfig {
    fn default() -> Self {
        MediaStreamConfig {
            auth_token: None,
            inbound_capacity: 64,
            outbound_capacity: 64,
            bidirectional: Bidirectional::Rtp {
                codec: RtpCodec::Pcmu,
                sample_rate: 8000,
            },
            read_buffer_size: 4 * 1024,
        }
    }
}

/// An axum extractor for the route Telnyx connects to: a WebSocket upgrade plus its headers.
///
/// ```no_run
/// use axum::{routing::get, Router};
/// use telnyx_voice::media::{MediaEvent, MediaStreamConfig, MediaStreamUpgrade};
///
/// async fn stream(upgrade: MediaStreamUpgrade) -> axum::response::Response {
///     upgrade.on_stream(MediaStreamConfig::default(), |mut stream| async move {
///         while let Some(Ok(event)) = stream.events.next().await {
///             if let MediaEvent::Audio(chunk) = event {
///                 let _ = stream.sender.send_audio(&chunk.audio).await; // echo
///             }
///         }
///     })
/// }
/// let app: Router = Router::new().route("/stream", get(stream));
/// ```
pub struct MediaStreamUpgrade {
    ws: WebSocketUpgrade,
    headers: HeaderMap,
}

impl<S: Send + Sync> FromRequestParts<S> for MediaStreamUpgrade {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let headers = parts.headers.clone();
        let ws = WebSocketUpgrade::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(MediaStreamUpgrade { ws, headers })
    }
}

impl MediaStreamUpgrade {
    /// Whether the request carries `token` (as a bearer token or in [`AUTH_TOKEN_HEADER`]).
    pub fn has_token(&self, token: &str) -> bool {
        let bearer = self
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|v| v.trim() == token);
        let header = self
            .headers
            .get(AUTH_TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() == token);
        bearer || header
    }

    /// Accepts the WebSocket and runs `handler` with the stream once its `start` frame arrived.
    ///
    /// A missing or wrong auth token (when [`MediaStreamConfig::auth_token`] is set) is answered
    /// 401 without upgrading. A socket that closes before `start` never reaches the handler.
    pub fn on_stream<F, Fut>(self, config: MediaStreamConfig, handler: F) -> Response
    where
        F: FnOnce(MediaStream) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        if let Some(token) = &config.auth_token {
            if !self.has_token(token) {
                return (
                    StatusCode::UNAUTHORIZED,
                    "missing or wrong stream auth token",
                )
                    .into_response();
            }
        }
        let ws = self.ws.read_buffer_size(config.read_buffer_size.max(1024));
        ws.on_upgrade(move |socket| async move {
            match MediaStream::accept(socket, config).await {
                Ok(stream) => handler(stream).await,
                Err(error) => tracing::warn!(%error, "media stream ended before start"),
            }
        })
    }
}

/// One audio chunk of a `media` frame, with its payload decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioChunk {
    /// `inbound` or `outbound`, when given.
    pub track: Option<MediaTrack>,
    /// `sequence_number`, when numeric.
    pub sequence: Option<u64>,
    /// `chunk`, when numeric.
    pub chunk: Option<u64>,
    /// `timestamp` in milliseconds, when numeric.
    pub timestamp_ms: Option<u64>,
    /// The audio bytes, encoded as the start frame's `media_format` says.
    pub audio: Bytes,
}

/// An inbound frame as the app sees it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MediaEvent {
    /// Audio.
    Audio(AudioChunk),
    /// A key was pressed.
    Dtmf(DtmfFrame),
    /// A mark the app sent was reached.
    Mark(MarkFrame),
    /// Telnyx reports an error.
    Error(ErrorFrame),
    /// The stream stops (the socket closes next).
    Stop(StopFrame),
    /// Any other frame (a repeated `connected`/`start`, or an unknown event).
    Other(InboundFrame),
}

/// A media stream after its `start` frame.
#[derive(Debug)]
pub struct MediaStream {
    /// The `start` frame: stream id, call ids, `client_state`, custom parameters, media format.
    pub start: StartFrame,
    /// The `version` of the `connected` frame, when one came first.
    pub version: Option<String>,
    /// Inbound frames, in arrival order; malformed ones are `Err` and the stream goes on.
    pub events: MediaEvents,
    /// Sends `media`, `mark` and `clear` back.
    pub sender: MediaSender,
    dropped: Arc<AtomicU64>,
}

impl MediaStream {
    /// Reads the socket up to `start`, then starts its reader and writer tasks.
    pub async fn accept(
        mut socket: WebSocket,
        config: MediaStreamConfig,
    ) -> Result<MediaStream, MediaError> {
        let mut version = None;
        let start = loop {
            let message = match socket.recv().await {
                Some(Ok(message)) => message,
                Some(Err(error)) => return Err(MediaError::WebSocket(error.to_string())),
                None => return Err(MediaError::NoStart("socket closed".into())),
            };
            match message {
                Message::Text(text) => match decode_inbound(text.as_str())? {
                    InboundFrame::ConnectedFrame(connected) => version = connected.version,
                    InboundFrame::StartFrame(start) => break start,
                    InboundFrame::StopFrame(_) => {
                        return Err(MediaError::NoStart("stop before start".into()))
                    }
                    _ => {}
                },
                Message::Close(_) => return Err(MediaError::NoStart("socket closed".into())),
                Message::Binary(bytes) => return Err(MediaError::BinaryFrame(bytes.len())),
                Message::Ping(_) | Message::Pong(_) => {}
            }
        };
        let (mut sink, mut source) = socket.split();
        let dropped = Arc::new(AtomicU64::new(0));
        let (in_tx, in_rx) = mpsc::channel(config.inbound_capacity.max(1));
        let (out_tx, mut out_rx) = mpsc::channel::<String>(config.outbound_capacity.max(1));
        let counter = dropped.clone();
        tokio::spawn(async move {
            while let Some(message) = source.next().await {
                let event = match message {
                    Ok(Message::Text(text)) => decode_event(text.as_str()),
                    Ok(Message::Binary(bytes)) => Err(MediaError::BinaryFrame(bytes.len())),
                    Ok(Message::Close(_)) => break,
                    Ok(_) => continue,
                    Err(error) => Err(MediaError::WebSocket(error.to_string())),
                };
                if let Ok(MediaEvent::Audio(_)) = &event {
                    match in_tx.try_send(event) {
                        Ok(()) => {}
                        Err(mpsc::error::TrySendError::Full(_)) => {
                            counter.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(mpsc::error::TrySendError::Closed(_)) => break,
                    }
                } else if in_tx.send(event).await.is_err() {
                    break;
                }
            }
        });
        tokio::spawn(async move {
            while let Some(text) = out_rx.recv().await {
                if sink.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        });
        Ok(MediaStream {
            start,
            version,
            events: MediaEvents { rx: in_rx },
            sender: MediaSender {
                tx: out_tx,
                mode: config.bidirectional,
                last_mp3: Arc::new(Mutex::new(None)),
            },
            dropped,
        })
    }

    /// Inbound `media` frames dropped because the app did not keep up.
    pub fn dropped_frames(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

fn decode_event(text: &str) -> Result<MediaEvent, MediaError> {
    Ok(match decode_inbound(text)? {
        InboundFrame::MediaFrame(frame) => {
            let audio = frame.media.audio()?;
            MediaEvent::Audio(AudioChunk {
                track: frame.media.track.clone(),
                sequence: frame.sequence(),
                chunk: frame.media.chunk_number(),
                timestamp_ms: frame.media.timestamp_ms(),
                audio: Bytes::from(audio),
            })
        }
        InboundFrame::DtmfFrame(frame) => MediaEvent::Dtmf(frame),
        InboundFrame::MarkFrame(frame) => MediaEvent::Mark(frame),
        InboundFrame::ErrorFrame(frame) => MediaEvent::Error(frame),
        InboundFrame::StopFrame(frame) => MediaEvent::Stop(frame),
        other => MediaEvent::Other(other),
    })
}

/// The inbound frames of a [`MediaStream`]: a `Stream` of `Result<MediaEvent, MediaError>` that
/// ends when the socket closes.
#[derive(Debug)]
pub struct MediaEvents {
    rx: mpsc::Receiver<Result<MediaEvent, MediaError>>,
}

impl MediaEvents {
    /// The next frame, `None` once the socket closed.
    pub async fn next(&mut self) -> Option<Result<MediaEvent, MediaError>> {
        self.rx.recv().await
    }
}

impl futures_core::Stream for MediaEvents {
    type Item = Result<MediaEvent, MediaError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

/// Sends frames to Telnyx; cheap to clone. Audio is checked against the stream's mode first.
#[derive(Debug, Clone)]
pub struct MediaSender {
    tx: mpsc::Sender<String>,
    mode: Bidirectional,
    last_mp3: Arc<Mutex<Option<Instant>>>,
}

impl MediaSender {
    /// Checks an audio chunk against the mode: RTP chunks must hold 20 ms to 30 s of audio (for
    /// codecs with a fixed sample size); mp3 frames at most one a second (a passing check counts
    /// as the second's frame).
    pub fn check_audio(&self, audio: &[u8]) -> Result<(), MediaError> {
        if audio.is_empty() {
            return Err(MediaError::EmptyChunk);
        }
        match self.mode {
            Bidirectional::Rtp { codec, sample_rate } => {
                let Some(sample_bytes) = codec.sample_bytes() else {
                    return Ok(());
                };
                if audio.len() % sample_bytes != 0 {
                    return Err(MediaError::PartialSample {
                        len: audio.len(),
                        sample_bytes,
                    });
                }
                let samples = (audio.len() / sample_bytes) as u64;
                let rate = u64::from(sample_rate.max(1));
                // Exact comparisons in samples; the error reports whole milliseconds.
                if samples * 1000 < rate * 20 || samples * 1000 > rate * 30_000 {
                    return Err(MediaError::ChunkDuration {
                        duration_ms: samples * 1000 / rate,
                    });
                }
                Ok(())
            }
            Bidirectional::Mp3 => {
                let mut last = self.last_mp3.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                if let Some(previous) = *last {
                    let since = now.duration_since(previous);
                    if since < Duration::from_secs(1) {
                        return Err(MediaError::RateLimited {
                            retry_after: Duration::from_secs(1) - since,
                        });
                    }
                }
                *last = Some(now);
                Ok(())
            }
        }
    }

    /// Sends audio (raw bytes, base64-encoded here) after [`MediaSender::check_audio`], waiting
    /// for room in the outgoing queue.
    pub async fn send_audio(&self, audio: &[u8]) -> Result<(), MediaError> {
        self.check_audio(audio)?;
        self.send(&OutboundFrame::media(audio)).await
    }

    /// Like [`MediaSender::send_audio`], but fails with [`MediaError::QueueFull`] instead of waiting.
    pub fn try_send_audio(&self, audio: &[u8]) -> Result<(), MediaError> {
        self.check_audio(audio)?;
        self.try_send(&OutboundFrame::media(audio))
    }

    /// Sends a `mark` named `name`; Telnyx sends it back when the audio before it has played.
    pub async fn mark(&self, name: impl Into<String>) -> Result<(), MediaError> {
        self.send(&OutboundFrame::mark(name)).await
    }

    /// Sends `clear`: queued audio is dropped (and queued marks come back).
    pub async fn clear(&self) -> Result<(), MediaError> {
        self.send(&OutboundFrame::clear()).await
    }

    /// Sends any frame as is (no audio checks), waiting for room in the queue.
    pub async fn send(&self, frame: &OutboundFrame) -> Result<(), MediaError> {
        self.tx
            .send(encode_outbound(frame))
            .await
            .map_err(|_| MediaError::Closed)
    }

    /// Sends any frame as is, failing with [`MediaError::QueueFull`] when the queue is full.
    pub fn try_send(&self, frame: &OutboundFrame) -> Result<(), MediaError> {
        self.tx
            .try_send(encode_outbound(frame))
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => MediaError::QueueFull,
                mpsc::error::TrySendError::Closed(_) => MediaError::Closed,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sender(mode: Bidirectional) -> MediaSender {
        let (tx, _rx) = mpsc::channel(1);
        MediaSender {
            tx,
            mode,
            last_mp3: Arc::new(Mutex::new(None)),
        }
    }

    #[test]
    fn rtp_chunks_must_hold_20_ms_to_30_s() {
        let s = sender(Bidirectional::Rtp {
            codec: RtpCodec::Pcmu,
            sample_rate: 8000,
        });
        assert!(matches!(
            s.check_audio(&[0; 159]),
            Err(MediaError::ChunkDuration { duration_ms: 19 })
        ));
        assert!(s.check_audio(&[0; 160]).is_ok());
        assert!(s.check_audio(&vec![0; 240_000]).is_ok());
        assert!(matches!(
            s.check_audio(&vec![0; 240_001]),
            Err(MediaError::ChunkDuration { .. })
        ));
        assert!(matches!(s.check_audio(&[]), Err(MediaError::EmptyChunk)));
        let l16 = sender(Bidirectional::Rtp {
            codec: RtpCodec::L16,
            sample_rate: 16000,
        });
        assert!(matches!(
            l16.check_audio(&[0; 641]),
            Err(MediaError::PartialSample { .. })
        ));
        assert!(l16.check_audio(&[0; 640]).is_ok());
    }

    #[test]
    fn mp3_frames_are_limited_to_one_a_second() {
        let s = sender(Bidirectional::Mp3);
        assert!(s.check_audio(b"ID3").is_ok());
        match s.check_audio(b"ID3") {
            Err(MediaError::RateLimited { retry_after }) => {
                assert!(retry_after <= Duration::from_secs(1))
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_full_queue_is_reported_by_try_send() {
        let (tx, _rx) = mpsc::channel(1);
        let s = MediaSender {
            tx,
            mode: Bidirectional::Mp3,
            last_mp3: Arc::new(Mutex::new(None)),
        };
        s.try_send(&OutboundFrame::clear()).unwrap();
        assert!(matches!(
            s.try_send(&OutboundFrame::clear()),
            Err(MediaError::QueueFull)
        ));
        drop(_rx);
        assert!(matches!(s.clear().await, Err(MediaError::Closed)));
    }

    #[test]
    fn decode_event_types_errors() {
        assert!(matches!(
            decode_event(r#"{"event":"media","media":{"payload":"!!"}}"#),
            Err(MediaError::Base64(_))
        ));
        match decode_event(r#"{"event":"media","sequence_number":"4","media":{"track":"inbound","chunk":"2","timestamp":"40","payload":"AAE="}}"#).unwrap() {
            MediaEvent::Audio(chunk) => {
                assert_eq!(chunk.sequence, Some(4));
                assert_eq!(chunk.chunk, Some(2));
                assert_eq!(chunk.timestamp_ms, Some(40));
                assert_eq!(&chunk.audio[..], &[0, 1]);
            }
            other => panic!("{other:?}"),
        }
    }
}
