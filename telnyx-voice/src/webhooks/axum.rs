//! An axum extractor that only lets verified webhook deliveries through.
//!
//! ```no_run
//! use axum::{routing::post, Router};
//! use telnyx_voice::webhooks::{axum::VerifiedWebhook, verifier_from_env};
//!
//! async fn on_event(VerifiedWebhook(event): VerifiedWebhook<serde_json::Value>) {
//!     println!("verified event: {}", event["data"]["event_type"]);
//! }
//!
//! # fn build() -> Result<(), telnyx_voice::webhooks::WebhookError> {
//! // The router's state is the verifier itself here; any state `S` works as
//! // long as `WebhookVerifier: FromRef<S>`.
//! let app: Router = Router::new()
//!     .route("/telnyx/webhooks", post(on_event))
//!     .with_state(verifier_from_env()?);
//! # let _ = app;
//! # Ok(())
//! # }
//! ```

use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{WebhookError, WebhookPayload, WebhookVerifier};

/// Largest request body, in bytes, that [`VerifiedWebhook`] will read.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Extractor yielding a webhook event whose signature and timestamp were
/// checked with the [`WebhookVerifier`] found in the router state.
///
/// It reads the whole body (up to [`MAX_BODY_BYTES`]), verifies it against
/// the request's headers and parses it as `E`. Any failure rejects the
/// request with `400 Bad Request` and a one-line plain-text reason.
#[derive(Debug, Clone)]
pub struct VerifiedWebhook<E>(pub E);

/// Why [`VerifiedWebhook`] refused a request; it renders as a `400` response.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum WebhookRejection {
    /// The body was larger than [`MAX_BODY_BYTES`].
    #[error("webhook body exceeds {MAX_BODY_BYTES} bytes")]
    BodyTooLarge,
    /// The body could not be read (too large, or the connection failed).
    #[error("webhook body could not be read")]
    BodyUnreadable,
    /// Verification or parsing failed.
    #[error(transparent)]
    Invalid(#[from] WebhookError),
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let mut response = (StatusCode::BAD_REQUEST, self.to_string()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }
}

impl<S, E> FromRequest<S> for VerifiedWebhook<E>
where
    S: Send + Sync,
    E: WebhookPayload,
    WebhookVerifier: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = WebhookVerifier::from_ref(state);
        let (parts, body) = req.into_parts();

        let declared_len = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared_len.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
            return Err(WebhookRejection::BodyTooLarge);
        }

        let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
            .await
            .map_err(|_| WebhookRejection::BodyUnreadable)?;
        let event = verifier.unwrap::<E, _>(&bytes, &parts.headers)?;
        Ok(VerifiedWebhook(event))
    }
}
