//! The normalized JSON tree to the typed `openapiv3` model.
//!
//! Before the typed parse, every local `$ref` in the document is resolved; all
//! that fail are reported together. When the typed parse fails, the failing
//! node is narrowed down by parsing sub-trees on their own (each at its
//! OpenAPI type), so the error names the deepest node that does not parse,
//! e.g. `#/paths/~1calls/post/requestBody/content/application~1json/schema`.

use indexmap::IndexMap;
use openapiv3::{
    Encoding, Example, Header, Info, Link, MediaType, OpenAPI, Operation, Parameter, PathItem,
    ReferenceOr, RequestBody, Response, Schema, SecurityScheme, Server, Tag,
};
use serde::de::DeserializeOwned;
use serde::Deserialize as _;
use serde_json::Value;

use crate::error::{pointer, GenError, GenResult};
use crate::spec_source::SpecFile;

/// A spec read into the typed model, with the tree it came from.
#[derive(Debug, Clone)]
pub struct ParsedSpec {
    /// The typed document (everything `openapiv3` models).
    pub openapi: OpenAPI,
    /// The top-level `webhooks` (OpenAPI 3.1), which `openapiv3` has no field
    /// for, parsed as path items in document order. A webhook given as a local
    /// `$ref` is parsed from its target.
    pub webhooks: IndexMap<String, PathItem>,
    /// The normalized JSON tree, webhooks included, for reading `x-` extensions
    /// and building JSON pointers.
    #[cfg_attr(not(test), allow(dead_code))]
    pub raw: Value,
}

/// Loads, normalizes and parses one spec copy; every error names its path.
pub fn load_spec(file: &SpecFile) -> GenResult<ParsedSpec> {
    let mut doc = crate::load::load(&file.bytes, &file.path)?;
    crate::normalize::normalize(&mut doc).map_err(|e| e.in_file(&file.path))?;
    parse(doc).map_err(|e| e.in_file(&file.path))
}

/// Parses a normalized document into the typed model.
///
/// Checks first that every local `$ref` resolves (the error names the first
/// referring node and how many others fail), then parses the document and
/// each webhook. A parse error names the JSON pointer of the failing node.
pub fn parse(doc: Value) -> GenResult<ParsedSpec> {
    check_refs(&doc)?;
    // The plain decoders first: tracking the path of every node costs the run that succeeds,
    // and a failure is located again node by node anyway.
    let openapi: OpenAPI = match OpenAPI::deserialize(&doc) {
        Ok(openapi) => openapi,
        Err(_) => return Err(locate_document(&doc)),
    };
    let mut webhooks = IndexMap::new();
    if let Some(hooks) = doc.get("webhooks") {
        let Value::Object(hooks) = hooks else {
            return Err(GenError::at(
                "#/webhooks",
                format!(
                    "`webhooks` must be a mapping, found {}",
                    crate::load::kind(hooks)
                ),
            ));
        };
        for (name, hook) in hooks {
            let mut at = vec!["webhooks".to_string(), name.clone()];
            let mut target = hook;
            if let Some(reference) = hook.get("$ref").and_then(Value::as_str) {
                target = resolve(&doc, reference).ok_or_else(|| {
                    GenError::at(pointer(&at), format!("unresolvable $ref {reference}"))
                })?;
                at = ref_segments(reference);
            }
            let item = match PathItem::deserialize(target) {
                Ok(item) => item,
                Err(_) => {
                    return Err(check::<PathItem>(target, &mut at, path_item_children)
                        .unwrap_or_else(|| {
                            GenError::at(pointer(&at), "webhook does not parse as a path item")
                        }));
                }
            };
            webhooks.insert(name.clone(), item);
        }
    }
    Ok(ParsedSpec {
        openapi,
        webhooks,
        raw: doc,
    })
}

/// Deserializes `v` as `T`; on failure gives the path inside `v` and the message.
fn probe<T: DeserializeOwned>(v: &Value) -> Result<T, (Vec<String>, String)> {
    serde_path_to_error::deserialize::<_, T>(v).map_err(|e| {
        let segments = e
            .path()
            .iter()
            .filter_map(|seg| match seg {
                serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                _ => None,
            })
            .collect();
        (segments, e.into_inner().to_string())
    })
}

/// The error for `v` at `path` parsed as `T`, or `None` when it parses.
fn node<T: DeserializeOwned>(v: &Value, path: &[String]) -> Option<GenError> {
    match probe::<T>(v) {
        Ok(_) => None,
        Err((inner, message)) => Some(GenError::at(
            pointer(path.iter().chain(inner.iter())),
            message,
        )),
    }
}

/// How to look inside one kind of node for a deeper failure.
type Children = fn(&Value, &mut Vec<String>) -> Option<GenError>;

/// Checks `v` as `T`: if it fails, looks for a failing child with `children`
/// first, so the deepest failing node is the one reported.
fn check<T: DeserializeOwned>(
    v: &Value,
    path: &mut Vec<String>,
    children: Children,
) -> Option<GenError> {
    let own = node::<T>(v, path)?;
    Some(children(v, path).unwrap_or(own))
}

/// Checks `v[key]` (when present) as `T`.
fn at_key<T: DeserializeOwned>(
    v: &Value,
    key: &str,
    path: &mut Vec<String>,
    children: Children,
) -> Option<GenError> {
    let child = v.get(key)?;
    path.push(key.to_string());
    let r = check::<T>(child, path, children);
    path.pop();
    r
}

/// Checks every value of the mapping `v[key]` as `T`.
fn each_value<T: DeserializeOwned>(
    v: &Value,
    key: &str,
    path: &mut Vec<String>,
    children: Children,
) -> Option<GenError> {
    let Some(Value::Object(map)) = v.get(key) else {
        return None;
    };
    path.push(key.to_string());
    for (name, child) in map {
        path.push(name.clone());
        let r = check::<T>(child, path, children);
        path.pop();
        if r.is_some() {
            path.pop();
            return r;
        }
    }
    path.pop();
    None
}

/// Checks every item of the list `v[key]` as `T`.
fn each_item<T: DeserializeOwned>(
    v: &Value,
    key: &str,
    path: &mut Vec<String>,
    children: Children,
) -> Option<GenError> {
    let Some(Value::Array(list)) = v.get(key) else {
        return None;
    };
    path.push(key.to_string());
    for (i, child) in list.iter().enumerate() {
        path.push(i.to_string());
        let r = check::<T>(child, path, children);
        path.pop();
        if r.is_some() {
            path.pop();
            return r;
        }
    }
    path.pop();
    None
}

/// No children worth probing.
fn leaf(_: &Value, _: &mut Vec<String>) -> Option<GenError> {
    None
}

/// The deepest failing node of a document whose typed parse failed.
fn locate_document(doc: &Value) -> GenError {
    let mut path = Vec::new();
    let deeper = document_children(doc, &mut path);
    deeper
        .or_else(|| node::<OpenAPI>(doc, &path))
        .unwrap_or_else(|| GenError::at("#", "the document does not parse as OpenAPI 3.0"))
}

/// Sub-trees of the document root.
fn document_children(v: &Value, path: &mut Vec<String>) -> Option<GenError> {
    at_key::<Info>(v, "info", path, leaf)
        .or_else(|| each_item::<Server>(v, "servers", path, leaf))
        .or_else(|| each_value::<ReferenceOr<PathItem>>(v, "paths", path, path_item_children))
        .or_else(|| at_key::<openapiv3::Components>(v, "components", path, components_children))
        .or_else(|| each_item::<Tag>(v, "tags", path, leaf))
}

/// Sub-trees of `#/components`.
fn components_children(v: &Value, path: &mut Vec<String>) -> Option<GenError> {
    each_value::<ReferenceOr<Schema>>(v, "schemas", path, schema_children)
        .or_else(|| each_value::<ReferenceOr<Parameter>>(v, "parameters", path, parameter_children))
        .or_else(|| each_value::<ReferenceOr<Header>>(v, "headers", path, parameter_children))
        .or_else(|| each_value::<ReferenceOr<RequestBody>>(v, "requestBodies", path, body_children))
        .or_else(|| each_value::<ReferenceOr<Response>>(v, "responses", path, response_children))
        .or_else(|| each_value::<ReferenceOr<Example>>(v, "examples", path, leaf))
        .or_else(|| each_value::<ReferenceOr<Link>>(v, "links", path, leaf))
        .or_else(|| each_value::<ReferenceOr<SecurityScheme>>(v, "securitySchemes", path, leaf))
        .or_else(|| {
            each_value::<ReferenceOr<openapiv3::Callback>>(v, "callbacks", path, callback_children)
        })
}

/// Sub-trees of a path item.
fn path_item_children(v: &Value, path: &mut Vec<String>) -> Option<GenError> {
    each_item::<ReferenceOr<Parameter>>(v, "parameters", path, parameter_children).or_else(|| {
        [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ]
        .iter()
        .find_map(|m| at_key::<Operation>(v, m, path, operation_children))
    })
}

/// Sub-trees of an operation.
fn operation_children(v: &Value, path: &mut Vec<String>) -> Option<GenError> {
    each_item::<ReferenceOr<Parameter>>(v, "parameters", path, parameter_children)
        .or_else(|| at_key::<ReferenceOr<RequestBody>>(v, "requestBody", path, body_children))
        .or_else(|| each_value::<ReferenceOr<Response>>(v, "responses", path, response_children))
        .or_else(|| {
            each_value::<ReferenceOr<openapiv3::Callback>>(v, "callbacks", path, callback_children)
        })
}

/// Sub-trees of a callback (expressions to path items).
fn callback_children(v: &Value, path: &mut Vec<String>) -> Option<GenError> {
    let Value::Object(map) = v else { return None };
    for (name, item) in map {
        path.push(name.clone());
        let r = check::<PathItem>(item, path, path_item_children);
        path.pop();
        if r.is_some() {
            return r;
        }
    }
    None
}

/// Sub-trees of a parameter or header.
fn parameter_children(v: &Value, path: &mut Vec<String>) -> Option<GenError> {
    at_key::<ReferenceOr<Schema>>(v, "schema", path, schema_children)
        .or_else(|| each_value::<MediaType>(v, "content", path, media_children))
        .or_else(|| each_value::<ReferenceOr<Example>>(v, "examples", path, leaf))
}

/// Sub-trees of a request body.
fn body_children(v: &Value, path: &mut Vec<String>) -> Option<GenError> {
    each_value::<MediaType>(v, "content", path, media_children)
}

/// Sub-trees of a response.
fn response_children(v: &Value, path: &mut Vec<String>) -> Option<GenError> {
    each_value::<ReferenceOr<Header>>(v, "headers", path, parameter_children)
        .or_else(|| each_value::<MediaType>(v, "content", path, media_children))
        .or_else(|| each_value::<ReferenceOr<Link>>(v, "links", path, leaf))
}

/// Sub-trees of a media type.
fn media_children(v: &Value, path: &mut Vec<String>) -> Option<GenError> {
    at_key::<ReferenceOr<Schema>>(v, "schema", path, schema_children)
        .or_else(|| each_value::<ReferenceOr<Example>>(v, "examples", path, leaf))
        .or_else(|| each_value::<Encoding>(v, "encoding", path, leaf))
}

/// Sub-schemas of a schema.
fn schema_children(v: &Value, path: &mut Vec<String>) -> Option<GenError> {
    each_value::<ReferenceOr<Schema>>(v, "properties", path, schema_children)
        .or_else(|| at_key::<ReferenceOr<Schema>>(v, "items", path, schema_children))
        .or_else(|| match v.get("additionalProperties") {
            Some(Value::Object(_)) => {
                at_key::<ReferenceOr<Schema>>(v, "additionalProperties", path, schema_children)
            }
            _ => None,
        })
        .or_else(|| at_key::<ReferenceOr<Schema>>(v, "not", path, schema_children))
        .or_else(|| each_item::<ReferenceOr<Schema>>(v, "allOf", path, schema_children))
        .or_else(|| each_item::<ReferenceOr<Schema>>(v, "oneOf", path, schema_children))
        .or_else(|| each_item::<ReferenceOr<Schema>>(v, "anyOf", path, schema_children))
}

/// Resolves a local reference (`#/...`) in `doc`.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let fragment = reference.strip_prefix('#')?;
    if fragment.is_empty() {
        return Some(doc);
    }
    doc.pointer(fragment)
}

/// The unescaped segments of a local reference, for error pointers.
fn ref_segments(reference: &str) -> Vec<String> {
    reference
        .trim_start_matches('#')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Keys whose values are payloads (examples, defaults, enum values), not spec structure.
const DATA_KEYS: &[&str] = &["example", "default", "enum", "const"];

/// Keys whose values map user-chosen names to objects; their entries are never payload keys.
const NAME_MAPS: &[&str] = &[
    "properties",
    "schemas",
    "parameters",
    "responses",
    "headers",
    "requestBodies",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
    "examples",
    "content",
    "paths",
    "webhooks",
    "encoding",
];

/// Resolves every `$ref` in the document and reports all that fail.
fn check_refs(doc: &Value) -> GenResult<()> {
    let mut bad = Vec::new();
    let mut path = Vec::new();
    collect_bad_refs(doc, doc, &mut path, None, None, &mut bad);
    let Some((first_at, first_msg)) = bad.first() else {
        return Ok(());
    };
    let message = if bad.len() == 1 {
        first_msg.clone()
    } else {
        format!("{first_msg} (and {} more unresolvable $ref)", bad.len() - 1)
    };
    Err(GenError::at(first_at.clone(), message))
}

/// Walks `v`, recording `(pointer, message)` for each `$ref` that does not resolve.
fn collect_bad_refs(
    doc: &Value,
    v: &Value,
    path: &mut Vec<String>,
    parent_key: Option<&str>,
    grandparent_key: Option<&str>,
    bad: &mut Vec<(String, String)>,
) {
    match v {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                match reference.as_str() {
                    Some(r) if r.starts_with('#') => {
                        if resolve(doc, r).is_none() {
                            bad.push((pointer(path.iter()), format!("unresolvable $ref {r}")));
                        }
                    }
                    Some(r) => bad.push((
                        pointer(path.iter()),
                        format!("unresolvable $ref {r}: only references inside the document are supported"),
                    )),
                    None => bad.push((pointer(path.iter()), "`$ref` must be a string".to_string())),
                }
            }
            let names = parent_key.is_some_and(|k| NAME_MAPS.contains(&k));
            let example_entry = grandparent_key == Some("examples");
            for (key, child) in map {
                if key == "$ref" {
                    continue;
                }
                if !names
                    && (DATA_KEYS.contains(&key.as_str())
                        || key.starts_with("x-")
                        || (example_entry && key == "value"))
                {
                    continue;
                }
                path.push(key.clone());
                collect_bad_refs(doc, child, path, Some(key), parent_key, bad);
                path.pop();
            }
        }
        Value::Array(list) => {
            for (i, child) in list.iter().enumerate() {
                path.push(i.to_string());
                collect_bad_refs(doc, child, path, None, parent_key, bad);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::{Path, PathBuf};

    /// A small valid document with one operation, one schema and one webhook.
    fn small() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/calls": {"post": {
                "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Call"}
                }}},
                "responses": {"200": {"description": "ok"}}
            }}},
            "webhooks": {"callHangup": {"post": {
                "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Call"}
                }}},
                "responses": {"200": {"description": "ok"}}
            }}},
            "components": {"schemas": {"Call": {"type": "object", "x-kind": "call",
                "properties": {"to": {"type": "string"}}}}}
        })
    }

    #[test]
    fn parses_document_and_webhooks() {
        let spec = parse(small()).unwrap();
        assert_eq!(spec.openapi.operations().count(), 1);
        assert_eq!(spec.webhooks.len(), 1);
        assert!(spec.webhooks["callHangup"].post.is_some());
        assert_eq!(spec.raw["components"]["schemas"]["Call"]["x-kind"], "call");
        assert!(spec.raw.get("webhooks").is_some(), "raw keeps the webhooks");
    }

    #[test]
    fn bad_schema_is_located_by_pointer() {
        let mut doc = small();
        doc["paths"]["/calls"]["post"]["requestBody"]["content"]["application/json"]["schema"] =
            json!({"type": "object", "properties": {"to": {"type": "string", "nullable": "yes"}}});
        let err = parse(doc).unwrap_err();
        assert_eq!(
            err.pointer.as_deref(),
            Some("#/paths/~1calls/post/requestBody/content/application~1json/schema/properties/to"),
            "{err}"
        );
    }

    #[test]
    fn bad_webhook_is_located_under_webhooks() {
        let mut doc = small();
        doc["webhooks"]["callHangup"]["post"]["responses"]["200"] = json!({"description": 5});
        let err = parse(doc).unwrap_err();
        let at = err.pointer.clone().unwrap_or_default();
        assert!(
            at.starts_with("#/webhooks/callHangup/post/responses/200"),
            "{err}"
        );
    }

    #[test]
    fn webhook_given_as_ref_is_parsed_from_its_target() {
        let mut doc = small();
        let item = doc["webhooks"]["callHangup"].clone();
        doc["components"]["pathItems"] = json!({"Hook": item});
        doc["webhooks"]["callHangup"] = json!({"$ref": "#/components/pathItems/Hook"});
        let spec = parse(doc).unwrap();
        assert!(spec.webhooks["callHangup"].post.is_some());
    }

    #[test]
    fn unresolvable_refs_are_all_counted() {
        let mut doc = small();
        doc["paths"]["/calls"]["post"]["requestBody"]["content"]["application/json"]["schema"] =
            json!({"$ref": "#/components/schemas/Nope"});
        doc["components"]["schemas"]["Call"]["properties"]["from"] =
            json!({"$ref": "#/components/schemas/Missing"});
        // A `$ref` key inside an example payload is data, not a reference.
        doc["components"]["schemas"]["Call"]["example"] = json!({"$ref": "not checked"});
        let err = parse(doc).unwrap_err();
        assert_eq!(
            err.pointer.as_deref(),
            Some("#/paths/~1calls/post/requestBody/content/application~1json/schema")
        );
        assert_eq!(
            err.to_string(),
            "#/paths/~1calls/post/requestBody/content/application~1json/schema: unresolvable \
             $ref #/components/schemas/Nope (and 1 more unresolvable $ref)"
        );
    }

    #[test]
    fn load_spec_errors_name_the_file() {
        let mut doc = small();
        doc["components"]["schemas"]["Call"]["properties"]["to"] =
            json!({"$ref": "#/components/schemas/Nope"});
        let file = SpecFile {
            path: PathBuf::from("spec3.yml"),
            origin: crate::spec_source::SpecOrigin::Flag,
            bytes: serde_json::to_vec(&doc).unwrap(),
            sha256: String::new(),
        };
        let err = load_spec(&file).unwrap_err();
        assert_eq!(
            err.to_string(),
            "spec3.yml: #/components/schemas/Call/properties/to: unresolvable $ref \
             #/components/schemas/Nope"
        );
    }

    #[test]
    fn full_31_document_goes_through_all_stages() {
        let yaml = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /calls:\n    post:\n      \
requestBody:\n        content:\n          application/json:\n            schema:\n              \
properties:\n                to: {type: [string, 'null']}\n                loop:\n                  \
$ref: '#/components/schemas/Loop'\n                  default: 1\n      responses:\n        \
'200': {description: ok}\ncomponents:\n  schemas:\n    Loop:\n      anyOf:\n      - {type: integer, \
exclusiveMinimum: 0}\n      - {type: string, const: infinity}\n";
        let file = SpecFile {
            path: PathBuf::from("mini.yml"),
            origin: crate::spec_source::SpecOrigin::Flag,
            bytes: yaml.as_bytes().to_vec(),
            sha256: String::new(),
        };
        let spec = load_spec(&file).unwrap();
        let body = &spec.raw["paths"]["/calls"]["post"]["requestBody"]["content"]
            ["application/json"]["schema"];
        assert_eq!(body["type"], "object");
        assert_eq!(
            body["properties"]["to"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            body["properties"]["loop"]["allOf"][0]["$ref"],
            "#/components/schemas/Loop"
        );
    }

    /// Runs every stage on the pinned spec when `TELNYX_OPENAPI_SPEC` names it
    /// (relative paths are taken from the repository root); skipped otherwise.
    #[test]
    fn pinned_spec_parses() {
        let Some(value) = std::env::var_os(crate::spec_source::SPEC_ENV_VAR) else {
            eprintln!("skipped: {} is not set", crate::spec_source::SPEC_ENV_VAR);
            return;
        };
        let root = crate::spec_source::repo_root();
        let pin = crate::spec_source::Pin::load(&root).unwrap();
        let file = crate::spec_source::locate_and_read(
            &root,
            Some(&root.join(Path::new(&value))),
            &pin,
            false,
        )
        .unwrap();
        let spec = load_spec(&file).unwrap();
        assert_eq!(spec.openapi.operations().count(), 1156);
        assert_eq!(
            spec.openapi
                .components
                .as_ref()
                .map_or(0, |c| c.schemas.len()),
            1875
        );
        assert_eq!(spec.webhooks.len(), 66);
    }
}
