//! `telnyx-voice/tests/spec_examples/generated.rs`: tables for the example round-trip tests.
//!
//! Every model whose schema carries an object example is listed with that example, and every
//! enum with its values; the hand-written test beside the table does the checking.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::{Api, Model};

/// Tokens of the table file.
pub fn emit(api: &Api) -> TokenStream {
    let examples = api.models.values().filter_map(|model| match model {
        Model::Struct(s) => {
            let example = s.facts.example.as_ref().filter(|e| e.is_object())?;
            let name = &s.name;
            let ty = ident(name);
            let json = example.to_string();
            Some(quote!((#name, roundtrip::<telnyx_voice::models::#ty>, #json),))
        }
        _ => None,
    });
    let enums = api.models.values().filter_map(|model| match model {
        Model::Enum(e) => {
            let name = &e.name;
            let ty = ident(name);
            let values = e.variants.iter().map(|v| &v.wire);
            Some(quote!((#name, check_enum::<telnyx_voice::models::#ty>, &[#(#values),*]),))
        }
        _ => None,
    });
    quote! {
        //! Spec examples and enum values, one row per model.
        use super::{check_enum, roundtrip, EnumCheck, RoundTrip};

        /// Models with an example in the spec: name, decoder, example JSON.
        pub const EXAMPLES: &[(&str, RoundTrip, &str)] = &[#(#examples)*];

        /// Enums: name, checker, the values the spec lists.
        pub const ENUMS: &[(&str, EnumCheck, &[&str])] = &[#(#enums)*];
    }
}
