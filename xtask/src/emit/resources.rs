//! `resources.rs`, `operations.rs` and `builders.rs`: resource handles reached from the client,
//! one operation type per endpoint (what the runtime sends), and the builder setters on
//! `Request<Operation>`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{fact_line, field_doc};
use super::{cfg_any, doc_attrs, ident, type_tokens, DocsMode};
use crate::ir::{
    Api, Argument, HttpMethod, Model, Operation, PageScheme, PathPart, QueryStyle, Resource,
    ResponseShape, Setter, Target, TypeRef,
};

/// The gate of a group module: any of its operations' features (none when one is ungated).
fn group_cfg(ops: &[(&Resource, &Operation)]) -> TokenStream {
    if ops.iter().any(|(_, op)| op.feature.is_none()) {
        return quote!();
    }
    cfg_any(ops.iter().filter_map(|(_, op)| op.feature.as_ref()))
}

/// Operations of the API grouped by their module (`calls`, `conferences`, ...), in order.
fn groups(api: &Api) -> BTreeMap<&str, Vec<(&Resource, &Operation)>> {
    let mut groups: BTreeMap<&str, Vec<(&Resource, &Operation)>> = BTreeMap::new();
    for resource in &api.resources {
        for op in &resource.operations {
            groups.entry(&op.group).or_default().push((resource, op));
        }
    }
    groups
}

/// Tokens of the resources module: handles reached from the client.
pub fn emit_resources(api: &Api) -> TokenStream {
    // A handle is compiled when any operation below it is.
    let subtree_cfg = |path: &[String]| {
        let ops: Vec<&Operation> = api
            .resources
            .iter()
            .filter(|r| r.path.starts_with(path))
            .flat_map(|r| &r.operations)
            .collect();
        if ops.iter().any(|op| op.feature.is_none()) {
            quote!()
        } else {
            cfg_any(ops.iter().filter_map(|op| op.feature.as_ref()))
        }
    };
    let top = api.handles.iter().filter(|h| h.path.len() == 1).map(|h| {
        let method = ident(&h.path[0]);
        let handle = ident(&h.name);
        let doc = format!(" Operations under `client.{}()`.", h.path[0]);
        let cfg = subtree_cfg(&h.path);
        quote! {
            #[doc = #doc]
            #cfg
            pub fn #method(&self) -> #handle<'_, Self> {
                #handle { client: self }
            }
        }
    });
    let top: Vec<TokenStream> = top.collect();
    let handles = api.handles.iter().map(|h| {
        let handle = ident(&h.name);
        let doc = format!(" The `{}` operations.", h.path.join("."));
        let children = api
            .handles
            .iter()
            .filter(|c| c.path.len() == h.path.len() + 1 && c.path.starts_with(&h.path))
            .map(|child| {
                let method = ident(&child.path[child.path.len() - 1]);
                let child_handle = ident(&child.name);
                let doc = format!(" The `{}` operations.", child.path.join("."));
                let cfg = subtree_cfg(&child.path);
                quote! {
                    #[doc = #doc]
                    #cfg
                    pub fn #method(&self) -> #child_handle<'a, C> {
                        #child_handle { client: self.client }
                    }
                }
            });
        let operations = api
            .resources
            .iter()
            .filter(|r| r.path == h.path)
            .flat_map(|r| r.operations.iter().map(|op| emit_method(api, op)));
        let cfg = subtree_cfg(&h.path);
        quote! {
            #[doc = #doc]
            #[doc = ""]
            #[doc = " `C` is the client it was reached from: [`Client`](crate::Client), or `blocking::Client` (feature `blocking`)."]
            #cfg
            #[derive(Debug)]
            pub struct #handle<'a, C = crate::Client> {
                client: &'a C,
            }
            #cfg
            impl<C> Clone for #handle<'_, C> {
                fn clone(&self) -> Self {
                    *self
                }
            }
            #cfg
            impl<C> Copy for #handle<'_, C> {}
            #cfg
            impl<'a, C: crate::ClientKind> #handle<'a, C> {
                #(#children)*
                #(#operations)*
            }
        }
    });
    quote! {
        //! Resource handles reached from the client (`client.calls().actions()`), one method per operation.
        #![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation)]

        impl crate::Client {
            #(#top)*
        }
        #[cfg(feature = "blocking")]
        impl crate::blocking::Client {
            #(#top)*
        }
        #(#handles)*
    }
}

/// The head of an operation's docs: title, method and path, operationId, expected webhooks.
fn operation_doc(api: &Api, op: &Operation) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(title) = &op.title {
        lines.push(format!("{}.", title.trim_end_matches('.')));
        lines.push(String::new());
    }
    lines.push(format!(
        "`{} {}` (operationId `{}`).",
        op.method.as_str(),
        op.path,
        op.operation_id
    ));
    if !op.webhooks.is_empty() {
        let links: Vec<String> = op
            .webhooks
            .iter()
            .filter_map(|t| api.events.iter().find(|e| &e.event_type == t))
            .map(|e| format!("[`{}`](crate::WebhookEvent::{})", e.event_type, e.variant))
            .collect();
        lines.push(String::new());
        lines.push(format!("Webhooks: {}.", links.join(", ")));
    }
    if op.deprecated {
        lines.push(String::new());
        lines.push("Deprecated in the spec.".into());
    }
    lines
}

fn is_enum(api: &Api, ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Named(n) if matches!(api.models.get(n), Some(Model::Enum(_))))
}

/// The parameter type of a value and the expression turning the parameter into the stored type.
/// Enums are taken as themselves when `strict` (a positional argument), so two arguments of
/// different enum types can never be swapped; lists and maps take any iterable of convertible
/// items (`["a", "b"]`, `vec![..]`, `[("k", "v")]`).
fn param_type(
    api: &Api,
    ty: &TypeRef,
    name: &TokenStream,
    strict: bool,
) -> (TokenStream, TokenStream) {
    let stored = type_tokens(ty);
    match ty {
        TypeRef::Array(inner) => {
            let item = type_tokens(inner);
            if strict && is_enum(api, inner) {
                (
                    quote!(impl IntoIterator<Item = #item>),
                    quote!(#name.into_iter().collect()),
                )
            } else {
                (
                    quote!(impl IntoIterator<Item = impl Into<#item>>),
                    quote!(#name.into_iter().map(Into::into).collect()),
                )
            }
        }
        TypeRef::Map(inner) => {
            let value = type_tokens(inner);
            (
                quote!(impl IntoIterator<Item = (impl Into<String>, impl Into<#value>)>),
                quote!(#name.into_iter().map(|(k, v)| (k.into(), v.into())).collect()),
            )
        }
        _ if strict && is_enum(api, ty) => (stored, quote!(#name)),
        _ => (quote!(impl Into<#stored>), quote!(#name.into())),
    }
}

fn operation_path(op: &Operation) -> TokenStream {
    let group = ident(&op.group);
    let name = ident(&op.type_name);
    quote!(crate::operations::#group::#name)
}

fn builder_path(op: &Operation) -> TokenStream {
    let group = ident(&op.group);
    let name = ident(&op.type_name);
    quote!(crate::builders::#group::#name)
}

/// A method whose first argument is already known: a handle's own id (`client.call(id).answer()`).
pub(super) struct BoundFirst {
    /// Rust method name on the handle.
    pub method: String,
    /// Expression of the first argument's stored value (`self.id.clone()`).
    pub value: TokenStream,
    /// Doc line put before the operation's docs.
    pub doc: String,
}

fn emit_method(api: &Api, op: &Operation) -> TokenStream {
    method_tokens(api, op, None)
}

/// A method building the operation's request; with `bound`, the first argument comes from the
/// handle instead of a parameter. The receiver needs a `client: C` or `client: &C` field, where `C`
/// is the `ClientKind` parameter of its impl.
pub(super) fn method_tokens(api: &Api, op: &Operation, bound: Option<&BoundFirst>) -> TokenStream {
    let method = ident(bound.map_or(&op.method_name, |b| &b.method));
    let mut params = Vec::new();
    let mut values: BTreeMap<String, TokenStream> = BTreeMap::new();
    let mut docs = operation_doc(api, op);
    if let Some(b) = bound {
        docs.splice(0..0, [b.doc.clone(), String::new()]);
    }
    let bound_args = usize::from(bound.is_some());
    for (index, arg) in op.arguments.iter().enumerate() {
        if let (0, Some(b)) = (index, bound) {
            values.insert(target_key(&arg.target), b.value.clone());
            continue;
        }
        let name = ident(&arg.name);
        let (ty, value) = param_type(api, &arg.ty, &quote!(#name), true);
        params.push(quote!(#name: #ty));
        let value = match &arg.target {
            Target::BodyField(index) if body_field(op, *index).is_some_and(|f| f.field.boxed) => {
                quote!(Box::new(#value))
            }
            _ => value,
        };
        values.insert(target_key(&arg.target), value);
    }
    if op.arguments.len() > bound_args {
        docs.push(String::new());
        docs.push("Arguments:".into());
        for arg in &op.arguments[bound_args..] {
            docs.push(format!("- {}", argument_doc(op, arg)));
        }
    }
    let builder_name = format!("{}::{}", op.group, op.type_name);
    docs.push(String::new());
    docs.push(format!(
        "Optional parameters are set on the returned [`{builder_name}`](crate::builders::{builder_name})."
    ));
    let doc = doc_attrs(&docs);
    let cfg = cfg_any(&op.feature);
    let builder = builder_path(op);
    let operation = operation_path(op);
    let mut inits = Vec::new();
    for (index, p) in op.path_params.iter().enumerate() {
        let name = ident(&p.name.rust);
        // Every path parameter is an argument (see `build::arguments`).
        if let Some(value) = values.get(&target_key(&Target::Path(index))) {
            inits.push(field_init(&name, value));
        }
    }
    for (index, p) in op.query_params.iter().enumerate() {
        let name = ident(&p.name.rust);
        let key = target_key(&Target::Query {
            index,
            fields: Vec::new(),
        });
        match values.get(&key) {
            Some(value) => inits.push(field_init(&name, value)),
            None => inits.push(quote!(#name: None)),
        }
    }
    if let Some(body) = &op.body {
        let body_ty = type_tokens(&body.ty);
        match &body.fields {
            Some(fields) => {
                let field_inits = fields.iter().enumerate().map(|(index, b)| {
                    let f = &b.field;
                    let field = ident(&f.name.rust);
                    if let Some(value) = f.constant() {
                        quote!(#field: #value.to_string())
                    } else if let Some(value) = values.get(&target_key(&Target::BodyField(index))) {
                        field_init(&field, value)
                    } else if f.is_option() {
                        quote!(#field: None)
                    } else {
                        quote!(#field: Default::default())
                    }
                });
                inits.push(quote!(body: #body_ty { #(#field_inits),* }));
            }
            None => match values.get(&target_key(&Target::WholeBody)) {
                Some(value) => inits.push(field_init(&ident("body"), value)),
                None => inits.push(quote!(body: None)),
            },
        }
    }
    quote! {
        #doc
        #cfg
        pub fn #method(&self, #(#params),*) -> #builder<C> {
            crate::Request::new(self.client.clone(), #operation { #(#inits),* })
        }
    }
}

/// `field: value`, or the shorthand `field` when the value is the variable of that name.
fn field_init(field: &proc_macro2::Ident, value: &TokenStream) -> TokenStream {
    if *field == value.to_string() {
        quote!(#field)
    } else {
        quote!(#field: #value)
    }
}

fn target_key(target: &Target) -> String {
    format!("{target:?}")
}

/// The body field at `index` of an operation's body.
pub fn body_field(op: &Operation, index: usize) -> Option<&crate::ir::BodyField> {
    op.body.as_ref()?.fields.as_ref()?.get(index)
}

fn argument_doc(op: &Operation, arg: &Argument) -> String {
    match &arg.target {
        Target::Path(i) => {
            let p = &op.path_params[*i];
            fact_line(&p.name.wire, &p.ty, true, &p.facts)
        }
        Target::Query { index, .. } => {
            let p = &op.query_params[*index];
            fact_line(&p.name.wire, &p.ty, true, &p.facts)
        }
        Target::BodyField(i) => match body_field(op, *i) {
            Some(b) => {
                let line = fact_line(&b.field.name.wire, &b.field.ty, true, &b.field.facts);
                if arg.name == b.field.name.rust {
                    line
                } else {
                    format!("`{}`: body field {line}", arg.name)
                }
            }
            None => String::new(),
        },
        Target::WholeBody => "the request body".into(),
    }
}

fn response_type(op: &Operation) -> TokenStream {
    match &op.response {
        ResponseShape::NoContent => quote!(()),
        ResponseShape::Data(ty) => {
            let ty = type_tokens(ty);
            quote!(crate::Data<#ty>)
        }
        ResponseShape::Page { item, meta } => {
            let item = type_tokens(item);
            let meta = type_tokens(meta);
            quote!(crate::Page<#item, #meta>)
        }
        ResponseShape::Json(ty) => type_tokens(ty),
    }
}

fn http_method(method: HttpMethod) -> TokenStream {
    match method {
        HttpMethod::Get => quote!(http::Method::GET),
        HttpMethod::Post => quote!(http::Method::POST),
        HttpMethod::Put => quote!(http::Method::PUT),
        HttpMethod::Patch => quote!(http::Method::PATCH),
        HttpMethod::Delete => quote!(http::Method::DELETE),
    }
}

/// Tokens of the operations module: one struct per operation, implementing the runtime's
/// `Operation` trait, in one module per group; and the table of expected webhooks.
pub fn emit_operations(api: &Api) -> TokenStream {
    let modules = groups(api).into_iter().map(|(group, ops)| {
        let module = ident(group);
        let doc = format!(" Operations of `client.{group}()`.");
        let cfg = group_cfg(&ops);
        let items = ops
            .iter()
            .map(|(resource, op)| emit_operation(api, resource, op));
        quote! {
            #[doc = #doc]
            #cfg
            pub mod #module {
                #(#items)*
            }
        }
    });
    let table = api.resources.iter().flat_map(|r| &r.operations).map(|op| {
        let id = &op.operation_id;
        let events = &op.webhooks;
        quote!((#id, &[#(#events),*]),)
    });
    quote! {
        //! One type per operation: its path parameters, query and body, as the runtime sends them.
        //! Reach them through the client (`client.calls().actions().answer(id)`), which wraps them
        //! in a [`Request`](crate::Request).
        #![allow(clippy::doc_lazy_continuation)]

        /// For each operationId, the webhook event types its spec description names, in order.
        pub const EXPECTED_WEBHOOKS: &[(&str, &[&str])] = &[
            #(#table)*
        ];

        #(#modules)*
    }
}

fn emit_operation(api: &Api, resource: &Resource, op: &Operation) -> TokenStream {
    let name = ident(&op.type_name);
    let mut doc = vec![format!(
        "The operation behind `client.{}().{}(..)`.",
        resource.path.join("()."),
        op.method_name
    )];
    doc.push(String::new());
    doc.extend(operation_doc(api, op));
    let doc = doc_attrs(&doc);
    let mut fields = Vec::new();
    for p in &op.path_params {
        let field = ident(&p.name.rust);
        let ty = type_tokens(&p.ty);
        let doc = doc_attrs(&[fact_line(&p.name.wire, &p.ty, true, &p.facts)]);
        fields.push(quote!(#doc pub #field: #ty,));
    }
    for p in &op.query_params {
        let field = ident(&p.name.rust);
        let ty = type_tokens(&p.ty);
        let doc = doc_attrs(&[fact_line(&p.name.wire, &p.ty, p.required, &p.facts)]);
        if p.required {
            fields.push(quote!(#doc pub #field: #ty,));
        } else {
            fields.push(quote!(#doc pub #field: Option<#ty>,));
        }
    }
    let mut body_expr = quote!();
    if let Some(body) = &op.body {
        let ty = type_tokens(&body.ty);
        if body.fields.is_some() || body.required {
            fields.push(quote!(/// The JSON request body.
                pub body: #ty,));
            body_expr = quote!(request.json(&self.body)?;);
        } else {
            fields.push(quote!(/// The JSON request body, when set.
                pub body: Option<#ty>,));
            body_expr = quote!(if let Some(body) = &self.body {
                request.json(body)?;
            });
        }
    }

    // The path: literal text and percent-encoded parameters.
    let mut format_string = String::new();
    let mut format_args = Vec::new();
    for part in &op.path_template {
        match part {
            PathPart::Literal(text) => {
                format_string.push_str(&text.replace('{', "{{").replace('}', "}}"))
            }
            PathPart::Param(index) => {
                let p = &op.path_params[*index];
                let field = ident(&p.name.rust);
                let wire = &p.name.wire;
                let value = if p.ty == TypeRef::Integer || p.ty == TypeRef::Number {
                    quote!(&self.#field.to_string())
                } else {
                    quote!(self.#field.as_str())
                };
                format_args.push(quote!(crate::request::path_param(#wire, #value)?));
                format_string.push_str("{}");
            }
        }
    }
    let path_expr = if format_args.is_empty() {
        quote!(#format_string.to_string())
    } else {
        quote!(format!(#format_string, #(#format_args),*))
    };
    let query = op.query_params.iter().map(|p| {
        let field = ident(&p.name.rust);
        let wire = &p.name.wire;
        let style = match p.style {
            QueryStyle::Form => quote!(crate::request::QueryStyle::Form),
            QueryStyle::DeepObject => quote!(crate::request::QueryStyle::DeepObject),
        };
        if p.required {
            quote!(request.query(#wire, &self.#field, #style)?;)
        } else {
            quote!(if let Some(value) = &self.#field { request.query(#wire, value, #style)?; })
        }
    });
    let binding = if op.query_params.is_empty() && op.body.is_none() {
        quote!(request)
    } else {
        quote!(mut request)
    };
    let method = http_method(op.method);
    let output = response_type(op);
    let id = &op.operation_id;
    let path = &op.path;
    let no_content = op.response == ResponseShape::NoContent;
    let webhooks = &op.webhooks;
    let prepare = if op.command_id {
        quote! {
            fn prepare(&mut self) {
                // One id per logical call, sent unchanged on every retry, so Telnyx runs the command once.
                if self.body.command_id.is_none() {
                    self.body.command_id = Some(crate::client::new_command_id());
                }
            }
        }
    } else {
        quote!()
    };
    let paged = match (&op.pagination, &op.response) {
        (Some(scheme), ResponseShape::Page { item, .. }) => {
            let item = type_tokens(item);
            let scheme = match scheme {
                PageScheme::PageNumber => quote!(crate::PageScheme::PageNumber),
                PageScheme::Cursor => quote!(crate::PageScheme::Cursor),
            };
            quote! {
                impl crate::PagedOperation for #name {
                    type Item = #item;
                    const SCHEME: crate::PageScheme = #scheme;
                }
            }
        }
        _ => quote!(),
    };
    let cfg = cfg_any(&op.feature);
    let paged = if paged.is_empty() {
        paged
    } else {
        quote!(#cfg #paged)
    };
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
        #cfg
        impl crate::Operation for #name {
            type Output = #output;
            const OPERATION_ID: &'static str = #id;
            const METHOD: http::Method = #method;
            const PATH: &'static str = #path;
            const NO_CONTENT: bool = #no_content;
            const WEBHOOKS: &'static [&'static str] = &[#(#webhooks),*];
            #prepare
            fn to_request(&self) -> crate::Result<crate::request::ApiRequest> {
                let #binding = crate::request::ApiRequest::new(#method, #path_expr);
                #(#query)*
                #body_expr
                Ok(request)
            }
        }
        #paged
    }
}

/// Tokens of the builders module: per group, a `Request<Operation>` alias per operation, with the
/// operation's optional parameters as chained setters.
pub fn emit_builders(api: &Api, mode: DocsMode) -> TokenStream {
    let modules = groups(api).into_iter().map(|(group, ops)| {
        let module = ident(group);
        let doc = format!(" Request builders of `client.{group}()`.");
        let cfg = group_cfg(&ops);
        let items = ops
            .iter()
            .map(|(resource, op)| emit_builder(api, resource, op, mode));
        quote! {
            #[doc = #doc]
            #cfg
            pub mod #module {
                #(#items)*
            }
        }
    });
    quote! {
        //! Request builders, one per operation: optional parameters are chained setters, and a
        //! builder is sent by awaiting it. Sending, retries, timeouts and paging are the
        //! runtime's [`Request`](crate::Request) methods, shared by every builder.
        #![allow(clippy::doc_lazy_continuation)]

        #(#modules)*
    }
}

fn emit_builder(api: &Api, resource: &Resource, op: &Operation, mode: DocsMode) -> TokenStream {
    let name = ident(&op.type_name);
    let operation = operation_path(op);
    let mut doc = vec![format!(
        "Request builder of `client.{}().{}(..)`: set optional parameters, then `.await` it (or call [`send`](crate::Request::send)); from a `blocking::Client`, call `send()`.",
        resource.path.join("()."),
        op.method_name
    )];
    doc.push(String::new());
    doc.extend(operation_doc(api, op));
    let doc = doc_attrs(&doc);
    let setters = op.setters.iter().map(|s| emit_setter(api, op, s, mode));
    let cfg = cfg_any(&op.feature);
    quote! {
        #doc
        #cfg
        pub type #name<C = crate::Client> = crate::Request<#operation, C>;
        #cfg
        impl<C> #name<C> {
            #(#setters)*
        }
    }
}

fn emit_setter(api: &Api, op: &Operation, setter: &Setter, mode: DocsMode) -> TokenStream {
    let method = ident(&setter.name);
    let doc = doc_attrs(&field_doc(
        &setter.wire,
        &setter.ty,
        false,
        &setter.facts,
        mode,
    ));
    let (ty, value) = param_type(api, &setter.ty, &quote!(value), false);
    let value = if setter.boxed {
        quote!(Box::new(#value))
    } else {
        value
    };
    let assign = match &setter.target {
        Target::Path(_) => return quote!(),
        Target::Query { index, fields } => {
            let param = ident(&op.query_params[*index].name.rust);
            if fields.is_empty() {
                quote!(self.op.#param = Some(#value);)
            } else {
                // Walk into the query value, creating empty structs on the way.
                let mut place = quote!(self.op.#param.get_or_insert_with(Default::default));
                let Some((last, inner)) = fields.split_last() else {
                    return quote!();
                };
                for field in inner {
                    let field = ident(field);
                    place = quote!(#place.#field.get_or_insert_with(Default::default));
                }
                let last = ident(last);
                quote!(#place.#last = Some(#value);)
            }
        }
        Target::BodyField(index) => {
            let Some(b) = body_field(op, *index) else {
                return quote!();
            };
            let field = ident(&b.field.name.rust);
            if b.field.sends_null {
                let clear = setter.clear.as_ref().map(|clear| {
                    let clear = ident(clear);
                    let clear_doc = format!(
                        " Sends `{}` as an explicit `null`, which clears the stored value (leaving the setter uncalled leaves the field out).",
                        setter.wire
                    );
                    quote! {
                        #[doc = #clear_doc]
                        pub fn #clear(mut self) -> Self {
                            self.op.body.#field = Some(crate::Nullable::Null);
                            self
                        }
                    }
                });
                return quote! {
                    #doc
                    pub fn #method(mut self, value: #ty) -> Self {
                        self.op.body.#field = Some(crate::Nullable::Value(#value));
                        self
                    }
                    #clear
                };
            }
            quote!(self.op.body.#field = Some(#value);)
        }
        Target::WholeBody => quote!(self.op.body = Some(#value);),
    };
    quote! {
        #doc
        pub fn #method(mut self, value: #ty) -> Self {
            #assign
            self
        }
    }
}
