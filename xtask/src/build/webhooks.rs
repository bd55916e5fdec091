//! The webhook events an operation causes, as its summary and description name them.
//!
//! Event type names (`call.answered`) are facts; only names that are events of the selection are
//! kept, so other dotted words of the text never leak into the IR.

use crate::ir::{Event, Resource};

/// Dotted lower-case words of the texts (`call.answered`, `call.playback.started`), first
/// mention first, each once.
pub fn mentioned_event_types<'t>(texts: impl Iterator<Item = &'t str>) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for text in texts {
        let mut word = String::new();
        for ch in text.chars().chain(std::iter::once(' ')) {
            if ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_' || ch == '.' {
                word.push(ch);
                continue;
            }
            let candidate = word.trim_matches('.');
            if candidate.contains('.') && !found.iter().any(|f| f == candidate) {
                found.push(candidate.to_string());
            }
            word.clear();
        }
    }
    found
}

/// Drops mentioned names that are not event types of the selection.
pub fn keep_known_event_types(resources: &mut [Resource], events: &[Event]) {
    for op in resources.iter_mut().flat_map(|r| r.operations.iter_mut()) {
        op.webhooks
            .retain(|name| events.iter().any(|e| &e.event_type == name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_dotted_names_once_in_order() {
        let found = mentioned_event_types(
            [
                "Answer. Expected Webhooks: - `call.answered` - `call.playback.started`.",
                "Then call.answered again, and e.g. not this; call.hangup.",
            ]
            .into_iter(),
        );
        assert_eq!(
            found,
            vec![
                "call.answered",
                "call.playback.started",
                "e.g",
                "call.hangup"
            ]
        );
    }
}
