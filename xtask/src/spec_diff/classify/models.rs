//! Changes to models: kinds, struct fields, enum values, union variants, alias targets, and
//! models replaced by a same-shaped one under another name.

use std::collections::BTreeMap;

use super::{split_keys, Area, Changes, Class};
use crate::spec_diff::surface::{FieldSurface, ModelSurface, Surface};

pub(super) fn models(out: &mut Changes, old: &Surface, new: &Surface) {
    use Area::Models as A;
    let (removed, added, kept) = split_keys(&old.models, &new.models);
    let replacements = replacements(old, new, &removed, &added);
    for name in removed {
        let kind = old.models[name].kind();
        let detail = match replacements.get(name) {
            Some(target) => format!("{kind} replaced by `{target}`, which has the same shape"),
            None => format!("{kind} removed"),
        };
        out.push(Class::Breaking, A, name, detail);
    }
    for name in added {
        if replacements.values().any(|target| *target == name) {
            continue;
        }
        let kind = new.models[name].kind();
        out.push(Class::Additive, A, name, format!("new {kind}"));
    }
    for name in kept {
        model(out, name, &old.models[name], &new.models[name]);
    }
}

/// Removed models paired with the one added model of the same shape: renamed, or merged into it
/// (deduplicated enums). Shapes are compared with the pairs found so far applied to the old
/// model's type names, so a renamed struct whose inline enums were renamed with it still pairs.
fn replacements<'a>(
    old: &'a Surface,
    new: &'a Surface,
    removed: &[&'a String],
    added: &[&'a String],
) -> BTreeMap<&'a String, &'a String> {
    let mut found: BTreeMap<&String, &String> = BTreeMap::new();
    loop {
        let renames: BTreeMap<&str, &str> = found
            .iter()
            .map(|(o, n)| (o.as_str(), n.as_str()))
            .collect();
        let before = found.len();
        let unpaired: Vec<&&String> = removed.iter().filter(|n| !found.contains_key(*n)).collect();
        for name in unpaired {
            let shape = shape(&old.models[*name], &renames);
            let mut same = added
                .iter()
                .filter(|a| shape == self::shape(&new.models[**a], &BTreeMap::new()));
            if let (Some(target), None) = (same.next(), same.next()) {
                found.insert(name, target);
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// A model without where it is used, its type names passed through `renames`.
fn shape(model: &ModelSurface, renames: &BTreeMap<&str, &str>) -> ModelSurface {
    let rename = |ty: &String| rename_types(ty, renames);
    match model {
        ModelSurface::Struct { fields, .. } => ModelSurface::Struct {
            fields: fields
                .iter()
                .map(|(name, f)| {
                    let mut f = f.clone();
                    f.ty = rename(&f.ty);
                    (name.clone(), f)
                })
                .collect(),
            defaultable: false,
            written: false,
            read: false,
        },
        ModelSurface::Union { variants } => ModelSurface::Union {
            variants: variants
                .iter()
                .map(|(name, ty)| (name.clone(), rename(ty)))
                .collect(),
        },
        ModelSurface::Alias { target } => ModelSurface::Alias {
            target: rename(target),
        },
        ModelSurface::Id {} => ModelSurface::Id {},
        ModelSurface::Enum { .. } => model.clone(),
    }
}

/// `ty` with each identifier found in `renames` replaced (`Option<Vec<A>>` with A -> B).
fn rename_types(ty: &str, renames: &BTreeMap<&str, &str>) -> String {
    let mut out = String::with_capacity(ty.len());
    let mut ident = String::new();
    for ch in ty.chars().chain(std::iter::once(' ')) {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            ident.push(ch);
            continue;
        }
        out.push_str(renames.get(ident.as_str()).copied().unwrap_or(&ident));
        ident.clear();
        out.push(ch);
    }
    out.pop();
    out
}

fn model(out: &mut Changes, name: &str, old: &ModelSurface, new: &ModelSurface) {
    use Area::Models as A;
    match (old, new) {
        (
            ModelSurface::Struct {
                fields: old_fields,
                defaultable: old_default,
                ..
            },
            ModelSurface::Struct {
                fields: new_fields,
                defaultable: new_default,
                written,
                ..
            },
        ) => {
            struct_fields(out, name, old_fields, new_fields, *written, *new_default);
            if *old_default && !*new_default {
                out.push(
                    Class::Breaking,
                    A,
                    name,
                    "no longer implements `Default` (it has a required field now)".to_string(),
                );
            }
        }
        (ModelSurface::Enum { values: old_values }, ModelSurface::Enum { values: new_values }) => {
            let (removed, added, kept) = split_keys(old_values, new_values);
            for wire in removed {
                let variant = &old_values[wire];
                out.push(
                    Class::Breaking,
                    A,
                    name,
                    format!("value `{wire}` removed (variant `{variant}`)"),
                );
            }
            for wire in added {
                let variant = &new_values[wire];
                out.push(
                    Class::Additive,
                    A,
                    name,
                    format!(
                        "new value `{wire}` (variant `{variant}`; the enum is non-exhaustive and older builds read it as `Unknown`)"
                    ),
                );
            }
            for wire in kept {
                if old_values[wire] != new_values[wire] {
                    out.push(
                        Class::Breaking,
                        A,
                        name,
                        format!(
                            "value `{wire}`: variant `{}` renamed to `{}`",
                            old_values[wire], new_values[wire]
                        ),
                    );
                }
            }
        }
        (
            ModelSurface::Union {
                variants: old_variants,
            },
            ModelSurface::Union {
                variants: new_variants,
            },
        ) => {
            let (removed, added, kept) = split_keys(old_variants, new_variants);
            for variant in removed {
                out.push(
                    Class::Breaking,
                    A,
                    name,
                    format!("variant `{variant}({})` removed", old_variants[variant]),
                );
            }
            for variant in added {
                out.push(
                    Class::Breaking,
                    A,
                    name,
                    format!(
                        "new variant `{variant}({})` (unions are exhaustive: a `match` must handle it)",
                        new_variants[variant]
                    ),
                );
            }
            for variant in kept {
                if old_variants[variant] != new_variants[variant] {
                    out.push(
                        Class::Breaking,
                        A,
                        name,
                        format!(
                            "variant `{variant}` carries `{}` instead of `{}`",
                            new_variants[variant], old_variants[variant]
                        ),
                    );
                }
            }
        }
        (
            ModelSurface::Alias { target: old_target },
            ModelSurface::Alias { target: new_target },
        ) => {
            if old_target != new_target {
                out.push(
                    Class::Breaking,
                    A,
                    name,
                    format!("alias of `{old_target}` is now an alias of `{new_target}`"),
                );
            }
        }
        (ModelSurface::Id {}, ModelSurface::Id {}) => {}
        _ => out.push(
            Class::Breaking,
            A,
            name,
            format!("was a {}, is now a {}", old.kind(), new.kind()),
        ),
    }
}

fn struct_fields(
    out: &mut Changes,
    model: &str,
    old: &BTreeMap<String, FieldSurface>,
    new: &BTreeMap<String, FieldSurface>,
    written: bool,
    defaultable: bool,
) {
    use Area::Models as A;
    let (removed, added, kept) = split_keys(old, new);
    for name in removed {
        let f = &old[name];
        let why = if f.ty.starts_with("Option<") {
            "code reading it no longer compiles"
        } else {
            "code reading or setting it no longer compiles"
        };
        out.push(
            Class::Breaking,
            A,
            &format!("{model}.{name}"),
            format!("removed (was `{}`; {why})", f.ty),
        );
    }
    for name in added {
        let f = &new[name];
        let subject = format!("{model}.{name}");
        if !f.ty.starts_with("Option<") {
            out.push(
                Class::Breaking,
                A,
                &subject,
                format!(
                    "new required field `{}` (struct literals must set it)",
                    f.ty
                ),
            );
        } else if written && !defaultable {
            out.push(
                Class::Breaking,
                A,
                &subject,
                format!(
                    "new optional field `{}` in a struct users build that has no `Default` (struct literals must set it)",
                    f.ty
                ),
            );
        } else {
            out.push(
                Class::Additive,
                A,
                &subject,
                format!("new optional field `{}`", f.ty),
            );
        }
    }
    for name in kept {
        let (o, n) = (&old[name], &new[name]);
        let subject = format!("{model}.{name}");
        if o.ty != n.ty {
            let how = match (o.ty.starts_with("Option<"), n.ty.starts_with("Option<")) {
                (false, true) => " (no longer required)",
                (true, false) => " (now required)",
                _ => "",
            };
            out.push(
                Class::Breaking,
                A,
                &subject,
                format!("retyped from `{}` to `{}`{how}", o.ty, n.ty),
            );
        } else if o.required != n.required || o.nullable != n.nullable {
            out.push(
                Class::Additive,
                A,
                &subject,
                format!(
                    "now {} (the Rust type `{}` is unchanged)",
                    presence(n.required, n.nullable),
                    n.ty
                ),
            );
        }
        if o.wire != n.wire {
            out.push(
                Class::Additive,
                A,
                &subject,
                format!(
                    "sent as `{}` instead of `{}` (the Rust name is unchanged)",
                    n.wire, o.wire
                ),
            );
        }
    }
}

fn presence(required: bool, nullable: bool) -> &'static str {
    match (required, nullable) {
        (true, true) => "required and nullable",
        (true, false) => "required",
        (false, true) => "optional and nullable",
        (false, false) => "optional",
    }
}
