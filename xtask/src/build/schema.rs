//! Schemas to types: every schema becomes a [`TypeRef`], registering the models it needs.

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::Value;

use super::shape::{shape_of, Shape};
use super::Builder;
use crate::error::{escape_pointer_segment, GenError, GenResult};
use crate::ir::{
    EnumModel, Facts, Field, Model, Origin, StructModel, TypeRef, UnionModel, UnionVariant,
};
use crate::names::{camel, snake, Name, Scope};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Where a schema sits and what its type would be called if it needs a name.
#[derive(Clone)]
pub struct Site {
    /// JSON pointer of the schema.
    pub pointer: String,
    /// Type name to use if the schema becomes a model.
    pub name: String,
}

impl Site {
    /// The site of a child schema, `segments` below this one.
    pub fn child(&self, segments: &[&str], name_suffix: &str) -> Site {
        let mut pointer = self.pointer.clone();
        for segment in segments {
            pointer.push('/');
            pointer.push_str(&escape_pointer_segment(segment));
        }
        Site {
            pointer,
            name: format!("{}{}", self.name, camel(name_suffix)),
        }
    }
}

/// A schema after following `$ref`s.
pub struct Resolved<'a> {
    /// The schema.
    pub schema: &'a Schema,
}

impl<'s> Builder<'s> {
    /// Follows `$ref`s to a component schema.
    pub fn resolve(
        &self,
        schema: &'s ReferenceOr<Schema>,
        pointer: &str,
    ) -> GenResult<Resolved<'s>> {
        match schema {
            ReferenceOr::Item(schema) => Ok(Resolved { schema }),
            ReferenceOr::Reference { reference } => self.lookup(reference, pointer),
        }
    }

    /// Same as [`Builder::resolve`] for the boxed schemas openapiv3 uses for properties.
    pub fn resolve_boxed(
        &self,
        schema: &'s ReferenceOr<Box<Schema>>,
        pointer: &str,
    ) -> GenResult<Resolved<'s>> {
        match schema {
            ReferenceOr::Item(schema) => Ok(Resolved { schema }),
            ReferenceOr::Reference { reference } => self.lookup(reference, pointer),
        }
    }

    /// Finds the component schema a `$ref` names, following chains of references.
    pub fn lookup(&self, reference: &'s str, pointer: &str) -> GenResult<Resolved<'s>> {
        let mut reference = reference;
        for _ in 0..32 {
            let name = reference.strip_prefix(SCHEMA_PREFIX).ok_or_else(|| {
                GenError::at(
                    pointer,
                    format!("unsupported $ref `{reference}` (only {SCHEMA_PREFIX}...)"),
                )
            })?;
            let found = self
                .components()
                .get(name)
                .ok_or_else(|| GenError::at(pointer, format!("unresolvable $ref {reference}")))?;
            match found {
                ReferenceOr::Item(schema) => return Ok(Resolved { schema }),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        Err(GenError::at(
            pointer,
            format!("$ref chain too long at {reference}"),
        ))
    }

    /// The type of a (possibly referenced) schema.
    pub fn type_of(&mut self, schema: &'s ReferenceOr<Schema>, site: &Site) -> GenResult<TypeRef> {
        match schema {
            ReferenceOr::Reference { reference } => self.type_of_ref(reference, &site.pointer),
            ReferenceOr::Item(schema) => self.type_of_schema(schema, site),
        }
    }

    /// The type of a boxed (property) schema.
    pub fn type_of_boxed(
        &mut self,
        schema: &'s ReferenceOr<Box<Schema>>,
        site: &Site,
    ) -> GenResult<TypeRef> {
        match schema {
            ReferenceOr::Reference { reference } => self.type_of_ref(reference, &site.pointer),
            ReferenceOr::Item(schema) => self.type_of_schema(schema, site),
        }
    }

    /// The type of a component, converting it on first use.
    pub fn type_of_ref(&mut self, reference: &'s str, pointer: &str) -> GenResult<TypeRef> {
        let name = reference
            .strip_prefix(SCHEMA_PREFIX)
            .ok_or_else(|| GenError::at(pointer, format!("unsupported $ref `{reference}`")))?;
        if let Some(known) = self.component_types.get(name) {
            return Ok(known.clone());
        }
        let found = self
            .components()
            .get(name)
            .ok_or_else(|| GenError::at(pointer, format!("unresolvable $ref {reference}")))?;
        let site = Site {
            pointer: format!("{SCHEMA_PREFIX}{}", escape_pointer_segment(name)),
            name: self.type_names.claim(&camel(name)),
        };
        let schema = match found {
            ReferenceOr::Reference { reference } => {
                let ty = self.type_of_ref(reference, &site.pointer)?;
                self.component_types.insert(name.to_string(), ty.clone());
                return Ok(ty);
            }
            ReferenceOr::Item(schema) => schema,
        };
        if needs_model(schema) {
            // Registered before conversion so recursive references find it.
            self.component_types
                .insert(name.to_string(), TypeRef::Named(site.name.clone()));
            let ty = self.convert(schema, &site, Some(name))?;
            if ty != TypeRef::Named(site.name.clone()) {
                // The schema turned out to be another type (an allOf of one ref): alias it.
                self.models.insert(
                    site.name.clone(),
                    Model::Alias(crate::ir::AliasModel {
                        name: site.name.clone(),
                        origin: origin(schema, Some(name), &site.pointer),
                        ty,
                    }),
                );
            }
            Ok(TypeRef::Named(site.name))
        } else {
            let ty = self.type_of_schema(schema, &site)?;
            self.component_types.insert(name.to_string(), ty.clone());
            Ok(ty)
        }
    }

    /// The type of an inline schema.
    /// The same spec node reached twice (a shared parameter) gives the same type, not a numbered copy.
    pub fn type_of_schema(&mut self, schema: &'s Schema, site: &Site) -> GenResult<TypeRef> {
        if let Some(known) = self.inline_types.get(&site.pointer) {
            return Ok(known.clone());
        }
        let ty = self.convert(schema, site, None)?;
        self.inline_types.insert(site.pointer.clone(), ty.clone());
        Ok(ty)
    }

    /// Converts a schema; `component` names it when it is a component schema.
    /// With `--all`, a schema that cannot be expressed is reported and becomes `serde_json::Value`.
    fn convert(
        &mut self,
        schema: &'s Schema,
        site: &Site,
        component: Option<&str>,
    ) -> GenResult<TypeRef> {
        match self.convert_strict(schema, site, component) {
            Err(error) if self.lenient => {
                let pointer = error
                    .pointer
                    .clone()
                    .unwrap_or_else(|| site.pointer.clone());
                self.unsupported(&pointer, error.message)
            }
            other => other,
        }
    }

    fn convert_strict(
        &mut self,
        schema: &'s Schema,
        site: &Site,
        component: Option<&str>,
    ) -> GenResult<TypeRef> {
        match shape_of(schema) {
            Shape::Object {
                properties,
                required,
                additional,
            } => {
                if properties.is_empty() {
                    return match additional {
                        Some(AdditionalProperties::Schema(inner)) => {
                            let inner = self
                                .type_of(inner, &site.child(&["additionalProperties"], "Value"))?;
                            Ok(TypeRef::Map(Box::new(inner)))
                        }
                        _ => Ok(TypeRef::Map(Box::new(TypeRef::Any))),
                    };
                }
                let properties: Vec<_> = properties.iter().collect();
                let fields = self.fields(&properties, required, site)?;
                self.add_struct(schema, component, site, fields, Vec::new())
            }
            Shape::Array(items) => {
                let item = match items {
                    Some(items) => self.type_of_boxed(items, &site.child(&["items"], "Item"))?,
                    None => TypeRef::Any,
                };
                Ok(TypeRef::Array(Box::new(item)))
            }
            Shape::String { values, .. } => {
                let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
                if strings.len() >= 2 {
                    self.add_enum(schema, component, site, &strings)
                } else {
                    Ok(TypeRef::String)
                }
            }
            Shape::Integer => Ok(TypeRef::Integer),
            Shape::Number => Ok(TypeRef::Number),
            Shape::Boolean => Ok(TypeRef::Boolean),
            Shape::Any => Ok(TypeRef::Any),
            Shape::Union {
                variants,
                discriminator,
            } => self.add_union(schema, component, site, variants, discriminator),
            Shape::AllOf(parts) => self.all_of(schema, component, site, parts),
            Shape::Unsupported(reason) => self.unsupported(&site.pointer, reason),
        }
    }

    /// A construct the generator cannot express: an error for the selection, a reported skip with `--all`.
    pub fn unsupported(&mut self, pointer: &str, reason: String) -> GenResult<TypeRef> {
        if self.lenient {
            self.skipped.push(crate::ir::Skipped {
                pointer: pointer.to_string(),
                reason,
            });
            Ok(TypeRef::Any)
        } else {
            Err(GenError::at(pointer, reason))
        }
    }

    fn fields(
        &mut self,
        properties: &[(&'s String, &'s ReferenceOr<Box<Schema>>)],
        required: &[String],
        site: &Site,
    ) -> GenResult<Vec<Field>> {
        let mut scope = Scope::default();
        let mut fields = Vec::with_capacity(properties.len());
        for &(wire, schema) in properties {
            let child = site.child(&["properties", wire], wire);
            let mut ty = self.type_of_boxed(schema, &child)?;
            if ty == TypeRef::String {
                if let Some(id) = self.config.id_for_name(wire) {
                    ty = self.id_type(id);
                }
            }
            let resolved = self.resolve_boxed(schema, &child.pointer)?;
            let facts = facts_of(resolved.schema, schema_of_boxed(schema));
            fields.push(Field {
                name: Name {
                    wire: wire.clone(),
                    rust: scope.claim(&snake(wire)),
                },
                ty,
                required: required.contains(wire),
                nullable: resolved.schema.schema_data.nullable
                    || schema_of_boxed(schema).is_some_and(|s| s.schema_data.nullable),
                boxed: false,
                sends_null: false,
                facts,
            });
        }
        Ok(fields)
    }

    fn add_struct(
        &mut self,
        schema: &Schema,
        component: Option<&str>,
        site: &Site,
        fields: Vec<Field>,
        presence: Vec<Vec<String>>,
    ) -> GenResult<TypeRef> {
        let name = self.model_name(component, site);
        Ok(self.register(
            name.clone(),
            Model::Struct(StructModel {
                name: name.clone(),
                origin: origin(schema, component, &site.pointer),
                fields,
                presence,
                facts: facts_of(schema, None),
            }),
        ))
    }

    fn add_enum(
        &mut self,
        schema: &Schema,
        component: Option<&str>,
        site: &Site,
        values: &[&str],
    ) -> GenResult<TypeRef> {
        let name = self.model_name(component, site);
        let mut scope = Scope::default();
        let mut variants = Vec::new();
        for value in values {
            if variants.iter().any(|v: &Name| v.wire == *value) {
                continue;
            }
            variants.push(Name {
                wire: (*value).to_string(),
                rust: scope.claim(&camel(value)),
            });
        }
        let unknown_variant = scope.claim(if scope.contains("Unknown") {
            "UnknownValue"
        } else {
            "Unknown"
        });
        Ok(self.register(
            name.clone(),
            Model::Enum(EnumModel {
                name: name.clone(),
                origin: origin(schema, component, &site.pointer),
                variants,
                unknown_variant,
            }),
        ))
    }

    fn add_union(
        &mut self,
        schema: &'s Schema,
        component: Option<&str>,
        site: &Site,
        alternatives: &'s [ReferenceOr<Schema>],
        discriminator: Option<&'s openapiv3::Discriminator>,
    ) -> GenResult<TypeRef> {
        let name = self.model_name(component, site);
        let mut scope = Scope::with_reserved(["Unknown"]);
        let mut alternative_names = Scope::default();
        let mut variants = Vec::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            let child = Site {
                pointer: format!(
                    "{}/{}/{index}",
                    site.pointer,
                    if matches!(schema.schema_kind, openapiv3::SchemaKind::AnyOf { .. }) {
                        "anyOf"
                    } else {
                        "oneOf"
                    }
                ),
                name: alternative_names.claim(&format!("{name}{}", alternative_kind(alternative))),
            };
            let ty = self.type_of(alternative, &child)?;
            let mut tags = Vec::new();
            if let (Some(discriminator), ReferenceOr::Reference { reference }) =
                (discriminator, alternative)
            {
                for (value, target) in &discriminator.mapping {
                    if target == reference {
                        tags.push(value.clone());
                    }
                }
                if tags.is_empty() {
                    if let Some(short) = reference.strip_prefix(SCHEMA_PREFIX) {
                        tags.push(short.to_string());
                    }
                }
            }
            let wanted = match (&ty, alternative) {
                (_, ReferenceOr::Reference { reference }) => {
                    camel(reference.rsplit('/').next().unwrap_or("Variant"))
                }
                (TypeRef::Named(n), _) => n
                    .strip_prefix(&name)
                    .filter(|s| !s.is_empty())
                    .unwrap_or(n)
                    .to_string(),
                (other, _) => variant_name_for(other),
            };
            variants.push(UnionVariant {
                name: scope.claim(&wanted),
                ty,
                tags,
            });
        }
        let discriminator = discriminator.map(|d| d.property_name.clone());
        if discriminator.is_some() && variants.iter().any(|v| v.tags.is_empty()) {
            return self.unsupported(
                &site.pointer,
                "discriminated union with an inline alternative".into(),
            );
        }
        Ok(self.register(
            name.clone(),
            Model::Union(UnionModel {
                name: name.clone(),
                origin: origin(schema, component, &site.pointer),
                discriminator,
                variants,
            }),
        ))
    }

    fn all_of(
        &mut self,
        schema: &'s Schema,
        component: Option<&str>,
        site: &Site,
        parts: &'s [ReferenceOr<Schema>],
    ) -> GenResult<TypeRef> {
        // One part (the 3.0 spelling of a `$ref` with siblings): the type of that part.
        if parts.len() == 1 {
            let child = Site {
                pointer: format!("{}/allOf/0", site.pointer),
                name: site.name.clone(),
            };
            return match &parts[0] {
                ReferenceOr::Item(inner) => self.convert(inner, &child, component),
                reference => self.type_of(reference, &child),
            };
        }
        let mut merged: Vec<(&'s String, &'s ReferenceOr<Box<Schema>>)> = Vec::new();
        let mut required: Vec<String> = Vec::new();
        let mut presence: Vec<Vec<String>> = Vec::new();
        self.collect_all_of(
            parts,
            &site.pointer,
            &mut merged,
            &mut required,
            &mut presence,
            0,
        )?;
        let fields = self.fields(&merged, &required, site)?;
        self.add_struct(schema, component, site, fields, presence)
    }

    fn collect_all_of(
        &self,
        parts: &'s [ReferenceOr<Schema>],
        pointer: &str,
        merged: &mut Vec<(&'s String, &'s ReferenceOr<Box<Schema>>)>,
        required: &mut Vec<String>,
        presence: &mut Vec<Vec<String>>,
        depth: usize,
    ) -> GenResult<()> {
        if depth > 16 {
            return Err(GenError::at(pointer, "allOf nested too deeply"));
        }
        for (index, part) in parts.iter().enumerate() {
            let part_pointer = format!("{pointer}/allOf/{index}");
            let resolved = self.resolve_static(part, &part_pointer)?;
            match shape_of(resolved) {
                Shape::Object {
                    properties,
                    required: req,
                    ..
                } => {
                    for (name, prop) in properties {
                        if let Some(slot) = merged.iter_mut().find(|(n, _)| *n == name) {
                            slot.1 = prop;
                        } else {
                            merged.push((name, prop));
                        }
                    }
                    for r in req {
                        if !required.contains(r) {
                            required.push(r.clone());
                        }
                    }
                }
                Shape::AllOf(inner) => self.collect_all_of(
                    inner,
                    &part_pointer,
                    merged,
                    required,
                    presence,
                    depth + 1,
                )?,
                Shape::Any => {}
                // "At least one of these fields": alternatives that only list required names add no fields.
                Shape::Union { variants, .. }
                    if self.only_presence_rules(variants, &part_pointer)? =>
                {
                    for variant in variants {
                        let names = match shape_of(self.resolve_static(variant, &part_pointer)?) {
                            Shape::Object { required, .. } => required.to_vec(),
                            _ => Vec::new(),
                        };
                        if !names.is_empty() {
                            presence.push(names);
                        }
                    }
                }
                _ => {
                    return Err(GenError::at(
                        part_pointer,
                        "allOf part is not an object and cannot be merged",
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether every alternative is an object with no properties (a rule on which fields are present).
    fn only_presence_rules(
        &self,
        variants: &'s [ReferenceOr<Schema>],
        pointer: &str,
    ) -> GenResult<bool> {
        for variant in variants {
            let schema = self.resolve_static(variant, pointer)?;
            match shape_of(schema) {
                Shape::Object { properties, .. } if properties.is_empty() => {}
                Shape::Any => {}
                _ => return Ok(false),
            }
        }
        Ok(true)
    }

    fn resolve_static(
        &self,
        schema: &'s ReferenceOr<Schema>,
        pointer: &str,
    ) -> GenResult<&'s Schema> {
        Ok(self.resolve(schema, pointer)?.schema)
    }

    /// The identifier newtype `name` (configured in spec/voice.toml), registered on first use.
    pub fn id_type(&mut self, name: &str) -> TypeRef {
        self.models.entry(name.to_string()).or_insert_with(|| {
            Model::Id(crate::ir::IdModel {
                name: name.to_string(),
            })
        });
        TypeRef::Named(name.to_string())
    }

    /// Records a model under its name and returns the reference to it.
    fn register(&mut self, name: String, model: Model) -> TypeRef {
        self.models.insert(name.clone(), model);
        TypeRef::Named(name)
    }

    fn model_name(&mut self, component: Option<&str>, site: &Site) -> String {
        match component {
            // Components were named (and the name claimed) when first referenced.
            Some(_) => site.name.clone(),
            None => self.type_names.claim(&site.name),
        }
    }
}

fn schema_of_boxed(schema: &ReferenceOr<Box<Schema>>) -> Option<&Schema> {
    match schema {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { .. } => None,
    }
}

/// Whether a component becomes a named model (as opposed to standing for a primitive or list).
fn needs_model(schema: &Schema) -> bool {
    match shape_of(schema) {
        Shape::Object { properties, .. } => !properties.is_empty(),
        Shape::String { values, .. } => values.iter().filter(|v| v.is_string()).count() >= 2,
        Shape::Union { .. } | Shape::AllOf(_) => true,
        _ => false,
    }
}

/// What an inline union alternative is, for its type name (`TargetsList`, not `TargetsVariant1`).
fn alternative_kind(alternative: &ReferenceOr<Schema>) -> &'static str {
    match alternative {
        ReferenceOr::Reference { .. } => "Ref",
        ReferenceOr::Item(schema) => match shape_of(schema) {
            Shape::Object { .. } => "Object",
            Shape::Array(_) => "List",
            Shape::String { .. } => "Text",
            Shape::Integer | Shape::Number => "Number",
            Shape::Boolean => "Flag",
            Shape::Union { .. } | Shape::AllOf(_) => "Choice",
            Shape::Unsupported(_) | Shape::Any => "Value",
        },
    }
}

fn variant_name_for(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer => "Integer".into(),
        TypeRef::Number => "Number".into(),
        TypeRef::Boolean => "Boolean".into(),
        TypeRef::Any => "Value".into(),
        TypeRef::Named(n) => n.clone(),
        TypeRef::Array(inner) => format!("{}List", variant_name_for(inner)),
        TypeRef::Map(inner) => format!("{}Map", variant_name_for(inner)),
    }
}

/// Where a model came from.
pub fn origin(schema: &Schema, component: Option<&str>, pointer: &str) -> Origin {
    Origin {
        schema: component.map(str::to_string),
        title: schema.schema_data.title.clone(),
        pointer: pointer.to_string(),
    }
}

/// The facts of a schema; `outer` is the inline schema at the use site, whose facts win.
pub fn facts_of(schema: &Schema, outer: Option<&Schema>) -> Facts {
    let mut facts = Facts::default();
    for s in [Some(schema), outer].into_iter().flatten() {
        let data = &s.schema_data;
        if data.default.is_some() {
            facts.default = data.default.clone();
        }
        if data.example.is_some() {
            facts.example = data.example.clone();
        }
        if data.deprecated {
            facts.deprecated = true;
        }
        if data.description.is_some() {
            facts.description = data.description.clone();
        }
        match &s.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::String(t)) => {
                if let openapiv3::VariantOrUnknownOrEmpty::Unknown(f) = &t.format {
                    facts.format = Some(f.clone());
                }
                if let openapiv3::VariantOrUnknownOrEmpty::Item(f) = &t.format {
                    facts.format = serde_json::to_value(f)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string));
                }
                facts.pattern = t.pattern.clone().or(facts.pattern.take());
                facts.min_length = t.min_length.or(facts.min_length);
                facts.max_length = t.max_length.or(facts.max_length);
                let values: Vec<Value> = t
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| Value::String(v.clone()))
                    .collect();
                if values.len() == 1 {
                    facts.allowed = values;
                }
            }
            openapiv3::SchemaKind::Type(openapiv3::Type::Integer(t)) => {
                facts.minimum = t.minimum.map(|v| v as f64).or(facts.minimum);
                facts.maximum = t.maximum.map(|v| v as f64).or(facts.maximum);
                let values: Vec<Value> = t
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| Value::from(*v))
                    .collect();
                if !values.is_empty() {
                    facts.allowed = values;
                }
                if let openapiv3::VariantOrUnknownOrEmpty::Unknown(f) = &t.format {
                    facts.format = Some(f.clone());
                }
                if let openapiv3::VariantOrUnknownOrEmpty::Item(f) = &t.format {
                    facts.format = serde_json::to_value(f)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string));
                }
            }
            openapiv3::SchemaKind::Type(openapiv3::Type::Number(t)) => {
                facts.minimum = t.minimum.or(facts.minimum);
                facts.maximum = t.maximum.or(facts.maximum);
            }
            openapiv3::SchemaKind::Type(openapiv3::Type::Boolean(t)) => {
                let values: Vec<Value> = t
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| Value::Bool(*v))
                    .collect();
                if values.len() == 1 {
                    facts.allowed = values;
                }
            }
            openapiv3::SchemaKind::Any(any) => {
                facts.format = any.format.clone().or(facts.format.take());
                facts.pattern = any.pattern.clone().or(facts.pattern.take());
                facts.minimum = any.minimum.or(facts.minimum);
                facts.maximum = any.maximum.or(facts.maximum);
                facts.min_length = any.min_length.or(facts.min_length);
                facts.max_length = any.max_length.or(facts.max_length);
                if any.enumeration.len() == 1 {
                    facts.allowed = any.enumeration.clone();
                }
            }
            _ => {}
        }
    }
    facts
}
