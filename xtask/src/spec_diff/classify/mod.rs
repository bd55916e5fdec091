//! Two surfaces to a list of changes, each classified by what it does to code using the crate.
//!
//! Breaking: some code that compiled (or decoded) against the old crate no longer does.
//! Additive: existing code keeps compiling; there is something new, or only the wire behavior moved.

use std::collections::BTreeMap;

mod models;
mod operations;

use super::surface::Surface;

/// Whether a change can break code using the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Existing code may stop compiling or decoding.
    Breaking,
    /// Existing code keeps compiling.
    Additive,
}

/// The part of the surface a change is in; the report groups by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Area {
    /// Client methods, their arguments, setters and responses.
    Operations,
    /// Structs, enums, unions and aliases.
    Models,
    /// `WebhookEvent` variants.
    Events,
}

impl Area {
    /// Heading word in the report.
    pub fn title(self) -> &'static str {
        match self {
            Area::Operations => "Operations",
            Area::Models => "Models",
            Area::Events => "Webhook events",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Breaking or additive.
    pub class: Class,
    /// Where in the surface.
    pub area: Area,
    /// What changed: an operation (`POST /calls`), a model or field (`Call.to`), an event type.
    pub subject: String,
    /// How it changed, in Markdown.
    pub detail: String,
}

/// Every change from `old` to `new`, sorted by class, area and subject.
pub fn classify(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut out = Changes::default();
    operations::operations(&mut out, old, new);
    models::models(&mut out, old, new);
    events(&mut out, old, new);
    let mut changes = out.0;
    changes.sort();
    changes
}

/// Whether any change is breaking.
pub fn any_breaking(changes: &[Change]) -> bool {
    changes.iter().any(|c| c.class == Class::Breaking)
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, class: Class, area: Area, subject: &str, detail: String) {
        self.0.push(Change {
            class,
            area,
            subject: subject.to_string(),
            detail,
        });
    }
}

/// Keys only in `old`, only in `new`, and in both.
fn split_keys<'a, V>(
    old: &'a BTreeMap<String, V>,
    new: &'a BTreeMap<String, V>,
) -> (Vec<&'a String>, Vec<&'a String>, Vec<&'a String>) {
    let removed = old.keys().filter(|k| !new.contains_key(*k)).collect();
    let added = new.keys().filter(|k| !old.contains_key(*k)).collect();
    let kept = old.keys().filter(|k| new.contains_key(*k)).collect();
    (removed, added, kept)
}

fn events(out: &mut Changes, old: &Surface, new: &Surface) {
    use Area::Events as A;
    let (removed, added, kept) = split_keys(&old.events, &new.events);
    for event in removed {
        let e = &old.events[event];
        out.push(
            Class::Breaking,
            A,
            event,
            format!("removed (variant `WebhookEvent::{}`)", e.variant),
        );
    }
    for event in added {
        let e = &new.events[event];
        out.push(
            Class::Additive,
            A,
            event,
            format!(
                "new variant `WebhookEvent::{}({})` (non-exhaustive: older builds read it as `Unknown`)",
                e.variant, e.model
            ),
        );
    }
    for event in kept {
        let (o, n) = (&old.events[event], &new.events[event]);
        if o.variant != n.variant {
            out.push(
                Class::Breaking,
                A,
                event,
                format!(
                    "variant `WebhookEvent::{}` renamed to `{}`",
                    o.variant, n.variant
                ),
            );
        }
        if o.model != n.model {
            out.push(
                Class::Breaking,
                A,
                event,
                format!("carries `{}` instead of `{}`", n.model, o.model),
            );
        }
    }
}
