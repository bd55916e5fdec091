//! `resources.rs`: resource handles reached from the client, and one request builder per operation.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::field_doc;
use super::{doc_attrs, ident, type_tokens, DocsMode};
use crate::ir::{
    Api, BodyField, Field, HttpMethod, Operation, PageScheme, Param, QueryStyle, Resource,
    ResponseShape, TypeRef,
};
use crate::names::camel;

/// Tokens of the resources module: handles reached from the client.
pub fn emit_resources(api: &Api) -> TokenStream {
    let handles = emit_handles(api);
    quote! {
        //! Resource handles reached from the client (`client.calls().actions()`), one method per operation.
        #![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation)]
        use crate::Client;

        #handles
    }
}

/// Tokens of the builders module: one request builder per operation.
pub fn emit_builders(api: &Api, mode: DocsMode) -> TokenStream {
    let builders = api
        .resources
        .iter()
        .flat_map(|r| r.operations.iter().map(move |op| emit_builder(r, op, mode)));
    quote! {
        //! Request builders, one per operation: optional parameters are chained setters, and a
        //! builder is sent by awaiting it.
        #![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation)]
        use std::future::{Future, IntoFuture};
        use std::pin::Pin;
        use std::time::Duration;

        use http::{HeaderName, HeaderValue, Method};

        use crate::request::{path_param, ApiRequest, QueryStyle, RequestOptions};
        use crate::{Client, Data, Page, Response, Result};

        #(#builders)*
    }
}

/// Every resource path and its prefixes, so `calls.actions` has a `calls` parent.
fn all_paths(api: &Api) -> BTreeSet<Vec<String>> {
    let mut paths = BTreeSet::new();
    for resource in &api.resources {
        for end in 1..=resource.path.len() {
            paths.insert(resource.path[..end].to_vec());
        }
    }
    paths
}

/// Handle type names, unique even when two paths camel-case alike (`oauth.grants`, `oauth_grants`).
fn handle_names(
    paths: &BTreeSet<Vec<String>>,
) -> std::collections::BTreeMap<Vec<String>, proc_macro2::Ident> {
    let mut scope = crate::names::Scope::default();
    paths
        .iter()
        .map(|path| {
            let wanted: String = path.iter().map(|s| camel(s)).collect();
            (path.clone(), ident(&scope.claim(&wanted)))
        })
        .collect()
}

fn emit_handles(api: &Api) -> TokenStream {
    let paths = all_paths(api);
    let names = handle_names(&paths);
    let top = paths.iter().filter(|p| p.len() == 1).map(|p| {
        let method = ident(&p[0]);
        let handle = &names[p];
        let doc = format!(" Operations under `client.{}()`.", p[0]);
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> #handle<'_> {
                #handle { client: self }
            }
        }
    });
    let handles = paths.iter().map(|path| {
        let handle = &names[path];
        let dotted = path.join(".");
        let doc = format!(" The `{dotted}` operations.");
        let children = paths
            .iter()
            .filter(|c| c.len() == path.len() + 1 && c.starts_with(path))
            .map(|child| {
                let method = ident(&child[child.len() - 1]);
                let child_handle = &names[child];
                let doc = format!(" The `{}` operations.", child.join("."));
                quote! {
                    #[doc = #doc]
                    pub fn #method(&self) -> #child_handle<'a> {
                        #child_handle { client: self.client }
                    }
                }
            });
        let operations = api
            .resources
            .iter()
            .filter(|r| &r.path == path)
            .flat_map(|r| r.operations.iter())
            .map(emit_method);
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Copy)]
            pub struct #handle<'a> {
                client: &'a Client,
            }
            impl<'a> #handle<'a> {
                #(#children)*
                #(#operations)*
            }
        }
    });
    quote! {
        impl Client {
            #(#top)*
        }
        #(#handles)*
    }
}

/// The head of an operation's docs: title, method and path, operationId.
fn operation_doc(op: &Operation) -> Vec<String> {
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
    if op.deprecated {
        lines.push(String::new());
        lines.push("Deprecated in the spec.".into());
    }
    lines
}

/// The arguments of an operation's method: path parameters, required query parameters, required body fields.
struct Args<'a> {
    path: Vec<&'a Param>,
    query: Vec<&'a Param>,
    body_fields: Vec<&'a BodyField>,
    whole_body: Option<&'a TypeRef>,
}

fn args(op: &Operation) -> Args<'_> {
    let body = op.body.as_ref();
    Args {
        path: op.path_params.iter().collect(),
        query: op.query_params.iter().filter(|p| p.required).collect(),
        body_fields: body
            .and_then(|b| b.fields.as_ref())
            .map(|fields| fields.iter().filter(|f| is_argument(&f.field)).collect())
            .unwrap_or_default(),
        whole_body: body
            .filter(|b| b.fields.is_none() && b.required)
            .map(|b| &b.ty),
    }
}

/// Whether a body field is a method argument: required, not nullable, not a constant.
fn is_argument(field: &Field) -> bool {
    field.required && !field.nullable && constant(field).is_none()
}

/// The single value of a required constant string field (`record_type: "event"`), set by the SDK.
fn constant(field: &Field) -> Option<&str> {
    match (&field.ty, field.facts.allowed.as_slice()) {
        (TypeRef::String, [value]) if field.required => value.as_str(),
        _ => None,
    }
}

fn into_param(ty: &TypeRef) -> TokenStream {
    let ty = type_tokens(ty);
    quote!(impl Into<#ty>)
}

fn emit_method(op: &Operation) -> TokenStream {
    let method = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let a = args(op);
    let mut params = Vec::new();
    let mut values = Vec::new();
    let mut docs = operation_doc(op);
    for p in a.path.iter().chain(a.query.iter()) {
        let name = ident(&p.name.rust);
        params.push({
            let ty = into_param(&p.ty);
            quote!(#name: #ty)
        });
        values.push(quote!(#name.into()));
    }
    for f in &a.body_fields {
        let name = ident(&f.arg);
        let ty = into_param(&f.field.ty);
        params.push(quote!(#name: #ty));
        values.push(quote!(#name.into()));
    }
    if let Some(ty) = a.whole_body {
        let ty = into_param(ty);
        params.push(quote!(body: #ty));
        values.push(quote!(body.into()));
    }
    if !params.is_empty() {
        docs.push(String::new());
        docs.push("Arguments:".into());
        for p in a.path.iter().chain(a.query.iter()) {
            docs.push(format!(
                "- {}",
                super::docs::fact_line(&p.name.wire, &p.ty, true, &p.facts)
            ));
        }
        for f in &a.body_fields {
            let line =
                super::docs::fact_line(&f.field.name.wire, &f.field.ty, true, &f.field.facts);
            if f.arg == f.field.name.rust {
                docs.push(format!("- {line}"));
            } else {
                docs.push(format!("- `{}`: body field {line}", f.arg));
            }
        }
        if a.whole_body.is_some() {
            docs.push("- the request body".into());
        }
    }
    docs.push(String::new());
    docs.push(format!(
        "Optional parameters are set on the returned [`{}`](crate::builders::{}).",
        op.builder_name, op.builder_name
    ));
    let doc = doc_attrs(&docs);
    quote! {
        #doc
        pub fn #method(&self, #(#params),*) -> crate::builders::#builder {
            crate::builders::#builder::new(self.client.clone(), #(#values),*)
        }
    }
}

fn response_type(op: &Operation) -> TokenStream {
    match &op.response {
        ResponseShape::NoContent => quote!(()),
        ResponseShape::Data(ty) => {
            let ty = type_tokens(ty);
            quote!(Data<#ty>)
        }
        ResponseShape::Page { item, meta } => {
            let item = type_tokens(item);
            let meta = type_tokens(meta);
            quote!(Page<#item, #meta>)
        }
        ResponseShape::Json(ty) => type_tokens(ty),
    }
}

fn http_method(method: HttpMethod) -> TokenStream {
    match method {
        HttpMethod::Get => quote!(Method::GET),
        HttpMethod::Post => quote!(Method::POST),
        HttpMethod::Put => quote!(Method::PUT),
        HttpMethod::Patch => quote!(Method::PATCH),
        HttpMethod::Delete => quote!(Method::DELETE),
    }
}

fn emit_builder(resource: &Resource, op: &Operation, mode: DocsMode) -> TokenStream {
    let builder = ident(&op.builder_name);
    let response = response_type(op);
    let mut doc = vec![format!(
        "Request builder of `client.{}().{}(..)`: set optional parameters, then `.await` it (or call [`send`](Self::send)).",
        resource.path.join("()."),
        op.method_name
    )];
    doc.push(String::new());
    doc.extend(operation_doc(op));
    let doc = doc_attrs(&doc);

    // Struct fields: client, options, path and query parameters, and the body.
    let mut fields = vec![quote!(client: Client), quote!(options: RequestOptions)];
    let mut ctor_params = vec![quote!(client: Client)];
    let mut ctor_inits = vec![quote!(client), quote!(options: RequestOptions::default())];
    for p in &op.path_params {
        let name = ident(&p.name.rust);
        let ty = type_tokens(&p.ty);
        fields.push(quote!(#name: #ty));
        ctor_params.push(quote!(#name: #ty));
        ctor_inits.push(quote!(#name));
    }
    for p in &op.query_params {
        let name = ident(&p.name.rust);
        let ty = type_tokens(&p.ty);
        if p.required {
            fields.push(quote!(#name: #ty));
            ctor_params.push(quote!(#name: #ty));
            ctor_inits.push(quote!(#name));
        } else {
            fields.push(quote!(#name: Option<#ty>));
            ctor_inits.push(quote!(#name: None));
        }
    }
    let mut setters = Vec::new();
    let mut body_expr = quote!();
    if let Some(body) = &op.body {
        let body_ty = type_tokens(&body.ty);
        match &body.fields {
            Some(body_fields) => {
                fields.push(quote!(body: #body_ty));
                let inits = body_fields.iter().map(|b| {
                    let f = &b.field;
                    let field = ident(&f.name.rust);
                    if let Some(value) = constant(f) {
                        return quote!(#field: #value.to_string());
                    }
                    if is_argument(f) {
                        let arg = ident(&b.arg);
                        let arg_ty = type_tokens(&f.ty);
                        ctor_params.push(quote!(#arg: #arg_ty));
                        if f.boxed {
                            quote!(#field: Box::new(#arg))
                        } else if b.arg == f.name.rust {
                            quote!(#field)
                        } else {
                            quote!(#field: #arg)
                        }
                    } else if f.is_option() {
                        quote!(#field: None)
                    } else {
                        quote!(#field: Default::default())
                    }
                });
                let inits: Vec<TokenStream> = inits.collect();
                ctor_inits.push(quote!(body: #body_ty { #(#inits),* }));
                for b in body_fields.iter().filter(|b| b.field.is_option()) {
                    let f = &b.field;
                    let doc = field_doc(&f.name.wire, &f.ty, false, &f.facts, mode);
                    setters.push(setter(&b.arg, &ident(&f.name.rust), &f.ty, f.boxed, &doc));
                }
                body_expr = quote!(request.json(&self.body)?;);
            }
            None if body.required => {
                fields.push(quote!(body: #body_ty));
                ctor_params.push(quote!(body: #body_ty));
                ctor_inits.push(quote!(body));
                body_expr = quote!(request.json(&self.body)?;);
            }
            None => {
                fields.push(quote!(body: Option<#body_ty>));
                ctor_inits.push(quote!(body: None));
                setters.push(quote! {
                    /// Sets the request body.
                    pub fn body(mut self, value: impl Into<#body_ty>) -> Self {
                        self.body = Some(value.into());
                        self
                    }
                });
                body_expr = quote!(if let Some(body) = &self.body {
                    request.json(body)?;
                });
            }
        }
    }
    for p in op.query_params.iter().filter(|p| !p.required) {
        let name = ident(&p.name.rust);
        let doc = field_doc(&p.name.wire, &p.ty, false, &p.facts, mode);
        let ty = type_tokens(&p.ty);
        let doc = doc_attrs(&doc);
        setters.push(quote! {
            #doc
            pub fn #name(mut self, value: impl Into<#ty>) -> Self {
                self.#name = Some(value.into());
                self
            }
        });
    }

    // The request: path with encoded segments, query pairs, body.
    let mut format_string = String::new();
    let mut format_args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        format_string.push_str(&rest[..start].replace('}', "}}"));
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .unwrap_or(rest.len());
        let wire = &rest[start + 1..end];
        if let Some(p) = op.path_params.iter().find(|p| p.name.wire == wire) {
            let name = ident(&p.name.rust);
            let wire_lit = &p.name.wire;
            let value = if p.ty == TypeRef::String {
                quote!(&self.#name)
            } else {
                quote!(&self.#name.to_string())
            };
            format_args.push(quote!(path_param(#wire_lit, #value)?));
        }
        format_string.push_str("{}");
        rest = &rest[(end + 1).min(rest.len())..];
    }
    format_string.push_str(rest);
    let query = op.query_params.iter().map(|p| {
        let name = ident(&p.name.rust);
        let wire = &p.name.wire;
        let style = match p.style {
            QueryStyle::Form => quote!(QueryStyle::Form),
            QueryStyle::DeepObject => quote!(QueryStyle::DeepObject),
        };
        if p.required {
            quote!(request.query(#wire, &self.#name, #style)?;)
        } else {
            quote!(if let Some(value) = &self.#name { request.query(#wire, value, #style)?; })
        }
    });
    let method = http_method(op.method);
    let path_expr = if format_args.is_empty() {
        quote!(#format_string.to_string())
    } else {
        quote!(format!(#format_string, #(#format_args),*))
    };
    let request_binding = if op.query_params.is_empty() && op.body.is_none() {
        quote!(request)
    } else {
        quote!(mut request)
    };
    let execute = if op.response == ResponseShape::NoContent {
        quote!(self.client.execute_no_content(request, &self.options).await)
    } else {
        quote!(self.client.execute(request, &self.options).await)
    };
    let command_id = if op.command_id {
        quote! {
            // One id per logical call, sent unchanged on every retry, so Telnyx runs the command once.
            if self.body.command_id.is_none() {
                self.body.command_id = Some(crate::client::new_command_id());
            }
        }
    } else {
        quote!()
    };
    let send_self = if op.command_id {
        quote!(mut self)
    } else {
        quote!(self)
    };
    let stream = match (&op.pagination, &op.response) {
        (Some(scheme), ResponseShape::Page { item, .. }) => {
            let item = type_tokens(item);
            let scheme = match scheme {
                PageScheme::PageNumber => quote!(crate::pagination::PageScheme::PageNumber),
                PageScheme::Cursor => quote!(crate::pagination::PageScheme::Cursor),
            };
            quote! {
                /// Walks every page lazily, yielding items one by one; only one page is held in memory.
                pub fn into_stream(self) -> crate::PageStream<#item> {
                    let request = self.request();
                    crate::pagination::paginate(self.client, request, self.options, #scheme)
                }
            }
        }
        _ => quote!(),
    };
    let fields_tokens = fields.iter();
    quote! {
        #doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #builder {
            #(#fields_tokens,)*
        }

        impl #builder {
            pub(crate) fn new(#(#ctor_params),*) -> Self {
                #builder { #(#ctor_inits),* }
            }

            #(#setters)*

            /// Overrides the client's timeout for this request (each attempt).
            pub fn with_timeout(mut self, timeout: Duration) -> Self {
                self.options.set_timeout(timeout);
                self
            }

            /// Overrides the client's retry limit for this request.
            pub fn with_max_retries(mut self, max_retries: u32) -> Self {
                self.options.set_max_retries(max_retries);
                self
            }

            /// Adds a header to this request.
            pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
                self.options.insert_header(name, value);
                self
            }

            fn request(&self) -> Result<ApiRequest> {
                let #request_binding = ApiRequest::new(#method, #path_expr);
                #(#query)*
                #body_expr
                Ok(request)
            }

            /// Sends the request, retrying as the client's policy allows.
            pub async fn send(#send_self) -> Result<Response<#response>> {
                #command_id
                let request = self.request()?;
                #execute
            }

            #stream
        }

        impl IntoFuture for #builder {
            type Output = Result<Response<#response>>;
            type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    }
}

fn setter(
    method: &str,
    field: &proc_macro2::Ident,
    ty: &TypeRef,
    boxed: bool,
    doc: &[String],
) -> TokenStream {
    let method = ident(method);
    let ty = type_tokens(ty);
    let doc = doc_attrs(doc);
    let value = if boxed {
        quote!(Box::new(value.into()))
    } else {
        quote!(value.into())
    };
    quote! {
        #doc
        pub fn #method(mut self, value: impl Into<#ty>) -> Self {
            self.body.#field = Some(#value);
            self
        }
    }
}
