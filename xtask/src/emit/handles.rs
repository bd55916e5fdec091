//! `handles.rs`: handles bound to one call, conference or queue (`client.call(id).answer()`).
//!
//! An operation belongs to a handle when its path starts with the handle's collection and the
//! resource's id as the first path parameter (`/calls/{call_control_id}/...`), and that id is
//! the operation's first positional argument. The handle's method takes the remaining arguments
//! and returns the same builder as the resource method, built by the same code
//! ([`super::resources::method_tokens`]).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::resources::{method_tokens, BoundFirst};
use super::{ident, type_tokens};
use crate::error::{GenError, GenResult};
use crate::ir::{Api, Operation, PathPart, Resource, Target, TypeRef};

/// One handle kind: the collection it is bound under, the client method and the type name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandleKind {
    /// First path segment (`calls`).
    pub collection: &'static str,
    /// Method on the client and on events (`call`).
    pub accessor: &'static str,
    /// Rust type name (`CallHandle`).
    pub type_name: &'static str,
    /// What one of them is, for docs (`call`).
    pub noun: &'static str,
}

/// The handles the crate offers.
pub const HANDLE_KINDS: &[HandleKind] = &[
    HandleKind {
        collection: "calls",
        accessor: "call",
        type_name: "CallHandle",
        noun: "call",
    },
    HandleKind {
        collection: "conferences",
        accessor: "conference",
        type_name: "ConferenceHandle",
        noun: "conference",
    },
    HandleKind {
        collection: "queues",
        accessor: "queue",
        type_name: "QueueHandle",
        noun: "queue",
    },
];

/// An operation on a handle and the method name it gets there.
#[derive(Debug, Clone)]
pub struct HandleMethod<'a> {
    /// The resource the operation hangs off in the client tree.
    pub resource: &'a Resource,
    /// The operation.
    pub op: &'a Operation,
    /// Method name on the handle.
    pub method: String,
}

/// Whether `op` is addressed by `kind`'s id: `/{collection}/{param 0}...`, with that parameter as
/// the first positional argument.
pub fn belongs_to(kind: &HandleKind, op: &Operation) -> bool {
    let prefix = format!("/{}/", kind.collection);
    let path_ok = matches!(
        op.path_template.as_slice(),
        [PathPart::Literal(text), PathPart::Param(0), ..] if *text == prefix
    );
    path_ok && matches!(op.arguments.first(), Some(a) if a.target == Target::Path(0))
}

/// The method name of an operation on a handle: the resource method's name under the collection
/// and its `actions`, else prefixed by the sub-resource (`participants_list`).
fn method_name(kind: &HandleKind, resource: &Resource, op: &Operation) -> String {
    let rest: Vec<&str> = resource
        .path
        .iter()
        .map(String::as_str)
        .skip_while(|segment| *segment == kind.collection)
        .filter(|segment| *segment != "actions")
        .collect();
    if rest.is_empty() {
        op.method_name.clone()
    } else {
        format!("{}_{}", rest.join("_"), op.method_name)
    }
}

/// The operations of a handle kind, with their method names; an error when two would share a name
/// or the id types differ.
pub fn handle_methods<'a>(
    api: &'a Api,
    kind: &HandleKind,
) -> GenResult<(Option<TypeRef>, Vec<HandleMethod<'a>>)> {
    let mut methods: Vec<HandleMethod<'a>> = Vec::new();
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    let mut id_type: Option<TypeRef> = None;
    for resource in &api.resources {
        for op in &resource.operations {
            if !belongs_to(kind, op) {
                continue;
            }
            let ty = op.arguments[0].ty.clone();
            match &id_type {
                None => id_type = Some(ty),
                Some(known) if *known != ty => {
                    return Err(GenError::at(
                        &op.pointer,
                        format!(
                            "the {} id is typed differently here than in earlier operations",
                            kind.noun
                        ),
                    ))
                }
                Some(_) => {}
            }
            let method = method_name(kind, resource, op);
            if let Some(other) = seen.insert(method.clone(), &op.operation_id) {
                return Err(GenError::at(
                    &op.pointer,
                    format!(
                        "`{}.{method}` would be both `{other}` and `{}`",
                        kind.type_name, op.operation_id
                    ),
                ));
            }
            methods.push(HandleMethod {
                resource,
                op,
                method,
            });
        }
    }
    Ok((id_type, methods))
}

/// The gate of a handle: any feature of its operations (none when one of them is ungated).
pub fn handle_cfg(methods: &[HandleMethod<'_>]) -> TokenStream {
    if methods.iter().any(|m| m.op.feature.is_none()) {
        return quote!();
    }
    super::cfg_any(methods.iter().filter_map(|m| m.op.feature.as_ref()))
}

/// Tokens of the handles module.
pub fn emit(api: &Api) -> GenResult<TokenStream> {
    let mut accessors = Vec::new();
    let mut types = Vec::new();
    for kind in HANDLE_KINDS {
        let (Some(id_ty), methods) = handle_methods(api, kind)? else {
            continue;
        };
        let name = ident(kind.type_name);
        let accessor = ident(kind.accessor);
        let id_tokens = type_tokens(&id_ty);
        let noun = kind.noun;
        let accessor_doc = format!(
            " A handle on one {noun}: its commands as methods, without repeating the id (`client.{}(id).{}(..)`).",
            kind.accessor,
            methods.first().map_or("..", |m| m.method.as_str())
        );
        let cfg = handle_cfg(&methods);
        accessors.push(quote! {
            #[doc = #accessor_doc]
            #cfg
            pub fn #accessor(&self, id: impl Into<#id_tokens>) -> #name<Self> {
                #name::new(self.clone(), id)
            }
        });
        let method_tokens = methods.iter().map(|m| {
            let bound = BoundFirst {
                method: m.method.clone(),
                value: quote!(self.id.clone()),
                doc: format!(
                    "Same as `client.{}().{}(id, ..)` with this {noun}'s id.",
                    m.resource.path.join("()."),
                    m.op.method_name
                ),
            };
            method_tokens(api, m.op, Some(&bound))
        });
        let type_doc = format!(
            " One {noun}, bound to its id: every command addressed to it, as methods taking the remaining arguments."
        );
        let type_doc2 = format!(
            " Get one with [`Client::{}`](crate::Client::{}) or from a webhook event ([`EventFacts::{}`](crate::EventFacts::{})). Each method returns the same builder as the resource method; set optional parameters on it and `.await` it (or, from a `blocking::Client`, `send()` it). `C` is the client it sends through.",
            kind.accessor, kind.accessor, kind.accessor, kind.accessor
        );
        let new_doc = format!(" A handle on the {noun} with this id, sent through `client`.");
        types.push(quote! {
            #[doc = #type_doc]
            #[doc = ""]
            #[doc = #type_doc2]
            #cfg
            #[derive(Debug, Clone)]
            pub struct #name<C = crate::Client> {
                client: C,
                id: #id_tokens,
            }
            #cfg
            impl<C: crate::ClientKind> #name<C> {
                #[doc = #new_doc]
                pub fn new(client: C, id: impl Into<#id_tokens>) -> Self {
                    #name { client, id: id.into() }
                }
                /// The id the handle is bound to.
                pub fn id(&self) -> &#id_tokens {
                    &self.id
                }
                /// The client the handle sends through.
                pub fn client(&self) -> &C {
                    &self.client
                }
                #(#method_tokens)*
            }
        });
    }
    Ok(quote! {
        //! Handles bound to one call, conference or queue: `client.call(id).answer().await?`.
        #![allow(clippy::too_many_arguments, clippy::doc_lazy_continuation)]
        impl crate::Client {
            #(#accessors)*
        }
        #[cfg(feature = "blocking")]
        impl crate::blocking::Client {
            #(#accessors)*
        }
        #(#types)*
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Argument, HttpMethod, ResponseShape};

    fn op(id: &str, path: &[PathPart], first_arg_path: bool) -> Operation {
        Operation {
            feature: None,
            operation_id: id.into(),
            title: None,
            method: HttpMethod::Post,
            path: String::new(),
            method_name: id.to_lowercase(),
            official_name: None,
            group: "calls".into(),
            type_name: id.into(),
            path_template: path.to_vec(),
            arguments: vec![Argument {
                name: "id".into(),
                ty: TypeRef::String,
                target: if first_arg_path {
                    Target::Path(0)
                } else {
                    Target::BodyField(0)
                },
            }],
            setters: Vec::new(),
            webhooks: Vec::new(),
            path_params: Vec::new(),
            query_params: Vec::new(),
            body: None,
            response: ResponseShape::NoContent,
            pagination: None,
            command_id: false,
            deprecated: false,
            pointer: format!("#/{id}"),
        }
    }

    #[test]
    fn membership_needs_the_collection_then_the_id_as_first_argument() {
        let calls = &HANDLE_KINDS[0];
        let lit = |s: &str| PathPart::Literal(s.into());
        assert!(belongs_to(
            calls,
            &op(
                "A",
                &[lit("/calls/"), PathPart::Param(0), lit("/actions/answer")],
                true
            )
        ));
        assert!(!belongs_to(calls, &op("B", &[lit("/calls")], true)));
        assert!(!belongs_to(
            calls,
            &op("C", &[lit("/calls/"), PathPart::Param(0)], false)
        ));
        assert!(!belongs_to(
            calls,
            &op("D", &[lit("/conferences/"), PathPart::Param(0)], true)
        ));
    }

    #[test]
    fn sub_resources_prefix_the_method_and_clashes_are_errors() {
        let lit = |s: &str| PathPart::Literal(s.into());
        let path = [lit("/queues/"), PathPart::Param(0), lit("/x")];
        let mut a = op("Retrieve", &path, true);
        a.method_name = "retrieve".into();
        let mut b = a.clone();
        b.operation_id = "RetrieveCall".into();
        let resource = |p: &[&str], o: Operation| Resource {
            path: p.iter().map(|s| s.to_string()).collect(),
            handle: String::new(),
            operations: vec![o],
        };
        let queues = &HANDLE_KINDS[2];
        let api = Api {
            resources: vec![
                resource(&["queues"], a.clone()),
                resource(&["queues", "calls"], b.clone()),
            ],
            ..Api::default()
        };
        let (_, methods) = handle_methods(&api, queues).unwrap();
        let names: Vec<_> = methods.iter().map(|m| m.method.as_str()).collect();
        assert_eq!(names, ["retrieve", "calls_retrieve"]);

        let clash = Api {
            resources: vec![
                resource(&["queues"], a.clone()),
                resource(&["queues", "actions"], b),
            ],
            ..Api::default()
        };
        let err = handle_methods(&clash, queues).unwrap_err();
        assert!(err.message.contains("would be both"), "{}", err.message);
    }
}
