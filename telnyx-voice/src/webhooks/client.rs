//! `client.webhooks()`: the verifier built from the client's public key, returning typed events.

use std::time::SystemTime;

use super::{WebhookError, WebhookHeaders, WebhookPayload, WebhookVerifier, PUBLIC_KEY_ENV};
use crate::WebhookEvent;

/// Webhook verification bound to a [`Client`](crate::Client)'s public key.
///
/// Obtained from [`Client::webhooks`](crate::Client::webhooks). Without a public key every call
/// fails with [`WebhookError::MissingPublicKey`], so an unconfigured app never accepts unsigned
/// deliveries by accident.
#[derive(Debug, Clone, Copy)]
pub struct Webhooks<'a> {
    verifier: Option<&'a WebhookVerifier>,
}

impl<'a> Webhooks<'a> {
    pub(crate) fn new(verifier: Option<&'a WebhookVerifier>) -> Self {
        Webhooks { verifier }
    }

    /// The verifier, or the error saying no public key was configured.
    pub fn verifier(&self) -> Result<&'a WebhookVerifier, WebhookError> {
        self.verifier.ok_or(WebhookError::MissingPublicKey {
            name: PUBLIC_KEY_ENV,
        })
    }

    /// Verifies the signature and timestamp, then decodes the typed event.
    pub fn unwrap<H: WebhookHeaders + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
    ) -> Result<WebhookEvent, WebhookError> {
        self.verifier()?.unwrap(payload, headers)
    }

    /// [`unwrap`](Self::unwrap) at a given time (for tests and replays).
    pub fn unwrap_at<H: WebhookHeaders + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
        now: SystemTime,
    ) -> Result<WebhookEvent, WebhookError> {
        self.verifier()?.unwrap_at(payload, headers, now)
    }

    /// Verifies the signature and timestamp only.
    pub fn verify<H: WebhookHeaders + ?Sized>(
        &self,
        payload: &[u8],
        headers: &H,
    ) -> Result<(), WebhookError> {
        self.verifier()?.verify(payload, headers)
    }

    /// Decodes a body without checking its signature: for local tools and recorded fixtures only.
    pub fn parse_unverified(&self, payload: &[u8]) -> Result<WebhookEvent, WebhookError> {
        super::parse_unverified(payload)
    }
}

impl WebhookPayload for WebhookEvent {
    fn from_json_bytes(body: &[u8]) -> Result<Self, serde_json::Error> {
        WebhookEvent::from_json_bytes(body)
    }
}
