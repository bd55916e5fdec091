//! Build stage: the selected part of the parsed spec becomes the intermediate representation.

mod event;
mod operation;
mod recursion;
mod schema;
mod shape;

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::config::Config;
use crate::error::GenResult;
use crate::ir::{Api, Model, Skipped, TypeRef};
use crate::names::Scope;
use crate::select::Selected;

/// Walks the selection, converting each operation, webhook and reachable schema once.
pub struct Builder<'s> {
    spec: &'s OpenAPI,
    config: &'s Config,
    /// With `--all`: report constructs that cannot be expressed and go on.
    lenient: bool,
    /// Component schema name to the type it became.
    component_types: BTreeMap<String, TypeRef>,
    /// Type names of every component schema, so a parameter named like one can be told apart.
    schema_type_names: std::collections::BTreeSet<String>,
    /// JSON pointer of an inline schema to the type it became.
    inline_types: BTreeMap<String, TypeRef>,
    /// Every type name handed out.
    type_names: Scope,
    models: BTreeMap<String, Model>,
    skipped: Vec<Skipped>,
}

static NO_SCHEMAS: std::sync::OnceLock<IndexMap<String, ReferenceOr<Schema>>> =
    std::sync::OnceLock::new();

impl<'s> Builder<'s> {
    /// A builder over a parsed spec.
    pub fn new(spec: &'s OpenAPI, config: &'s Config, lenient: bool) -> Self {
        Builder {
            spec,
            config,
            lenient,
            component_types: BTreeMap::new(),
            inline_types: BTreeMap::new(),
            schema_type_names: match &spec.components {
                Some(c) => c.schemas.keys().map(|k| crate::names::camel(k)).collect(),
                None => Default::default(),
            },
            // Names the generated modules use for their own items.
            type_names: Scope::with_reserved([
                "Client",
                "Data",
                "Page",
                "Response",
                "Error",
                "WebhookEvent",
            ]),
            models: BTreeMap::new(),
            skipped: Vec::new(),
        }
    }

    /// The component schemas.
    pub fn components(&self) -> &'s IndexMap<String, ReferenceOr<Schema>> {
        match &self.spec.components {
            Some(c) => &c.schemas,
            None => NO_SCHEMAS.get_or_init(IndexMap::new),
        }
    }

    /// Builds the representation of the selection.
    pub fn build(mut self, selected: &Selected<'s>, spec_sha256: &str) -> GenResult<Api> {
        let resources = operation::build_resources(&mut self, &selected.operations)?;
        let events = event::build_events(&mut self, &selected.webhooks)?;
        let mut models = std::mem::take(&mut self.models);
        recursion::box_recursive_fields(&mut models);
        Ok(Api {
            spec_sha256: spec_sha256.to_string(),
            resources,
            models,
            events,
            skipped: self.skipped,
        })
    }
}
