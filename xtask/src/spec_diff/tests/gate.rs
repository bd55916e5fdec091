//! The gate on real git commits, and `spec pin` on a scratch repository.

use std::process::Command;

use super::*;
use crate::spec_diff::gate;
use crate::spec_diff::surface::SURFACE_FILE;
use crate::spec_diff::version::CRATE_MANIFEST;

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// Writes the surface of `spec` and a manifest at `version` into `dir`, and commits when asked.
fn state(dir: &Path, spec: &str, version: &str, commit: bool) {
    std::fs::write(dir.join(SURFACE_FILE), small(spec, SELECT_ALL).to_json()).unwrap();
    std::fs::write(
        dir.join(CRATE_MANIFEST),
        format!("[package]\nname = \"telnyx-voice\"\nversion = \"{version}\"\n"),
    )
    .unwrap();
    if commit {
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", "state"]);
    }
}

#[test]
fn gate_on_commits() {
    let dir = scratch("gate");
    git(&dir, &["init", "-q"]);
    std::fs::write(dir.join("README"), "x").unwrap();
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "before the surface file"]);
    state(&dir, TWO_OPS, "0.1.0", true);

    // The previous commit has no surface file: said, not silently passed.
    let outcome = gate::evaluate(&dir, "HEAD~1").unwrap();
    assert!(!outcome.compared);
    assert!(
        outcome.text.contains("NOT CHECKED") && outcome.text.contains("predates"),
        "{}",
        outcome.text
    );
    let outcome = gate::evaluate(&dir, "HEAD~5").unwrap();
    assert!(outcome.text.contains("does not exist"), "{}", outcome.text);

    let removed_op = TWO_OPS.replace(
        "    get:\n      operationId: GetCall",
        "    delete:\n      operationId: GetCall",
    );
    // Breaking change, same version: fails.
    state(&dir, &removed_op, "0.1.0", false);
    let outcome = gate::evaluate(&dir, "HEAD").unwrap();
    assert_eq!(outcome.exit, 1, "{}", outcome.text);
    assert!(
        outcome.text.contains("need version 0.2.0 or later"),
        "{}",
        outcome.text
    );
    // A patch bump is not enough for 0.x.
    state(&dir, &removed_op, "0.1.1", false);
    assert_eq!(gate::evaluate(&dir, "HEAD").unwrap().exit, 1);
    // The minor bump (what the 0.2.0 release does) lets it through.
    state(&dir, &removed_op, "0.2.0", true);
    let outcome = gate::evaluate(&dir, "HEAD~1").unwrap();
    assert_eq!(
        (outcome.exit, outcome.compared),
        (0, true),
        "{}",
        outcome.text
    );
    assert!(
        outcome
            .text
            .contains("covered by the version bump 0.1.0 -> 0.2.0"),
        "{}",
        outcome.text
    );

    // A base written in another surface layout is not compared, and the output says so.
    let current = std::fs::read_to_string(dir.join(SURFACE_FILE)).unwrap();
    std::fs::write(
        dir.join(SURFACE_FILE),
        current.replacen("\"format\": 1", "\"format\": 0", 1),
    )
    .unwrap();
    git(&dir, &["commit", "-q", "-am", "older layout"]);
    std::fs::write(dir.join(SURFACE_FILE), current).unwrap();
    let outcome = gate::evaluate(&dir, "HEAD").unwrap();
    assert!(
        !outcome.compared && outcome.text.contains("surface format 0"),
        "{}",
        outcome.text
    );
    git(&dir, &["commit", "-q", "-am", "current layout"]);

    // Additive only, no bump: passes.
    let added_value =
        removed_op.replace("enum: [parked, bridged]", "enum: [parked, bridged, queued]");
    state(&dir, &added_value, "0.2.0", false);
    let outcome = gate::evaluate(&dir, "HEAD").unwrap();
    assert_eq!(outcome.exit, 0, "{}", outcome.text);
    assert!(
        outcome.text.contains("0 breaking, 1 additive"),
        "{}",
        outcome.text
    );
}

#[test]
fn pin_prints_the_report_into_the_changelog_then_pins() {
    let dir = scratch("pin");
    std::fs::create_dir_all(dir.join("spec")).unwrap();
    std::fs::write(dir.join("spec/voice.toml"), SELECT_ALL).unwrap();
    let old_spec = format!("{HEADER}{TWO_OPS}");
    let new_spec = old_spec.replace("enum: [parked, bridged]", "enum: [parked, bridged, queued]");
    let new_path = dir.join("new.yml");
    std::fs::write(&new_path, &new_spec).unwrap();
    crate::spec_source::Pin {
        repository: "example/specs".into(),
        commit: "0123456789abcdef0123456789abcdef01234567".into(),
        path: "openapi/spec.yml".into(),
        sha256: crate::spec_source::sha256_hex(old_spec.as_bytes()),
    }
    .write(&dir)
    .unwrap();
    // No copy of the pinned spec is at hand here, so the old side is the committed surface file.
    state(&dir, TWO_OPS, "0.1.0", false);
    std::fs::write(
        dir.join("CHANGELOG.md"),
        "# Changelog\n\n## Unreleased\n\n- an entry written by hand\n\n## 0.1.0\n\n- first release\n",
    )
    .unwrap();

    crate::spec_diff::pin(&dir, &new_path).unwrap();

    let changelog = std::fs::read_to_string(dir.join("CHANGELOG.md")).unwrap();
    let entry = changelog
        .find("- an entry written by hand\n\n### Voice API changes")
        .unwrap_or_else(|| panic!("report not after the hand-written entry:\n{changelog}"));
    let value_line = changelog
        .find("- `CallState`: new value `queued`")
        .unwrap_or_else(|| panic!("report line missing:\n{changelog}"));
    let release = changelog.find("## 0.1.0").unwrap();
    assert!(entry < value_line && value_line < release, "{changelog}");
    assert_eq!(
        crate::spec_source::Pin::load(&dir).unwrap().sha256,
        crate::spec_source::sha256_hex(new_spec.as_bytes())
    );
}
