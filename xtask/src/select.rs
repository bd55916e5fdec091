//! Select stage: which operations and webhooks of the spec form the surface.

use indexmap::IndexMap;
use openapiv3::{OpenAPI, Operation, PathItem, ReferenceOr};

use crate::config::Selection;
use crate::error::{pointer, GenError, GenResult};
use crate::ir::HttpMethod;

/// One selected operation, still in spec form.
pub struct SelectedOperation<'s> {
    /// Path template.
    pub path: &'s str,
    /// HTTP method.
    pub method: HttpMethod,
    /// The operation.
    pub operation: &'s Operation,
    /// Its path item (for path-level parameters).
    pub path_item: &'s PathItem,
    /// JSON pointer of the operation.
    pub pointer: String,
}

/// One selected webhook.
pub struct SelectedWebhook<'s> {
    /// Name in the spec's `webhooks` map.
    pub name: &'s str,
    /// The POST operation describing the delivery.
    pub operation: &'s Operation,
    /// JSON pointer of the operation.
    pub pointer: String,
}

/// The selection, in document order.
pub struct Selected<'s> {
    /// Operations.
    pub operations: Vec<SelectedOperation<'s>>,
    /// Webhooks.
    pub webhooks: Vec<SelectedWebhook<'s>>,
}

/// Applies the selection rules.
pub fn select<'s>(
    spec: &'s OpenAPI,
    webhooks: &'s IndexMap<String, PathItem>,
    selection: &Selection,
) -> GenResult<Selected<'s>> {
    let mut operations = Vec::new();
    for (path, item) in &spec.paths.paths {
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                return Err(GenError::at(
                    pointer(["paths", path]),
                    "path item $ref is not supported",
                ));
            }
        };
        for (method, operation) in methods(item) {
            if selection.wants_operation(&operation.tags) {
                operations.push(SelectedOperation {
                    path,
                    method,
                    operation,
                    path_item: item,
                    pointer: pointer(["paths", path, &method.as_str().to_ascii_lowercase()]),
                });
            }
        }
    }
    let mut selected_webhooks = Vec::new();
    for (name, item) in webhooks {
        if !selection.wants_webhook(name) {
            continue;
        }
        let operation = item.post.as_ref().ok_or_else(|| {
            GenError::at(
                pointer(["webhooks", name]),
                "webhook without a post operation",
            )
        })?;
        selected_webhooks.push(SelectedWebhook {
            name,
            operation,
            pointer: pointer(["webhooks", name, "post"]),
        });
    }
    Ok(Selected {
        operations,
        webhooks: selected_webhooks,
    })
}

/// The operations of a path item, in a fixed method order.
fn methods(item: &PathItem) -> impl Iterator<Item = (HttpMethod, &Operation)> {
    [
        (HttpMethod::Get, &item.get),
        (HttpMethod::Post, &item.post),
        (HttpMethod::Put, &item.put),
        (HttpMethod::Patch, &item.patch),
        (HttpMethod::Delete, &item.delete),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.as_ref().map(|op| (method, op)))
}
