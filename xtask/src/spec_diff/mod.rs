//! What a spec update changes for users of the crate, and the CI gate that keeps releases honest.
//!
//! - `cargo xtask spec diff OLD NEW`: builds both specs' intermediate representations with the
//!   same pipeline as `codegen`, projects each onto its public [`surface`], [`classify`]es every
//!   difference as breaking or additive, and prints a Markdown [`report`]; exit status
//!   [`EXIT_BREAKING`] when anything is breaking.
//! - `cargo xtask spec pin PATH`: the same report against the pinned spec, added to
//!   [`changelog::CHANGELOG_FILE`], then the pin is rewritten.
//! - `cargo xtask spec gate [--base REV]`: the committed surface at `REV` (default `HEAD~1`)
//!   against the working tree's, plus the crate [`version`] rule ([`gate`]).

pub mod changelog;
pub mod classify;
pub mod gate;
pub mod report;
pub mod surface;
#[cfg(test)]
mod tests;
pub mod version;

use std::fs;
use std::path::Path;

use crate::codegen::build_api;
use crate::config::Config;
use crate::error::{GenError, GenResult};
use crate::parse::load_spec;
use crate::spec_source::{locate_and_read, pin_file, sha256_hex, Pin, SpecFile, SpecOrigin};
use surface::{Surface, SURFACE_FILE};

/// Exit status of `spec diff` when some change is breaking (1 is a failure, 2 a usage error).
pub const EXIT_BREAKING: i32 = 3;

/// The word standing for the pinned spec in `spec diff`.
const PINNED: &str = "pinned";

/// The `spec` subcommands this module owns.
pub const SUBCOMMANDS: &[&str] = &["diff", "pin", "gate"];

/// Runs `spec diff|pin|gate`; `args` are the words after `spec`. Returns the exit code.
pub fn run(root: &Path, args: &[String]) -> GenResult<i32> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["diff", old, new] => diff(root, old, new),
        ["pin", path] => pin(root, Path::new(path)).map(|()| 0),
        ["gate"] => gate::run(root, "HEAD~1"),
        ["gate", "--base", rev] => gate::run(root, rev),
        _ => Err(GenError::msg(
            "usage: cargo xtask spec diff OLD NEW | spec pin PATH | spec gate [--base REV]",
        )),
    }
}

/// Prints the report from `old` to `new` (each a spec path or `pinned`).
fn diff(root: &Path, old: &str, new: &str) -> GenResult<i32> {
    let old = surface_of(root, old)?;
    let new = surface_of(root, new)?;
    let changes = classify::classify(&old, &new);
    print!(
        "{}",
        report::render(
            &changes,
            &report::spec_label(&old.spec_sha256),
            &report::spec_label(&new.spec_sha256)
        )
    );
    Ok(if classify::any_breaking(&changes) {
        EXIT_BREAKING
    } else {
        0
    })
}

/// The surface of the spec at `which`: a path, or `pinned` for the pinned copy found the usual way.
fn surface_of(root: &Path, which: &str) -> GenResult<Surface> {
    let file = if which == PINNED {
        locate_and_read(root, None, &Pin::load(root)?, false)?
    } else {
        read_spec(Path::new(which))?
    };
    surface_of_file(root, &file)
}

fn read_spec(path: &Path) -> GenResult<SpecFile> {
    let bytes = fs::read(path)
        .map_err(|e| GenError::msg(format!("cannot read the spec: {e}")).in_file(path))?;
    Ok(SpecFile {
        path: path.to_path_buf(),
        origin: SpecOrigin::Flag,
        sha256: sha256_hex(&bytes),
        bytes,
    })
}

/// load -> normalize -> parse -> select -> build, as `codegen` does, then the projection.
fn surface_of_file(root: &Path, file: &SpecFile) -> GenResult<Surface> {
    let parsed = load_spec(file)?;
    let config = Config::load(&root.join("spec/voice.toml"))?;
    let api =
        build_api(&parsed, &config, &file.sha256, false).map_err(|e| e.in_file(&file.path))?;
    Ok(Surface::from_api(&api))
}

/// Reports what pinning `path` changes, adds the report to the changelog, then rewrites the pin.
///
/// The old side is the pinned spec when a copy is at hand, otherwise the committed surface file
/// (which `codegen --check` keeps equal to the pinned spec's); the report says which.
fn pin(root: &Path, path: &Path) -> GenResult<()> {
    let new = surface_of_file(root, &read_spec(path)?)?;
    let old = match Pin::load(root).and_then(|p| locate_and_read(root, None, &p, false)) {
        Ok(file) => surface_of_file(root, &file)?,
        Err(why) => {
            println!(
                "pinned spec not at hand ({why}); comparing with the committed {SURFACE_FILE}"
            );
            let surface_path = root.join(SURFACE_FILE);
            let text = fs::read_to_string(&surface_path)
                .map_err(|e| GenError::msg(format!("cannot read: {e}")).in_file(&surface_path))?;
            Surface::from_json(&text, SURFACE_FILE)?
        }
    };
    let changes = classify::classify(&old, &new);
    let text = report::render(
        &changes,
        &report::spec_label(&old.spec_sha256),
        &report::spec_label(&new.spec_sha256),
    );
    print!("{text}");
    if changes.is_empty() {
        println!("{} left as is: nothing to add", changelog::CHANGELOG_FILE);
    } else {
        let file = root.join(changelog::CHANGELOG_FILE);
        // A missing changelog is created; one that cannot be read is never overwritten.
        let existing = match fs::read_to_string(&file) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(GenError::msg(format!("cannot read: {e}")).in_file(&file)),
        };
        fs::write(
            &file,
            changelog::add_to_unreleased(existing.as_deref(), &text),
        )
        .map_err(|e| GenError::msg(format!("cannot write: {e}")).in_file(&file))?;
        println!(
            "report added to {} under ## Unreleased",
            changelog::CHANGELOG_FILE
        );
    }
    if classify::any_breaking(&changes) {
        // Only a hint: the gate in CI is what enforces the version.
        let manifest = root.join(version::CRATE_MANIFEST);
        let current = fs::read_to_string(&manifest)
            .ok()
            .and_then(|text| version::Version::from_manifest(&text, version::CRATE_MANIFEST).ok());
        if let Some(current) = current {
            println!(
                "breaking: the release needs version {} or later in {} (now {current})",
                current.next_breaking(),
                version::CRATE_MANIFEST
            );
        }
    }
    pin_file(root, path).map(|_| ())
}
