//! The CI semver gate: the committed surface at a base commit against the working tree's, and the
//! crate version against Cargo's rule for what the changes need.
//!
//! It reads only committed files (`git show BASE:...`), so it needs neither the spec nor a build
//! of the crate; `cargo xtask codegen --check` runs before it in CI and guarantees the working
//! tree's surface matches the generator.

use std::path::Path;
use std::process::Command;

use super::classify::{any_breaking, classify, Change, Class};
use super::report::render;
use super::surface::{Surface, SURFACE_FILE, SURFACE_FORMAT};
use super::version::{Version, CRATE_MANIFEST};
use crate::error::{GenError, GenResult};

/// One side of the comparison.
#[derive(Debug, Clone)]
pub struct Side {
    /// The surface file's contents, read.
    pub surface: Surface,
    /// The crate version.
    pub version: Version,
}

/// What the gate concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Whether CI may go on.
    pub pass: bool,
    /// One line saying why.
    pub reason: String,
}

/// The rule: breaking changes need a Cargo-incompatible version bump; anything else passes.
pub fn decide(base: &Side, head: &Side, changes: &[Change]) -> Verdict {
    let breaking = changes
        .iter()
        .filter(|c| c.class == Class::Breaking)
        .count();
    let (old, new) = (base.version, head.version);
    if !any_breaking(changes) {
        return Verdict {
            pass: true,
            reason: format!("no breaking change (version {old} -> {new})"),
        };
    }
    if old.allows_breaking_to(new) {
        Verdict {
            pass: true,
            reason: format!(
                "{breaking} breaking change(s), covered by the version bump {old} -> {new}"
            ),
        }
    } else {
        Verdict {
            pass: false,
            reason: format!(
                "{breaking} breaking change(s) need version {} or later in {CRATE_MANIFEST} \
                 (it is {new}, was {old}); bump it in the same commit, or make the change additive",
                old.next_breaking()
            ),
        }
    }
}

/// The gate's output for one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// What to print: the report and the verdict, or why nothing was compared.
    pub text: String,
    /// 0 to let CI go on, 1 to stop it.
    pub exit: i32,
    /// Whether a base was found and compared (false: nothing to compare with, said in `text`).
    pub compared: bool,
}

/// Runs the gate in `root` against `base_rev`; prints the outcome and returns the exit code.
pub fn run(root: &Path, base_rev: &str) -> GenResult<i32> {
    let outcome = evaluate(root, base_rev)?;
    print!("{}", outcome.text);
    Ok(outcome.exit)
}

/// Compares the committed surface at `base_rev` with the working tree's, and applies the version rule.
pub fn evaluate(root: &Path, base_rev: &str) -> GenResult<Outcome> {
    let head = Side {
        surface: Surface::from_json(&read_file(root, SURFACE_FILE)?, SURFACE_FILE)?,
        version: Version::from_manifest(&read_file(root, CRATE_MANIFEST)?, CRATE_MANIFEST)?,
    };
    let base = match base_side(root, base_rev)? {
        Ok(side) => side,
        Err(why) => {
            // Nothing to compare with is not a silent pass: the reason is printed.
            return Ok(Outcome {
                text: format!(
                    "api gate: NOT CHECKED: {why}; the working tree's {SURFACE_FILE} \
                     is the baseline for the next commit\n"
                ),
                exit: 0,
                compared: false,
            });
        }
    };
    let changes = classify(&base.surface, &head.surface);
    let mut text = render(
        &changes,
        &format!("`{base_rev}` ({})", base.version),
        &format!("working tree ({})", head.version),
    );
    let verdict = decide(&base, &head, &changes);
    text.push_str(&format!(
        "api gate: {}: {}\n",
        if verdict.pass { "pass" } else { "FAILED" },
        verdict.reason
    ));
    Ok(Outcome {
        text,
        exit: if verdict.pass { 0 } else { 1 },
        compared: true,
    })
}

/// The base side, or why there is none (no such commit, or no surface file in it).
fn base_side(root: &Path, rev: &str) -> GenResult<Result<Side, String>> {
    if git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ],
    )?
    .is_none()
    {
        let shallow = git(root, &["rev-parse", "--is-shallow-repository"])?
            .is_some_and(|out| out.trim() == "true");
        return Ok(Err(if shallow {
            format!("`{rev}` is not in this shallow clone; fetch at least two commits of history")
        } else {
            format!("`{rev}` does not exist (the first commit has no previous one)")
        }));
    }
    let Some(surface_text) = git(root, &["show", &format!("{rev}:{SURFACE_FILE}")])? else {
        return Ok(Err(format!(
            "`{rev}` has no {SURFACE_FILE} (it predates the surface file)"
        )));
    };
    let manifest = git(root, &["show", &format!("{rev}:{CRATE_MANIFEST}")])?
        .ok_or_else(|| GenError::msg(format!("`{rev}` has no {CRATE_MANIFEST}")))?;
    let origin = format!("{rev}:{SURFACE_FILE}");
    // A file of another layout was written by another version of this gate: not comparable,
    // and said so, rather than failing every commit that changes the layout.
    let format = Surface::format_of(&surface_text, &origin)?;
    if format != Some(u64::from(SURFACE_FORMAT)) {
        return Ok(Err(format!(
            "{origin} has surface format {}, this gate reads {SURFACE_FORMAT}",
            format.map_or("(none)".to_string(), |f| f.to_string())
        )));
    }
    Ok(Ok(Side {
        surface: Surface::from_json(&surface_text, &origin)?,
        version: Version::from_manifest(&manifest, &format!("{rev}:{CRATE_MANIFEST}"))?,
    }))
}

/// Runs git in `root`: its stdout on success, `None` when git reports failure.
fn git(root: &Path, args: &[&str]) -> GenResult<Option<String>> {
    let output = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .map_err(|e| GenError::msg(format!("cannot run git: {e}")))?;
    Ok(output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned()))
}

fn read_file(root: &Path, relative: &str) -> GenResult<String> {
    let path = root.join(relative);
    std::fs::read_to_string(&path)
        .map_err(|e| GenError::msg(format!("cannot read: {e}")).in_file(&path))
}
