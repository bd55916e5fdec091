//! Glue between the generated conformance cases and the harness.

use serde::de::DeserializeOwned;

use crate::{Outcome, RecordingProxy};

/// Decodes a sample value written by the generator as JSON.
///
/// A sample that does not fit its type is a generator bug, so it fails the test loudly.
pub fn sample<T: DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| {
        panic!(
            "generated sample does not decode into {}: {e}: {json}",
            std::any::type_name::<T>()
        )
    })
}

/// Judges one SDK call: Prism's verdict on the requests it saw, and whether the answer decoded.
pub fn outcome<T>(
    proxy: &RecordingProxy,
    result: telnyx_voice::Result<telnyx_voice::Response<T>>,
) -> Outcome {
    let exchanges = proxy.take();
    let violations: Vec<String> = exchanges
        .iter()
        .flat_map(|e| e.request_violations())
        .collect();
    let status = exchanges.last().map_or(0, |e| e.status);
    match result {
        Ok(_) => Outcome::new(status, violations, Ok(())),
        Err(error @ telnyx_voice::Error::Api(_)) => {
            Outcome::new(status, violations, Err(format!("API error: {error}")))
        }
        Err(error) if exchanges.is_empty() => Outcome::no_response(error.to_string()),
        Err(error) => Outcome::new(status, violations, Err(error.to_string())),
    }
}
