//! `Serialize` impls of generated structs, written out instead of derived.
//!
//! serde's derive first counts the fields that will be written (one `is_none` test per
//! optional field), then writes each through `serialize_struct`, wrapping every optional
//! field's value in its `Option` impl. Written out, each present field is one
//! `serialize_entry` of the value itself, so a request body's impl is about half the code to
//! check and compile. The output is the derive's for JSON: the same keys in field order, an
//! absent optional field left out, a required one always written.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::StructModel;

/// The `Serialize` impl of `model`, behind `gate` (empty, or a `#[cfg(...)]`).
pub fn struct_impl(model: &StructModel, gate: &TokenStream) -> TokenStream {
    let name = ident(&model.name);
    let entries = model.fields.iter().map(|field| {
        let rust = ident(&field.name.rust);
        let wire = &field.name.wire;
        // A required field is always written (a required nullable one as `null` when `None`).
        if !field.required {
            quote! {
                if let Some(value) = &self.#rust {
                    map.serialize_entry(#wire, value)?;
                }
            }
        } else {
            quote!(map.serialize_entry(#wire, &self.#rust)?;)
        }
    });
    let map_binding = if model.fields.is_empty() {
        quote!(map)
    } else {
        quote!(mut map)
    };
    quote! {
        #gate
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let #map_binding = serializer.serialize_map(None)?;
                #(#entries)*
                map.end()
            }
        }
    }
}
