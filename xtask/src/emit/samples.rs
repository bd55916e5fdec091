//! Sample values for the conformance suite: the spec's example when it has one, else a value
//! derived from the type, format, range and enum values.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::ir::{Facts, Model, TypeRef};

/// How deep optional fields are filled before only required ones are.
const FULL_DEPTH: usize = 3;
/// Beyond this depth a sample stops (recursive types).
const MAX_DEPTH: usize = 8;

/// Makes sample values from the models.
pub struct Sampler<'a> {
    models: &'a BTreeMap<String, Model>,
}

impl<'a> Sampler<'a> {
    /// A sampler over these models.
    pub fn new(models: &'a BTreeMap<String, Model>) -> Self {
        Sampler { models }
    }

    /// The model of that name.
    pub fn model(&self, name: &str) -> Option<&'a Model> {
        self.models.get(name)
    }

    /// A value of `ty`: the example in `facts` when there is one, else a derived one.
    /// `full` fills optional fields of objects too.
    pub fn value(&self, ty: &TypeRef, facts: &Facts, full: bool) -> Value {
        self.value_at(ty, facts, full, 0)
    }

    fn value_at(&self, ty: &TypeRef, facts: &Facts, full: bool, depth: usize) -> Value {
        if let [only] = facts.allowed.as_slice() {
            return only.clone();
        }
        if let Some(example) = facts.example.as_ref().filter(|e| fits(ty, e, self.models)) {
            return example.clone();
        }
        if let Some(default) = facts
            .default
            .as_ref()
            .filter(|d| !d.is_null() && fits(ty, d, self.models))
        {
            return default.clone();
        }
        match ty {
            TypeRef::String => Value::String(string_for(facts)),
            TypeRef::Integer => json!(integer_for(facts)),
            TypeRef::Number => json!(facts
                .minimum
                .unwrap_or(1.0)
                .max(facts.minimum.unwrap_or(f64::MIN))),
            TypeRef::Boolean => Value::Bool(true),
            TypeRef::Any => json!({}),
            TypeRef::Array(inner) => {
                if depth >= MAX_DEPTH {
                    return json!([]);
                }
                Value::Array(vec![self.value_at(
                    inner,
                    &Facts::default(),
                    full,
                    depth + 1,
                )])
            }
            TypeRef::Map(inner) => {
                let mut map = Map::new();
                map.insert(
                    "key".into(),
                    self.value_at(inner, &Facts::default(), full, depth + 1),
                );
                Value::Object(map)
            }
            // An id newtype is a string on the wire: sample it with the string's facts (a uuid format).
            TypeRef::Named(name) if matches!(self.models.get(name), Some(Model::Id(_))) => {
                self.value_at(&TypeRef::String, facts, full, depth)
            }
            TypeRef::Named(name) => self.named(name, full, depth),
        }
    }

    fn named(&self, name: &str, full: bool, depth: usize) -> Value {
        match self.models.get(name) {
            Some(Model::Struct(model)) => {
                if let Some(example) = model
                    .facts
                    .example
                    .as_ref()
                    .filter(|e| e.is_object() && depth > 0)
                {
                    return example.clone();
                }
                let mut map = Map::new();
                for field in &model.fields {
                    let wanted = field.required || (full && depth < FULL_DEPTH);
                    if !wanted || depth >= MAX_DEPTH {
                        continue;
                    }
                    map.insert(
                        field.name.wire.clone(),
                        self.value_at(&field.ty, &field.facts, full, depth + 1),
                    );
                }
                Value::Object(map)
            }
            Some(Model::Id(_)) => Value::String("id".into()),
            Some(Model::Enum(model)) => model
                .variants
                .first()
                .map_or(Value::String("value".into()), |v| {
                    Value::String(v.wire.clone())
                }),
            Some(Model::Union(model)) => match model.variants.first() {
                Some(variant) => {
                    let mut value = self.value_at(&variant.ty, &Facts::default(), full, depth + 1);
                    if let (Some(tag), Some(first), Value::Object(map)) =
                        (&model.discriminator, variant.tags.first(), &mut value)
                    {
                        map.insert(tag.clone(), Value::String(first.clone()));
                    }
                    value
                }
                None => json!({}),
            },
            Some(Model::Alias(alias)) => {
                self.value_at(&alias.ty, &Facts::default(), full, depth + 1)
            }
            None => json!({}),
        }
    }
}

/// Whether a spec example has the JSON kind of the type (examples are sometimes of another type).
fn fits(ty: &TypeRef, value: &Value, models: &BTreeMap<String, Model>) -> bool {
    match ty {
        TypeRef::String => value.is_string(),
        TypeRef::Integer => value.is_i64() || value.is_u64(),
        TypeRef::Number => value.is_number(),
        TypeRef::Boolean => value.is_boolean(),
        TypeRef::Any => true,
        TypeRef::Array(_) => value.is_array(),
        TypeRef::Map(_) => value.is_object(),
        TypeRef::Named(name) => match models.get(name) {
            Some(Model::Struct(_)) => value.is_object(),
            Some(Model::Enum(e)) => value
                .as_str()
                .is_some_and(|s| e.variants.iter().any(|v| v.wire == s)),
            Some(Model::Alias(a)) => fits(&a.ty, value, models),
            _ => true,
        },
    }
}

fn string_for(facts: &Facts) -> String {
    let base = match facts.format.as_deref() {
        Some("uuid") => "3fa85f64-5717-4562-b3fc-2c963f66afa6".to_string(),
        Some("date-time") => "2026-01-01T12:00:00Z".to_string(),
        Some("date") => "2026-01-01".to_string(),
        Some("uri" | "url") => "https://example.com/webhooks".to_string(),
        Some("email") => "user@example.com".to_string(),
        Some("ipv4") => "127.0.0.1".to_string(),
        _ => "sample".to_string(),
    };
    let mut s = base;
    if let Some(min) = facts.min_length {
        while s.len() < min {
            s.push('x');
        }
    }
    if let Some(max) = facts.max_length {
        s.truncate(max);
    }
    s
}

fn integer_for(facts: &Facts) -> i64 {
    let mut value = 1.0_f64;
    if let Some(min) = facts.minimum {
        value = value.max(min);
    }
    if let Some(max) = facts.maximum {
        value = value.min(max);
    }
    value as i64
}
