//! Webhook events: one variant per `event_type`, carrying the event object's model.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::ReferenceOr;
use serde_json::Value;

use super::schema::Site;
use super::shape::{shape_of, Shape};
use super::Builder;
use crate::error::{escape_pointer_segment, GenError, GenResult};
use crate::ir::{Api, Event, FieldPath, Model, TypeRef};
use crate::names::{camel, Scope};
use crate::select::SelectedWebhook;

/// Builds the events of the selected webhooks, in spec order.
pub fn build_events<'s>(
    builder: &mut Builder<'s>,
    webhooks: &[SelectedWebhook<'s>],
) -> GenResult<Vec<Event>> {
    let mut variants = Scope::with_reserved(["Unknown"]);
    let mut events: Vec<Event> = Vec::new();
    for webhook in webhooks {
        match build_event(builder, webhook, &mut variants, &events) {
            Ok(event) => events.push(event),
            Err(error) if builder.lenient => builder.skipped.push(crate::ir::Skipped {
                pointer: error
                    .pointer
                    .clone()
                    .unwrap_or_else(|| webhook.pointer.clone()),
                reason: error.message,
            }),
            Err(error) => return Err(error),
        }
    }
    Ok(events)
}

fn build_event<'s>(
    builder: &mut Builder<'s>,
    webhook: &SelectedWebhook<'s>,
    variants: &mut Scope,
    events: &[Event],
) -> GenResult<Event> {
    {
        let body_pointer = format!("{}/requestBody", webhook.pointer);
        let body = match &webhook.operation.request_body {
            Some(ReferenceOr::Item(body)) => body,
            _ => {
                return Err(GenError::at(
                    body_pointer,
                    "webhook without an inline request body",
                ))
            }
        };
        let (content_type, media) = body
            .content
            .iter()
            .find(|(k, _)| k.contains("json"))
            .ok_or_else(|| GenError::at(&body_pointer, "webhook body is not JSON"))?;
        let schema = media
            .schema
            .as_ref()
            .ok_or_else(|| GenError::at(&body_pointer, "webhook body without a schema"))?;
        let schema_pointer = format!(
            "{body_pointer}/content/{}/schema",
            escape_pointer_segment(content_type)
        );
        let resolved = builder.resolve(schema, &schema_pointer)?;
        let site = Site {
            pointer: schema_pointer.clone(),
            name: camel(webhook.name),
        };

        // `{ "data": { event } }` is the usual shape; a body with `event_type` at the top is the event itself.
        let data = match shape_of(resolved.schema) {
            Shape::Object { properties, .. } if !properties.contains_key("event_type") => {
                properties.get("data")
            }
            _ => None,
        };
        let (ty, event_schema, enveloped) = match data {
            Some(data) => {
                let data_site = site.child(&["properties", "data"], "Data");
                let ty = builder.type_of_boxed(data, &data_site)?;
                (
                    ty,
                    builder.resolve_boxed(data, &data_site.pointer)?.schema,
                    true,
                )
            }
            None => (builder.type_of(schema, &site)?, resolved.schema, false),
        };
        let TypeRef::Named(ty) = ty else {
            return Err(GenError::at(
                schema_pointer,
                "webhook event is not an object",
            ));
        };
        let event_type = event_type_of(builder, event_schema, &schema_pointer)?;
        if events.iter().any(|e| e.event_type == event_type) {
            return Err(GenError::at(
                schema_pointer,
                format!("event type `{event_type}` is described twice"),
            ));
        }
        let call_control_id = field_path(builder, &ty, &["payload", "call_control_id"]);
        Ok(Event {
            variant: variants.claim(&camel(&event_type)),
            event_type,
            webhook: webhook.name.to_string(),
            ty,
            enveloped,
            call_control_id,
            features: Default::default(),
        })
    }
}

/// The single value of the event object's `event_type` property (its enum, else its example).
fn event_type_of(
    builder: &Builder<'_>,
    schema: &openapiv3::Schema,
    pointer: &str,
) -> GenResult<String> {
    let Shape::Object { properties, .. } = shape_of(schema) else {
        return Err(GenError::at(pointer, "webhook event is not an object"));
    };
    let property = properties
        .get("event_type")
        .ok_or_else(|| GenError::at(pointer, "webhook event has no `event_type` property"))?;
    let resolved = builder.resolve_boxed(property, pointer)?;
    let from_enum = match shape_of(resolved.schema) {
        Shape::String { values, .. } => values.iter().find_map(Value::as_str).map(str::to_string),
        _ => None,
    };
    from_enum
        .or_else(|| {
            resolved
                .schema
                .schema_data
                .example
                .as_ref()
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .ok_or_else(|| {
            GenError::at(
                pointer,
                "webhook `event_type` has neither an enum value nor an example",
            )
        })
}

/// Rust field names (and optionality) along wire names, when every step exists and ends in a string.
fn field_path(builder: &Builder<'_>, ty: &str, wires: &[&str]) -> Option<FieldPath> {
    let mut steps = Vec::new();
    let mut current = ty.to_string();
    for (index, wire) in wires.iter().enumerate() {
        let Some(Model::Struct(model)) = builder.models.get(&current) else {
            return None;
        };
        let field = model.fields.iter().find(|f| f.name.wire == *wire)?;
        steps.push((field.name.rust.clone(), field.is_option()));
        let last = index + 1 == wires.len();
        match (&field.ty, last) {
            (TypeRef::String, true) => return Some(FieldPath { steps }),
            (TypeRef::Named(id), true) if matches!(builder.models.get(id), Some(Model::Id(_))) => {
                return Some(FieldPath { steps })
            }
            (TypeRef::Named(next), false) => current = next.clone(),
            _ => return None,
        }
    }
    None
}

/// Gives each event the features of the operations documented to send it, and of the event-type
/// prefixes `by_prefix` names (`"conference."` for events no operation mentions).
pub fn assign_features(api: &mut Api, by_prefix: &BTreeMap<String, String>) {
    let mut sent_by: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for op in api.resources.iter().flat_map(|r| &r.operations) {
        if let Some(feature) = &op.feature {
            for event_type in &op.webhooks {
                sent_by
                    .entry(event_type.as_str())
                    .or_default()
                    .insert(feature.clone());
            }
        }
    }
    let features: Vec<BTreeSet<String>> = api
        .events
        .iter()
        .map(|event| {
            let mut features = sent_by
                .get(event.event_type.as_str())
                .cloned()
                .unwrap_or_default();
            features.extend(
                by_prefix
                    .iter()
                    .filter(|(prefix, _)| event.event_type.starts_with(prefix.as_str()))
                    .map(|(_, feature)| feature.clone()),
            );
            features
        })
        .collect();
    for (event, features) in api.events.iter_mut().zip(features) {
        event.features = features;
    }
}
