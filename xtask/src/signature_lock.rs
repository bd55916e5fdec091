//! `spec/signatures.lock`: the positional arguments of every method, as last reviewed.
//!
//! Required parameters are positional, so a spec change that renames, adds or reorders one could
//! hand a caller's value to another parameter of the same type without a compile error. Codegen
//! therefore refuses any change to an existing method's positional signature until the lock is
//! updated on purpose (`cargo xtask codegen --update-lock`). New methods are added to the lock
//! as they appear; removed ones fail to compile at the call site anyway.

use std::collections::BTreeMap;

use crate::error::{GenError, GenResult};
use crate::ir::Api;
use crate::spec_diff::surface::type_string;

/// Where the lock lives, relative to the repository root.
pub const LOCK_PATH: &str = "spec/signatures.lock";

/// Method path (`calls.actions.transfer`) to its positional signature (`(call_control_id: CallControlId, to: String)`).
pub type Signatures = BTreeMap<String, String>;

/// The positional signatures of every operation.
pub fn signatures(api: &Api) -> Signatures {
    let mut out = Signatures::new();
    for resource in &api.resources {
        for op in &resource.operations {
            let args: Vec<String> = op
                .arguments
                .iter()
                .map(|a| format!("{}: {}", a.name, type_string(&a.ty)))
                .collect();
            out.insert(
                format!("{}.{}", resource.path.join("."), op.method_name),
                format!("({})", args.join(", ")),
            );
        }
    }
    out
}

/// The lock file's text.
pub fn render(signatures: &Signatures) -> String {
    let mut out = String::from(
        "# Positional arguments of every method, as last reviewed. `cargo xtask codegen` refuses a spec\n\
         # change that alters one; review the callers, then run `cargo xtask codegen --update-lock`.\n",
    );
    for (method, signature) in signatures {
        out.push_str(&format!("{method}{signature}\n"));
    }
    out
}

/// Reads a lock file's text.
pub fn parse(text: &str) -> Signatures {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let open = l.find('(')?;
            Some((l[..open].to_string(), l[open..].to_string()))
        })
        .collect()
}

/// Fails when a method in both `locked` and `now` changed its positional signature.
pub fn check(locked: &Signatures, now: &Signatures) -> GenResult<()> {
    let changed: Vec<String> = now
        .iter()
        .filter_map(|(method, signature)| {
            let old = locked.get(method)?;
            (old != signature)
                .then(|| format!("  {method}\n    locked: {old}\n    now:    {signature}"))
        })
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    Err(GenError::msg(format!(
        "the spec change alters the positional arguments of {} method(s); a caller's value could \
         silently move to another parameter:\n{}\nreview the callers, then run `cargo xtask codegen --update-lock` ({LOCK_PATH})",
        changed.len(),
        changed.join("\n")
    )))
}
