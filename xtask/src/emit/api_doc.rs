//! `API.md`: the table of every operation and webhook event, rendered from `templates/API.md.tmpl`.

use crate::error::{GenError, GenResult};
use crate::ir::Api;

/// Renders the template: `{{operations}}`, `{{events}}`, `{{operation_count}}`, `{{event_count}}`,
/// `{{spec_sha256}}` are replaced; any other `{{...}}` is an error.
pub fn render(template: &str, api: &Api) -> GenResult<String> {
    let mut operations = String::new();
    let mut count = 0;
    for resource in &api.resources {
        for op in &resource.operations {
            count += 1;
            // The official SDKs' name only where it differs from ours (set in spec/voice.toml).
            let official = op
                .official_name
                .as_ref()
                .filter(|name| **name != op.method_name)
                .map_or_else(|| "same".to_string(), |name| format!("`{name}`"));
            operations.push_str(&format!(
                "| `{}` | `{} {}` | `client.{}().{}()` | {} |\n",
                op.operation_id,
                op.method.as_str(),
                op.path,
                resource.path.join("()."),
                op.method_name,
                official
            ));
        }
    }
    let mut events = String::new();
    for event in &api.events {
        let features = if event.features.is_empty() {
            "—".to_string()
        } else {
            let names: Vec<String> = event.features.iter().map(|f| format!("`{f}`")).collect();
            names.join(", ")
        };
        events.push_str(&format!(
            "| `{}` | `WebhookEvent::{}` | `{}` | {features} |\n",
            event.event_type, event.variant, event.ty
        ));
    }
    let values = [
        ("operations", operations.trim_end().to_string()),
        ("events", events.trim_end().to_string()),
        ("operation_count", count.to_string()),
        ("event_count", api.events.len().to_string()),
        ("spec_sha256", api.spec_sha256.clone()),
    ];
    let mut out = String::with_capacity(template.len() + operations.len() + events.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("}}")
            .ok_or_else(|| GenError::msg("unclosed `{{` in the API.md template"))?
            + start;
        let key = rest[start + 2..end].trim();
        let value = values.iter().find(|(k, _)| *k == key).ok_or_else(|| {
            GenError::msg(format!(
                "unknown placeholder `{{{{{key}}}}}` in the API.md template"
            ))
        })?;
        out.push_str(&value.1);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}
