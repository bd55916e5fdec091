//! Operations: parameters, bodies, responses, and where each lands on the client.

use std::collections::BTreeMap;

use openapiv3::{
    Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response, StatusCode,
};

use super::schema::{facts_of, Site};
use super::shape::{shape_of, Shape};
use super::Builder;
use crate::error::{escape_pointer_segment, GenError, GenResult};
use crate::ir::{
    Body, BodyField, Handle, HttpMethod, Model, Operation, PageScheme, Param, PathPart, QueryStyle,
    Resource, ResponseShape, TypeRef,
};
use crate::names::{camel, snake, Name, Scope};
use crate::select::SelectedOperation;

/// Groups the selected operations into resources, in order of first appearance.
pub fn build_resources<'s>(
    builder: &mut Builder<'s>,
    operations: &[SelectedOperation<'s>],
) -> GenResult<Vec<Resource>> {
    let mut resources: Vec<Resource> = Vec::new();
    let mut method_names: BTreeMap<Vec<String>, Scope> = BTreeMap::new();
    let mut type_names: BTreeMap<String, Scope> = BTreeMap::new();
    for selected in operations {
        let (resource_path, wanted_method) = place(builder, selected);
        let scope = method_names.entry(resource_path.clone()).or_default();
        if scope.contains(&wanted_method) && !builder.lenient {
            return Err(GenError::at(
                &selected.pointer,
                format!(
                    "method `{}` already exists on `{}`; name this operation in spec/voice.toml",
                    wanted_method,
                    resource_path.join(".")
                ),
            ));
        }
        let method_name = scope.claim(&wanted_method);
        let group = resource_path[0].clone();
        let wanted_type = overrides(builder, selected)
            .and_then(|o| o.type_name.clone())
            .unwrap_or_else(|| default_type_name(&resource_path, &method_name));
        let types = type_names.entry(group.clone()).or_default();
        if types.contains(&wanted_type) && !builder.lenient {
            return Err(GenError::at(
                &selected.pointer,
                format!(
                    "type `{group}::{wanted_type}` already names another operation; set `type_name` for this operation in spec/voice.toml"
                ),
            ));
        }
        let naming = OperationNaming {
            method_name,
            group,
            type_name: types.claim(&wanted_type),
        };
        let operation = build_operation(builder, selected, naming)?;
        match resources.iter_mut().find(|r| r.path == resource_path) {
            Some(resource) => resource.operations.push(operation),
            None => resources.push(Resource {
                handle: String::new(),
                path: resource_path,
                operations: vec![operation],
            }),
        }
    }
    Ok(resources)
}

/// The names an operation is known by in Rust.
struct OperationNaming {
    method_name: String,
    group: String,
    type_name: String,
}

/// The operation type's name: the method in camel case, and for a nested resource other than
/// `actions` the resource too (`queues.calls.list` -> `ListCalls`, `.retrieve` -> `RetrieveCall`).
pub fn default_type_name(resource_path: &[String], method_name: &str) -> String {
    let verb = camel(method_name);
    match resource_path.last() {
        Some(last) if resource_path.len() > 1 && last != "actions" => {
            let noun = camel(last);
            let on_collection = matches!(method_name, "list" | "create");
            match noun.strip_suffix('s') {
                Some(singular) if !on_collection => format!("{verb}{singular}"),
                _ => format!("{verb}{noun}"),
            }
        }
        _ => verb,
    }
}

/// Handle type names for every resource path and its prefixes, unique even when two paths
/// camel-case alike (`oauth.grants`, `oauth_grants`).
pub fn build_handles(resources: &mut [Resource]) -> Vec<Handle> {
    let mut paths = std::collections::BTreeSet::new();
    for resource in resources.iter() {
        for end in 1..=resource.path.len() {
            paths.insert(resource.path[..end].to_vec());
        }
    }
    let mut scope = Scope::default();
    let handles: Vec<Handle> = paths
        .into_iter()
        .map(|path| {
            let wanted: String = path.iter().map(|s| camel(s)).collect();
            Handle {
                name: scope.claim(&wanted),
                path,
            }
        })
        .collect();
    for resource in resources.iter_mut() {
        if let Some(handle) = handles.iter().find(|h| h.path == resource.path) {
            resource.handle = handle.name.clone();
        }
    }
    handles
}

fn overrides<'c>(
    builder: &Builder<'c>,
    selected: &SelectedOperation<'_>,
) -> Option<&'c crate::config::OperationOverride> {
    selected
        .operation
        .operation_id
        .as_deref()
        .and_then(|id| builder.config.operations.get(id))
}

/// The resource path and method name of an operation: the config's, else derived from the path.
fn place(builder: &Builder<'_>, selected: &SelectedOperation<'_>) -> (Vec<String>, String) {
    let overrides = overrides(builder, selected);
    let (resource, method) = default_place(selected.path, selected.method);
    let resource = overrides
        .and_then(|o| o.resource.clone())
        .unwrap_or(resource);
    let method = overrides.and_then(|o| o.method.clone()).unwrap_or(method);
    (resource, method)
}

/// `/calls/{id}/actions/answer` -> (calls.actions, answer); collections and items get CRUD verbs.
pub fn default_place(path: &str, method: HttpMethod) -> (Vec<String>, String) {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let literal: Vec<String> = segments
        .iter()
        .filter(|s| !s.starts_with('{'))
        .map(|s| snake(s))
        .collect();
    if let Some(index) = literal.iter().position(|s| s == "actions") {
        let verb = literal[index + 1..].join("_");
        if !verb.is_empty() {
            return (literal[..=index].to_vec(), verb);
        }
    }
    let on_item = segments.last().is_some_and(|s| s.starts_with('{'));
    let verb = match (method, on_item) {
        (HttpMethod::Get, false) => "list",
        (HttpMethod::Get, true) => "retrieve",
        (HttpMethod::Post, _) => "create",
        (HttpMethod::Put | HttpMethod::Patch, _) => "update",
        (HttpMethod::Delete, _) => "delete",
    };
    let resource = if literal.is_empty() {
        vec!["root".to_string()]
    } else {
        literal
    };
    (resource, verb.to_string())
}

fn build_operation<'s>(
    builder: &mut Builder<'s>,
    selected: &SelectedOperation<'s>,
    naming: OperationNaming,
) -> GenResult<Operation> {
    let op = selected.operation;
    let operation_id = op
        .operation_id
        .clone()
        .ok_or_else(|| GenError::at(&selected.pointer, "operation without an operationId"))?;
    let type_prefix = camel(&operation_id);

    // Path-level parameters first, replaced by operation-level ones of the same name and place.
    let mut parameters: Vec<(&'s Parameter, Option<&'s str>, String)> = Vec::new();
    for (list, base) in [
        (&selected.path_item.parameters, None),
        (&op.parameters, Some(&selected.pointer)),
    ] {
        for (index, parameter) in list.iter().enumerate() {
            let pointer = match base {
                Some(base) => format!("{base}/parameters/{index}"),
                None => format!(
                    "{}/parameters/{index}",
                    selected
                        .pointer
                        .rsplit_once('/')
                        .map(|(p, _)| p)
                        .unwrap_or("")
                ),
            };
            let (parameter, component) = resolve_parameter(builder, parameter, &pointer)?;
            let data = parameter.parameter_data_ref();
            parameters.retain(|(p, _, _)| {
                let d = p.parameter_data_ref();
                !(d.name == data.name
                    && std::mem::discriminant(*p) == std::mem::discriminant(parameter))
            });
            parameters.push((parameter, component, pointer));
        }
    }

    // Setters share the builder with the runtime's own methods.
    let mut arg_scope = Scope::with_reserved([
        "send",
        "send_raw",
        "with_timeout",
        "with_max_retries",
        "with_header",
        "into_stream",
        "operation",
        "new",
    ]);
    let mut path_params = Vec::new();
    let mut query_params = Vec::new();
    for (parameter, component, pointer) in parameters {
        let data = parameter.parameter_data_ref();
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => schema,
            ParameterSchemaOrContent::Content(_) => {
                builder
                    .unsupported(&pointer, "parameter with `content` is not supported".into())?;
                continue;
            }
        };
        let type_name = match component {
            // A parameter named like a schema (`ConferenceRegion`) gets its own clear name.
            Some(component) if builder.schema_type_names.contains(&camel(component)) => {
                format!("{}Param", camel(component))
            }
            Some(component) => camel(component),
            None => format!("{type_prefix}{}", camel(&data.name)),
        };
        // A shared parameter is located at its component, so every operation using it gets one type.
        let schema_pointer = match component {
            Some(component) => {
                crate::error::pointer(["components", "parameters", component, "schema"])
            }
            None => format!("{pointer}/schema"),
        };
        let site = Site {
            pointer: schema_pointer,
            name: type_name,
        };
        let mut ty = builder.type_of(schema, &site)?;
        if ty == TypeRef::String {
            let id = match parameter {
                Parameter::Path { .. } => {
                    builder.config.id_for_path_param(selected.path, &data.name)
                }
                _ => builder.config.id_for_name(&data.name),
            };
            if let Some(id) = id {
                ty = builder.id_type(id);
            }
        }
        let resolved = builder.resolve(schema, &site.pointer)?;
        let mut facts = facts_of(
            resolved.schema,
            match schema {
                ReferenceOr::Item(s) => Some(s),
                ReferenceOr::Reference { .. } => None,
            },
        );
        if data.example.is_some() {
            facts.example = data.example.clone();
        }
        if facts.description.is_none() {
            facts.description = data.description.clone();
        }
        facts.deprecated |= data.deprecated.unwrap_or(false);
        let (is_path, style) = match parameter {
            Parameter::Path { .. } => (true, QueryStyle::Form),
            Parameter::Query { style, .. } => (
                false,
                if matches!(style, openapiv3::QueryStyle::DeepObject) {
                    QueryStyle::DeepObject
                } else {
                    QueryStyle::Form
                },
            ),
            Parameter::Header { .. } | Parameter::Cookie { .. } => {
                builder.unsupported(
                    &pointer,
                    "header and cookie parameters are not supported".into(),
                )?;
                continue;
            }
        };
        let param = Param {
            name: Name {
                wire: data.name.clone(),
                rust: arg_scope.claim(&snake(&data.name)),
            },
            ty,
            required: data.required || is_path,
            style,
            facts,
        };
        if is_path {
            path_params.push(param);
        } else {
            query_params.push(param);
        }
    }
    // Path parameters in template order.
    path_params.sort_by_key(|p| {
        selected
            .path
            .find(&format!("{{{}}}", p.name.wire))
            .unwrap_or(usize::MAX)
    });
    for p in &path_params {
        if !selected.path.contains(&format!("{{{}}}", p.name.wire)) {
            return Err(GenError::at(
                &selected.pointer,
                format!("path parameter `{}` is not in the path", p.name.wire),
            ));
        }
    }

    let body = match &op.request_body {
        Some(body) => build_body(
            builder,
            body,
            &format!("{}/requestBody", selected.pointer),
            &type_prefix,
            &mut arg_scope,
            &operation_id,
        )?,
        None => None,
    };
    let command_id = body
        .as_ref()
        .and_then(|b| b.fields.as_ref())
        .is_some_and(|fields| {
            fields
                .iter()
                .any(|f| f.field.name.wire == "command_id" && f.field.ty == TypeRef::String)
        });

    let response = build_response(builder, op, &selected.pointer, &type_prefix)?;
    let pagination = match &response {
        ResponseShape::Page {
            meta: TypeRef::Named(meta),
            ..
        } => page_scheme(builder, meta),
        _ => None,
    };

    let path_template = path_template(selected.path, &path_params);
    let arguments = super::arguments::arguments(&path_params, &query_params, body.as_ref());
    let setters = super::arguments::setters(builder, &query_params, body.as_ref(), &mut arg_scope);
    let official_name = overrides(builder, selected).and_then(|o| o.official.clone());
    let webhooks = super::webhooks::mentioned_event_types(
        op.summary
            .iter()
            .chain(op.description.iter())
            .map(String::as_str),
    );
    let feature = builder
        .config
        .features
        .operations
        .get(&operation_id)
        .or_else(|| builder.config.features.groups.get(&naming.group))
        .cloned();
    Ok(Operation {
        feature,
        operation_id,
        title: op.summary.clone(),
        method: selected.method,
        path: selected.path.to_string(),
        method_name: naming.method_name,
        official_name,
        group: naming.group,
        type_name: naming.type_name,
        path_template,
        arguments,
        setters,
        webhooks,
        path_params,
        query_params,
        body,
        response,
        pagination,
        command_id,
        deprecated: op.deprecated,
        pointer: selected.pointer.clone(),
    })
}

/// Splits a path template into literal text and parameters (indexes into `params`).
pub fn path_template(path: &str, params: &[Param]) -> Vec<PathPart> {
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        if start > 0 {
            parts.push(PathPart::Literal(rest[..start].to_string()));
        }
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .unwrap_or(rest.len());
        let wire = &rest[start + 1..end];
        match params.iter().position(|p| p.name.wire == wire) {
            Some(index) => parts.push(PathPart::Param(index)),
            None => parts.push(PathPart::Literal(
                rest[start..(end + 1).min(rest.len())].to_string(),
            )),
        }
        rest = &rest[(end + 1).min(rest.len())..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_string()));
    }
    parts
}

fn resolve_parameter<'s>(
    builder: &Builder<'s>,
    parameter: &'s ReferenceOr<Parameter>,
    pointer: &str,
) -> GenResult<(&'s Parameter, Option<&'s str>)> {
    match parameter {
        ReferenceOr::Item(p) => Ok((p, None)),
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/parameters/")
                .ok_or_else(|| GenError::at(pointer, format!("unsupported $ref `{reference}`")))?;
            match builder
                .spec
                .components
                .as_ref()
                .and_then(|c| c.parameters.get(name))
            {
                Some(ReferenceOr::Item(p)) => Ok((p, Some(name))),
                Some(ReferenceOr::Reference { .. }) => Err(GenError::at(
                    pointer,
                    "parameter $ref chains are not supported",
                )),
                None => Err(GenError::at(
                    pointer,
                    format!("unresolvable $ref {reference}"),
                )),
            }
        }
    }
}

fn build_body<'s>(
    builder: &mut Builder<'s>,
    body: &'s ReferenceOr<RequestBody>,
    pointer: &str,
    type_prefix: &str,
    arg_scope: &mut Scope,
    operation_id: &str,
) -> GenResult<Option<Body>> {
    let body: &'s RequestBody = match body {
        ReferenceOr::Item(b) => b,
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/requestBodies/")
                .unwrap_or(reference);
            match builder
                .spec
                .components
                .as_ref()
                .and_then(|c| c.request_bodies.get(name))
            {
                Some(ReferenceOr::Item(b)) => b,
                _ => {
                    return Err(GenError::at(
                        pointer,
                        format!("unresolvable $ref {reference}"),
                    ))
                }
            }
        }
    };
    let Some((content_type, media)) = body
        .content
        .iter()
        .find(|(k, _)| k.starts_with("application/json"))
        .or_else(|| body.content.first())
    else {
        return Ok(None);
    };
    if !content_type.starts_with("application/json") {
        builder.unsupported(
            pointer,
            format!("request body of type {content_type} is not supported"),
        )?;
        return Ok(None);
    }
    let Some(schema) = &media.schema else {
        return Ok(None);
    };
    let site = Site {
        pointer: format!(
            "{pointer}/content/{}/schema",
            escape_pointer_segment(content_type)
        ),
        name: format!("{type_prefix}Body"),
    };
    let ty = builder.type_of(schema, &site)?;
    let fields = match &ty {
        TypeRef::Named(name) => match builder.models.get(name) {
            Some(Model::Struct(s)) => Some(s.fields.clone()),
            _ => None,
        },
        _ => None,
    };
    // Body fields become arguments and setters next to the parameters: give them unique names.
    let renames = builder
        .config
        .operations
        .get(operation_id)
        .map(|o| o.arguments.clone())
        .unwrap_or_default();
    let fields = fields.map(|fields| {
        fields
            .into_iter()
            .map(|field| {
                let wanted = renames
                    .get(&field.name.wire)
                    .cloned()
                    .unwrap_or_else(|| field.name.rust.clone());
                BodyField {
                    arg: arg_scope.claim(&wanted),
                    field,
                }
            })
            .collect()
    });
    Ok(Some(Body {
        ty,
        required: body.required,
        fields,
    }))
}

fn build_response<'s>(
    builder: &mut Builder<'s>,
    op: &'s openapiv3::Operation,
    pointer: &str,
    type_prefix: &str,
) -> GenResult<ResponseShape> {
    let success = op.responses.responses.iter().find(|(code, _)| match code {
        StatusCode::Code(c) => (200..300).contains(c),
        StatusCode::Range(r) => *r == 2,
    });
    let Some((code, response)) = success else {
        return Ok(ResponseShape::NoContent);
    };
    let code_text = match code {
        StatusCode::Code(c) => c.to_string(),
        StatusCode::Range(r) => format!("{r}XX"),
    };
    let response_pointer = format!("{pointer}/responses/{code_text}");
    let response: &'s Response = match response {
        ReferenceOr::Item(r) => r,
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/responses/")
                .unwrap_or(reference);
            match builder
                .spec
                .components
                .as_ref()
                .and_then(|c| c.responses.get(name))
            {
                Some(ReferenceOr::Item(r)) => r,
                _ => {
                    return Err(GenError::at(
                        response_pointer,
                        format!("unresolvable $ref {reference}"),
                    ))
                }
            }
        }
    };
    let Some((content_type, media)) = response.content.iter().find(|(k, _)| k.contains("json"))
    else {
        return Ok(ResponseShape::NoContent);
    };
    let Some(schema) = &media.schema else {
        return Ok(ResponseShape::NoContent);
    };
    let schema_pointer = format!(
        "{response_pointer}/content/{}/schema",
        escape_pointer_segment(content_type)
    );
    let resolved = builder.resolve(schema, &schema_pointer)?;
    let envelope_site = Site {
        pointer: schema_pointer.clone(),
        name: format!("{type_prefix}Response"),
    };
    if let Shape::Object { properties, .. } = shape_of(resolved.schema) {
        let keys: Vec<&str> = properties.keys().map(String::as_str).collect();
        if let Some(data) = properties.get("data") {
            if keys.iter().all(|k| *k == "data" || *k == "meta") {
                let data_site = envelope_site.child(&["properties", "data"], "Data");
                let data_resolved = builder.resolve_boxed(data, &data_site.pointer)?;
                let data_ty = builder.type_of_boxed(
                    data,
                    &Site {
                        name: format!("{type_prefix}Data"),
                        ..data_site.clone()
                    },
                )?;
                if let (Some(meta), TypeRef::Array(item)) = (properties.get("meta"), &data_ty) {
                    let meta_site = Site {
                        pointer: format!("{}/properties/meta", envelope_site.pointer),
                        name: format!("{type_prefix}Meta"),
                    };
                    let meta_ty = builder.type_of_boxed(meta, &meta_site)?;
                    return Ok(ResponseShape::Page {
                        item: (**item).clone(),
                        meta: meta_ty,
                    });
                }
                let _ = data_resolved;
                if keys.len() == 1 {
                    return Ok(ResponseShape::Data(data_ty));
                }
            }
        }
    }
    Ok(ResponseShape::Json(
        builder.type_of(schema, &envelope_site)?,
    ))
}

/// Which pagination a list meta model describes.
fn page_scheme(builder: &Builder<'_>, meta: &str) -> Option<PageScheme> {
    let Some(Model::Struct(model)) = builder.models.get(meta) else {
        return None;
    };
    let has = |wire: &str| model.fields.iter().any(|f| f.name.wire == wire);
    if has("cursors") {
        Some(PageScheme::Cursor)
    } else if has("total_pages") || has("page_number") {
        Some(PageScheme::PageNumber)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_places() {
        let place = |p, m| {
            let (r, v) = default_place(p, m);
            format!("{}.{}", r.join("."), v)
        };
        assert_eq!(
            place("/calls/{call_control_id}/actions/answer", HttpMethod::Post),
            "calls.actions.answer"
        );
        assert_eq!(place("/calls", HttpMethod::Post), "calls.create");
        assert_eq!(
            place("/call_control_applications/{id}", HttpMethod::Patch),
            "call_control_applications.update"
        );
        assert_eq!(
            place("/call_control_applications", HttpMethod::Get),
            "call_control_applications.list"
        );
        assert_eq!(
            place(
                "/conferences/{id}/participants/{participant_id}",
                HttpMethod::Get
            ),
            "conferences.participants.retrieve"
        );
        assert_eq!(
            place("/recordings/actions/delete", HttpMethod::Post),
            "recordings.actions.delete"
        );
        assert_eq!(
            place(
                "/queues/{queue_name}/calls/{call_control_id}",
                HttpMethod::Delete
            ),
            "queues.calls.delete"
        );
    }
}
