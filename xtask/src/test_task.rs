//! `cargo xtask test`: installs what the test suites need, then runs them.
//!
//! Steps, each skipped when already satisfied:
//! 1. `npm ci --prefix tests/prism` when `tests/prism/node_modules` is missing
//!    or older than `tests/prism/package-lock.json`;
//! 2. a Python virtual environment in `.venv` with
//!    `tests/python/requirements.txt`, when that file exists;
//! 3. `cargo test --workspace --all-features`, with any extra arguments
//!    appended (so `cargo xtask test -- --nocapture` reaches the test binaries);
//! 4. `cargo build --workspace --examples --all-features`.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use crate::task_common::{
    cargo, default_spec_env, ensure_venv, run_step as run_named, target_dir, DEFAULT_SPEC, SPEC_ENV,
};

/// Runs the whole test command from `repo_root`; `args` go to `cargo test`.
pub fn run(repo_root: &Path, args: &[String]) -> Result<(), String> {
    ensure_prism(repo_root)?;
    ensure_python_venv(repo_root)?;

    let mut test = cargo(repo_root);
    test.args(["test", "--workspace", "--all-features"])
        .args(args);
    if default_spec_env(&mut test) {
        println!("xtask test: {SPEC_ENV} is not set; using {DEFAULT_SPEC}");
    }
    run_step(test)?;
    // A passing test's output is captured; the conformance table is kept in a file to show here.
    let report = target_dir(repo_root).join("conformance-report.txt");
    if let Ok(table) = std::fs::read_to_string(&report) {
        println!("\n{table}");
    }

    let mut examples = cargo(repo_root);
    examples.args(["build", "--workspace", "--examples", "--all-features"]);
    run_step(examples)
}

/// Runs `command` with inherited stdio, announced as a step of `xtask test`.
fn run_step(command: Command) -> Result<(), String> {
    run_named("test", command)
}

/// Installs the pinned Prism unless the installed copy is up to date.
fn ensure_prism(repo_root: &Path) -> Result<(), String> {
    let prism_dir = repo_root.join("tests/prism");
    let lockfile = prism_dir.join("package-lock.json");
    if !needs_npm_ci(&prism_dir.join("node_modules"), &lockfile)? {
        return Ok(());
    }
    let mut npm = Command::new("npm");
    npm.current_dir(repo_root)
        .args(["ci", "--prefix", "tests/prism", "--no-audit", "--no-fund"])
        // One of Prism's dependencies reports installs over the network
        // unless told not to.
        .env("SCARF_ANALYTICS", "false");
    run_step(npm)
}

/// True when `node_modules` is absent or was installed before `lockfile` last changed.
///
/// npm writes `node_modules/.package-lock.json` on every install, so its time
/// is when the tree was last installed; the directory's own time is the fallback.
fn needs_npm_ci(node_modules: &Path, lockfile: &Path) -> Result<bool, String> {
    if !node_modules.is_dir() {
        return Ok(true);
    }
    let lock_time = modified(lockfile)?;
    let marker = node_modules.join(".package-lock.json");
    let installed = if marker.is_file() {
        modified(&marker)?
    } else {
        modified(node_modules)?
    };
    Ok(installed < lock_time)
}

/// Creates `.venv` and installs the Python test requirements, if there are any.
///
/// The installed requirements are remembered in `.venv/.requirements.txt`,
/// so a changed (or interrupted) install is redone on the next run.
fn ensure_python_venv(repo_root: &Path) -> Result<(), String> {
    let requirements = repo_root.join("tests/python/requirements.txt");
    if !requirements.is_file() {
        return Ok(());
    }
    ensure_venv("test", &repo_root.join(".venv"), &requirements).map(|_| ())
}

fn modified(path: &Path) -> Result<SystemTime, String> {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .map_err(|e| format!("cannot read the time of {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scratch_dir::ScratchDir;
    use std::time::Duration;

    fn scratch(name: &str) -> ScratchDir {
        ScratchDir::new(&format!("test-task-{name}"))
    }

    fn set_time(path: &Path, time: SystemTime) {
        fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(time)
            .unwrap();
    }

    #[test]
    fn npm_ci_runs_when_node_modules_is_missing_or_stale() {
        let dir = scratch("npm");
        let lock = dir.join("package-lock.json");
        fs::write(&lock, "{}").unwrap();
        let modules = dir.join("node_modules");
        assert!(needs_npm_ci(&modules, &lock).unwrap());

        fs::create_dir(&modules).unwrap();
        let marker = modules.join(".package-lock.json");
        fs::write(&marker, "{}").unwrap();
        let now = SystemTime::now();
        set_time(&lock, now - Duration::from_secs(60));
        set_time(&marker, now);
        assert!(!needs_npm_ci(&modules, &lock).unwrap());

        set_time(&lock, now + Duration::from_secs(60));
        assert!(needs_npm_ci(&modules, &lock).unwrap());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn venv_step_is_skipped_without_requirements() {
        let dir = scratch("venv");
        ensure_python_venv(&dir).unwrap();
        assert!(!dir.join(".venv").exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
