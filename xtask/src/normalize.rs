//! OpenAPI 3.1 to the 3.0 shapes that the `openapiv3` crate reads.
//!
//! The rewrite works in place on the JSON tree. It walks the document by its
//! OpenAPI structure (paths, operations, parameters, bodies, responses, media
//! types, components, webhooks, callbacks) so it only ever treats real schema
//! positions as schemas: a property *named* `type`, an example payload or an
//! `examples` map of a media type is never mistaken for a schema keyword.
//!
//! Every rewrite is counted by kind in the returned [`NormalizeReport`], with
//! the JSON pointer of its first occurrence, so a run can show what changed.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde_json::{Map, Value};

use crate::error::{pointer, GenError, GenResult};
use crate::load::kind;

/// What [`normalize`] changed, counted per kind of rewrite.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NormalizeReport {
    /// Number of rewrites of each kind (the kind names are listed on [`normalize`]).
    pub counts: BTreeMap<&'static str, usize>,
    /// JSON pointer of the first node each kind of rewrite touched.
    pub first_at: BTreeMap<&'static str, String>,
}

#[cfg_attr(not(test), allow(dead_code))]
impl NormalizeReport {
    /// How many rewrites of `kind` happened.
    pub fn count(&self, kind: &str) -> usize {
        self.counts.get(kind).copied().unwrap_or(0)
    }

    /// All rewrites of every kind.
    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }
}

impl fmt::Display for NormalizeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (kind, count) in &self.counts {
            let at = self.first_at.get(kind).map(String::as_str).unwrap_or("");
            writeln!(f, "{kind:<32} {count:>5}  first at {at}")?;
        }
        Ok(())
    }
}

/// Rewrite kind: `type: [T, "null"]` became `type: T` plus `nullable: true`.
pub const TYPE_ARRAY_NULLABLE: &str = "type_array_nullable";
/// Rewrite kind: a one-element type array `[T]` became `type: T`.
pub const TYPE_ARRAY_SINGLE: &str = "type_array_single";
/// Rewrite kind: `type: "null"` (or `["null"]`) became `nullable: true` with no type.
pub const TYPE_NULL_ONLY: &str = "type_null_only";
/// Rewrite kind: a multi-type array became a `oneOf` with one branch per type.
pub const TYPE_ARRAY_UNION: &str = "type_array_union";
/// Rewrite kind: `const: v` became `enum: [v]`.
pub const CONST_TO_ENUM: &str = "const_to_enum";
/// Rewrite kind: a schema's `examples` list became `example` (its first item).
pub const EXAMPLES_TO_EXAMPLE: &str = "examples_to_example";
/// Rewrite kind: a schema's `examples` was dropped because `example` was already set.
pub const EXAMPLES_DROPPED: &str = "examples_dropped";
/// Rewrite kind: a `$ref` with meaningful siblings became `allOf: [{$ref}]` plus the siblings.
pub const REF_SIBLINGS_WRAPPED: &str = "ref_siblings_wrapped";
/// Rewrite kind: a `$ref` kept only documentation siblings (`description`,
/// `summary`, `title`, `x-…`); they stay in the tree, the typed parse ignores them.
pub const REF_DOC_SIBLINGS_IGNORED: &str = "ref_doc_siblings_ignored";
/// Rewrite kind: a `$ref` sibling that restated the target (`type` equal to the
/// target's, or `additionalProperties: true`) was removed.
pub const REF_REDUNDANT_SIBLINGS_DROPPED: &str = "ref_redundant_siblings_dropped";
/// Rewrite kind: a `{type: "null"}` branch of `anyOf`/`oneOf` became `nullable: true`.
pub const NULL_BRANCH_TO_NULLABLE: &str = "null_branch_to_nullable";
/// Rewrite kind: a numeric `exclusiveMinimum`/`exclusiveMaximum` became a bound plus a flag.
pub const EXCLUSIVE_BOUND_NUMERIC: &str = "exclusive_bound_numeric";
/// Rewrite kind: `type: object` was added to a schema with object keywords and no type.
pub const OBJECT_TYPE_ADDED: &str = "object_type_added";
/// Rewrite kind: `type: array` was added to a schema with `items` and no type.
pub const ARRAY_TYPE_ADDED: &str = "array_type_added";
/// Rewrite kind: a boolean schema (`true`/`false`) became `{}` / `{not: {}}`.
pub const BOOLEAN_SCHEMA: &str = "boolean_schema";
/// Rewrite kind: a 3.1-only keyword the 3.0 model has no place for was removed.
pub const KEYWORD_DROPPED: &str = "keyword_dropped";
/// Rewrite kind: a `type` beside `allOf`/`oneOf`/`anyOf`/`not` (and no keyword of
/// that type) was removed, so the schema reads as the composition.
pub const TYPE_BESIDE_COMPOSITION_DROPPED: &str = "type_beside_composition_dropped";
/// Rewrite kind: a typed schema that also has `allOf`/`oneOf`/`anyOf`/`not` became an
/// `allOf` of its typed part and its composition part (the `discriminator` goes with the latter).
pub const COMPOSITION_SPLIT: &str = "composition_split";
/// Rewrite kind: a fractional bound of an integer schema became a whole number
/// (`minimum` rounded up, `maximum` rounded down; `1.0` becomes `1`).
pub const INTEGER_BOUND_MADE_INTEGRAL: &str = "integer_bound_made_integral";
/// Rewrite kind: a missing `paths` (optional in 3.1) was added as an empty mapping.
pub const EMPTY_PATHS_ADDED: &str = "empty_paths_added";
/// Rewrite kind: the `openapi` version field was set to 3.0.3 (the old value is kept in `x-original-openapi`).
pub const VERSION_REWRITTEN: &str = "openapi_version_rewritten";

/// JSON Schema 2020-12 keywords that OpenAPI 3.0 lacks; they are removed.
const DROPPED_KEYWORDS: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$comment",
    "$vocabulary",
    "$defs",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
    "unevaluatedProperties",
    "unevaluatedItems",
    "prefixItems",
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
    "patternProperties",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
];

/// `$ref` siblings that only document the node.
const DOC_KEYS: &[&str] = &["description", "summary", "title"];

/// Keywords that belong to one JSON type, used to split a multi-type schema.
const STRING_KEYS: &[&str] = &["minLength", "maxLength", "pattern"];
const NUMBER_KEYS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const ARRAY_KEYS: &[&str] = &["items", "minItems", "maxItems", "uniqueItems"];
const OBJECT_KEYS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
];

/// HTTP methods of a path item.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Rewrites a 3.1 document in place into the 3.0 shapes `openapiv3` reads.
///
/// Inside every schema, wherever it sits, the rewrites are (report kinds in parentheses):
/// type arrays with `"null"` to `nullable` (`type_array_nullable`,
/// `type_null_only`, `type_array_single`), other multi-type arrays to `oneOf`
/// (`type_array_union`); `const` to a one-value `enum` (`const_to_enum`);
/// a schema `examples` list to `example` (`examples_to_example`,
/// `examples_dropped`); `$ref` with siblings to `allOf` (`ref_siblings_wrapped`,
/// `ref_doc_siblings_ignored`, `ref_redundant_siblings_dropped`); null branches
/// of `anyOf`/`oneOf` to `nullable` (`null_branch_to_nullable`); numeric
/// exclusive bounds to the boolean form (`exclusive_bound_numeric`); a missing
/// `type` next to object or array keywords (`object_type_added`,
/// `array_type_added`); boolean schemas (`boolean_schema`); 3.1-only keywords
/// removed (`keyword_dropped`). The `openapi` field becomes `3.0.3`
/// (`openapi_version_rewritten`).
///
/// Errors name the JSON pointer of a node that cannot be read as a schema.
pub fn normalize(doc: &mut Value) -> GenResult<NormalizeReport> {
    let ref_types = component_types(doc);
    let mut walker = Walker {
        report: NormalizeReport::default(),
        path: Vec::new(),
        ref_types,
    };
    let Value::Object(root) = doc else {
        return Err(GenError::at(
            "#",
            format!("the document root is {}", kind(doc)),
        ));
    };
    if let Some(Value::String(version)) = root.get("openapi") {
        if version.starts_with("3.1") {
            let old = version.clone();
            root.insert("openapi".into(), Value::String("3.0.3".into()));
            root.insert("x-original-openapi".into(), Value::String(old));
            walker.hit(VERSION_REWRITTEN);
        }
    }
    if !root.contains_key("paths") {
        root.insert("paths".into(), Value::Object(Map::new()));
        walker.hit(EMPTY_PATHS_ADDED);
    }
    walker.document(root)?;
    Ok(walker.report)
}

/// `#/components/schemas/<name>` to that schema's declared `type`, read before any rewrite.
fn component_types(doc: &Value) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        let declared = match schema.get("type") {
            Some(Value::String(t)) => Some(t.clone()),
            Some(Value::Array(ts)) => {
                let non_null: Vec<_> = ts
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|t| *t != "null")
                    .collect();
                match non_null.as_slice() {
                    [one] => Some((*one).to_string()),
                    _ => None,
                }
            }
            _ if schema.get("properties").is_some() => Some("object".to_string()),
            _ => None,
        };
        if let Some(t) = declared {
            out.insert(format!("#/components/schemas/{}", escape(name)), t);
        }
    }
    out
}

/// One pointer segment, escaped.
fn escape(segment: &str) -> String {
    crate::error::escape_pointer_segment(segment)
}

/// The walk state: the report, the current location, and the component types.
struct Walker {
    report: NormalizeReport,
    path: Vec<String>,
    ref_types: HashMap<String, String>,
}

impl Walker {
    /// The pointer of the node being visited.
    fn here(&self) -> String {
        pointer(&self.path)
    }

    /// Counts one rewrite of `kind` at the current node.
    fn hit(&mut self, kind: &'static str) {
        *self.report.counts.entry(kind).or_insert(0) += 1;
        if !self.report.first_at.contains_key(kind) {
            let at = self.here();
            self.report.first_at.insert(kind, at);
        }
    }

    /// Runs `f` with `segment` pushed onto the location.
    fn within<T>(&mut self, segment: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push(segment.to_string());
        let out = f(self);
        self.path.pop();
        out
    }

    /// Applies `f` to each value of the mapping at `obj[key]`, if it is one.
    fn each_in_map(
        &mut self,
        obj: &mut Map<String, Value>,
        key: &str,
        mut f: impl FnMut(&mut Self, &mut Value) -> GenResult<()>,
    ) -> GenResult<()> {
        if let Some(Value::Object(map)) = obj.get_mut(key) {
            self.path.push(key.to_string());
            for (name, value) in map.iter_mut() {
                self.path.push(name.clone());
                let r = f(self, value);
                self.path.pop();
                r?;
            }
            self.path.pop();
        }
        Ok(())
    }

    /// Applies `f` to each item of the list at `obj[key]`, if it is one.
    fn each_in_list(
        &mut self,
        obj: &mut Map<String, Value>,
        key: &str,
        mut f: impl FnMut(&mut Self, &mut Value) -> GenResult<()>,
    ) -> GenResult<()> {
        if let Some(Value::Array(list)) = obj.get_mut(key) {
            self.path.push(key.to_string());
            for (i, value) in list.iter_mut().enumerate() {
                self.path.push(i.to_string());
                let r = f(self, value);
                self.path.pop();
                r?;
            }
            self.path.pop();
        }
        Ok(())
    }

    /// Applies `f` to `obj[key]` when present.
    fn one(
        &mut self,
        obj: &mut Map<String, Value>,
        key: &str,
        f: impl FnOnce(&mut Self, &mut Value) -> GenResult<()>,
    ) -> GenResult<()> {
        match obj.get_mut(key) {
            Some(value) => self.within(key, |w| f(w, value)),
            None => Ok(()),
        }
    }

    /// The document root.
    fn document(&mut self, root: &mut Map<String, Value>) -> GenResult<()> {
        self.each_in_map(root, "paths", Self::path_item)?;
        self.each_in_map(root, "webhooks", Self::path_item)?;
        if let Some(Value::Object(components)) = root.get_mut("components") {
            self.path.push("components".into());
            let r = self.components(components);
            self.path.pop();
            r?;
        }
        Ok(())
    }

    /// `#/components`.
    fn components(&mut self, c: &mut Map<String, Value>) -> GenResult<()> {
        self.each_in_map(c, "schemas", Self::schema)?;
        self.each_in_map(c, "parameters", Self::parameter)?;
        self.each_in_map(c, "headers", Self::parameter)?;
        self.each_in_map(c, "requestBodies", Self::request_body)?;
        self.each_in_map(c, "responses", Self::response)?;
        self.each_in_map(c, "callbacks", Self::callback)?;
        self.each_in_map(c, "pathItems", Self::path_item)
    }

    /// A path item (also a webhook, a callback entry, a component path item).
    fn path_item(&mut self, v: &mut Value) -> GenResult<()> {
        let Value::Object(item) = v else {
            return Ok(());
        };
        self.each_in_list(item, "parameters", Self::parameter)?;
        for method in METHODS {
            if let Some(Value::Object(op)) = item.get_mut(*method) {
                self.path.push((*method).to_string());
                let r = self.operation(op);
                self.path.pop();
                r?;
            }
        }
        Ok(())
    }

    /// An operation.
    fn operation(&mut self, op: &mut Map<String, Value>) -> GenResult<()> {
        self.each_in_list(op, "parameters", Self::parameter)?;
        self.one(op, "requestBody", Self::request_body)?;
        self.each_in_map(op, "responses", Self::response)?;
        self.each_in_map(op, "callbacks", Self::callback)
    }

    /// A callback: runtime expressions to path items.
    fn callback(&mut self, v: &mut Value) -> GenResult<()> {
        let Value::Object(cb) = v else { return Ok(()) };
        if cb.contains_key("$ref") {
            return Ok(());
        }
        for (name, item) in cb.iter_mut() {
            self.path.push(name.clone());
            let r = self.path_item(item);
            self.path.pop();
            r?;
        }
        Ok(())
    }

    /// A parameter or a header (their `examples` maps are left alone).
    fn parameter(&mut self, v: &mut Value) -> GenResult<()> {
        let Value::Object(p) = v else { return Ok(()) };
        self.one(p, "schema", Self::schema)?;
        self.each_in_map(p, "content", Self::media_type)
    }

    /// A request body.
    fn request_body(&mut self, v: &mut Value) -> GenResult<()> {
        let Value::Object(b) = v else { return Ok(()) };
        self.each_in_map(b, "content", Self::media_type)
    }

    /// A response.
    fn response(&mut self, v: &mut Value) -> GenResult<()> {
        let Value::Object(r) = v else { return Ok(()) };
        self.each_in_map(r, "headers", Self::parameter)?;
        self.each_in_map(r, "content", Self::media_type)
    }

    /// A media type (its `examples` map is left alone).
    fn media_type(&mut self, v: &mut Value) -> GenResult<()> {
        let Value::Object(m) = v else { return Ok(()) };
        self.one(m, "schema", Self::schema)?;
        if let Some(Value::Object(encodings)) = m.get_mut("encoding") {
            self.path.push("encoding".into());
            for (name, enc) in encodings.iter_mut() {
                self.path.push(name.clone());
                let r = match enc {
                    Value::Object(enc) => self.each_in_map(enc, "headers", Self::parameter),
                    _ => Ok(()),
                };
                self.path.pop();
                r?;
            }
            self.path.pop();
        }
        Ok(())
    }

    /// A schema in any position: rewrites the node, then its sub-schemas.
    fn schema(&mut self, v: &mut Value) -> GenResult<()> {
        if let Value::Bool(b) = v {
            *v = if *b {
                Value::Object(Map::new())
            } else {
                not_anything()
            };
            self.hit(BOOLEAN_SCHEMA);
        }
        let Value::Object(s) = v else {
            return Err(GenError::at(
                self.here(),
                format!("expected a schema (a mapping), found {}", kind(v)),
            ));
        };
        self.drop_keywords(s);
        self.null_branches(s, "anyOf");
        self.null_branches(s, "oneOf");
        if self.ref_siblings(s) {
            return Ok(());
        }
        self.type_field(s)?;
        self.const_field(s);
        self.examples_field(s);
        self.exclusive_bound(s, "exclusiveMinimum", "minimum", true);
        self.exclusive_bound(s, "exclusiveMaximum", "maximum", false);
        self.missing_type(s);
        self.integer_bounds(s);
        self.composition_beside_type(s);
        self.children(s)
    }

    /// Walks the sub-schema positions of a schema.
    fn children(&mut self, s: &mut Map<String, Value>) -> GenResult<()> {
        self.each_in_map(s, "properties", Self::schema)?;
        if let Some(items) = s.get_mut("items") {
            if let Value::Array(list) = items {
                let one = match list.as_mut_slice() {
                    [only] => Some(std::mem::take(only)),
                    _ => None,
                };
                match one {
                    Some(only) => *items = only,
                    None => {
                        return Err(GenError::at(
                            pointer(self.path.iter().map(String::as_str).chain(["items"])),
                            "tuple-form `items` (a list of schemas) has no OpenAPI 3.0 form",
                        ))
                    }
                }
            }
        }
        self.one(s, "items", Self::schema)?;
        if matches!(s.get("additionalProperties"), Some(Value::Object(_))) {
            self.one(s, "additionalProperties", Self::schema)?;
        }
        self.one(s, "not", Self::schema)?;
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(v) = s.get(key) {
                if !v.is_array() {
                    return Err(GenError::at(
                        pointer(self.path.iter().map(String::as_str).chain([key])),
                        format!("`{key}` must be a list of schemas, found {}", kind(v)),
                    ));
                }
            }
            self.each_in_list(s, key, Self::schema)?;
        }
        Ok(())
    }

    /// Removes 3.1-only keywords.
    fn drop_keywords(&mut self, s: &mut Map<String, Value>) {
        for key in DROPPED_KEYWORDS {
            if s.shift_remove(*key).is_some() {
                self.hit(KEYWORD_DROPPED);
            }
        }
    }

    /// Turns `{type: "null"}` branches of `anyOf`/`oneOf` into `nullable: true`.
    fn null_branches(&mut self, s: &mut Map<String, Value>, key: &str) {
        let Some(Value::Array(branches)) = s.get_mut(key) else {
            return;
        };
        let before = branches.len();
        branches.retain(|b| !is_null_schema(b));
        let removed = before - branches.len();
        if removed == 0 {
            return;
        }
        for _ in 0..removed {
            self.hit(NULL_BRANCH_TO_NULLABLE);
        }
        let remaining = std::mem::take(branches);
        s.insert("nullable".into(), Value::Bool(true));
        match <[Value; 1]>::try_from(remaining) {
            Ok([only]) => {
                s.shift_remove(key);
                let mergeable = match &only {
                    Value::Object(o) => {
                        !o.contains_key("$ref") && o.keys().all(|k| !s.contains_key(k))
                    }
                    _ => false,
                };
                match only {
                    Value::Object(o) if mergeable => s.extend(o),
                    other => push_all_of(s, other),
                }
            }
            Err(remaining) if remaining.is_empty() => {
                s.shift_remove(key);
            }
            Err(remaining) => {
                s.insert(key.to_string(), Value::Array(remaining));
            }
        }
    }

    /// Handles a `$ref` node. Returns true when the node stays a plain reference.
    fn ref_siblings(&mut self, s: &mut Map<String, Value>) -> bool {
        let Some(target) = s.get("$ref").and_then(Value::as_str).map(str::to_string) else {
            return false;
        };
        let mut redundant = false;
        if s.get("additionalProperties") == Some(&Value::Bool(true)) {
            s.shift_remove("additionalProperties");
            redundant = true;
        }
        if let (Some(Value::String(t)), Some(target_type)) =
            (s.get("type"), self.ref_types.get(&target))
        {
            if t == target_type {
                s.shift_remove("type");
                redundant = true;
            }
        }
        if redundant {
            self.hit(REF_REDUNDANT_SIBLINGS_DROPPED);
        }
        let is_doc =
            |k: &String| k == "$ref" || DOC_KEYS.contains(&k.as_str()) || k.starts_with("x-");
        if s.keys().all(is_doc) {
            if s.len() > 1 {
                self.hit(REF_DOC_SIBLINGS_IGNORED);
            }
            return true;
        }
        let reference = s.shift_remove("$ref").unwrap_or(Value::Null);
        let mut inner = Map::new();
        inner.insert("$ref".into(), reference);
        push_all_of(s, Value::Object(inner));
        self.hit(REF_SIBLINGS_WRAPPED);
        false
    }

    /// Rewrites a 3.1 `type` (a list, or `"null"`).
    fn type_field(&mut self, s: &mut Map<String, Value>) -> GenResult<()> {
        let types: Vec<String> = match s.get("type") {
            None => return Ok(()),
            Some(Value::String(t)) if t != "null" => return Ok(()),
            Some(Value::String(_)) => vec!["null".into()],
            Some(Value::Array(list)) => {
                let mut out: Vec<String> = Vec::new();
                for (i, t) in list.iter().enumerate() {
                    let Value::String(t) = t else {
                        let index = i.to_string();
                        return Err(GenError::at(
                            pointer(self.path.iter().map(String::as_str).chain(["type", &index])),
                            format!("a type name must be a string, found {}", kind(t)),
                        ));
                    };
                    if !out.contains(t) {
                        out.push(t.clone());
                    }
                }
                out
            }
            Some(other) => {
                return Err(GenError::at(
                    pointer(self.path.iter().map(String::as_str).chain(["type"])),
                    format!(
                        "`type` must be a string or a list of strings, found {}",
                        kind(other)
                    ),
                ))
            }
        };
        let had_null = types.iter().any(|t| t == "null");
        let rest: Vec<String> = types.into_iter().filter(|t| t != "null").collect();
        if had_null {
            s.insert("nullable".into(), Value::Bool(true));
        }
        match rest.as_slice() {
            [] => {
                s.shift_remove("type");
                self.hit(TYPE_NULL_ONLY);
            }
            [one] => {
                s.insert("type".into(), Value::String(one.clone()));
                self.hit(if had_null {
                    TYPE_ARRAY_NULLABLE
                } else {
                    TYPE_ARRAY_SINGLE
                });
            }
            many => {
                s.shift_remove("type");
                let branches: Vec<Value> = many.iter().map(|t| split_branch(s, t)).collect();
                for key in STRING_KEYS
                    .iter()
                    .chain(NUMBER_KEYS)
                    .chain(ARRAY_KEYS)
                    .chain(OBJECT_KEYS)
                {
                    s.shift_remove(*key);
                }
                s.shift_remove("format");
                s.shift_remove("enum");
                if s.contains_key("oneOf") {
                    let mut wrapper = Map::new();
                    wrapper.insert("oneOf".into(), Value::Array(branches));
                    push_all_of(s, Value::Object(wrapper));
                } else {
                    s.insert("oneOf".into(), Value::Array(branches));
                }
                self.hit(TYPE_ARRAY_UNION);
            }
        }
        Ok(())
    }

    /// `const: v` to `enum: [v]`.
    fn const_field(&mut self, s: &mut Map<String, Value>) {
        let Some(value) = s.shift_remove("const") else {
            return;
        };
        // `const` is at least as strict as any `enum` beside it.
        s.insert("enum".into(), Value::Array(vec![value]));
        self.hit(CONST_TO_ENUM);
    }

    /// A schema's `examples` (any form) to a single `example`.
    fn examples_field(&mut self, s: &mut Map<String, Value>) {
        let Some(examples) = s.shift_remove("examples") else {
            return;
        };
        if s.contains_key("example") {
            self.hit(EXAMPLES_DROPPED);
            return;
        }
        match examples {
            Value::Array(list) if !list.is_empty() => {
                let first = list.into_iter().next().unwrap_or(Value::Null);
                s.insert("example".into(), first);
                self.hit(EXAMPLES_TO_EXAMPLE);
            }
            _ => self.hit(EXAMPLES_DROPPED),
        }
    }

    /// A numeric `exclusiveMinimum`/`exclusiveMaximum` to the 3.0 bound plus flag.
    fn exclusive_bound(&mut self, s: &mut Map<String, Value>, key: &str, bound: &str, lower: bool) {
        let Some(Value::Number(limit)) = s.get(key).cloned() else {
            return;
        };
        let stricter = match s.get(bound).and_then(Value::as_f64) {
            None => true,
            Some(existing) => {
                let limit = limit.as_f64().unwrap_or(existing);
                if lower {
                    limit >= existing
                } else {
                    limit <= existing
                }
            }
        };
        if stricter {
            s.insert(bound.to_string(), Value::Number(limit));
            s.insert(key.to_string(), Value::Bool(true));
        } else {
            s.shift_remove(key);
        }
        self.hit(EXCLUSIVE_BOUND_NUMERIC);
    }

    /// Adds `type: object`/`type: array` where the keywords imply it and no type is given.
    fn missing_type(&mut self, s: &mut Map<String, Value>) {
        if s.contains_key("type")
            || s.contains_key("$ref")
            || ["allOf", "oneOf", "anyOf", "not"]
                .iter()
                .any(|k| s.contains_key(*k))
        {
            return;
        }
        if OBJECT_KEYS.iter().any(|k| s.contains_key(*k)) {
            s.insert("type".into(), Value::String("object".into()));
            self.hit(OBJECT_TYPE_ADDED);
        } else if ["items", "minItems", "maxItems", "uniqueItems"]
            .iter()
            .any(|k| s.contains_key(*k))
        {
            s.insert("type".into(), Value::String("array".into()));
            self.hit(ARRAY_TYPE_ADDED);
        }
    }
}

impl Walker {
    /// Makes the bounds of an integer schema whole numbers, as `openapiv3`
    /// otherwise files the schema under `Any`.
    fn integer_bounds(&mut self, s: &mut Map<String, Value>) {
        if s.get("type").and_then(Value::as_str) != Some("integer") {
            return;
        }
        for (key, round_up) in [("minimum", true), ("maximum", false), ("multipleOf", true)] {
            let Some(Value::Number(n)) = s.get(key) else {
                continue;
            };
            if n.is_i64() {
                continue;
            }
            let Some(f) = n.as_f64() else { continue };
            if key == "multipleOf" && f.fract() != 0.0 {
                continue;
            }
            let whole = if round_up { f.ceil() } else { f.floor() };
            if !whole.is_finite() || whole.abs() > 9.0e15 {
                continue;
            }
            // Exact: `whole` is integral and within the range where f64 holds every integer.
            s.insert(key.to_string(), Value::from(whole as i64));
            self.hit(INTEGER_BOUND_MADE_INTEGRAL);
        }
    }

    /// Resolves a `type` that sits beside a composition keyword.
    fn composition_beside_type(&mut self, s: &mut Map<String, Value>) {
        const COMPOSITION: [&str; 4] = ["allOf", "oneOf", "anyOf", "not"];
        let Some(Value::String(t)) = s.get("type") else {
            return;
        };
        if !COMPOSITION.iter().any(|k| s.contains_key(*k)) {
            return;
        }
        let specific: &[&str] = match t.as_str() {
            "string" => STRING_KEYS,
            "number" | "integer" => NUMBER_KEYS,
            "array" => ARRAY_KEYS,
            "object" => OBJECT_KEYS,
            _ => &[],
        };
        let typed_keys: Vec<&str> = specific
            .iter()
            .chain(["format", "enum"].iter())
            .copied()
            .filter(|k| s.contains_key(*k))
            .collect();
        if typed_keys.is_empty() {
            s.shift_remove("type");
            self.hit(TYPE_BESIDE_COMPOSITION_DROPPED);
            return;
        }
        let mut typed = Map::new();
        for key in std::iter::once("type").chain(typed_keys) {
            if let Some(v) = s.shift_remove(key) {
                typed.insert(key.to_string(), v);
            }
        }
        let mut parts = vec![Value::Object(typed)];
        if let Some(Value::Array(all)) = s.shift_remove("allOf") {
            parts.extend(all);
        }
        for key in ["oneOf", "anyOf", "not"] {
            if let Some(v) = s.shift_remove(key) {
                let mut part = Map::new();
                part.insert(key.to_string(), v);
                if key != "not" {
                    if let Some(d) = s.shift_remove("discriminator") {
                        part.insert("discriminator".into(), d);
                    }
                }
                parts.push(Value::Object(part));
            }
        }
        s.insert("allOf".into(), Value::Array(parts));
        self.hit(COMPOSITION_SPLIT);
    }
}

/// `{not: {}}`: the schema nothing matches.
fn not_anything() -> Value {
    let mut m = Map::new();
    m.insert("not".into(), Value::Object(Map::new()));
    Value::Object(m)
}

/// True for a schema that only admits null (`type: "null"`, `type: ["null"]`,
/// `enum: [null]`, `const: null`), documentation keys aside.
fn is_null_schema(v: &Value) -> bool {
    let Value::Object(o) = v else { return false };
    let null_type = match o.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.len() == 1 && ts[0] == "null",
        _ => false,
    };
    let null_enum = o
        .get("enum")
        .is_some_and(|e| e == &Value::Array(vec![Value::Null]))
        || o.get("const") == Some(&Value::Null);
    (null_type || null_enum)
        && o.keys().all(|k| {
            matches!(k.as_str(), "type" | "enum" | "const" | "nullable")
                || DOC_KEYS.contains(&k.as_str())
                || k.starts_with("x-")
        })
}

/// Puts `schema` first in the node's `allOf`, creating the list when absent.
fn push_all_of(s: &mut Map<String, Value>, schema: Value) {
    match s.get_mut("allOf") {
        Some(Value::Array(list)) => list.insert(0, schema),
        _ => {
            s.insert("allOf".into(), Value::Array(vec![schema]));
        }
    }
}

/// One `oneOf` branch for type `t` split from a multi-type schema: the type
/// plus the keywords (and enum values) that apply to it.
fn split_branch(s: &Map<String, Value>, t: &str) -> Value {
    let mut branch = Map::new();
    branch.insert("type".into(), Value::String(t.to_string()));
    let keys: &[&str] = match t {
        "string" => STRING_KEYS,
        "number" | "integer" => NUMBER_KEYS,
        "array" => ARRAY_KEYS,
        "object" => OBJECT_KEYS,
        _ => &[],
    };
    for key in keys {
        if let Some(v) = s.get(*key) {
            branch.insert((*key).to_string(), v.clone());
        }
    }
    if matches!(t, "string" | "number" | "integer") {
        if let Some(format) = s.get("format") {
            branch.insert("format".into(), format.clone());
        }
    }
    if let Some(Value::Array(values)) = s.get("enum") {
        let fits: Vec<Value> = values
            .iter()
            .filter(|v| value_has_type(v, t))
            .cloned()
            .collect();
        if !fits.is_empty() {
            branch.insert("enum".into(), Value::Array(fits));
        }
    }
    Value::Object(branch)
}

/// True when JSON `v` is of JSON Schema type `t`.
fn value_has_type(v: &Value, t: &str) -> bool {
    match t {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A document whose one component schema is `schema`.
    fn doc_with(schema: Value) -> Value {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"S": schema}}
        })
    }

    /// Normalizes a one-schema document; returns the rewritten schema and the report.
    fn run(schema: Value) -> (Value, NormalizeReport) {
        let mut doc = doc_with(schema);
        let report = normalize(&mut doc).expect("normalize");
        (doc["components"]["schemas"]["S"].clone(), report)
    }

    #[test]
    fn nullable_type_array() {
        let (s, r) = run(json!({"type": ["string", "null"], "maxLength": 3}));
        assert_eq!(
            s,
            json!({"type": "string", "maxLength": 3, "nullable": true})
        );
        assert_eq!(r.count(TYPE_ARRAY_NULLABLE), 1);
        assert_eq!(r.first_at[TYPE_ARRAY_NULLABLE], "#/components/schemas/S");
    }

    #[test]
    fn null_only_type() {
        let (s, r) = run(json!({"type": ["null"], "description": "d"}));
        assert_eq!(s, json!({"description": "d", "nullable": true}));
        let (s2, _) = run(json!({"type": "null"}));
        assert_eq!(s2, json!({"nullable": true}));
        assert_eq!(r.count(TYPE_NULL_ONLY), 1);
    }

    #[test]
    fn single_type_array() {
        let (s, r) = run(json!({"type": ["array"], "items": {"type": "string"}}));
        assert_eq!(s, json!({"type": "array", "items": {"type": "string"}}));
        assert_eq!(r.count(TYPE_ARRAY_SINGLE), 1);
    }

    #[test]
    fn multi_type_array_becomes_one_of() {
        let (s, r) = run(json!({
            "type": ["string", "integer", "null"],
            "description": "d",
            "maxLength": 5,
            "minimum": 1,
            "enum": ["a", 2, null]
        }));
        assert_eq!(
            s,
            json!({
                "description": "d",
                "nullable": true,
                "oneOf": [
                    {"type": "string", "maxLength": 5, "enum": ["a"]},
                    {"type": "integer", "minimum": 1, "enum": [2]}
                ]
            })
        );
        assert_eq!(r.count(TYPE_ARRAY_UNION), 1);
    }

    #[test]
    fn const_becomes_enum() {
        let (s, r) = run(json!({"type": "string", "const": "x"}));
        assert_eq!(s, json!({"type": "string", "enum": ["x"]}));
        assert_eq!(r.count(CONST_TO_ENUM), 1);
    }

    #[test]
    fn schema_examples_list_becomes_example() {
        let (s, r) = run(json!({"type": "string", "examples": ["a", "b"]}));
        assert_eq!(s, json!({"type": "string", "example": "a"}));
        assert_eq!(r.count(EXAMPLES_TO_EXAMPLE), 1);
        let (s, r) = run(json!({"type": "string", "example": "z", "examples": ["a"]}));
        assert_eq!(s, json!({"type": "string", "example": "z"}));
        assert_eq!(r.count(EXAMPLES_DROPPED), 1);
    }

    #[test]
    fn media_type_examples_map_is_left_alone() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"post": {"requestBody": {"content": {"application/json": {
                "schema": {"type": "object"},
                "examples": {"one": {"value": {"type": ["x", "null"], "const": 1}}}
            }}}, "responses": {}}}}
        });
        let before = doc["paths"]["/a"]["post"]["requestBody"]["content"]["application/json"]
            ["examples"]
            .clone();
        let report = normalize(&mut doc).unwrap();
        let after =
            &doc["paths"]["/a"]["post"]["requestBody"]["content"]["application/json"]["examples"];
        assert_eq!(after, &before);
        assert_eq!(report.count(CONST_TO_ENUM), 0);
        assert_eq!(report.count(TYPE_ARRAY_NULLABLE), 0);
    }

    #[test]
    fn ref_with_meaningful_siblings_is_wrapped_in_all_of() {
        let (s, r) = run(json!({"type": "object", "properties": {"loop": {
            "$ref": "#/components/schemas/Loop", "default": 1, "description": "d", "example": "x"
        }}}));
        assert_eq!(
            s["properties"]["loop"],
            json!({"default": 1, "description": "d", "example": "x",
                   "allOf": [{"$ref": "#/components/schemas/Loop"}]})
        );
        assert_eq!(r.count(REF_SIBLINGS_WRAPPED), 1);
        assert_eq!(
            r.first_at[REF_SIBLINGS_WRAPPED],
            "#/components/schemas/S/properties/loop"
        );
    }

    #[test]
    fn ref_with_doc_siblings_stays_a_reference() {
        let (s, r) = run(json!({"$ref": "#/components/schemas/T", "description": "d"}));
        assert_eq!(
            s,
            json!({"$ref": "#/components/schemas/T", "description": "d"})
        );
        assert_eq!(r.count(REF_DOC_SIBLINGS_IGNORED), 1);
        let (s, r) = run(json!({"$ref": "#/components/schemas/T"}));
        assert_eq!(s, json!({"$ref": "#/components/schemas/T"}));
        assert_eq!(r.total(), 1, "only the version rewrite");
    }

    #[test]
    fn ref_sibling_restating_the_target_is_dropped() {
        let mut doc = doc_with(json!({"type": "object", "properties": {"p": {
            "$ref": "#/components/schemas/T", "type": "object", "additionalProperties": true
        }}}));
        doc["components"]["schemas"]["T"] = json!({"type": "object"});
        let r = normalize(&mut doc).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["S"]["properties"]["p"],
            json!({"$ref": "#/components/schemas/T"})
        );
        assert_eq!(r.count(REF_REDUNDANT_SIBLINGS_DROPPED), 1);
    }

    #[test]
    fn null_branch_of_any_of_becomes_nullable() {
        let (s, r) = run(json!({"anyOf": [{"type": "string"}, {"type": "null"}], "title": "t"}));
        assert_eq!(s, json!({"title": "t", "nullable": true, "type": "string"}));
        assert_eq!(r.count(NULL_BRANCH_TO_NULLABLE), 1);
        let (s, _) = run(json!({"oneOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]}));
        assert_eq!(
            s,
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]})
        );
        let (s, _) =
            run(json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}));
        assert_eq!(
            s,
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn numeric_exclusive_bounds_become_flags() {
        let (s, r) =
            run(json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 100}));
        assert_eq!(
            s,
            json!({"type": "integer", "exclusiveMinimum": true, "minimum": 0,
                   "exclusiveMaximum": true, "maximum": 100})
        );
        assert_eq!(r.count(EXCLUSIVE_BOUND_NUMERIC), 2);
        let (s, _) = run(json!({"type": "integer", "exclusiveMaximum": 100, "maximum": 50}));
        assert_eq!(s, json!({"type": "integer", "maximum": 50}));
    }

    #[test]
    fn three_one_keywords_are_dropped() {
        let (s, r) =
            run(json!({"type": "string", "$schema": "x", "contentMediaType": "image/png"}));
        assert_eq!(s, json!({"type": "string"}));
        assert_eq!(r.count(KEYWORD_DROPPED), 2);
    }

    #[test]
    fn missing_object_and_array_types_are_added() {
        let (s, r) = run(json!({"properties": {"a": {"items": {"type": "string"}}}}));
        assert_eq!(
            s,
            json!({"properties": {"a": {"items": {"type": "string"}, "type": "array"}},
                   "type": "object"})
        );
        assert_eq!(r.count(OBJECT_TYPE_ADDED), 1);
        assert_eq!(r.count(ARRAY_TYPE_ADDED), 1);
    }

    #[test]
    fn property_named_type_is_not_a_keyword() {
        let (s, r) = run(json!({"type": "object", "properties": {
            "type": {"type": "string", "const": "call"},
            "const": {"type": "string"},
            "examples": {"type": "array", "items": {"type": "string"}}
        }}));
        assert_eq!(
            s["properties"]["type"],
            json!({"type": "string", "enum": ["call"]})
        );
        assert_eq!(s["properties"]["const"], json!({"type": "string"}));
        assert_eq!(s["properties"]["examples"]["type"], "array");
        assert_eq!(r.count(CONST_TO_ENUM), 1);
        assert_eq!(r.count(EXAMPLES_DROPPED) + r.count(EXAMPLES_TO_EXAMPLE), 0);
    }

    #[test]
    fn type_beside_composition() {
        let (s, r) = run(json!({"type": "string", "allOf": [{"$ref": "#/components/schemas/T"}]}));
        assert_eq!(s, json!({"allOf": [{"$ref": "#/components/schemas/T"}]}));
        assert_eq!(r.count(TYPE_BESIDE_COMPOSITION_DROPPED), 1);
        let (s, r) = run(json!({
            "type": "object", "required": ["k"], "discriminator": {"propertyName": "k"},
            "oneOf": [{"$ref": "#/components/schemas/A"}]
        }));
        assert_eq!(
            s,
            json!({"allOf": [
                {"type": "object", "required": ["k"]},
                {"oneOf": [{"$ref": "#/components/schemas/A"}], "discriminator": {"propertyName": "k"}}
            ]})
        );
        assert_eq!(r.count(COMPOSITION_SPLIT), 1);
    }

    #[test]
    fn integer_bounds_become_whole() {
        let (s, r) = run(json!({"type": "integer", "minimum": 1.0, "maximum": 9.5}));
        assert_eq!(s, json!({"type": "integer", "minimum": 1, "maximum": 9}));
        assert_eq!(r.count(INTEGER_BOUND_MADE_INTEGRAL), 2);
    }

    #[test]
    fn boolean_schemas() {
        let (s, r) = run(json!({"type": "object", "properties": {"a": true, "b": false}}));
        assert_eq!(s["properties"], json!({"a": {}, "b": {"not": {}}}));
        assert_eq!(r.count(BOOLEAN_SCHEMA), 2);
    }

    #[test]
    fn schemas_everywhere_are_reached() {
        let nullable = json!({"type": ["string", "null"]});
        let mut doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": nullable}],
                "get": {
                    "parameters": [{"name": "q", "in": "query", "schema": nullable}],
                    "responses": {"200": {
                        "description": "ok",
                        "headers": {"X-H": {"schema": nullable}},
                        "content": {"application/json": {"schema": {"type": "object",
                            "additionalProperties": nullable}}}
                    }}
                }
            }},
            "webhooks": {"hook": {"post": {"requestBody": {"content": {"application/json": {
                "schema": {"type": "array", "items": {"allOf": [nullable]}}
            }}}}}},
            "components": {
                "parameters": {"P": {"name": "p", "in": "query", "schema": {"not": nullable}}},
                "requestBodies": {"B": {"content": {"text/plain": {"schema": nullable}}}},
                "responses": {"R": {"description": "r", "content": {"a/b": {"schema": nullable}}}},
                "headers": {"H": {"schema": nullable}}
            }
        });
        let r = normalize(&mut doc).unwrap();
        assert_eq!(r.count(TYPE_ARRAY_NULLABLE), 9);
        assert_eq!(
            doc["webhooks"]["hook"]["post"]["requestBody"]["content"]["application/json"]["schema"]
                ["items"]["allOf"][0],
            json!({"type": "string", "nullable": true})
        );
    }

    #[test]
    fn bad_type_is_an_error_with_a_pointer() {
        let mut doc = doc_with(json!({"type": "object", "properties": {"a/b": {"type": [1]}}}));
        let err = normalize(&mut doc).unwrap_err();
        assert_eq!(
            err.pointer.as_deref(),
            Some("#/components/schemas/S/properties/a~1b/type/0")
        );
        let mut doc = doc_with(json!({"type": "object", "properties": {"a": "string"}}));
        let err = normalize(&mut doc).unwrap_err();
        assert_eq!(
            err.pointer.as_deref(),
            Some("#/components/schemas/S/properties/a")
        );
    }

    #[test]
    fn version_is_rewritten_and_missing_paths_added() {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}});
        let r = normalize(&mut doc).unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(doc["x-original-openapi"], "3.1.0");
        assert_eq!(doc["paths"], json!({}));
        assert_eq!(r.count(EMPTY_PATHS_ADDED), 1);
    }
}
