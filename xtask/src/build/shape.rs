//! A flat view of an openapiv3 schema, so the builder matches on one enum instead of two
//! (`SchemaKind::Type` and the catch-all `SchemaKind::Any` describe the same things).

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, Discriminator, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

/// A property: its schema, boxed or not in openapiv3.
pub type PropertyMap = IndexMap<String, ReferenceOr<Box<Schema>>>;

/// What a schema describes.
pub enum Shape<'a> {
    /// Properties (possibly none) and maybe additional properties.
    Object {
        properties: &'a PropertyMap,
        required: &'a [String],
        additional: Option<&'a AdditionalProperties>,
    },
    /// An array.
    Array(Option<&'a ReferenceOr<Box<Schema>>>),
    /// A string, possibly an enum.
    String { values: Vec<Value> },
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// A boolean.
    Boolean,
    /// oneOf (or anyOf: both are unions here).
    Union {
        variants: &'a [ReferenceOr<Schema>],
        discriminator: Option<&'a Discriminator>,
    },
    /// allOf.
    AllOf(&'a [ReferenceOr<Schema>]),
    /// `not`, or a type this generator does not know.
    Unsupported(String),
    /// Anything.
    Any,
}

fn values<T: serde::Serialize>(items: &[Option<T>]) -> Vec<Value> {
    items
        .iter()
        .map(|v| match v {
            Some(v) => serde_json::to_value(v).unwrap_or(Value::Null),
            None => Value::Null,
        })
        .collect()
}

/// Classifies a schema.
pub fn shape_of(schema: &Schema) -> Shape<'_> {
    let discriminator = schema.schema_data.discriminator.as_ref();
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Shape::Object {
            properties: &o.properties,
            required: &o.required,
            additional: o.additional_properties.as_ref(),
        },
        SchemaKind::Type(Type::Array(a)) => Shape::Array(a.items.as_ref()),
        SchemaKind::Type(Type::String(s)) => Shape::String {
            values: values(&s.enumeration),
        },
        SchemaKind::Type(Type::Integer(_)) => Shape::Integer,
        SchemaKind::Type(Type::Number(_)) => Shape::Number,
        SchemaKind::Type(Type::Boolean(_)) => Shape::Boolean,
        SchemaKind::OneOf { one_of } => Shape::Union {
            variants: one_of,
            discriminator,
        },
        SchemaKind::AnyOf { any_of } => Shape::Union {
            variants: any_of,
            discriminator,
        },
        SchemaKind::AllOf { all_of } => Shape::AllOf(all_of),
        SchemaKind::Not { .. } => Shape::Unsupported("`not` schemas are not supported".into()),
        SchemaKind::Any(any) => {
            if !any.properties.is_empty() || any.typ.as_deref() == Some("object") {
                // A schema mixing properties with a union of `required` lists ("at least one of")
                // is an object: the alternatives only constrain which fields are present.
                Shape::Object {
                    properties: &any.properties,
                    required: &any.required,
                    additional: any.additional_properties.as_ref(),
                }
            } else if !any.one_of.is_empty() {
                Shape::Union {
                    variants: &any.one_of,
                    discriminator,
                }
            } else if !any.any_of.is_empty() {
                Shape::Union {
                    variants: &any.any_of,
                    discriminator,
                }
            } else if !any.all_of.is_empty() {
                Shape::AllOf(&any.all_of)
            } else if any.items.is_some() || any.typ.as_deref() == Some("array") {
                Shape::Array(any.items.as_ref())
            } else {
                match any.typ.as_deref() {
                    Some("string") => Shape::String {
                        values: any.enumeration.clone(),
                    },
                    Some("integer") => Shape::Integer,
                    Some("number") => Shape::Number,
                    Some("boolean") => Shape::Boolean,
                    Some(other) => Shape::Unsupported(format!("unknown type `{other}`")),
                    None if !any.enumeration.is_empty() => {
                        if any.enumeration.iter().all(|v| v.is_string() || v.is_null()) {
                            Shape::String {
                                values: any.enumeration.clone(),
                            }
                        } else {
                            Shape::Any
                        }
                    }
                    None if any.additional_properties.is_some() => Shape::Object {
                        properties: &any.properties,
                        required: &any.required,
                        additional: any.additional_properties.as_ref(),
                    },
                    None => Shape::Any,
                }
            }
        }
    }
}
