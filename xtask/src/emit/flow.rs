//! `flow.rs`: what call-flow code reads from events and writes into commands without unwrapping
//! payloads by hand: the `EventFacts` impls of every event type (ids, client state, numbers,
//! times), `direction()` on events that carry one, and `*client_state_json` setters on every
//! builder with a client-state setter.

use proc_macro2::TokenStream;
use quote::quote;

use super::handles::{handle_methods, HANDLE_KINDS};
use super::{ident, type_tokens};
use crate::ir::{Api, Event, Model, Operation, Target, TypeRef};

/// What an `EventFacts` method returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Returns {
    /// `Option<&str>` from a string field.
    Str,
    /// `Option<&crate::models::Name>` from a field of that id type.
    Id(&'static str),
}

/// One `EventFacts` method: its name, where the value is (wire names from the event object,
/// first match wins) and its return type.
struct Fact {
    method: &'static str,
    doc: &'static str,
    paths: &'static [&'static [&'static str]],
    returns: Returns,
}

const FACTS: &[Fact] = &[
    Fact {
        method: "event_id",
        doc: "The event's own id (`id`): the same on every redelivery of the event.",
        paths: &[&["id"]],
        returns: Returns::Str,
    },
    Fact {
        method: "occurred_at",
        doc: "When the event happened (`occurred_at`, ISO 8601).",
        paths: &[&["occurred_at"], &["payload", "occurred_at"]],
        returns: Returns::Str,
    },
    Fact {
        method: "call_control_id",
        doc: "The call's `call_control_id`: the id commands to the call are sent with.",
        paths: &[&["payload", "call_control_id"]],
        returns: Returns::Id("CallControlId"),
    },
    Fact {
        method: "call_leg_id",
        doc: "The call leg's id (`call_leg_id`).",
        paths: &[&["payload", "call_leg_id"]],
        returns: Returns::Id("CallLegId"),
    },
    Fact {
        method: "call_session_id",
        doc: "The id of the session the call belongs to (`call_session_id`).",
        paths: &[&["payload", "call_session_id"]],
        returns: Returns::Id("CallSessionId"),
    },
    Fact {
        method: "connection_id",
        doc: "The connection (`connection_id`) the call belongs to.",
        paths: &[&["payload", "connection_id"]],
        returns: Returns::Id("ConnectionId"),
    },
    Fact {
        method: "client_state_raw",
        doc: "The `client_state` as received (base64); [`client_state`](Self::client_state) decodes it.",
        paths: &[&["payload", "client_state"]],
        returns: Returns::Str,
    },
    Fact {
        method: "from",
        doc: "The calling number or SIP URI (`from`).",
        paths: &[&["payload", "from"]],
        returns: Returns::Str,
    },
    Fact {
        method: "to",
        doc: "The called number or SIP URI (`to`).",
        paths: &[&["payload", "to"]],
        returns: Returns::Str,
    },
    Fact {
        method: "conference_id",
        doc: "The conference's id (`conference_id`).",
        paths: &[&["payload", "conference_id"]],
        returns: Returns::Id("ConferenceId"),
    },
    Fact {
        method: "queue_name",
        doc: "The queue's name (`queue`).",
        paths: &[&["payload", "queue"]],
        returns: Returns::Str,
    },
];

/// The Rust steps (field name, whether it is an `Option`) along `wires` from model `ty`, and the
/// type at the end.
fn walk(api: &Api, ty: &str, wires: &[&str]) -> Option<(Vec<(String, bool)>, TypeRef)> {
    let mut steps = Vec::new();
    let mut current = TypeRef::Named(ty.to_string());
    for wire in wires {
        let TypeRef::Named(name) = &current else {
            return None;
        };
        let Some(Model::Struct(model)) = api.models.get(name) else {
            return None;
        };
        let field = model.fields.iter().find(|f| f.name.wire == *wire)?;
        steps.push((field.name.rust.clone(), field.is_option()));
        current = field.ty.clone();
    }
    Some((steps, current))
}

/// `Option<&T>` expression reading the field at the end of `steps` from `self`; `?` steps
/// through optional parents.
fn read(steps: &[(String, bool)], as_str: bool) -> TokenStream {
    let mut place = quote!(self);
    let Some(((last, last_optional), parents)) = steps.split_last() else {
        return quote!(None);
    };
    for (field, optional) in parents {
        let field = ident(field);
        place = if *optional {
            quote!(#place.#field.as_ref()?)
        } else {
            quote!(#place.#field)
        };
    }
    let last = ident(last);
    match (*last_optional, as_str) {
        (true, true) => quote!(#place.#last.as_deref()),
        (true, false) => quote!(#place.#last.as_ref()),
        (false, true) => quote!(Some(#place.#last.as_str())),
        (false, false) => quote!(Some(&#place.#last)),
    }
}

/// What a fact returns in this API: its id newtype when the API has one, else a string.
fn returns(api: &Api, fact: &Fact) -> Returns {
    match fact.returns {
        Returns::Id(name) if matches!(api.models.get(name), Some(Model::Id(_))) => {
            Returns::Id(name)
        }
        _ => Returns::Str,
    }
}

fn return_tokens(returns: Returns) -> TokenStream {
    match returns {
        Returns::Str => quote!(Option<&str>),
        Returns::Id(name) => {
            let name = ident(name);
            quote!(Option<&crate::models::#name>)
        }
    }
}

fn fact_method(api: &Api, event: &Event, fact: &Fact) -> Option<TokenStream> {
    let (steps, ty) = fact
        .paths
        .iter()
        .find_map(|path| walk(api, &event.ty, path))?;
    let method = ident(fact.method);
    let returns = returns(api, fact);
    let output = return_tokens(returns);
    let body = match returns {
        Returns::Str if ty == TypeRef::String => read(&steps, true),
        Returns::Id(id) if ty == TypeRef::Named(id.to_string()) => read(&steps, false),
        _ => return None,
    };
    Some(quote!(fn #method(&self) -> #output { #body }))
}

/// The trait: every fact a provided method answering `None`, the client-state decoder, and a
/// handle getter per handle kind the API has.
fn emit_trait(api: &Api) -> TokenStream {
    let facts = FACTS.iter().map(|fact| {
        let method = ident(fact.method);
        let doc = format!(" {}", fact.doc);
        let output = return_tokens(returns(api, fact));
        quote! {
            #[doc = #doc]
            fn #method(&self) -> #output {
                None
            }
        }
    });
    let getters = HANDLE_KINDS.iter().filter_map(|kind| {
        let fact = match kind.accessor {
            "call" => "call_control_id",
            "conference" => "conference_id",
            "queue" => "queue_name",
            _ => return None,
        };
        let cfg = match handle_methods(api, kind) {
            Ok((Some(_), methods)) => super::handles::handle_cfg(&methods),
            _ => return None,
        };
        let accessor = ident(kind.accessor);
        let fact = ident(fact);
        let handle = ident(kind.type_name);
        let doc = format!(
            " A handle on the event's {} (from [`{fact}`](Self::{fact})), sending through `client`.",
            kind.noun
        );
        Some(quote! {
            #[doc = #doc]
            #cfg
            fn #accessor(&self, client: &crate::Client) -> Option<crate::handles::#handle> {
                self.#fact().map(|id| client.#accessor(id))
            }
        })
    });
    quote! {
        /// What call-flow code reads from any event, without unwrapping its payload: ids, client
        /// state, numbers and times, each `None` when the event type or this delivery lacks it.
        ///
        /// Implemented by every event type and by [`WebhookEvent`]; an
        /// [`Unknown`](WebhookEvent::Unknown) event answers the string facts from its JSON.
        /// `WebhookEvent` keeps its older inherent `call_control_id()` (a `&str`, read from unknown
        /// events too), which method syntax prefers; `EventFacts::call_control_id(&event)` or
        /// `event.facts().call_control_id()` gives the typed id.
        pub trait EventFacts {
            #(#facts)*

            /// The facts as a trait object: the event itself, or for a [`WebhookEvent`] the event
            /// it carries ([`Unknown`](WebhookEvent::Unknown) events have none).
            fn facts(&self) -> &dyn EventFacts
            where
                Self: Sized,
            {
                self
            }

            /// Decodes the event's `client_state` (base64 of JSON, as written by
            /// [`ClientState::encode`](crate::ClientState::encode)) into `T`.
            fn client_state<T: serde::de::DeserializeOwned>(&self) -> Result<T, crate::ClientStateError>
            where
                Self: Sized,
            {
                crate::ClientState::decode_field(self.client_state_raw())
            }

            #(#getters)*
        }
    }
}

/// `impl EventFacts for WebhookEvent`: each fact from the variant's event; string facts of an
/// unknown event from its JSON.
fn emit_webhook_event_impl(api: &Api) -> TokenStream {
    let arms = api.events.iter().map(|event| {
        let variant = ident(&event.variant);
        let cfg = super::cfg_any(&event.features);
        quote!(#cfg WebhookEvent::#variant(event) => event,)
    });
    let methods = FACTS.iter().map(|fact| {
        let method = ident(fact.method);
        let returns = returns(api, fact);
        let output = return_tokens(returns);
        let unknown = match returns {
            Returns::Str => {
                let paths = fact.paths.iter().map(|p| format!("/{}", p.join("/")));
                quote!(unknown_str(value, &[#(#paths),*]))
            }
            Returns::Id(_) => quote!({
                let _ = value;
                None
            }),
        };
        quote! {
            fn #method(&self) -> #output {
                match self {
                    WebhookEvent::Unknown(value) => #unknown,
                    event => event.facts().#method(),
                }
            }
        }
    });
    quote! {
        impl crate::EventFacts for WebhookEvent {
            #(#methods)*

            fn facts(&self) -> &dyn crate::EventFacts {
                // `WebhookEvent` is another crate's non-exhaustive enum: unknown events and
                // variants of left-out features fall to the wildcard.
                match self {
                    #(#arms)*
                    _ => &NoFacts,
                }
            }
        }

        /// The first string at one of `paths`, inside `data` or at the top level.
        fn unknown_str<'a>(value: &'a serde_json::Value, paths: &[&str]) -> Option<&'a str> {
            let data = value.get("data").unwrap_or(value);
            paths
                .iter()
                .find_map(|path| data.pointer(path))
                .and_then(serde_json::Value::as_str)
        }

        /// The facts of an event without any.
        struct NoFacts;
        impl crate::EventFacts for NoFacts {}
    }
}

/// `direction()` on events whose payload has an enum `direction` field.
fn direction_method(api: &Api, event: &Event) -> Option<TokenStream> {
    let (steps, ty) = walk(api, &event.ty, &["payload", "direction"])?;
    let TypeRef::Named(name) = &ty else {
        return None;
    };
    if !matches!(api.models.get(name), Some(Model::Enum(_))) {
        return None;
    }
    let ty = type_tokens(&ty);
    let event_ty = ident(&event.ty);
    let body = read(&steps, false);
    Some(quote! {
        impl crate::models::#event_ty {
            /// The call's direction (`payload.direction`), when sent.
            pub fn direction(&self) -> Option<&#ty> { #body }
        }
    })
}

/// The first event of each event type: types shared by several variants (after shape dedup)
/// get one impl.
fn event_types(api: &Api) -> impl Iterator<Item = &Event> {
    let mut seen = std::collections::BTreeSet::new();
    api.events
        .iter()
        .filter(move |event| seen.insert(event.ty.as_str()))
}

/// The inherent accessors of event types, emitted beside the events in the types crate (an
/// inherent impl must live in the crate of its type): `direction()` per event that has one.
pub fn emit_accessors(api: &Api) -> TokenStream {
    let impls = event_types(api).filter_map(|event| {
        let cfg = model_cfg(api, &event.ty);
        direction_method(api, event).map(|tokens| quote!(#cfg #tokens))
    });
    quote!(#(#impls)*)
}

/// `<setter>_json` for every string setter named like a client state (`client_state`,
/// `target_leg_client_state`), storing the encoded value.
fn client_state_setters(op: &Operation) -> Option<TokenStream> {
    let setters: Vec<TokenStream> = op
        .setters
        .iter()
        .filter(|s| s.wire.ends_with("client_state") && s.ty == TypeRef::String)
        .filter_map(|s| {
            let Target::BodyField(index) = s.target else {
                return None;
            };
            let field = &op.body.as_ref()?.fields.as_ref()?.get(index)?.field;
            let field = ident(&field.name.rust);
            let method = ident(&format!("{}_json", s.name));
            let doc = format!(
                " Sets `{}` to `value` as JSON in base64 ([`ClientState::encode`](crate::ClientState::encode)); fails, before anything is sent, when it cannot be serialized or is too long.",
                s.wire
            );
            Some(quote! {
                #[doc = #doc]
                pub fn #method<T: serde::Serialize + ?Sized>(
                    mut self,
                    value: &T,
                ) -> Result<Self, crate::ClientStateError> {
                    self.op.body.#field = Some(crate::ClientState::encode(value)?.into_string());
                    Ok(self)
                }
            })
        })
        .collect();
    if setters.is_empty() {
        return None;
    }
    let group = ident(&op.group);
    let name = ident(&op.type_name);
    let cfg = super::cfg_any(&op.feature);
    Some(quote! {
        #cfg
        impl<C> crate::builders::#group::#name<C> {
            #(#setters)*
        }
    })
}

/// The gate of a model, as a `#[cfg]` for items about it.
fn model_cfg(api: &Api, model: &str) -> TokenStream {
    api.model_features
        .get(model)
        .map(super::cfg_gate)
        .unwrap_or_default()
}

/// Tokens of the flow module.
pub fn emit(api: &Api) -> TokenStream {
    let impls = event_types(api).map(|event| {
        let ty = ident(&event.ty);
        let methods = FACTS.iter().filter_map(|f| fact_method(api, event, f));
        let cfg = model_cfg(api, &event.ty);
        quote! {
            #cfg
            impl crate::EventFacts for crate::models::#ty {
                #(#methods)*
            }
        }
    });

    // `TypedEvent` for event types carried by exactly one variant.
    let typed = api
        .events
        .iter()
        .filter(|e| api.events.iter().filter(|o| o.ty == e.ty).count() == 1)
        .map(|event| {
            let ty = ident(&event.ty);
            let variant = ident(&event.variant);
            let event_type = &event.event_type;
            let cfg = super::cfg_any(&event.features);
            quote! {
                #cfg
                impl crate::callflow::TypedEvent for crate::models::#ty {
                    const EVENT_TYPE: &'static str = #event_type;
                    fn from_event(event: WebhookEvent) -> Result<Self, WebhookEvent> {
                        match event {
                            WebhookEvent::#variant(event) => Ok(event),
                            other => Err(other),
                        }
                    }
                }
            }
        });
    let setters = api
        .resources
        .iter()
        .flat_map(|r| &r.operations)
        .filter_map(client_state_setters);
    let facts_trait = emit_trait(api);
    let webhook_event_impl = emit_webhook_event_impl(api);
    quote! {
        //! Event facts (ids, client state, numbers, times) of every event type, and the
        //! `*_client_state_json` setters of every builder that has a client-state setter.
        #![allow(clippy::result_large_err)]
        use crate::WebhookEvent;

        #facts_trait
        #(#impls)*
        #webhook_event_impl

        #(#typed)*

        #(#setters)*
    }
}
