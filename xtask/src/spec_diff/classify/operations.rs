//! Changes to operations: identity, Rust name, arguments, setters, response and pagination.

use std::collections::BTreeMap;

use super::{split_keys, Area, Changes, Class};
use crate::spec_diff::surface::{OperationSurface, Surface};

/// `calls.actions.answer` as `client.calls().actions().answer()`.
fn call(rust_path: &str) -> String {
    let calls: Vec<String> = rust_path.split('.').map(|s| format!("{s}()")).collect();
    format!("`client.{}`", calls.join("."))
}

pub(super) fn operations(out: &mut Changes, old: &Surface, new: &Surface) {
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
