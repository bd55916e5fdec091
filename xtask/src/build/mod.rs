//! Build stage: the selected part of the parsed spec becomes the intermediate representation.

mod arguments;
mod dedup;
mod event;
pub mod media;
mod operation;
mod recursion;
mod rename;
mod schema;
mod serde_use;
mod shape;
mod webhooks;

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
            // Names the generated modules use for their own items, and the identifier newtypes.
            type_names: Scope::with_reserved(
                [
                    "Client",
                    "Data",
                    "Page",
                    "Request",
                    "Response",
                    "Error",
                    "WebhookEvent",
                ]
                .into_iter()
                .map(str::to_string)
                .chain(config.ids.keys().cloned()),
            ),
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
        let mut resources = operation::build_resources(&mut self, &selected.operations)?;
        let handles = operation::build_handles(&mut resources);
        let events = event::build_events(&mut self, &selected.webhooks)?;
        webhooks::keep_known_event_types(&mut resources, &events);
        let models = std::mem::take(&mut self.models);
        let mut api = Api {
            spec_sha256: spec_sha256.to_string(),
            resources,
            models,
            events,
            handles,
            serde_use: Default::default(),
            events_feature: self.config.features.events.clone(),
            model_features: Default::default(),
            skipped: self.skipped,
        };
        dedup::merge_equal_shapes(&mut api);
        rename::name_request_bodies(&mut api);
        rename::apply_overrides(&mut api, &self.config.types)?;
        if !self.lenient {
            rename::check_names(&api)?;
        }
        recursion::box_recursive_fields(&mut api.models);
        serde_use::compute(&mut api);
        serde_use::mark_explicit_nulls(&mut api);
        event::assign_features(&mut api, &self.config.features.event_types);
        serde_use::compute_features(&mut api);
        Ok(api)
    }
}
