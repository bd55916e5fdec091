//! Which serde impls each model needs. Deriving both directions for every type doubles the
//! generated code the compiler must check: a request body only ever serializes and a response
//! only ever deserializes. (The `full-serde` feature of the crate adds the other direction.)

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, Gate, Model, ResponseShape, SerdeUse, TypeRef};

/// Marks every model reachable from what is sent as serializing, and every model reachable from
/// what is received as deserializing.
pub fn compute(api: &mut Api) {
    let mut sent: Vec<TypeRef> = Vec::new();
    let mut received: Vec<TypeRef> = Vec::new();
    for op in api.resources.iter().flat_map(|r| &r.operations) {
        sent.extend(
            op.path_params
                .iter()
                .chain(&op.query_params)
                .map(|p| p.ty.clone()),
        );
        if let Some(body) = &op.body {
            sent.push(body.ty.clone());
        }
        match &op.response {
            ResponseShape::NoContent => {}
            ResponseShape::Data(t) | ResponseShape::Json(t) => received.push(t.clone()),
            ResponseShape::Page { item, meta } => {
                received.push(item.clone());
                received.push(meta.clone());
            }
        }
    }
    received.extend(api.events.iter().map(|e| TypeRef::Named(e.ty.clone())));
    let mut uses: BTreeMap<String, SerdeUse> = BTreeMap::new();
    for name in reachable(&api.models, sent) {
        uses.entry(name).or_default().serialize = true;
    }
    for name in reachable(&api.models, received) {
        uses.entry(name).or_default().deserialize = true;
    }
    api.serde_use = uses;
}

/// Marks the optional nullable fields of every model that is sent (and of operation bodies) as
/// three-state, so a request can send `null` to clear a value, distinct from leaving it out.
/// Models only received keep `Option`: there `null` and absent read the same.
pub fn mark_explicit_nulls(api: &mut Api) {
    let sent: BTreeSet<String> = api
        .serde_use
        .iter()
        .filter(|(_, used)| used.serialize)
        .map(|(name, _)| name.clone())
        .collect();
    for model in api.models.values_mut() {
        if let Model::Struct(s) = model {
            if sent.contains(&s.name) {
                for field in &mut s.fields {
                    field.sends_null = !field.required && field.nullable;
                }
            }
        }
    }
    for op in api.resources.iter_mut().flat_map(|r| &mut r.operations) {
        let Some(body) = &mut op.body else { continue };
        let Some(fields) = &mut body.fields else {
            continue;
        };
        for b in fields.iter_mut() {
            b.field.sends_null = !b.field.required && b.field.nullable;
        }
        let taken: BTreeSet<String> = op.setters.iter().map(|s| s.name.clone()).collect();
        for setter in &mut op.setters {
            let crate::ir::Target::BodyField(index) = setter.target else {
                continue;
            };
            if fields.get(index).is_some_and(|b| b.field.sends_null) {
                // `loop_` (a keyword escaped) clears with `clear_loop`.
                let clear = format!("clear_{}", setter.name.trim_end_matches('_'));
                if !taken.contains(&clear) {
                    setter.clear = Some(clear);
                }
            }
        }
    }
}

/// Gives each model the gate of the operations and events that reach it: an operation's feature,
/// an event's features each together with the events feature. A model reached by anything
/// ungated stays ungated.
pub fn compute_features(api: &mut Api) {
    let mut roots: Vec<(BTreeSet<String>, Vec<TypeRef>)> = Vec::new();
    for op in api.resources.iter().flat_map(|r| &r.operations) {
        let mut types: Vec<TypeRef> = op
            .path_params
            .iter()
            .chain(&op.query_params)
            .map(|p| p.ty.clone())
            .collect();
        types.extend(op.body.iter().map(|b| b.ty.clone()));
        match &op.response {
            ResponseShape::NoContent => {}
            ResponseShape::Data(t) | ResponseShape::Json(t) => types.push(t.clone()),
            ResponseShape::Page { item, meta } => {
                types.push(item.clone());
                types.push(meta.clone());
            }
        }
        roots.push((op.feature.iter().cloned().collect(), types));
    }
    for event in &api.events {
        for all_of in event_gate(api.events_feature.as_ref(), &event.features).any_of {
            roots.push((all_of, vec![TypeRef::Named(event.ty.clone())]));
        }
    }
    let mut gates: BTreeMap<String, Gate> = BTreeMap::new();
    for (all_of, types) in roots {
        for name in reachable(&api.models, types) {
            gates.entry(name).or_default().add(all_of.clone());
        }
    }
    // Identifier newtypes cost next to nothing and the event-facts trait names them whatever
    // the groups built, so they are always compiled.
    gates.retain(|name, gate| {
        !gate.is_always() && !matches!(api.models.get(name), Some(Model::Id(_)))
    });
    api.model_features = gates;
}

/// When an event is compiled: the events feature together with any one of the event's features.
fn event_gate(events_feature: Option<&String>, features: &BTreeSet<String>) -> Gate {
    let mut gate = Gate::default();
    let base: BTreeSet<String> = events_feature.into_iter().cloned().collect();
    if features.is_empty() {
        gate.add(base.clone());
    }
    for feature in features {
        let mut all_of = base.clone();
        all_of.insert(feature.clone());
        gate.add(all_of);
    }
    gate
}

fn reachable(models: &BTreeMap<String, Model>, roots: Vec<TypeRef>) -> BTreeSet<String> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut todo = roots;
    while let Some(ty) = todo.pop() {
        match ty {
            TypeRef::Array(inner) | TypeRef::Map(inner) => todo.push(*inner),
            TypeRef::Named(name) => {
                if seen.contains(&name) {
                    continue;
                }
                match models.get(&name) {
                    Some(Model::Struct(s)) => todo.extend(s.fields.iter().map(|f| f.ty.clone())),
                    Some(Model::Union(u)) => todo.extend(u.variants.iter().map(|v| v.ty.clone())),
                    Some(Model::Alias(a)) => todo.push(a.ty.clone()),
                    Some(Model::Enum(_)) | Some(Model::Id(_)) | None => {}
                }
                seen.insert(name);
            }
            _ => {}
        }
    }
    seen
}
