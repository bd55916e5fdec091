//! The intermediate representation: plain data between the spec and the emitted tokens.
//!
//! Emitters read only these types, never the spec, so tests can build them by hand.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::names::Name;

/// Everything the emitters write, for one spec and one selection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Api {
    /// sha256 of the spec file the representation was built from (goes into file headers).
    pub spec_sha256: String,
    /// Operations grouped by resource, resources in a fixed order.
    pub resources: Vec<Resource>,
    /// Every model, keyed and sorted by Rust type name.
    pub models: BTreeMap<String, Model>,
    /// Webhook events in spec order.
    pub events: Vec<Event>,
    /// Resource handles (every resource path and its prefixes), in path order.
    pub handles: Vec<Handle>,
    /// Which serde directions each model needs: sent types serialize, received types deserialize.
    pub serde_use: BTreeMap<String, SerdeUse>,
    /// Cargo feature of the webhook events, when they are gated.
    pub events_feature: Option<String>,
    /// For each model, when it is compiled: the gates of the operations and events using it.
    /// Absent: always compiled.
    pub model_features: BTreeMap<String, Gate>,
    /// Constructs that were skipped (only in `--all` mode), with their JSON pointers.
    pub skipped: Vec<Skipped>,
}

/// A construct the generator could not express and left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Where in the spec.
    pub pointer: String,
    /// Why.
    pub reason: String,
}

/// A group of operations reached as `client.a().b()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Accessor path from the client, snake case (`["calls", "actions"]`).
    pub path: Vec<String>,
    /// Rust name of the handle type the operations hang off (`CallsActions`).
    pub handle: String,
    /// Operations in spec order.
    pub operations: Vec<Operation>,
}

/// HTTP methods the spec uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HttpMethod {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl HttpMethod {
    /// Upper-case wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// One endpoint method.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The spec's operationId.
    pub operation_id: String,
    /// The spec's summary (an operation title, a fact).
    pub title: Option<String>,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template as in the spec (`/calls/{call_control_id}/actions/answer`).
    pub path: String,
    /// Rust method name on the resource.
    pub method_name: String,
    /// The official SDKs' method name, where it differs from `method_name` (from spec/voice.toml).
    pub official_name: Option<String>,
    /// Module of the operation and builder types (the first segment of the resource path).
    pub group: String,
    /// Rust name of the operation type and of its builder alias, unique within `group`.
    pub type_name: String,
    /// The path template split into literal text and parameters (indexes into `path_params`).
    pub path_template: Vec<PathPart>,
    /// The method's positional arguments, in order.
    pub arguments: Vec<Argument>,
    /// The builder's chained setters, in order.
    pub setters: Vec<Setter>,
    /// Event types the operation's description names (facts: event names), in order of mention.
    pub webhooks: Vec<String>,
    /// The Cargo feature compiling this operation, when the surface is gated.
    pub feature: Option<String>,
    /// Path parameters in template order.
    pub path_params: Vec<Param>,
    /// Query parameters in spec order.
    pub query_params: Vec<Param>,
    /// JSON request body, if any.
    pub body: Option<Body>,
    /// Success response shape.
    pub response: ResponseShape,
    /// How a list walks its pages, when it is a list.
    pub pagination: Option<PageScheme>,
    /// Whether the body has a `command_id` the SDK fills for idempotent retries.
    pub command_id: bool,
    /// Marked deprecated in the spec.
    pub deprecated: bool,
    /// JSON pointer of the operation.
    pub pointer: String,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Text sent as is.
    Literal(String),
    /// The path parameter at this index of `path_params`, percent-encoded as one segment.
    Param(usize),
}

/// A positional argument of an operation's method.
#[derive(Debug, Clone, PartialEq)]
pub struct Argument {
    /// Rust argument name.
    pub name: String,
    /// Rust type.
    pub ty: TypeRef,
    /// Where the value goes.
    pub target: Target,
}

/// Where an argument or setter value is stored in the operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// The path parameter at this index.
    Path(usize),
    /// The query parameter at this index; `fields` walks into its (struct) value by Rust field name.
    Query {
        /// Index into `query_params`.
        index: usize,
        /// Rust field names from the parameter's value to the set field (empty: the value itself).
        fields: Vec<String>,
    },
    /// The body field at this index of the body's fields.
    BodyField(usize),
    /// The whole request body.
    WholeBody,
}

/// A chained setter of a builder.
#[derive(Debug, Clone, PartialEq)]
pub struct Setter {
    /// Rust method name.
    pub name: String,
    /// Type of the value (without `Option`).
    pub ty: TypeRef,
    /// Where the value goes.
    pub target: Target,
    /// Whether the stored value is boxed (a recursive type).
    pub boxed: bool,
    /// Wire name (`filter[occurred_at][gt]`) for the doc line.
    pub wire: String,
    /// Facts for the doc line.
    pub facts: Facts,
    /// Name of the setter that sends an explicit `null` (a body field marked
    /// [`Field::sends_null`]); `None` when the value cannot be cleared.
    pub clear: Option<String>,
}

/// The serde directions a model is used in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SerdeUse {
    /// Sent to the API (a request body, a query value, or part of one).
    pub serialize: bool,
    /// Read from the API (a response or a webhook event, or part of one).
    pub deserialize: bool,
}

/// A resource handle type.
#[derive(Debug, Clone, PartialEq)]
pub struct Handle {
    /// Accessor path from the client.
    pub path: Vec<String>,
    /// Rust type name.
    pub name: String,
}

/// A path or query parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Wire name and method/argument name.
    pub name: Name,
    /// Rust type.
    pub ty: TypeRef,
    /// Required by the spec.
    pub required: bool,
    /// Query serialization style.
    pub style: QueryStyle,
    /// Facts for the doc comment and for sample values.
    pub facts: Facts,
}

/// How a query parameter is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `name=value`, arrays repeated.
    Form,
    /// `name[key][sub]=value`.
    DeepObject,
}

/// A JSON request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// The body type.
    pub ty: TypeRef,
    /// Whether the spec requires a body.
    pub required: bool,
    /// When the body is a struct: its fields, for the builder's arguments and setters.
    pub fields: Option<Vec<BodyField>>,
}

/// A body field as the builder exposes it.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyField {
    /// The model's field.
    pub field: Field,
    /// The name of its method argument or setter (unique among the operation's parameters).
    pub arg: String,
}

/// The decoded shape of a success response.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseShape {
    /// No body (204, or a 2xx without content).
    NoContent,
    /// `{ "data": T }`.
    Data(TypeRef),
    /// `{ "data": [T], "meta": M }`.
    Page {
        /// Item type.
        item: TypeRef,
        /// Meta type.
        meta: TypeRef,
    },
    /// Any other JSON body.
    Json(TypeRef),
}

/// The two pagination schemes of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageScheme {
    /// `page[number]` counts up to `meta.total_pages`.
    PageNumber,
    /// `meta.cursors.after` is sent back as `page[after]`.
    Cursor,
}

/// A reference to a Rust type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`
    String,
    /// `i64`
    Integer,
    /// `f64`
    Number,
    /// `bool`
    Boolean,
    /// `serde_json::Value`
    Any,
    /// A generated model, by Rust name.
    Named(String),
    /// `Vec<T>`
    Array(Box<TypeRef>),
    /// `BTreeMap<String, T>`
    Map(Box<TypeRef>),
}

/// Facts about a value, carried into docs and sample values (never description prose).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// `format`.
    pub format: Option<String>,
    /// `default`.
    pub default: Option<Value>,
    /// `example`.
    pub example: Option<Value>,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// Allowed values when the field is a constant or an enum kept as a plain type.
    pub allowed: Vec<Value>,
    /// Deprecated in the spec.
    pub deprecated: bool,
    /// The spec's description, kept only for `--docs full` (never emitted by default).
    pub description: Option<String>,
}

/// A generated type.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Model {
    /// A string identifier with a type of its own (`CallControlId`), configured in spec/voice.toml.
    Id(IdModel),
    /// A struct.
    Struct(StructModel),
    /// A string enum with an unknown-value catch-all.
    Enum(EnumModel),
    /// A oneOf/anyOf.
    Union(UnionModel),
    /// A name for another type.
    Alias(AliasModel),
}

/// Where a model came from, for its doc comment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// The component schema name, when the model is one.
    pub schema: Option<String>,
    /// The spec's title of the schema.
    pub title: Option<String>,
    /// JSON pointer of the schema.
    pub pointer: String,
}

/// An identifier newtype over a string.
#[derive(Debug, Clone, PartialEq)]
pub struct IdModel {
    /// Rust name.
    pub name: String,
}

/// A struct model.
#[derive(Debug, Clone, PartialEq)]
pub struct StructModel {
    /// Rust name.
    pub name: String,
    /// Origin.
    pub origin: Origin,
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// "At least one of" rules: the body is valid only when, for some list here, all its fields are set.
    pub presence: Vec<Vec<String>>,
    /// Facts of the whole schema (its example).
    pub facts: Facts,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Wire and Rust names.
    pub name: Name,
    /// Rust type (without the `Option` that optional fields get).
    pub ty: TypeRef,
    /// Required by the schema.
    pub required: bool,
    /// `null` allowed.
    pub nullable: bool,
    /// Needs a `Box` to break a recursive type.
    pub boxed: bool,
    /// Sent with three states (absent, `null`, a value): optional and nullable in a model that is
    /// sent, so a request can clear the value with an explicit `null`. Decided by
    /// `build::serde_use::mark_explicit_nulls`.
    pub sends_null: bool,
    /// Facts for docs and samples.
    pub facts: Facts,
}

/// A string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumModel {
    /// Rust name.
    pub name: String,
    /// Origin.
    pub origin: Origin,
    /// Known values in spec order.
    pub variants: Vec<Name>,
    /// Name of the variant keeping values the spec did not list.
    pub unknown_variant: String,
}

/// A oneOf/anyOf.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionModel {
    /// Rust name.
    pub name: String,
    /// Origin.
    pub origin: Origin,
    /// Discriminator property, when the spec names one.
    pub discriminator: Option<String>,
    /// Alternatives in spec order.
    pub variants: Vec<UnionVariant>,
}

/// One alternative of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// Rust variant name.
    pub name: String,
    /// The carried type.
    pub ty: TypeRef,
    /// Discriminator values selecting this alternative (empty when untagged).
    pub tags: Vec<String>,
}

/// A type alias.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasModel {
    /// Rust name.
    pub name: String,
    /// Origin.
    pub origin: Origin,
    /// Target.
    pub ty: TypeRef,
}

/// A webhook event of the selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The `event_type` value (`call.answered`).
    pub event_type: String,
    /// The variant name (`CallAnswered`).
    pub variant: String,
    /// Name of the webhook in the spec's `webhooks` map.
    pub webhook: String,
    /// The model of the event object (the content of `data`, or the whole body when not enveloped).
    pub ty: String,
    /// Whether the spec wraps the event in `{ "data": ... }`.
    pub enveloped: bool,
    /// How to reach `payload.call_control_id`, when the event has one.
    pub call_control_id: Option<FieldPath>,
    /// Cargo features of the resource groups the event belongs to: it is compiled (with the
    /// events feature) when any of them is on. Empty: with the events feature alone.
    pub features: BTreeSet<String>,
}

/// When an item is compiled: when every feature of at least one of its sets is on.
///
/// Kept minimal: no set contains another, so `{calls}` and `{calls, webhooks}` make `{calls}`.
/// A gate holding the empty set is always on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gate {
    /// Each set: features that must all be on.
    pub any_of: BTreeSet<BTreeSet<String>>,
}

impl Gate {
    /// Also compiles the item when every feature of `all_of` is on.
    pub fn add(&mut self, all_of: BTreeSet<String>) {
        if self.any_of.iter().any(|known| known.is_subset(&all_of)) {
            return;
        }
        self.any_of.retain(|known| !all_of.is_subset(known));
        self.any_of.insert(all_of);
    }

    /// Whether the item is compiled whatever the features.
    pub fn is_always(&self) -> bool {
        self.any_of.iter().any(BTreeSet::is_empty)
    }
}

/// How a string field is reached from an event object, for generated accessors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    /// Each step: Rust field name and whether it is an `Option`.
    pub steps: Vec<(String, bool)>,
}

impl Field {
    /// Whether the Rust field is an `Option` (not required, or nullable).
    pub fn is_option(&self) -> bool {
        !self.required || self.nullable
    }

    /// The single value of a required constant string field (`record_type: "event"`), which the
    /// SDK fills in itself.
    pub fn constant(&self) -> Option<&str> {
        match (&self.ty, self.facts.allowed.as_slice()) {
            (TypeRef::String, [value]) if self.required => value.as_str(),
            _ => None,
        }
    }
}

impl Model {
    /// Renames the model.
    pub fn set_name(&mut self, name: String) {
        match self {
            Model::Id(m) => m.name = name,
            Model::Struct(m) => m.name = name,
            Model::Enum(m) => m.name = name,
            Model::Union(m) => m.name = name,
            Model::Alias(m) => m.name = name,
        }
    }
}

impl Api {
    /// Calls `f` on every type reference of the representation (fields, parameters, bodies,
    /// arguments, setters, responses, union variants, aliases and event types).
    pub fn for_each_type_ref(&mut self, mut f: impl FnMut(&mut TypeRef)) {
        for model in self.models.values_mut() {
            match model {
                Model::Struct(s) => s.fields.iter_mut().for_each(|x| f(&mut x.ty)),
                Model::Union(u) => u.variants.iter_mut().for_each(|x| f(&mut x.ty)),
                Model::Alias(a) => f(&mut a.ty),
                Model::Id(_) | Model::Enum(_) => {}
            }
        }
        for op in self
            .resources
            .iter_mut()
            .flat_map(|r| r.operations.iter_mut())
        {
            op.path_params
                .iter_mut()
                .chain(op.query_params.iter_mut())
                .for_each(|p| f(&mut p.ty));
            if let Some(body) = &mut op.body {
                f(&mut body.ty);
                for b in body.fields.iter_mut().flatten() {
                    f(&mut b.field.ty);
                }
            }
            op.arguments.iter_mut().for_each(|a| f(&mut a.ty));
            op.setters.iter_mut().for_each(|s| f(&mut s.ty));
            match &mut op.response {
                ResponseShape::NoContent => {}
                ResponseShape::Data(t) | ResponseShape::Json(t) => f(t),
                ResponseShape::Page { item, meta } => {
                    f(item);
                    f(meta);
                }
            }
        }
        for event in &mut self.events {
            let mut ty = TypeRef::Named(std::mem::take(&mut event.ty));
            f(&mut ty);
            if let TypeRef::Named(name) = ty {
                event.ty = name;
            }
        }
    }

    /// Renames models (old name to new name) and every reference to them.
    pub fn rename_models(&mut self, renames: &BTreeMap<String, String>) {
        if renames.is_empty() {
            return;
        }
        let models = std::mem::take(&mut self.models);
        for (name, mut model) in models {
            let name = renames.get(&name).cloned().unwrap_or(name);
            model.set_name(name.clone());
            self.models.insert(name, model);
        }
        self.for_each_type_ref(|ty| rename_in(ty, renames));
    }
}

fn rename_in(ty: &mut TypeRef, renames: &BTreeMap<String, String>) {
    match ty {
        TypeRef::Named(name) => {
            if let Some(new) = renames.get(name) {
                *name = new.clone();
            }
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) => rename_in(inner, renames),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(features: &[&str]) -> BTreeSet<String> {
        features.iter().map(|f| f.to_string()).collect()
    }

    #[test]
    fn a_gate_keeps_only_its_weakest_conditions() {
        let mut gate = Gate::default();
        gate.add(set(&["calls", "webhooks"]));
        gate.add(set(&["conferences", "webhooks"]));
        gate.add(set(&["calls"]));
        assert_eq!(
            gate.any_of,
            [set(&["calls"]), set(&["conferences", "webhooks"])].into()
        );
        gate.add(set(&["calls", "queues"]));
        assert_eq!(gate.any_of.len(), 2, "implied by `calls` alone");
        assert!(!gate.is_always());
        gate.add(set(&[]));
        assert!(gate.is_always());
        assert_eq!(gate.any_of, [set(&[])].into());
    }
}
