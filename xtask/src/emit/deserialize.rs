//! `Deserialize` impls of generated structs, written out instead of derived.
//!
//! serde's derive gives every struct a field enum with its own visitor, a sequence visitor and a
//! map visitor, each compiled for every deserializer that reads the struct. For the webhook
//! events, whose decoding is compiled into the crate, that was most of the crate's build time.
//! The impls written here read a JSON object only (`visit_map`) and look field names up, and
//! catch a field given twice, through one shared seed (`private::FieldIndex`); each field's value
//! is read into a local by a helper compiled once per field type (`private::read_value`,
//! `private::read_required`). What they accept is what the derive accepted from
//! a JSON object: unknown fields are skipped, a field given twice is an error, an absent or
//! `null` optional field is `None` and an absent required field is an error naming it.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::ident;
use super::models::field_type;
use crate::ir::StructModel;

/// The `Deserialize` impl of `model`, behind `gate` (empty, or a `#[cfg(...)]`).
pub fn struct_impl(model: &StructModel, gate: &TokenStream) -> TokenStream {
    let name = ident(&model.name);
    let expecting = format!("struct {}", model.name);
    let wires = model.fields.iter().map(|f| &f.name.wire);
    let slots: Vec<_> = (0..model.fields.len())
        .map(|i| format_ident!("f{i}"))
        .collect();
    // An optional field's slot is the field itself; a required one's is an `Option` of it.
    let decls = model.fields.iter().zip(&slots).map(|(field, slot)| {
        let ty = field_type(field);
        if field.is_option() {
            quote!(let mut #slot: #ty = None;)
        } else {
            quote!(let mut #slot: Option<#ty> = None;)
        }
    });
    let arms = model
        .fields
        .iter()
        .zip(&slots)
        .enumerate()
        .map(|(i, (field, slot))| {
            let index = Literal::usize_unsuffixed(i);
            // A field that can send `null` keeps a received `null` as `Some(Nullable::Null)`.
            if field.is_option() && !field.sends_null {
                quote!(#index => crate::private::read_value(&mut map, &mut #slot),)
            } else {
                quote!(#index => crate::private::read_required(&mut map, &mut #slot),)
            }
        });
    let inits = model.fields.iter().zip(&slots).map(|(field, slot)| {
        let rust = ident(&field.name.rust);
        let wire = &field.name.wire;
        if field.is_option() {
            quote!(#rust: #slot,)
        } else {
            quote!(#rust: crate::private::required(#slot, #wire)?,)
        }
    });
    let read_fields = if model.fields.is_empty() {
        quote! {
            while map.next_key_seed(crate::private::FieldIndex::new(FIELDS, &mut []))?.is_some() {
                crate::private::skip_field(&mut map)?;
            }
        }
    } else {
        let count = Literal::usize_unsuffixed(model.fields.len());
        quote! {
            let mut seen = [false; #count];
            #(#decls)*
            while let Some(index) = map.next_key_seed(crate::private::FieldIndex::new(FIELDS, &mut seen))? {
                match index {
                    #(#arms)*
                    _ => crate::private::skip_field(&mut map),
                }?;
            }
        }
    };
    quote! {
        #gate
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                const FIELDS: &[&str] = &[#(#wires),*];
                struct Visitor;
                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<#name, A::Error> {
                        #read_fields
                        Ok(#name { #(#inits)* })
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
    }
}
