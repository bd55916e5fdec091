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
        }
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
