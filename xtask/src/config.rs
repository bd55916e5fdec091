//! The selection and naming overrides read from `spec/voice.toml`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{GenError, GenResult};

/// The whole config file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// What to select.
    pub select: Selection,
    /// Overrides keyed by operationId.
    #[serde(default)]
    pub operations: BTreeMap<String, OperationOverride>,
    /// Identifier newtypes: Rust type name to where the identifier appears.
    #[serde(default)]
    pub ids: BTreeMap<String, IdRule>,
    /// Type renames: generated name to the name to use instead.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    /// Cargo features gating parts of the surface.
    #[serde(default)]
    pub features: Features,
}

/// Which Cargo feature compiles which part of the surface (none configured: everything always).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Features {
    /// Feature of each resource group (the first segment of the resource path).
    #[serde(default)]
    pub groups: BTreeMap<String, String>,
    /// Operations (by operationId) with a feature other than their group's.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
    /// Feature of the webhook events.
    pub events: Option<String>,
    /// Feature of the events whose type starts with each prefix, beside those of the
    /// operations documented to send them.
    #[serde(default)]
    pub event_types: BTreeMap<String, String>,
}

/// Where an identifier newtype is used instead of a plain string.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IdRule {
    /// Wire names of string fields and parameters holding this identifier.
    #[serde(default)]
    pub names: Vec<String>,
    /// Path parameters holding it, written as in the path (`/conferences/{id}`): the last
    /// parameter of that template, in every path starting with it.
    #[serde(default)]
    pub path_params: Vec<String>,
}

/// Which operations and webhooks form the surface.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Operations with any of these tags. Empty selects every operation.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Webhooks whose name starts with one of these, ignoring case.
    #[serde(default)]
    pub webhook_prefixes: Vec<String>,
    /// Webhooks with exactly these names.
    #[serde(default)]
    pub webhook_names: Vec<String>,
}

/// Naming overrides for one operation.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OperationOverride {
    /// Accessor path of the resource.
    pub resource: Option<Vec<String>>,
    /// Method name.
    pub method: Option<String>,
    /// Name of the operation and builder types, when the default would collide.
    pub type_name: Option<String>,
    /// The official SDKs' method name, where it differs from ours (a fact shown in API.md).
    pub official: Option<String>,
    /// Renamed body-field arguments: wire name to Rust name.
    #[serde(default)]
    pub arguments: BTreeMap<String, String>,
}

impl Config {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> GenResult<Config> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| GenError::msg(format!("cannot read: {e}")).in_file(path))?;
        Config::parse(&text).map_err(|e| e.in_file(path))
    }

    /// Parses config text.
    pub fn parse(text: &str) -> GenResult<Config> {
        toml::from_str(text).map_err(|e| GenError::msg(e.to_string().trim().to_string()))
    }

    /// Config selecting the whole spec (for `codegen --all`).
    pub fn everything() -> Config {
        Config {
            select: Selection {
                tags: Vec::new(),
                webhook_prefixes: vec![String::new()],
                webhook_names: Vec::new(),
            },
            operations: BTreeMap::new(),
            ids: BTreeMap::new(),
            types: BTreeMap::new(),
            features: Features::default(),
        }
    }
}

impl Config {
    /// The identifier newtype for a string field or parameter named `wire`, if one is configured.
    pub fn id_for_name(&self, wire: &str) -> Option<&str> {
        self.ids
            .iter()
            .find(|(_, rule)| rule.names.iter().any(|n| n == wire))
            .map(|(name, _)| name.as_str())
    }

    /// The identifier newtype for path parameter `wire` of `path`, if one is configured.
    pub fn id_for_path_param(&self, path: &str, wire: &str) -> Option<&str> {
        let by_path = self.ids.iter().find(|(_, rule)| {
            rule.path_params.iter().any(|prefix| {
                path.starts_with(prefix.as_str()) && prefix.ends_with(&format!("{{{wire}}}"))
            })
        });
        by_path
            .map(|(name, _)| name.as_str())
            .or_else(|| self.id_for_name(wire))
    }
}

impl Selection {
    /// Whether an operation with these tags is selected.
    pub fn wants_operation(&self, tags: &[String]) -> bool {
        self.tags.is_empty() || tags.iter().any(|t| self.tags.contains(t))
    }

    /// Whether a webhook of this name is selected.
    pub fn wants_webhook(&self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        self.webhook_names.iter().any(|n| n == name)
            || self
                .webhook_prefixes
                .iter()
                .any(|p| lower.starts_with(&p.to_ascii_lowercase()))
    }
}
