//! One type per shape: inline enums and structs with the same shape become one model.
//!
//! A model's shape (its values, or its fields and their types) is kept apart from its name and
//! origin. Equal inline shapes are merged under one name: the component schema's when one of
//! them is a component, else the camel-case words their names end with alike
//! (`StartRecordingRequestChannels`, `CallRecordingSavedPayloadChannels` -> `Channels`), else the
//! shortest of their names. Components with equal shapes stay apart: each is a concept the spec
//! named. Merging enums can make structs equal, so passes repeat until nothing changes.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, Field, Model, TypeRef};
use crate::names::camel;

/// Names no merged type may take (the generated modules' own items).
const RESERVED: &[&str] = &[
    "Client",
    "Data",
    "Page",
    "Request",
    "Response",
    "Error",
    "WebhookEvent",
];

/// Merges equal shapes until none are left.
pub fn merge_equal_shapes(api: &mut Api) {
    for _ in 0..16 {
        let renames = merges(api);
        if renames.is_empty() {
            return;
        }
        api.rename_models(&renames);
    }
}

/// A comparable description of a model's shape, for the models that can merge.
fn shape_key(model: &Model) -> Option<String> {
    match model {
        Model::Enum(e) => {
            let mut values: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
            values.sort_unstable();
            Some(format!("enum {values:?}"))
        }
        Model::Struct(s) => {
            let fields: Vec<String> = s.fields.iter().map(field_key).collect();
            Some(format!("struct {fields:?} {:?}", s.presence))
        }
        _ => None,
    }
}

fn field_key(f: &Field) -> String {
    format!(
        "{}:{}:{:?}:{}:{}:{}",
        f.name.wire, f.name.rust, f.ty, f.required, f.nullable, f.boxed
    )
}

fn is_component(model: &Model) -> bool {
    match model {
        Model::Enum(e) => e.origin.schema.is_some(),
        Model::Struct(s) => s.origin.schema.is_some(),
        _ => true,
    }
}

/// For each model, the wire names of the properties and parameters that hold it.
fn holders(api: &Api) -> BTreeMap<String, Vec<String>> {
    fn named(ty: &TypeRef) -> Option<&str> {
        match ty {
            TypeRef::Named(n) => Some(n),
            TypeRef::Array(inner) | TypeRef::Map(inner) => named(inner),
            _ => None,
        }
    }
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut add = |ty: &TypeRef, wire: &str| {
        if let Some(name) = named(ty) {
            out.entry(name.to_string())
                .or_default()
                .push(wire.to_string());
        }
    };
    for model in api.models.values() {
        if let Model::Struct(s) = model {
            for f in &s.fields {
                add(&f.ty, &f.name.wire);
            }
        }
    }
    for op in api.resources.iter().flat_map(|r| &r.operations) {
        for p in op.path_params.iter().chain(&op.query_params) {
            add(&p.ty, &p.name.wire);
        }
    }
    out
}

/// The name of a merged type, the first of: the longest property name of two or more words
/// that holds at least two of its members (`record_channels` -> `RecordChannels`); when all
/// holding properties end in the same word, the most used of them with two or more words; the words all
/// member names start and end with (`CallAnsweredPayload`, `CallHoldPayload` -> `CallPayload`),
/// when that is two or more words; the shortest member name.
fn merged_name(members: &[&str], holders: &BTreeMap<String, Vec<String>>) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for member in members {
        let mut seen: Vec<String> = holders.get(*member).cloned().unwrap_or_default();
        seen.sort();
        seen.dedup();
        for wire in seen {
            *counts.entry(camel(&wire)).or_default() += 1;
        }
    }
    let shared = counts
        .iter()
        .filter(|(name, count)| **count >= 2 && camel_words(name).len() >= 2)
        .max_by_key(|(name, count)| (name.len(), **count, std::cmp::Reverse((*name).clone())));
    if let Some((name, _)) = shared {
        return name.clone();
    }
    // Holders that all end in the same word name one concept: take the most specific of them
    // (`channels`, `record_channels` -> `RecordChannels`).
    let last_words: BTreeSet<&str> = counts
        .keys()
        .filter_map(|name| camel_words(name).last().copied())
        .collect();
    if last_words.len() == 1 {
        if let Some((name, _)) = counts
            .iter()
            .filter(|(name, _)| camel_words(name).len() >= 2)
            .max_by_key(|(name, count)| (**count, name.len(), std::cmp::Reverse((*name).clone())))
        {
            return name.clone();
        }
    }
    let prefix = common_word_prefix(members);
    let suffix = common_word_suffix(members);
    let words = camel_words(&prefix).len() + camel_words(&suffix).len();
    let shortest = members.iter().map(|m| m.len()).min().unwrap_or(0);
    if !prefix.is_empty() && words >= 2 && prefix.len() + suffix.len() < shortest {
        return format!("{prefix}{suffix}");
    }
    if camel_words(&suffix).len() >= 2 {
        return suffix;
    }
    let mut sorted = members.to_vec();
    sorted.sort_by_key(|n| (n.len(), *n));
    sorted[0].to_string()
}

/// The camel-case words every name starts with (`CallAnswered`, `CallHold` -> `Call`).
fn common_word_prefix(names: &[&str]) -> String {
    let words: Vec<Vec<&str>> = names.iter().map(|n| camel_words(n)).collect();
    let mut prefix = String::new();
    if words.is_empty() {
        return prefix;
    }
    for (i, word) in words[0].iter().enumerate() {
        if words.iter().all(|w| w.get(i) == Some(word)) {
            prefix.push_str(word);
        } else {
            break;
        }
    }
    prefix
}

/// One round: old name to merged name.
fn merges(api: &Api) -> BTreeMap<String, String> {
    let holders = holders(api);
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (name, model) in &api.models {
        if let Some(key) = shape_key(model) {
            groups.entry(key).or_default().push(name);
        }
    }
    let mut taken: BTreeSet<String> = api.models.keys().cloned().collect();
    let mut renames = BTreeMap::new();
    for members in groups.values().filter(|m| m.len() > 1) {
        let inline: Vec<&str> = members
            .iter()
            .copied()
            .filter(|n| !is_component(&api.models[*n]))
            .collect();
        if inline.is_empty() {
            continue;
        }
        let component = members
            .iter()
            .copied()
            .find(|n| is_component(&api.models[*n]));
        let target = match component {
            Some(component) => component.to_string(),
            None => {
                let wanted = merged_name(&inline, &holders);
                let free = |n: &str| {
                    !n.is_empty()
                        && !RESERVED.contains(&n)
                        && (!taken.contains(n) || inline.contains(&n))
                };
                if free(&wanted) {
                    wanted
                } else {
                    let mut sorted = inline.clone();
                    sorted.sort_by_key(|n| (n.len(), *n));
                    sorted[0].to_string()
                }
            }
        };
        taken.insert(target.clone());
        for name in inline {
            if name != target {
                renames.insert(name.to_string(), target.clone());
            }
        }
    }
    renames
}

/// The camel-case words every name ends with (`AChannels`, `BRecordChannels` -> `Channels`).
fn common_word_suffix(names: &[&str]) -> String {
    let words: Vec<Vec<&str>> = names.iter().map(|n| camel_words(n)).collect();
    if words.is_empty() {
        return String::new();
    }
    let mut suffix: Vec<&str> = Vec::new();
    for back in 1.. {
        let Some(word) = words[0].len().checked_sub(back).map(|i| words[0][i]) else {
            break;
        };
        let all = words
            .iter()
            .all(|w| w.len().checked_sub(back).is_some_and(|i| w[i] == word));
        if !all {
            break;
        }
        suffix.insert(0, word);
    }
    suffix.concat()
}

/// Splits `CallRecordingSaved` into `Call`, `Recording`, `Saved` (digits stay with their word).
fn camel_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    if name.is_empty() {
        return words;
    }
    let mut start = 0;
    for (i, ch) in name.char_indices().skip(1) {
        if ch.is_ascii_uppercase() {
            words.push(&name[start..i]);
            start = i;
        }
    }
    words.push(&name[start..]);
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_of_camel_words() {
        assert_eq!(
            common_word_suffix(&[
                "StartRecordingRequestChannels",
                "AnswerRequestRecordChannels"
            ]),
            "Channels"
        );
        assert_eq!(
            common_word_suffix(&["ARecordChannels", "BRecordChannels"]),
            "RecordChannels"
        );
        assert_eq!(common_word_suffix(&["Foo", "Bar"]), "");
    }
}
