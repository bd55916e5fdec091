//! `events.rs`: the webhook event enum, dispatched on `event_type`.

use proc_macro2::TokenStream;
use quote::quote;

use super::{cfg_any, ident};
use crate::ir::Event;

/// Tokens of the events module.
pub fn emit(events: &[Event]) -> TokenStream {
    let variants = events.iter().map(|e| {
        let variant = ident(&e.variant);
        let ty = ident(&e.ty);
        let doc = format!(" `{}` (webhook `{}`).", e.event_type, e.webhook);
        let cfg = cfg_any(&e.features);
        quote!(#[doc = #doc] #cfg #variant(crate::models::#ty),)
    });
    let parse_arms = events.iter().map(|e| {
        let variant = ident(&e.variant);
        let event_type = &e.event_type;
        let cfg = cfg_any(&e.features);
        quote!(#cfg #event_type => crate::private::parse_event(object).map(WebhookEvent::#variant),)
    });
    let type_arms = events.iter().map(|e| {
        let variant = ident(&e.variant);
        let event_type = &e.event_type;
        let cfg = cfg_any(&e.features);
        quote!(#cfg WebhookEvent::#variant(_) => #event_type,)
    });
    let all_types = events.iter().map(|e| &e.event_type);
    let serialize_arms = events.iter().map(|e| {
        let variant = ident(&e.variant);
        let cfg = cfg_any(&e.features);
        quote!(#cfg WebhookEvent::#variant(event) => event.serialize(serializer),)
    });
    let ccid_arms = events.iter().filter_map(|e| {
        let path = e.call_control_id.as_ref()?;
        let variant = ident(&e.variant);
        // Walk the field path, stepping through `Option`s.
        let mut expr = quote!(Some(event));
        for (field, optional) in &path.steps {
            let field = ident(field);
            expr = if *optional {
                quote!(#expr.and_then(|v| v.#field.as_ref()))
            } else {
                quote!(#expr.map(|v| &v.#field))
            };
        }
        let cfg = cfg_any(&e.features);
        Some(quote!(#cfg WebhookEvent::#variant(event) => #expr.map(|v| v.as_str()),))
    });
    quote! {
        //! Webhook events of the voice surface, one variant per `event_type`.
        #![allow(clippy::large_enum_variant)]

        /// A webhook event, told apart by its `event_type`.
        ///
        /// Events this version of the SDK does not know arrive as [`WebhookEvent::Unknown`] with
        /// their JSON, so a new event type never breaks a handler. Both body shapes are read:
        /// `{"data": {"event_type": ..}}` and an event object at the top level.
        ///
        /// Each variant compiles with the Cargo feature of the resource group that sends it
        /// (`calls`, `conferences`, ..., all on by default); with that feature off, its events
        /// arrive as `Unknown` too.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum WebhookEvent {
            #(#variants)*
            /// An event type this version of the SDK does not know, kept as received.
            Unknown(serde_json::Value),
        }

        /// Serializes the event object (the content of `data`); an unknown event as received.
        #[cfg(feature = "full-serde")]
        impl serde::Serialize for WebhookEvent {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    WebhookEvent::Unknown(value) => value.serialize(serializer),
                }
            }
        }

        impl WebhookEvent {
            /// Every `event_type` this version of the SDK knows, including those of resource
            /// groups left out of the build (which decode as [`WebhookEvent::Unknown`]).
            pub const EVENT_TYPES: &'static [&'static str] = &[#(#all_types),*];

            /// Decodes a webhook body (already verified) into its variant.
            pub fn from_json_bytes(body: &[u8]) -> Result<Self, serde_json::Error> {
                let Some((event_type, object)) = crate::private::locate_event(body)? else {
                    return serde_json::from_slice(body).map(WebhookEvent::Unknown);
                };
                match event_type.as_ref() {
                    #(#parse_arms)*
                    _ => serde_json::from_slice(body).map(WebhookEvent::Unknown),
                }
            }

            /// The event's `event_type`.
            pub fn event_type(&self) -> &str {
                match self {
                    #(#type_arms)*
                    WebhookEvent::Unknown(value) => value
                        .pointer("/data/event_type")
                        .or_else(|| value.get("event_type"))
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or(""),
                }
            }

            /// The `payload.call_control_id` of call events, when present.
            pub fn call_control_id(&self) -> Option<&str> {
                match self {
                    #(#ccid_arms)*
                    WebhookEvent::Unknown(value) => value
                        .pointer("/data/payload/call_control_id")
                        .or_else(|| value.pointer("/payload/call_control_id"))
                        .and_then(serde_json::Value::as_str),
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        }
    }
}
