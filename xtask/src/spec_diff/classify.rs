//! Two surfaces to a list of changes, each classified by what it does to code using the crate.
//!
//! Breaking: some code that compiled (or decoded) against the old crate no longer does.
//! Additive: existing code keeps compiling; there is something new, or only the wire behavior moved.

use std::collections::BTreeMap;

use super::surface::{ModelSurface, OperationSurface, Surface};

/// Whether a change can break code using the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// Existing code may stop compiling or decoding.
    Breaking,
    /// Existing code keeps compiling.
    Additive,
}

/// The part of the surface a change is in; the report groups by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Area {
    /// Client methods, their arguments, setters and responses.
    Operations,
    /// Structs, enums, unions and aliases.
    Models,
    /// `WebhookEvent` variants.
    Events,
}

impl Area {
    /// Heading word in the report.
    pub fn title(self) -> &'static str {
        match self {
            Area::Operations => "Operations",
            Area::Models => "Models",
            Area::Events => "Webhook events",
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Breaking or additive.
    pub class: Class,
    /// Where in the surface.
    pub area: Area,
    /// What changed: an operation (`POST /calls`), a model or field (`Call.to`), an event type.
    pub subject: String,
    /// How it changed, in Markdown.
    pub detail: String,
}

/// Every change from `old` to `new`, sorted by class, area and subject.
pub fn classify(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut out = Changes::default();
    operations(&mut out, old, new);
    models(&mut out, old, new);
    events(&mut out, old, new);
    let mut changes = out.0;
    changes.sort();
    changes
}

/// Whether any change is breaking.
pub fn any_breaking(changes: &[Change]) -> bool {
    changes.iter().any(|c| c.class == Class::Breaking)
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, class: Class, area: Area, subject: &str, detail: String) {
        self.0.push(Change {
            class,
            area,
            subject: subject.to_string(),
            detail,
        });
    }
}

/// Keys only in `old`, only in `new`, and in both.
fn split_keys<'a, V>(
    old: &'a BTreeMap<String, V>,
    new: &'a BTreeMap<String, V>,
) -> (Vec<&'a String>, Vec<&'a String>, Vec<&'a String>) {
    let removed = old.keys().filter(|k| !new.contains_key(*k)).collect();
    let added = new.keys().filter(|k| !old.contains_key(*k)).collect();
    let kept = old.keys().filter(|k| new.contains_key(*k)).collect();
    (removed, added, kept)
}

/// `calls.actions.answer` as `client.calls().actions().answer()`.
fn call(rust_path: &str) -> String {
    let calls: Vec<String> = rust_path.split('.').map(|s| format!("{s}()")).collect();
    format!("`client.{}`", calls.join("."))
}

fn operations(out: &mut Changes, old: &Surface, new: &Surface) {
    use Area::Operations as A;
    let (removed, added, kept) = split_keys(&old.operations, &new.operations);
    for key in removed {
        let op = &old.operations[key];
        out.push(
            Class::Breaking,
            A,
            key,
            format!("removed ({})", call(&op.rust_path)),
        );
    }
    for key in added {
        let op = &new.operations[key];
        out.push(
            Class::Additive,
            A,
            key,
            format!("added as {}", call(&op.rust_path)),
        );
    }
    for key in kept {
        operation(out, key, &old.operations[key], &new.operations[key]);
    }
}

fn operation(out: &mut Changes, key: &str, old: &OperationSurface, new: &OperationSurface) {
    use Area::Operations as A;
    if old.rust_path != new.rust_path {
        out.push(
            Class::Breaking,
            A,
            key,
            format!(
                "renamed: {} is now {}",
                call(&old.rust_path),
                call(&new.rust_path)
            ),
        );
    }
    if old.builder != new.builder {
        out.push(
            Class::Breaking,
            A,
            key,
            format!(
                "request builder `{}` renamed to `{}`",
                old.builder, new.builder
            ),
        );
    }
    if old.operation_id != new.operation_id {
        out.push(
            Class::Additive,
            A,
            key,
            format!(
                "operationId `{}` is now `{}` (not part of the Rust API)",
                old.operation_id, new.operation_id
            ),
        );
    }
    arguments_and_setters(out, key, old, new);
    if old.response != new.response {
        out.push(
            Class::Breaking,
            A,
            key,
            format!("response `{}` is now `{}`", old.response, new.response),
        );
    }
    match (old.paginated, new.paginated) {
        (true, false) => out.push(
            Class::Breaking,
            A,
            key,
            "no longer paginated: `into_stream` is gone".to_string(),
        ),
        (false, true) => out.push(
            Class::Additive,
            A,
            key,
            "now paginated: `into_stream` walks the pages".to_string(),
        ),
        _ => {}
    }
    if !old.deprecated && new.deprecated {
        out.push(Class::Additive, A, key, "now deprecated".to_string());
    }
}

fn arguments_and_setters(
    out: &mut Changes,
    key: &str,
    old: &OperationSurface,
    new: &OperationSurface,
) {
    use Area::Operations as A;
    let old_args: BTreeMap<&str, &str> = old
        .args
        .iter()
        .map(|a| (a.name.as_str(), a.ty.as_str()))
        .collect();
    let new_args: BTreeMap<&str, &str> = new
        .args
        .iter()
        .map(|a| (a.name.as_str(), a.ty.as_str()))
        .collect();
    for (name, ty) in &old_args {
        match (new_args.get(name), new.setters.get(*name)) {
            (Some(new_ty), _) if new_ty != ty => out.push(
                Class::Breaking,
                A,
                key,
                format!("argument `{name}` retyped from `{ty}` to `{new_ty}`"),
            ),
            (Some(_), _) => {}
            (None, Some(setter_ty)) => out.push(
                Class::Breaking,
                A,
                key,
                format!(
                    "`{name}` is no longer required: the argument became the setter `{name}({setter_ty})`"
                ),
            ),
            (None, None) => out.push(
                Class::Breaking,
                A,
                key,
                format!("argument `{name}: {ty}` removed"),
            ),
        }
    }
    for (name, ty) in &new_args {
        if old_args.contains_key(name) {
            continue;
        }
        let detail = match old.setters.get(*name) {
            Some(_) => {
                format!("`{name}` is now required: the setter became the argument `{name}: {ty}`")
            }
            None => format!("new required argument `{name}: {ty}`"),
        };
        out.push(Class::Breaking, A, key, detail);
    }
    let kept_in_both: Vec<&str> = old
        .args
        .iter()
        .map(|a| a.name.as_str())
        .filter(|n| new_args.contains_key(n))
        .collect();
    let kept_new_order: Vec<&str> = new
        .args
        .iter()
        .map(|a| a.name.as_str())
        .filter(|n| old_args.contains_key(n))
        .collect();
    if kept_in_both != kept_new_order {
        out.push(
            Class::Breaking,
            A,
            key,
            format!(
                "arguments reordered from ({}) to ({})",
                kept_in_both.join(", "),
                kept_new_order.join(", ")
            ),
        );
    }
    for (name, ty) in &old.setters {
        match new.setters.get(name) {
            Some(new_ty) if new_ty != ty => out.push(
                Class::Breaking,
                A,
                key,
                format!("setter `{name}` retyped from `{ty}` to `{new_ty}`"),
            ),
            Some(_) => {}
            // Became an argument: reported with the arguments.
            None if new_args.contains_key(name.as_str()) => {}
            None => out.push(
                Class::Breaking,
                A,
                key,
                format!("setter `{name}({ty})` removed"),
            ),
        }
    }
    for (name, ty) in &new.setters {
        if !old.setters.contains_key(name) && !old_args.contains_key(name.as_str()) {
            out.push(
                Class::Additive,
                A,
                key,
                format!("new setter `{name}({ty})`"),
            );
        }
    }
}

fn models(out: &mut Changes, old: &Surface, new: &Surface) {
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
    old: &BTreeMap<String, super::surface::FieldSurface>,
    new: &BTreeMap<String, super::surface::FieldSurface>,
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

fn events(out: &mut Changes, old: &Surface, new: &Surface) {
    use Area::Events as A;
    let (removed, added, kept) = split_keys(&old.events, &new.events);
    for event in removed {
        let e = &old.events[event];
        out.push(
            Class::Breaking,
            A,
            event,
            format!("removed (variant `WebhookEvent::{}`)", e.variant),
        );
    }
    for event in added {
        let e = &new.events[event];
        out.push(
            Class::Additive,
            A,
            event,
            format!(
                "new variant `WebhookEvent::{}({})` (non-exhaustive: older builds read it as `Unknown`)",
                e.variant, e.model
            ),
        );
    }
    for event in kept {
        let (o, n) = (&old.events[event], &new.events[event]);
        if o.variant != n.variant {
            out.push(
                Class::Breaking,
                A,
                event,
                format!(
                    "variant `WebhookEvent::{}` renamed to `{}`",
                    o.variant, n.variant
                ),
            );
        }
        if o.model != n.model {
            out.push(
                Class::Breaking,
                A,
                event,
                format!("carries `{}` instead of `{}`", n.model, o.model),
            );
        }
    }
}
