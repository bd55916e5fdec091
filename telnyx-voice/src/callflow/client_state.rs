//! `client_state` with a type: any `Serialize` value as base64 of its JSON, and back.

use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Largest encoded `client_state` (base64 text, in bytes) the SDK sends.
///
/// The pinned spec only says the field must be base64 and gives no length, and we found no
/// number in Telnyx's public API reference (the `client_state` entries of the Call Commands
/// pages at developers.telnyx.com state the encoding only). This limit is the SDK's own
/// conservative bound: it keeps call state small (ids and step names, not documents) and turns an
/// oversized value into [`ClientStateError::TooLong`] before the request leaves, instead of a
/// rejection by the API. Raise it with care if Telnyx documents a larger one.
pub const MAX_ENCODED_LEN: usize = 4096;

const ENGINE: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Why a `client_state` could not be encoded or decoded.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ClientStateError {
    /// The event carries no `client_state` (none was set, or the event type has none).
    #[error("the event has no client_state")]
    Missing,
    /// The received value is not standard base64.
    #[error("client_state is not valid base64: {0}")]
    Base64(#[source] base64::DecodeError),
    /// The decoded bytes are not JSON of the expected type.
    #[error("client_state is not the expected JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// The value could not be serialized to JSON.
    #[error("client_state could not be serialized: {0}")]
    Serialize(#[source] serde_json::Error),
    /// The encoded value is longer than [`MAX_ENCODED_LEN`].
    #[error("client_state is {len} bytes once encoded; at most {max} are sent")]
    TooLong {
        /// Length of the base64 text.
        len: usize,
        /// The limit ([`MAX_ENCODED_LEN`]).
        max: usize,
    },
}

/// A ready-to-send `client_state`: standard base64 (with padding, never line breaks) of a JSON value.
///
/// ```
/// use telnyx_voice::ClientState;
///
/// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
/// enum Step { Greeting, Menu { attempts: u8 } }
///
/// let state = ClientState::encode(&Step::Menu { attempts: 2 })?;
/// assert!(!state.as_str().contains('\n'));
/// let back: Step = ClientState::decode(state.as_str())?;
/// assert_eq!(back, Step::Menu { attempts: 2 });
/// # Ok::<(), telnyx_voice::ClientStateError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientState(String);

impl ClientState {
    /// Encodes `value` as JSON in base64; fails when it does not serialize or is longer than
    /// [`MAX_ENCODED_LEN`] once encoded.
    pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Self, ClientStateError> {
        let json = serde_json::to_vec(value).map_err(ClientStateError::Serialize)?;
        let len = base64::encoded_len(json.len(), true).unwrap_or(usize::MAX);
        if len > MAX_ENCODED_LEN {
            return Err(ClientStateError::TooLong {
                len,
                max: MAX_ENCODED_LEN,
            });
        }
        Ok(ClientState(ENGINE.encode(json)))
    }

    /// Decodes a received `client_state` (base64 of JSON) into `T`.
    pub fn decode<T: DeserializeOwned>(encoded: &str) -> Result<T, ClientStateError> {
        let bytes = ENGINE
            .decode(encoded.trim())
            .map_err(ClientStateError::Base64)?;
        serde_json::from_slice(&bytes).map_err(ClientStateError::Json)
    }

    /// [`decode`](Self::decode) of an optional field: [`ClientStateError::Missing`] when absent.
    pub fn decode_field<T: DeserializeOwned>(encoded: Option<&str>) -> Result<T, ClientStateError> {
        Self::decode(encoded.ok_or(ClientStateError::Missing)?)
    }

    /// The base64 text, as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The base64 text, as sent.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl From<ClientState> for String {
    fn from(state: ClientState) -> String {
        state.0
    }
}

impl std::fmt::Display for ClientState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A client-state error met while building a request: an invalid argument, nothing was sent.
impl From<ClientStateError> for crate::Error {
    fn from(err: ClientStateError) -> Self {
        crate::Error::InvalidArgument {
            name: "client_state".into(),
            reason: err.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_stay_on_one_line_and_round_trip() {
        let value = "x".repeat(300);
        let state = ClientState::encode(&value).unwrap();
        assert!(!state.as_str().contains(['\n', '\r']));
        assert_eq!(
            ClientState::decode::<String>(state.as_str()).unwrap(),
            value
        );
    }

    #[test]
    fn bad_base64_bad_json_missing_and_too_long_are_typed() {
        assert!(matches!(
            ClientState::decode::<u8>("not base64!"),
            Err(ClientStateError::Base64(_))
        ));
        let text = ENGINE.encode("plain words");
        assert!(matches!(
            ClientState::decode::<u8>(&text),
            Err(ClientStateError::Json(_))
        ));
        assert!(matches!(
            ClientState::decode_field::<u8>(None),
            Err(ClientStateError::Missing)
        ));
        let big = "y".repeat(MAX_ENCODED_LEN);
        assert!(matches!(
            ClientState::encode(&big),
            Err(ClientStateError::TooLong {
                max: MAX_ENCODED_LEN,
                ..
            })
        ));
        // The largest string that fits: JSON adds two quotes, base64 4 bytes per 3.
        let fits = "z".repeat(MAX_ENCODED_LEN / 4 * 3 - 2);
        assert_eq!(
            ClientState::encode(&fits).unwrap().as_str().len(),
            MAX_ENCODED_LEN
        );
    }
}
