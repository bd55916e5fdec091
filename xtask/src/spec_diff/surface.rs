//! The public surface of the generated crate as plain, serializable data.
//!
//! [`Surface::from_api`] is the only function of the change report that reads the intermediate
//! representation: when the IR changes shape, this projection is the one place to adapt. Everything
//! else (classification, report, CI gate) works on [`Surface`], which is also committed as
//! [`SURFACE_FILE`] so that the gate can compare two commits without the spec or the generator.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::{GenError, GenResult};
use crate::ir::{Api, Field, Model, Operation, ResponseShape, TypeRef};

/// Where `cargo xtask codegen` writes the surface, relative to the repository root.
pub const SURFACE_FILE: &str = "telnyx-voice/api-surface.json";

/// Version of the file layout; a reader refuses a file of another version instead of misreading it.
pub const SURFACE_FORMAT: u32 = 1;

/// What users of the crate can name: operations, models and webhook events.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Surface {
    /// [`SURFACE_FORMAT`] at the time of writing.
    pub format: u32,
    /// sha256 of the spec the surface was generated from.
    pub spec_sha256: String,
    /// Operations keyed by `METHOD /path`, the identity that survives renames.
    pub operations: BTreeMap<String, OperationSurface>,
    /// Models keyed by Rust type name.
    pub models: BTreeMap<String, ModelSurface>,
    /// Webhook events keyed by their `event_type` value.
    pub events: BTreeMap<String, EventSurface>,
}

/// How an operation is called from Rust.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSurface {
    /// The spec's operationId (reported, but not part of the Rust API).
    pub operation_id: String,
    /// Accessors and method from the client, dotted: `calls.actions.answer`.
    pub rust_path: String,
    /// Name of the request builder type.
    pub builder: String,
    /// Positional method arguments, in order.
    pub args: Vec<Argument>,
    /// Optional values as builder setters: setter name to the type it takes.
    pub setters: BTreeMap<String, String>,
    /// The decoded success response.
    pub response: String,
    /// Whether the builder can walk pages (`into_stream`).
    pub paginated: bool,
    /// Marked deprecated in the spec.
    pub deprecated: bool,
}

/// One positional argument of an operation's method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Argument {
    /// Argument name.
    pub name: String,
    /// Rust type (the method takes `impl Into<T>`).
    pub ty: String,
}

/// A generated type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ModelSurface {
    /// An identifier newtype over a string (`CallControlId`).
    Id {},
    /// A struct with public fields.
    Struct {
        /// Fields keyed by Rust field name.
        fields: BTreeMap<String, FieldSurface>,
        /// Whether it derives `Default` (every field is an `Option`), so literals can end in `..Default::default()`.
        defaultable: bool,
        /// Whether users build values of it: reachable from a method argument or setter.
        written: bool,
        /// Whether users receive values of it: reachable from a response or webhook event.
        read: bool,
    },
    /// A string enum with a catch-all variant; `#[non_exhaustive]`.
    Enum {
        /// Wire value to Rust variant name.
        values: BTreeMap<String, String>,
    },
    /// A oneOf/anyOf as a plain (exhaustive) Rust enum.
    Union {
        /// Variant name to the type it carries.
        variants: BTreeMap<String, String>,
    },
    /// A type alias.
    Alias {
        /// The aliased type.
        target: String,
    },
}

impl ModelSurface {
    /// A word for the kind, for the report.
    pub fn kind(&self) -> &'static str {
        match self {
            ModelSurface::Struct { .. } => "struct",
            ModelSurface::Enum { .. } => "enum",
            ModelSurface::Union { .. } => "union",
            ModelSurface::Alias { .. } => "alias",
            ModelSurface::Id { .. } => "id",
        }
    }
}

/// A struct field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSurface {
    /// The JSON property name.
    pub wire: String,
    /// The full Rust type, `Option` and `Box` included.
    pub ty: String,
    /// Required by the schema.
    pub required: bool,
    /// `null` allowed by the schema.
    pub nullable: bool,
}

/// A webhook event variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSurface {
    /// Variant of `WebhookEvent`.
    pub variant: String,
    /// The model it carries.
    pub model: String,
}

impl Surface {
    /// Projects the intermediate representation onto the public surface.
    ///
    /// The argument/setter split mirrors the resource emitter: path parameters, required query
    /// parameters and required non-nullable non-constant body fields are arguments; the other
    /// query parameters and body fields are setters; a required single-value string is filled by
    /// the SDK and is neither.
    pub fn from_api(api: &Api) -> Surface {
        let mut operations = BTreeMap::new();
        let mut written_roots = Vec::new();
        let mut read_roots = Vec::new();
        for resource in &api.resources {
            for op in &resource.operations {
                let surface = operation_surface(&resource.path, op);
                written_roots.extend(op_input_types(op));
                read_roots.extend(response_types(&op.response));
                operations.insert(format!("{} {}", op.method.as_str(), op.path), surface);
            }
        }
        let mut events = BTreeMap::new();
        for event in &api.events {
            read_roots.push(TypeRef::Named(event.ty.clone()));
            events.insert(
                event.event_type.clone(),
                EventSurface {
                    variant: event.variant.clone(),
                    model: event.ty.clone(),
                },
            );
        }
        let written = reachable(&api.models, &written_roots);
        let read = reachable(&api.models, &read_roots);
        let models = api
            .models
            .iter()
            .map(|(name, model)| {
                let surface = model_surface(model, written.contains(name), read.contains(name));
                (name.clone(), surface)
            })
            .collect();
        Surface {
            format: SURFACE_FORMAT,
            spec_sha256: api.spec_sha256.clone(),
            operations,
            models,
            events,
        }
    }

    /// The committed file's text: JSON with one line per field, argument, setter, enum value and
    /// event, so a review diff shows one line per change (maps are ordered: deterministic).
    pub fn to_json(&self) -> String {
        // Serializing plain maps, strings and booleans cannot fail.
        let value = serde_json::to_value(self).unwrap_or_default();
        let mut text = String::new();
        write_json(&mut text, &value, 0);
        text.push('\n');
        text
    }

    /// Reads a surface file's text; `origin` names it in errors (a path or `REV:path`).
    pub fn from_json(text: &str, origin: &str) -> GenResult<Surface> {
        let format = Surface::format_of(text, origin)?;
        if format != Some(u64::from(SURFACE_FORMAT)) {
            return Err(GenError::msg(format!(
                "{origin}: surface format {} is not {SURFACE_FORMAT}, the one this xtask reads",
                format.map_or("missing".to_string(), |f| f.to_string())
            )));
        }
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            GenError::msg(format!(
                "{origin}: malformed surface at `{}`: {}",
                e.path(),
                e.inner()
            ))
        })
    }

    /// The `format` number of a surface file's text (`None` when it has none).
    pub fn format_of(text: &str, origin: &str) -> GenResult<Option<u64>> {
        Ok(serde_json::from_str::<serde_json::Value>(text)
            .map_err(|e| GenError::msg(format!("{origin}: not JSON: {e}")))?
            .get("format")
            .and_then(serde_json::Value::as_u64))
    }
}

/// Nesting depth from which values are written on one line: the entries of an operation's
/// setters, a struct's fields, an enum's values.
const INLINE_DEPTH: usize = 4;

/// Writes `value` indented by two spaces per level, compact from [`INLINE_DEPTH`] on.
fn write_json(out: &mut String, value: &serde_json::Value, depth: usize) {
    use serde_json::Value;
    let indent = |depth: usize| "  ".repeat(depth);
    match value {
        Value::Object(map) if depth < INLINE_DEPTH && !map.is_empty() => {
            out.push_str("{\n");
            for (i, (key, item)) in map.iter().enumerate() {
                out.push_str(&indent(depth + 1));
                out.push_str(&serde_json::Value::String(key.clone()).to_string());
                out.push_str(": ");
                write_json(out, item, depth + 1);
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
            out.push_str(&indent(depth));
            out.push('}');
        }
        Value::Array(items) if depth < INLINE_DEPTH && !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&indent(depth + 1));
                write_json(out, item, depth + 1);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&indent(depth));
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn operation_surface(resource_path: &[String], op: &Operation) -> OperationSurface {
    // The IR records the method's arguments and the builder's setters; the surface copies them.
    let args = op
        .arguments
        .iter()
        .map(|a| argument(&a.name, &a.ty))
        .collect();
    let setters = op
        .setters
        .iter()
        .map(|s| (s.name.clone(), type_string(&s.ty)))
        .chain(
            op.setters
                .iter()
                .filter_map(|s| s.clear.as_ref().map(|c| (c.clone(), "null".to_string()))),
        )
        .collect();
    let mut rust_path = resource_path.to_vec();
    rust_path.push(op.method_name.clone());
    OperationSurface {
        operation_id: op.operation_id.clone(),
        rust_path: rust_path.join("."),
        builder: format!("{}::{}", op.group, op.type_name),
        args,
        setters,
        response: match &op.response {
            ResponseShape::NoContent => "()".to_string(),
            ResponseShape::Data(ty) => format!("Data<{}>", type_string(ty)),
            ResponseShape::Page { item, meta } => {
                format!("Page<{}, {}>", type_string(item), type_string(meta))
            }
            ResponseShape::Json(ty) => type_string(ty),
        },
        paginated: op.pagination.is_some(),
        deprecated: op.deprecated,
    }
}

fn argument(name: &str, ty: &TypeRef) -> Argument {
    Argument {
        name: name.to_string(),
        ty: type_string(ty),
    }
}

/// Types users pass to an operation: its argument and setter types.
fn op_input_types(op: &Operation) -> Vec<TypeRef> {
    let mut types: Vec<TypeRef> = op
        .path_params
        .iter()
        .chain(&op.query_params)
        .map(|p| p.ty.clone())
        .collect();
    if let Some(body) = &op.body {
        match &body.fields {
            Some(fields) => types.extend(fields.iter().map(|b| b.field.ty.clone())),
            None => types.push(body.ty.clone()),
        }
    }
    types
}

fn response_types(response: &ResponseShape) -> Vec<TypeRef> {
    match response {
        ResponseShape::NoContent => Vec::new(),
        ResponseShape::Data(ty) | ResponseShape::Json(ty) => vec![ty.clone()],
        ResponseShape::Page { item, meta } => vec![item.clone(), meta.clone()],
    }
}

/// Names of the models reachable from `roots` through fields, union variants and alias targets.
fn reachable(models: &BTreeMap<String, Model>, roots: &[TypeRef]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&TypeRef> = roots.iter().collect();
    while let Some(ty) = todo.pop() {
        match ty {
            TypeRef::Array(inner) | TypeRef::Map(inner) => todo.push(inner),
            TypeRef::Named(name) => {
                if !seen.insert(name.clone()) {
                    continue;
                }
                match models.get(name) {
                    Some(Model::Struct(s)) => todo.extend(s.fields.iter().map(|f| &f.ty)),
                    Some(Model::Union(u)) => todo.extend(u.variants.iter().map(|v| &v.ty)),
                    Some(Model::Alias(a)) => todo.push(&a.ty),
                    Some(Model::Enum(_)) | Some(Model::Id(_)) | None => {}
                }
            }
            TypeRef::String
            | TypeRef::Integer
            | TypeRef::Number
            | TypeRef::Boolean
            | TypeRef::Any => {}
        }
    }
    seen
}

fn model_surface(model: &Model, written: bool, read: bool) -> ModelSurface {
    match model {
        Model::Struct(s) => ModelSurface::Struct {
            fields: s
                .fields
                .iter()
                .map(|f| {
                    let mut ty = type_string(&f.ty);
                    if f.boxed {
                        ty = format!("Box<{ty}>");
                    }
                    if f.sends_null {
                        ty = format!("Option<Nullable<{ty}>>");
                    } else if f.is_option() {
                        ty = format!("Option<{ty}>");
                    }
                    let field = FieldSurface {
                        wire: f.name.wire.clone(),
                        ty,
                        required: f.required,
                        nullable: f.nullable,
                    };
                    (f.name.rust.clone(), field)
                })
                .collect(),
            defaultable: s.fields.iter().all(Field::is_option),
            written,
            read,
        },
        Model::Enum(e) => ModelSurface::Enum {
            values: e
                .variants
                .iter()
                .map(|v| (v.wire.clone(), v.rust.clone()))
                .collect(),
        },
        Model::Union(u) => ModelSurface::Union {
            variants: u
                .variants
                .iter()
                .map(|v| (v.name.clone(), type_string(&v.ty)))
                .collect(),
        },
        Model::Alias(a) => ModelSurface::Alias {
            target: type_string(&a.ty),
        },
        Model::Id(_) => ModelSurface::Id {},
    }
}

/// The Rust spelling of a type reference, models by bare name.
pub fn type_string(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_string(),
        TypeRef::Integer => "i64".to_string(),
        TypeRef::Number => "f64".to_string(),
        TypeRef::Boolean => "bool".to_string(),
        TypeRef::Any => "serde_json::Value".to_string(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(inner) => format!("Vec<{}>", type_string(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", type_string(inner)),
    }
}
