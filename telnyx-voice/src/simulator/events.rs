//! Event construction: an event type plus a JSON payload becomes the
//! generated [`WebhookEvent`] variant, so fields the spec's event model lacks
//! are dropped and what goes out has exactly the spec's shape.

use std::time::SystemTime;

use serde_json::{json, Value};

use super::model::{new_uuid, rfc3339, Leg};
use crate::WebhookEvent;

/// An event ready to record and deliver.
pub(crate) struct Built {
    pub event_id: String,
    pub event_type: String,
    /// The event object (`{"event_type", "id", "occurred_at", "payload", "record_type"}`)
    /// as the generated model serializes it.
    pub value: Value,
}

/// Builds `event_type` from `payload`; `None` (logged) when the SDK's model rejects it.
pub(crate) fn build(event_type: &str, payload: Value) -> Option<Built> {
    let event_id = new_uuid();
    let object = json!({
        "event_type": event_type,
        "id": event_id,
        "occurred_at": rfc3339(SystemTime::now()),
        "payload": payload,
        "record_type": "event",
    });
    let bytes = serde_json::to_vec(&object).ok()?;
    let event = match WebhookEvent::from_json_bytes(&bytes) {
        Ok(WebhookEvent::Unknown(_)) => {
            tracing::warn!("simulator built {event_type}, which the SDK does not know");
            return None;
        }
        Ok(event) => event,
        Err(err) => {
            tracing::warn!(%err, "simulator could not build {event_type}");
            return None;
        }
    };
    let value = serde_json::to_value(&event).ok()?;
    Some(Built {
        event_id,
        event_type: event_type.to_string(),
        value,
    })
}

/// A call event: the leg's identifiers merged with `extra`.
pub(crate) fn call(leg: &Leg, event_type: &str, extra: Value) -> Option<Built> {
    let mut payload = leg.ids();
    merge(&mut payload, extra);
    build(event_type, payload)
}

/// Copies the fields of `extra` (an object) into `target`.
pub(crate) fn merge(target: &mut Value, extra: Value) {
    if let (Some(target), Value::Object(extra)) = (target.as_object_mut(), extra) {
        for (key, value) in extra {
            target.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_known_events_and_drops_unknown_fields() {
        let built = build(
            "call.dtmf.received",
            json!({"call_control_id": "v3:x", "digit": "1", "not_in_spec": true}),
        )
        .expect("built");
        assert_eq!(built.value["payload"]["digit"], "1");
        assert!(built.value["payload"].get("not_in_spec").is_none());
        assert!(build("call.not_an_event", json!({})).is_none());
    }
}
