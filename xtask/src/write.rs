//! Write stage: the whole file set is made in memory, then written atomically or compared.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{GenError, GenResult};

/// Generated files: path relative to the output root, and contents.
pub type FileSet = BTreeMap<PathBuf, String>;

/// Directories whose every file is generated: files there that the generator no longer makes are stale.
pub const GENERATED_DIRS: &[&str] = &[
    "telnyx-voice/src/generated",
    "telnyx-voice-types/src/generated",
    "tests/tests/conformance",
    "telnyx-voice/tests/spec_examples",
];

/// Generated files in `root` that the set does not contain (only inside [`GENERATED_DIRS`]).
fn leftovers(root: &Path, files: &FileSet) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for dir in GENERATED_DIRS {
        let Ok(entries) = fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let relative = Path::new(dir).join(entry.file_name());
            if entry.path().is_file() && !files.contains_key(&relative) {
                found.push(relative);
            }
        }
    }
    found.sort();
    found
}

/// One difference between the tree and the generator's output.
#[derive(Debug, PartialEq, Eq)]
pub enum Drift {
    /// The file is not in the tree.
    Missing(PathBuf),
    /// The file differs; first differing line (1-based) and how many lines differ.
    Stale {
        path: PathBuf,
        first_line: usize,
        lines: usize,
    },
    /// The tree has a generated file the generator does not make.
    Extra(PathBuf),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Missing(p) => write!(f, "missing: {}", p.display()),
            Drift::Stale {
                path,
                first_line,
                lines,
            } => {
                write!(
                    f,
                    "stale:   {} (differs from line {first_line}; {lines} lines differ)",
                    path.display()
                )
            }
            Drift::Extra(p) => write!(f, "extra:   {} (no longer generated)", p.display()),
        }
    }
}

/// Compares the tree with the file set.
pub fn check(root: &Path, files: &FileSet) -> Vec<Drift> {
    let mut drift = Vec::new();
    for (path, wanted) in files {
        match fs::read_to_string(root.join(path)) {
            Err(_) => drift.push(Drift::Missing(path.clone())),
            Ok(actual) if actual != *wanted => {
                let actual_lines: Vec<&str> = actual.lines().collect();
                let wanted_lines: Vec<&str> = wanted.lines().collect();
                let longest = actual_lines.len().max(wanted_lines.len());
                let differs = |i: usize| actual_lines.get(i) != wanted_lines.get(i);
                let first_line = (0..longest)
                    .find(|&i| differs(i))
                    .map_or(longest, |i| i + 1);
                let lines = (0..longest).filter(|&i| differs(i)).count().max(1);
                drift.push(Drift::Stale {
                    path: path.clone(),
                    first_line,
                    lines,
                });
            }
            Ok(_) => {}
        }
    }
    drift.extend(leftovers(root, files).into_iter().map(Drift::Extra));
    drift
}

/// Writes every file through a temporary sibling and renames them all at the end; removes stale
/// generated files. On failure, temporary files are removed and the tree keeps its old files.
pub fn write(root: &Path, files: &FileSet) -> GenResult<usize> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = (|| {
        for (path, contents) in files {
            let target = root.join(path);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(|e| {
                    GenError::msg(format!("cannot create directory: {e}")).in_file(parent)
                })?;
            }
            let mut temp = target.clone().into_os_string();
            temp.push(".xtask-tmp");
            let temp = PathBuf::from(temp);
            fs::write(&temp, contents)
                .map_err(|e| GenError::msg(format!("cannot write: {e}")).in_file(&temp))?;
            staged.push((temp, target));
        }
        Ok(())
    })();
    if let Err(e) = result {
        for (temp, _) in &staged {
            let _ = fs::remove_file(temp);
        }
        return Err(e);
    }
    let mut changed = 0;
    for (temp, target) in &staged {
        let same = fs::read(target).ok() == fs::read(temp).ok();
        if same {
            let _ = fs::remove_file(temp);
            continue;
        }
        fs::rename(temp, target)
            .map_err(|e| GenError::msg(format!("cannot rename into place: {e}")).in_file(target))?;
        changed += 1;
    }
    for extra in leftovers(root, files) {
        fs::remove_file(root.join(&extra))
            .map_err(|e| GenError::msg(format!("cannot remove: {e}")).in_file(&extra))?;
        changed += 1;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scratch_dir::ScratchDir;

    fn temp_root(name: &str) -> ScratchDir {
        ScratchDir::new(&format!("write-{name}"))
    }

    #[test]
    fn write_then_check_is_clean_and_edits_are_found() {
        let root = temp_root("roundtrip");
        let mut files = FileSet::new();
        files.insert(
            PathBuf::from("telnyx-voice/src/generated/a.rs"),
            "one\ntwo\n".into(),
        );
        files.insert(PathBuf::from("x/API.md"), "table\n".into());
        assert_eq!(write(&root, &files).unwrap(), 2);
        assert!(check(&root, &files).is_empty());
        assert_eq!(
            write(&root, &files).unwrap(),
            0,
            "unchanged files are not rewritten"
        );

        fs::write(root.join("telnyx-voice/src/generated/a.rs"), "one\nTWO\n").unwrap();
        fs::write(root.join("telnyx-voice/src/generated/old.rs"), "x").unwrap();
        fs::remove_file(root.join("x/API.md")).unwrap();
        let drift = check(&root, &files);
        assert_eq!(drift.len(), 3);
        assert!(drift.contains(&Drift::Stale {
            path: "telnyx-voice/src/generated/a.rs".into(),
            first_line: 2,
            lines: 1
        }));
        assert!(drift.contains(&Drift::Missing("x/API.md".into())));
        assert!(drift.contains(&Drift::Extra("telnyx-voice/src/generated/old.rs".into())));

        write(&root, &files).unwrap();
        assert!(check(&root, &files).is_empty());
        assert!(!root.join("telnyx-voice/src/generated/old.rs").exists());
        let _ = fs::remove_dir_all(&root);
    }
}
