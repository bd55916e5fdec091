//! Media streaming: the WebSocket Telnyx opens to a call's `stream_url`.
//!
//! When a call command carries `stream_url` (dial, answer, or `start_streaming`), Telnyx connects to
//! that URL and sends the call's audio as JSON text frames; in bidirectional mode the app sends
//! audio, marks and clears back on the same socket.
//!
//! - [`frames`]: the frame types of both directions, generated from `spec/media-stream.yaml` like
//!   the rest of the crate. [`InboundFrame`] and [`OutboundFrame`] keep frames they do not know as
//!   `Unknown` with their JSON.
//! - [`decode_inbound`] / [`encode_outbound`]: one text frame to a typed frame and back, with typed
//!   errors ([`MediaError`]) instead of panics for bad JSON or bad base64.
//! - [`Reorder`]: puts media frames back in sequence order within a small window.
//! - [`g711`]: mu-law and A-law to 16-bit PCM and back.
//! - `MediaStreamUpgrade` and `MediaStream` (feature `axum`): an axum extractor that accepts the
//!   WebSocket, checks the optional stream auth token, waits for `start`, and hands the app a typed
//!   stream of inbound frames and a rate- and size-checked sender.

#[path = "../generated/media.rs"]
#[rustfmt::skip]
#[allow(missing_docs)]
pub mod frames;

mod error;
pub mod g711;
mod reorder;
#[cfg(feature = "axum")]
mod server;

use base64::Engine as _;

pub use error::MediaError;
pub use frames::{InboundFrame, OutboundFrame};
pub use reorder::Reorder;
#[cfg(feature = "axum")]
pub use server::{
    AudioChunk, Bidirectional, MediaEvent, MediaEvents, MediaSender, MediaStream,
    MediaStreamConfig, MediaStreamUpgrade, RtpCodec, AUTH_TOKEN_HEADER,
};

/// Decodes one text frame from Telnyx.
///
/// A frame whose `event` this version does not know is [`InboundFrame::Unknown`]; text that is not
/// JSON, or a known frame missing a required field, is [`MediaError::Json`].
pub fn decode_inbound(text: &str) -> Result<InboundFrame, MediaError> {
    serde_json::from_str(text).map_err(MediaError::Json)
}

/// Decodes one text frame sent by an app (what Telnyx, or the simulator, reads).
pub fn decode_outbound(text: &str) -> Result<OutboundFrame, MediaError> {
    serde_json::from_str(text).map_err(MediaError::Json)
}

/// Encodes a frame to send to Telnyx as one text message.
pub fn encode_outbound(frame: &OutboundFrame) -> String {
    serde_json::to_string(frame).unwrap_or_else(|_| String::from("{}"))
}

/// Encodes a frame Telnyx sends (for simulators and tests).
pub fn encode_inbound(frame: &InboundFrame) -> String {
    serde_json::to_string(frame).unwrap_or_else(|_| String::from("{}"))
}

pub(crate) fn base64_decode(text: &str) -> Result<Vec<u8>, MediaError> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| MediaError::Base64(e.to_string()))
}

pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

impl frames::MediaChunk {
    /// The audio bytes (the base64 `payload` decoded).
    pub fn audio(&self) -> Result<Vec<u8>, MediaError> {
        base64_decode(&self.payload)
    }

    /// `chunk` as a number, when it is one.
    pub fn chunk_number(&self) -> Option<u64> {
        self.chunk.as_deref().and_then(|c| c.parse().ok())
    }

    /// `timestamp` as a number (milliseconds), when it is one.
    pub fn timestamp_ms(&self) -> Option<u64> {
        self.timestamp.as_deref().and_then(|c| c.parse().ok())
    }
}

impl frames::MediaFrame {
    /// `sequence_number` as a number, when it is one.
    pub fn sequence(&self) -> Option<u64> {
        self.sequence_number.as_deref().and_then(|s| s.parse().ok())
    }
}

impl frames::StartMetadata {
    /// The `client_state` bytes (it is base64 on the wire), `None` when absent.
    pub fn client_state_bytes(&self) -> Result<Option<Vec<u8>>, MediaError> {
        self.client_state.as_deref().map(base64_decode).transpose()
    }

    /// The `client_state` decoded from base64 and then from JSON into `T`.
    pub fn client_state_json<T: serde::de::DeserializeOwned>(
        &self,
    ) -> Result<Option<T>, MediaError> {
        match self.client_state_bytes()? {
            Some(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(MediaError::Json),
            None => Ok(None),
        }
    }
}

impl OutboundFrame {
    /// A `media` frame carrying `audio` (base64-encoded here).
    pub fn media(audio: &[u8]) -> Self {
        OutboundFrame::OutboundMediaFrame(frames::OutboundMediaFrame {
            media: frames::OutboundMedia {
                payload: base64_encode(audio),
            },
        })
    }

    /// A `mark` frame named `name`.
    pub fn mark(name: impl Into<String>) -> Self {
        OutboundFrame::MarkFrame(frames::MarkFrame {
            sequence_number: None,
            stream_id: None,
            mark: frames::MarkName { name: name.into() },
        })
    }

    /// A `clear` frame.
    pub fn clear() -> Self {
        OutboundFrame::ClearFrame(frames::ClearFrame::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_event_is_kept() {
        let frame = decode_inbound(r#"{"event":"pause","stream_id":"s","x":[1]}"#).unwrap();
        assert_eq!(frame.event(), "pause");
        match &frame {
            InboundFrame::Unknown(value) => assert_eq!(value["x"][0], 1),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            encode_inbound(&frame),
            r#"{"event":"pause","stream_id":"s","x":[1]}"#
        );
    }

    #[test]
    fn bad_json_and_missing_fields_are_errors() {
        assert!(matches!(decode_inbound("{"), Err(MediaError::Json(_))));
        assert!(matches!(
            decode_inbound(r#"{"event":"media","media":{}}"#),
            Err(MediaError::Json(_))
        ));
        assert!(matches!(decode_inbound("[]"), Ok(InboundFrame::Unknown(_))));
    }

    #[test]
    fn bad_base64_is_an_error() {
        let frame = decode_inbound(r#"{"event":"media","media":{"payload":"%%%"}}"#).unwrap();
        let InboundFrame::MediaFrame(media) = frame else {
            panic!()
        };
        assert!(matches!(media.media.audio(), Err(MediaError::Base64(_))));
    }

    #[test]
    fn outbound_constructors_carry_the_event() {
        assert_eq!(
            encode_outbound(&OutboundFrame::media(&[0xff, 0x7f])),
            r#"{"media":{"payload":"/38="},"event":"media"}"#
        );
        assert_eq!(
            encode_outbound(&OutboundFrame::mark("m1")),
            r#"{"mark":{"name":"m1"},"event":"mark"}"#
        );
        assert_eq!(
            encode_outbound(&OutboundFrame::clear()),
            r#"{"event":"clear"}"#
        );
    }
}
