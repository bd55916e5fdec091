//! `models.rs`: structs, enums, unions and aliases.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{code, field_doc};
use super::{doc_attrs, ident, type_tokens, DocsMode};
use crate::ir::{
    AliasModel, EnumModel, Field, Model, Origin, SerdeUse, StructModel, TypeRef, UnionModel,
};

/// The start of the models module: its docs, lints and imports.
pub fn head() -> TokenStream {
    quote! {
        //! Types of the Telnyx Voice API: request bodies, responses and webhook events.
        //!
        //! Optional and nullable fields are `Option`s: `None` is left out when sending, and a
        //! JSON `null` and an absent field both read as `None`. In what is sent, a field that is
        //! both optional and nullable is an `Option<Nullable<T>>`: `Some(Nullable::Null)` sends
        //! an explicit `null` (to clear a value), `None` leaves the field out. A required field missing from a
        //! response is a decode error naming the field, never an invented default. Fields this
        //! version does not know are ignored; enum values it does not know are kept.
        #![allow(clippy::large_enum_variant, clippy::doc_lazy_continuation, clippy::too_many_arguments)]
        #[allow(unused_imports)]
        use serde::{Deserialize, Serialize};
    }
}

/// Tokens of the models module: [`head`], then every model.
pub fn emit(
    models: &BTreeMap<String, Model>,
    serde_use: &BTreeMap<String, SerdeUse>,
    features: &BTreeMap<String, crate::ir::Gate>,
    mode: DocsMode,
) -> TokenStream {
    let mut tokens = head();
    tokens.extend(items(models, models.keys(), serde_use, features, mode));
    tokens
}

/// The items of the models `names` (keys of `models`), in that order; `models` is every model,
/// which some items refer to.
pub fn items<'a>(
    models: &BTreeMap<String, Model>,
    names: impl IntoIterator<Item = &'a String>,
    serde_use: &BTreeMap<String, SerdeUse>,
    features: &BTreeMap<String, crate::ir::Gate>,
    mode: DocsMode,
) -> TokenStream {
    let defaultable = defaultable_models(models);
    names
        .into_iter()
        .filter_map(|name| Some((name, models.get(name)?)))
        .map(|(name, model)| {
            let cfg = features.get(name).map(super::cfg_gate).unwrap_or_default();
            let item = emit_model(model, models, &defaultable, serde_use, mode);
            if cfg.is_empty() {
                return item;
            }
            // A model's items (type, impls, macro calls) share one gate through a private module.
            let module = super::ident(&format!("m_{}", crate::names::snake(name)));
            let name = super::ident(name);
            quote! {
                #cfg
                mod #module {
                    #[allow(unused_imports)]
                    use serde::{Deserialize, Serialize};
                    #item
                }
                #cfg
                pub use #module::#name;
            }
        })
        .collect()
}

fn emit_model(
    model: &Model,
    models: &BTreeMap<String, Model>,
    defaultable: &[String],
    serde_use: &BTreeMap<String, SerdeUse>,
    mode: DocsMode,
) -> TokenStream {
    match model {
        Model::Struct(s) => emit_struct(
            s,
            defaultable,
            serde_use.get(&s.name).copied().unwrap_or_default(),
            is_tagged_member(models, &s.name),
            mode,
        ),
        Model::Enum(e) => emit_enum(e),
        Model::Union(u) => emit_union(
            u,
            models,
            serde_use.get(&u.name).copied().unwrap_or_default(),
        ),
        Model::Alias(a) => emit_alias(a),
        Model::Id(id) => {
            let name = ident(&id.name);
            let doc = " An identifier with a type of its own (a string on the wire), so another kind of id cannot be passed for it.";
            quote!(crate::private::id_newtype!(#[doc = #doc] #name);)
        }
    }
}

fn origin_doc(origin: &Origin, what: &str) -> Vec<String> {
    let mut lines = Vec::new();
    match (&origin.title, &origin.schema) {
        (Some(title), Some(schema)) => lines.push(format!("{title} (schema `{schema}`).")),
        (None, Some(schema)) => lines.push(format!("Schema `{schema}`.")),
        (Some(title), None) => lines.push(format!("{title}.")),
        (None, None) => lines.push(format!("{what} defined inline at `{}`.", origin.pointer)),
    }
    lines
}

/// Structs whose every field can be left empty: they derive `Default`.
fn defaultable_models(models: &BTreeMap<String, Model>) -> Vec<String> {
    models
        .values()
        .filter_map(|m| match m {
            Model::Struct(s) if s.fields.iter().all(Field::is_option) => Some(s.name.clone()),
            _ => None,
        })
        .collect()
}

/// The Rust type of a struct field: boxed when it breaks a cycle, an `Option` when it may be
/// absent or `null`, an `Option<Nullable<_>>` when an explicit `null` can be sent.
pub fn field_type(field: &Field) -> TokenStream {
    let mut ty = type_tokens(&field.ty);
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    if field.sends_null {
        // Sent: `Some(Nullable::Null)` is an explicit `null`, `None` leaves the field out.
        ty = quote!(Option<crate::Nullable<#ty>>);
    } else if field.is_option() {
        ty = quote!(Option<#ty>);
    }
    ty
}

/// `#[cfg(feature = "full-serde")]` for a serde direction the API does not use, else nothing.
fn full_serde_gate(used: bool) -> TokenStream {
    if used {
        quote!()
    } else {
        quote!(#[cfg(feature = "full-serde")])
    }
}

/// Whether the struct `name` is an alternative of a tagged union, whose `Serialize` writes the
/// struct's fields into its own map (with `write_fields`) beside the tag.
fn is_tagged_member(models: &BTreeMap<String, Model>, name: &str) -> bool {
    models.values().any(|model| match model {
        Model::Union(union) if union.discriminator.is_some() => union
            .variants
            .iter()
            .any(|v| matches!(&v.ty, TypeRef::Named(n) if n == name)),
        _ => false,
    })
}

/// A struct, with `Serialize` and `Deserialize` written out (see [`super::serialize`] and
/// [`super::deserialize`]), each only with the `full-serde` feature when the API does not use
/// that direction.
fn emit_struct(
    model: &StructModel,
    defaultable: &[String],
    used: SerdeUse,
    tagged_member: bool,
    mode: DocsMode,
) -> TokenStream {
    let name = ident(&model.name);
    let mut doc = origin_doc(&model.origin, "Object");
    if let Some(example) = &model.facts.example {
        if !example.is_object() {
            doc.push(String::new());
            doc.push(format!("Example: {}", code(example)));
        }
    }
    if !model.presence.is_empty() {
        let rules: Vec<String> = model
            .presence
            .iter()
            .map(|names| format!("`{}`", names.join("` + `")))
            .collect();
        doc.push(String::new());
        doc.push(format!("Set at least one of: {}.", rules.join(", ")));
    }
    let doc = doc_attrs(&doc);
    let derive_default = if defaultable.contains(&model.name) {
        quote!(Default,)
    } else {
        quote!()
    };
    let fields = model.fields.iter().map(|field| {
        let rust = ident(&field.name.rust);
        let wire = &field.name.wire;
        let ty = field_type(field);
        let doc = doc_attrs(&field_doc(
            wire,
            &field.ty,
            field.required,
            &field.facts,
            mode,
        ));
        quote! {
            #doc
            pub #rust: #ty,
        }
    });
    let serialize =
        super::serialize::struct_impl(model, &full_serde_gate(used.serialize), tagged_member);
    let deserialize = super::deserialize::struct_impl(model, &full_serde_gate(used.deserialize));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #derive_default)]
        pub struct #name {
            #(#fields)*
        }
        #serialize
        #deserialize
    }
}

fn emit_enum(model: &EnumModel) -> TokenStream {
    let name = ident(&model.name);
    let doc = doc_attrs(&origin_doc(&model.origin, "Enum"));
    let unknown = ident(&model.unknown_variant);
    let variants = model.variants.iter().map(|v| {
        let rust = ident(&v.rust);
        let doc = format!(" `{}`", v.wire.replace('`', "'"));
        quote!(#[doc = #doc] #rust,)
    });
    let to_wire = model.variants.iter().map(|v| {
        let rust = ident(&v.rust);
        let wire = &v.wire;
        quote!(#name::#rust => #wire,)
    });
    let from_wire = model.variants.iter().map(|v| {
        let rust = ident(&v.rust);
        let wire = &v.wire;
        quote!(#wire => #name::#rust,)
    });
    // Values are listed as plain match arms (readable in a review); the trait impls that are
    // the same for every enum come from one macro.
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the SDK does not know, kept as received.
            #unknown(String),
        }
        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    #name::#unknown(value) => value.as_str(),
                }
            }
            /// Whether the value is one this version of the SDK does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, #name::#unknown(_))
            }
        }
        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => #name::#unknown(other.to_string()),
                }
            }
        }
        crate::private::string_enum_traits!(#name, #unknown);
    }
}

fn emit_union(model: &UnionModel, models: &BTreeMap<String, Model>, used: SerdeUse) -> TokenStream {
    let name = ident(&model.name);
    let mut doc = origin_doc(&model.origin, "Union");
    match &model.discriminator {
        Some(tag) => doc.push(format!("One of several shapes, told apart by `{tag}`.")),
        None => doc.push("One of several shapes, told apart by their content.".to_string()),
    }
    let doc = doc_attrs(&doc);
    let variants = model.variants.iter().map(|v| {
        let rust = ident(&v.name);
        let ty = type_tokens(&v.ty);
        let line = match v.tags.as_slice() {
            [] => format!(" A {}.", super::docs::type_label(&v.ty)),
            tags => format!(" `{}`.", tags.join("`, `")),
        };
        quote!(#[doc = #line] #rust(#ty),)
    });
    let from_impls = from_impls(model);
    let serde_impls = match &model.discriminator {
        Some(tag) => tagged_serde(model, models, tag, used),
        None => untagged_serde(model, used),
    };
    let derive = quote!(#[derive(Debug, Clone, PartialEq)]);
    quote! {
        #doc
        #derive
        pub enum #name {
            #(#variants)*
            /// A shape this version of the SDK does not know, kept as received.
            Unknown(serde_json::Value),
        }
        #from_impls
        #serde_impls
    }
}

/// `From` for each variant type that appears once, and `From<&str>` for a string variant.
fn from_impls(model: &UnionModel) -> TokenStream {
    let name = ident(&model.name);
    let mut impls = Vec::new();
    for v in &model.variants {
        if model.variants.iter().filter(|o| o.ty == v.ty).count() != 1 {
            continue;
        }
        let rust = ident(&v.name);
        let ty = type_tokens(&v.ty);
        impls.push(quote! {
            impl From<#ty> for #name {
                fn from(value: #ty) -> Self { #name::#rust(value) }
            }
        });
        if v.ty == TypeRef::String {
            impls.push(quote! {
                impl From<&str> for #name {
                    fn from(value: &str) -> Self { #name::#rust(value.to_string()) }
                }
            });
        }
        if v.ty == TypeRef::Array(Box::new(TypeRef::String)) {
            impls.push(quote! {
                impl From<Vec<&str>> for #name {
                    fn from(value: Vec<&str>) -> Self { #name::#rust(value.into_iter().map(str::to_string).collect()) }
                }
            });
        }
    }
    quote!(#(#impls)*)
}

/// An untagged union: written as its alternative, read whole and then tried as each alternative
/// in turn (the first that fits wins), kept as `Unknown` when none fits.
fn untagged_serde(model: &UnionModel, used: SerdeUse) -> TokenStream {
    let ser_gate = full_serde_gate(used.serialize);
    let de_gate = full_serde_gate(used.deserialize);
    let name = ident(&model.name);
    let ser_arms = model.variants.iter().map(|v| {
        let rust = ident(&v.name);
        quote!(#name::#rust(inner) => inner.serialize(serializer),)
    });
    let tries = model.variants.iter().map(|v| {
        let rust = ident(&v.name);
        let ty = type_tokens(&v.ty);
        quote! {
            if let Some(inner) = crate::private::try_shape::<#ty>(&value) {
                return Ok(#name::#rust(inner));
            }
        }
    });
    let serialize = union_serialize(&name, &ser_gate, quote!(), ser_arms);
    let deserialize = union_deserialize(
        &name,
        &de_gate,
        quote! {
            #(#tries)*
            Ok(#name::Unknown(value))
        },
    );
    quote!(#serialize #deserialize)
}

/// A union's `Deserialize` impl: the JSON is read whole into `value`, which `body` turns into
/// an alternative (or `Unknown`).
fn union_deserialize(
    name: &proc_macro2::Ident,
    gate: &TokenStream,
    body: TokenStream,
) -> TokenStream {
    quote! {
        #gate
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                #body
            }
        }
    }
}

/// A union's `Serialize` impl: each alternative by its own arm, `Unknown` as the value it kept.
fn union_serialize(
    name: &proc_macro2::Ident,
    gate: &TokenStream,
    prelude: TokenStream,
    arms: impl Iterator<Item = TokenStream>,
) -> TokenStream {
    quote! {
        #gate
        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #prelude
                match self {
                    #(#arms)*
                    #name::Unknown(value) => value.serialize(serializer),
                }
            }
        }
    }
}

fn tagged_serde(
    model: &UnionModel,
    models: &BTreeMap<String, Model>,
    tag: &str,
    used: SerdeUse,
) -> TokenStream {
    let ser_gate = full_serde_gate(used.serialize);
    let de_gate = full_serde_gate(used.deserialize);
    let name = ident(&model.name);
    let ser_arms = model.variants.iter().map(|v| {
        let rust = ident(&v.name);
        let value = v.tags.first().cloned().unwrap_or_default();
        let carried = match &v.ty {
            TypeRef::Named(n) => models.get(n),
            _ => None,
        };
        // A struct alternative writes its fields into the union's map and the tag after them
        // when it lacks one; anything else goes through a JSON value.
        let Some(Model::Struct(carried)) = carried else {
            return quote!(#name::#rust(inner) => crate::private::serialize_tagged(serializer, #tag, #value, inner),);
        };
        let add_tag = match carried.fields.iter().find(|f| f.name.wire == tag) {
            Some(field) if field.required => {
                return quote!(#name::#rust(inner) => inner.serialize(serializer),);
            }
            Some(field) => {
                let field = ident(&field.name.rust);
                quote!(if inner.#field.is_none() { map.serialize_entry(#tag, #value)?; })
            }
            None => quote!(map.serialize_entry(#tag, #value)?;),
        };
        quote! {
            #name::#rust(inner) => {
                let mut map = serializer.serialize_map(None)?;
                inner.write_fields(&mut map)?;
                #add_tag
                map.end()
            }
        }
    });
    let de_arms = model.variants.iter().map(|v| {
        let rust = ident(&v.name);
        let tags = &v.tags;
        quote!(Some(#(#tags)|*) => crate::private::from_value(value).map(#name::#rust),)
    });
    let prelude = quote! {
        #[allow(unused_imports)]
        use serde::ser::SerializeMap as _;
    };
    let serialize = union_serialize(&name, &ser_gate, prelude, ser_arms);
    let deserialize = union_deserialize(
        &name,
        &de_gate,
        quote! {
            let tag = crate::private::tag_of(&value, #tag);
            match tag.as_deref() {
                #(#de_arms)*
                _ => Ok(#name::Unknown(value)),
            }
            .map_err(serde::de::Error::custom)
        },
    );
    quote!(#serialize #deserialize)
}

fn emit_alias(model: &AliasModel) -> TokenStream {
    let name = ident(&model.name);
    let ty = type_tokens(&model.ty);
    let doc = doc_attrs(&origin_doc(&model.origin, "Type"));
    quote! {
        #doc
        pub type #name = #ty;
    }
}
