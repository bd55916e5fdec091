//! Bytes to a JSON tree: the spec may be JSON or YAML; either way the later
//! stages see one `serde_json::Value` whose objects keep document order.

use std::path::Path;

use serde_json::Value;

use crate::error::{GenError, GenResult};

/// Reads a spec document into a JSON tree.
///
/// The text is JSON when its first non-blank byte is `{`, YAML otherwise. YAML
/// is decoded straight into `serde_json::Value` (no intermediate YAML tree).
/// Syntax errors carry the line and column; a root that is not a mapping is an
/// error. Every error names `file`.
pub fn load(bytes: &[u8], file: &Path) -> GenResult<Value> {
    decode(bytes).map_err(|e| e.in_file(file))
}

/// [`load`] without the file name.
fn decode(bytes: &[u8]) -> GenResult<Value> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes.iter().copied().find(|b| !b.is_ascii_whitespace());
    let value = if first == Some(b'{') {
        serde_json::from_slice::<Value>(bytes).map_err(|e| {
            GenError::msg(format!(
                "invalid JSON at line {} column {}: {e}",
                e.line(),
                e.column()
            ))
        })?
    } else {
        yaml_serde::from_slice::<Value>(bytes).map_err(|e| match e.location() {
            Some(loc) => GenError::msg(format!(
                "invalid YAML at line {} column {}: {e}",
                loc.line(),
                loc.column()
            )),
            None => GenError::msg(format!("invalid YAML: {e}")),
        })?
    };
    match &value {
        Value::Object(_) => Ok(value),
        other => Err(GenError::at(
            "#",
            format!("the document root must be a mapping, found {}", kind(other)),
        )),
    }
}

/// A word for the JSON kind of `value`, for messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn file() -> &'static Path {
        Path::new("spec.yml")
    }

    #[test]
    fn json_is_detected_by_leading_brace() {
        let v = load(b"  \n{\"openapi\": \"3.1.0\", \"b\": 1, \"a\": 2}", file()).unwrap();
        assert_eq!(v, json!({"openapi": "3.1.0", "b": 1, "a": 2}));
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["openapi", "b", "a"], "document order is kept");
    }

    #[test]
    fn yaml_loads_with_order_and_quoted_codes() {
        let text = b"openapi: 3.1.0\nresponses:\n  '200':\n    x: [1, 2]\n  default: {}\n";
        let v = load(text, file()).unwrap();
        assert_eq!(v["responses"]["200"]["x"], json!([1, 2]));
        let keys: Vec<_> = v["responses"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, ["200", "default"]);
    }

    #[test]
    fn yaml_unquoted_numeric_keys_become_strings() {
        let v = load(b"responses:\n  200:\n    description: ok\n", file()).unwrap();
        assert_eq!(v["responses"]["200"]["description"], "ok");
    }

    #[test]
    fn yaml_syntax_error_has_line_and_column() {
        let err = load(b"a: 1\nb: [1, 2\nc: 3\n", file()).unwrap_err();
        assert_eq!(err.file.as_deref(), Some(file()));
        assert!(err.message.contains("line "), "{}", err.message);
        assert!(err.message.contains("column "), "{}", err.message);
    }

    #[test]
    fn json_syntax_error_has_line_and_column() {
        let err = load(b"{\n\"a\": }", file()).unwrap_err();
        assert!(err.message.contains("line 2"), "{}", err.message);
    }

    #[test]
    fn non_mapping_root_is_an_error() {
        let err = load(b"- a\n- b\n", file()).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("#"));
        assert!(err.message.contains("sequence"));
        assert_eq!(err.file.as_deref(), Some(file()));
        assert!(load(b"", file()).is_err());
    }
}
