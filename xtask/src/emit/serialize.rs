//! `Serialize` impls of generated structs, written out instead of derived.
//!
//! serde's derive first counts the fields that will be written (one `is_none` test per
//! optional field), then writes each through `serialize_struct`, wrapping every optional
//! field's value in its `Option` impl. Written out, each field is one call of the runtime's
//! `FieldWriter`, which skips an absent optional field, writes the value itself and keeps the
//! first error, so the test and the error branch are compiled once per field type instead of
//! once per field. The output is the derive's for JSON: the same keys in field order, an absent
//! optional field left out, a required one always written.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::StructModel;

/// The `Serialize` impl of `model`, behind `gate` (empty, or a `#[cfg(...)]`). An alternative of
/// a tagged union (`tagged_member`) gets its entries in `write_fields`, which the union's impl
/// calls too, so one copy of them serves both.
pub fn struct_impl(model: &StructModel, gate: &TokenStream, tagged_member: bool) -> TokenStream {
    let name = ident(&model.name);
    let entries: Vec<TokenStream> = model
        .fields
        .iter()
        .map(|field| {
            let rust = ident(&field.name.rust);
            let wire = &field.name.wire;
            // A required field is always written (a required nullable one as `null` when `None`).
            if field.required {
                quote!(fields.required(#wire, &self.#rust);)
            } else {
                quote!(fields.optional(#wire, &self.#rust);)
            }
        })
        .collect();
    // `map` is the open map itself in `serialize` and a `&mut` of it in `write_fields`.
    let write = |map: TokenStream| {
        if model.fields.is_empty() {
            quote!(let _ = #map;)
        } else {
            quote! {
                let mut fields = crate::private::FieldWriter::new(#map);
                #(#entries)*
                fields.finish()?;
            }
        }
    };
    // An alternative of a tagged union keeps its entries in `write_fields`, which its own
    // impl calls as the union's does.
    let (write_fields, body) = if tagged_member {
        let write_into_reference = write(quote!(map));
        (
            quote! {
                #gate
                impl #name {
                    /// Writes the fields into an open map.
                    pub(crate) fn write_fields<M: serde::ser::SerializeMap>(
                        &self,
                        map: &mut M,
                    ) -> Result<(), M::Error> {
                        #write_into_reference
                        Ok(())
                    }
                }
            },
            quote!(self.write_fields(&mut map)?;),
        )
    } else {
        (quote!(), write(quote!(&mut map)))
    };
    quote! {
        #write_fields
        #gate
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                #body
                map.end()
            }
        }
    }
}
