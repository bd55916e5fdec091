//! Recursive types: a field that leads back to its own struct without a `Vec` or map in between
//! must be boxed, or the type would have infinite size.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Model, TypeRef};

/// Marks every field that closes a cycle of direct containment as boxed.
pub fn box_recursive_fields(models: &mut BTreeMap<String, Model>) {
    let mut to_box: Vec<(String, usize)> = Vec::new();
    for (name, model) in models.iter() {
        if let Model::Struct(s) = model {
            for (index, field) in s.fields.iter().enumerate() {
                if let TypeRef::Named(target) = &field.ty {
                    if reaches(models, target, name, &mut BTreeSet::new()) {
                        to_box.push((name.clone(), index));
                    }
                }
            }
        }
    }
    for (name, index) in to_box {
        if let Some(Model::Struct(s)) = models.get_mut(&name) {
            s.fields[index].boxed = true;
        }
    }
}

/// Whether `from` contains `to` directly (through struct fields, union variants and aliases).
fn reaches(
    models: &BTreeMap<String, Model>,
    from: &str,
    to: &str,
    seen: &mut BTreeSet<String>,
) -> bool {
    if from == to {
        return true;
    }
    if !seen.insert(from.to_string()) {
        return false;
    }
    let direct: Vec<&TypeRef> = match models.get(from) {
        Some(Model::Struct(s)) => s
            .fields
            .iter()
            .filter(|f| !f.boxed)
            .map(|f| &f.ty)
            .collect(),
        Some(Model::Union(u)) => u.variants.iter().map(|v| &v.ty).collect(),
        Some(Model::Alias(a)) => vec![&a.ty],
        _ => Vec::new(),
    };
    direct.into_iter().any(|ty| match ty {
        TypeRef::Named(next) => reaches(models, next, to, seen),
        _ => false,
    })
}
