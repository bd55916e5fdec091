//! Model names that follow from the operations and events using them, and the overrides of
//! spec/voice.toml. Every rename rewrites all references through [`Api::rename_models`].

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{GenError, GenResult};
use crate::ir::{Api, Model, TypeRef};
use crate::names::camel;

/// A request body used by one operation only, and named neither after that operation nor (for
/// a component schema) after its resource, is named after the operation (`PlayAudioUrlRequest`
/// of `start_playback` -> `StartPlaybackRequest`; `TransferCallRequest` and
/// `ConferenceHoldRequest` stay). An event's model is
/// named after its variant (`call.dequeued` -> `CallDequeued`) when only that event uses it.
pub fn name_request_bodies(api: &mut Api) {
    let mut body_uses: BTreeMap<String, usize> = BTreeMap::new();
    for op in api.resources.iter().flat_map(|r| &r.operations) {
        if let Some(TypeRef::Named(name)) = op.body.as_ref().map(|b| &b.ty) {
            *body_uses.entry(name.clone()).or_default() += 1;
        }
    }
    let mut taken: BTreeSet<String> = api.models.keys().cloned().collect();
    let mut renames = BTreeMap::new();
    for op in api.resources.iter().flat_map(|r| &r.operations) {
        let Some(TypeRef::Named(name)) = op.body.as_ref().map(|b| &b.ty) else {
            continue;
        };
        let group = camel(op.group.strip_suffix('s').unwrap_or(&op.group));
        let Some(Model::Struct(model)) = api.models.get(name) else {
            continue;
        };
        // A component named after its resource is a name the spec chose; an inline body's name
        // was only derived from the operationId.
        let named_by_spec = model.origin.schema.is_some() && name.contains(&group);
        if body_uses[name] != 1 || name.starts_with(&op.type_name) || named_by_spec {
            continue;
        }
        let candidates = [
            format!("{}Request", op.type_name),
            format!("{group}{}Request", op.type_name),
        ];
        if let Some(new) = candidates.into_iter().find(|c| !taken.contains(c)) {
            taken.insert(new.clone());
            renames.insert(name.clone(), new);
        }
    }
    let mut event_uses: BTreeMap<String, usize> = BTreeMap::new();
    for event in &api.events {
        *event_uses.entry(event.ty.clone()).or_default() += 1;
    }
    for event in &api.events {
        if event.ty != event.variant
            && event_uses[&event.ty] == 1
            && !taken.contains(&event.variant)
            && !renames.contains_key(&event.ty)
        {
            taken.insert(event.variant.clone());
            renames.insert(event.ty.clone(), event.variant.clone());
        }
    }
    api.rename_models(&renames);
}

/// Applies the `[types]` renames of spec/voice.toml; a rename of a type that does not exist, or
/// onto a name already in use, is an error (a stale override must not pass silently).
pub fn apply_overrides(api: &mut Api, overrides: &BTreeMap<String, String>) -> GenResult<()> {
    for (from, to) in overrides {
        if !api.models.contains_key(from) {
            return Err(GenError::msg(format!(
                "spec/voice.toml [types]: no generated type is named `{from}`"
            )));
        }
        if api.models.contains_key(to) {
            return Err(GenError::msg(format!(
                "spec/voice.toml [types]: `{from}` cannot be renamed to `{to}`, which is taken"
            )));
        }
    }
    api.rename_models(overrides);
    Ok(())
}

/// Longest type name the generated crate may have.
pub const MAX_TYPE_NAME: usize = 48;

/// Every generated type name is short and carries no collision number: a longer or numbered
/// name is an error naming the type and where it came from, to be fixed by a rule or by an
/// override in spec/voice.toml `[types]`. Numbers that are part of a component's own name
/// (`DeepgramNova2Config`) are the spec's.
pub fn check_names(api: &Api) -> GenResult<()> {
    let mut problems = Vec::new();
    for (name, model) in &api.models {
        let origin = match model {
            Model::Struct(m) => Some(&m.origin),
            Model::Enum(m) => Some(&m.origin),
            Model::Union(m) => Some(&m.origin),
            Model::Alias(m) => Some(&m.origin),
            Model::Id(_) => None,
        };
        let pointer = origin
            .map(|o| o.pointer.as_str())
            .unwrap_or("spec/voice.toml");
        if name.len() > MAX_TYPE_NAME {
            problems.push(format!(
                "`{name}` ({} characters, at {pointer}) is longer than {MAX_TYPE_NAME}",
                name.len()
            ));
        }
        let from_component = origin
            .and_then(|o| o.schema.as_deref())
            .is_some_and(|schema| camel(schema) == *name);
        if name.ends_with(|c: char| c.is_ascii_digit()) && !from_component {
            problems.push(format!(
                "`{name}` (at {pointer}) carries a collision number"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(GenError::msg(format!(
            "generated type names need a rule or an override in spec/voice.toml [types]:\n  {}",
            problems.join("\n  ")
        )))
    }
}
