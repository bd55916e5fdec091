//! Doc comment lines made from facts of the spec (types, formats, ranges, examples), never its prose.

use serde_json::Value;

use super::DocsMode;
use crate::ir::{Facts, TypeRef};

const MAX_VALUE_CHARS: usize = 80;

/// A value shown inline in backticks, on one line and bounded in length.
pub fn code(value: &Value) -> String {
    let text = match value {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    };
    let mut text: String = text.replace('`', "'").replace(['\n', '\r'], " ");
    if text.chars().count() > MAX_VALUE_CHARS {
        text = text.chars().take(MAX_VALUE_CHARS).collect::<String>() + "…";
    }
    format!("`{text}`")
}

/// A short name of a type for docs.
pub fn type_label(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "string".into(),
        TypeRef::Integer => "integer".into(),
        TypeRef::Number => "number".into(),
        TypeRef::Boolean => "boolean".into(),
        TypeRef::Any => "any JSON".into(),
        TypeRef::Named(n) => format!("[`{n}`](crate::models::{n})"),
        TypeRef::Array(inner) => format!("list of {}", type_label(inner)),
        TypeRef::Map(inner) => format!("map of {}", type_label(inner)),
    }
}

/// The fact line of a field or parameter: `` `name` · string (uuid) · required · default `x` ``.
pub fn fact_line(wire: &str, ty: &TypeRef, required: bool, facts: &Facts) -> String {
    let mut parts = vec![format!("`{wire}`")];
    let mut label = type_label(ty);
    if let Some(format) = &facts.format {
        label.push_str(&format!(" ({format})"));
    }
    parts.push(label);
    parts.push(if required {
        "required".into()
    } else {
        "optional".into()
    });
    if facts.allowed.len() == 1 {
        parts.push(format!("always {}", code(&facts.allowed[0])));
    } else if !facts.allowed.is_empty() {
        let values: Vec<String> = facts.allowed.iter().map(code).collect();
        parts.push(format!("one of {}", values.join(", ")));
    }
    if let Some(default) = facts.default.as_ref().filter(|d| !d.is_null()) {
        parts.push(format!("default {}", code(default)));
    }
    match (facts.minimum, facts.maximum) {
        (Some(min), Some(max)) => parts.push(format!("range {min}..={max}")),
        (Some(min), None) => parts.push(format!("minimum {min}")),
        (None, Some(max)) => parts.push(format!("maximum {max}")),
        (None, None) => {}
    }
    match (facts.min_length, facts.max_length) {
        (Some(min), Some(max)) => parts.push(format!("length {min}..={max}")),
        (Some(min), None) => parts.push(format!("length at least {min}")),
        (None, Some(max)) => parts.push(format!("length at most {max}")),
        (None, None) => {}
    }
    if let Some(pattern) = &facts.pattern {
        parts.push(format!("pattern {}", code(&Value::String(pattern.clone()))));
    }
    if facts.deprecated {
        parts.push("deprecated".into());
    }
    parts.join(" · ")
}

/// Field or parameter doc lines: the fact line, the example, and in full mode the description.
pub fn field_doc(
    wire: &str,
    ty: &TypeRef,
    required: bool,
    facts: &Facts,
    mode: DocsMode,
) -> Vec<String> {
    let mut lines = vec![fact_line(wire, ty, required, facts)];
    if let Some(example) = &facts.example {
        lines.push(String::new());
        lines.push(format!("Example: {}", code(example)));
    }
    if mode == DocsMode::Full {
        if let Some(description) = &facts.description {
            lines.push(String::new());
            lines.extend(description.lines().map(str::to_string));
        }
    }
    lines
}
