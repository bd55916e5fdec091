//! Identifier making: one place turns wire names into Rust names, one place makes them unique.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// A name as it is on the wire and as it is in Rust, side by side.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Name {
    /// The exact spelling in the spec (property, parameter, enum value).
    pub wire: String,
    /// A valid Rust identifier (raw identifiers are spelled without `r#`; see [`is_keyword`]).
    pub rust: String,
}

/// Splits a wire name into words that heck can case, keeping digits and letters only.
fn clean(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len());
    for ch in wire.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if ch == '+' {
            out.push_str(" plus ");
        } else {
            out.push(' ');
        }
    }
    out
}

/// `snake_case` identifier for fields, methods and modules.
pub fn snake(wire: &str) -> String {
    let mut ident = clean(wire).to_snake_case();
    if ident.is_empty() {
        ident.push_str("value");
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert_str(0, "n_");
    }
    if is_keyword(&ident) {
        ident.push('_');
    }
    ident
}

/// `UpperCamelCase` identifier for types and variants.
pub fn camel(wire: &str) -> String {
    let mut ident = clean(wire).to_upper_camel_case();
    if ident.is_empty() {
        ident.push_str("Empty");
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, 'V');
    }
    if is_keyword(&ident) {
        ident.push_str("Value");
    }
    ident
}

/// Whether `ident` cannot be used as a plain identifier. Asks `syn`, so the list is never partial.
pub fn is_keyword(ident: &str) -> bool {
    syn::parse_str::<syn::Ident>(ident).is_err()
}

/// Hands out names unique within one scope, suffixing `2`, `3`, ... on collisions.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` names are already taken.
    pub fn with_reserved<I: IntoIterator<Item = S>, S: Into<String>>(reserved: I) -> Self {
        Scope {
            taken: reserved.into_iter().map(Into::into).collect(),
        }
    }

    /// Returns `wanted` if free, else the first free `wanted2`, `wanted3`, ... (snake names get `_2`).
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let separator = if wanted.contains('_') || wanted.chars().all(|c| c.is_ascii_lowercase()) {
            "_"
        } else {
            ""
        };
        let mut n = 2;
        loop {
            let candidate = format!("{wanted}{separator}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }

    /// Whether the name is already taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_names() {
        assert_eq!(snake("call_control_id"), "call_control_id");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("loop"), "loop_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("from"), "from");
        assert_eq!(snake("page[number]"), "page_number");
        assert_eq!(snake("8000"), "n_8000");
        assert_eq!(snake("SendDTMF"), "send_dtmf");
        assert_eq!(snake(""), "value");
    }

    #[test]
    fn camel_names() {
        assert_eq!(camel("call-control_Errors"), "CallControlErrors");
        assert_eq!(camel("San Jose, CA"), "SanJoseCa");
        assert_eq!(camel("RFC 2833"), "Rfc2833");
        assert_eq!(camel("1"), "V1");
        assert_eq!(camel("self"), "SelfValue");
        assert_eq!(camel("call.answered"), "CallAnswered");
        assert_eq!(
            camel("G722,PCMU,PCMA,G729,OPUS,VP8,H264"),
            "G722PcmuPcmaG729OpusVp8H264"
        );
        assert_eq!(camel(""), "Empty");
        assert_eq!(camel("+"), "Plus");
    }

    #[test]
    fn scope_suffixes() {
        let mut scope = Scope::with_reserved(["Unknown"]);
        assert_eq!(scope.claim("Unknown"), "Unknown2");
        assert_eq!(scope.claim("A"), "A");
        assert_eq!(scope.claim("A"), "A2");
        let mut fields = Scope::default();
        assert_eq!(fields.claim("call_control_id"), "call_control_id");
        assert_eq!(fields.claim("call_control_id"), "call_control_id_2");
    }
}
