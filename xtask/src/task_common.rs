//! What `cargo xtask test` and `cargo xtask bench` share: the spec variable, running cargo and
//! other commands with their output shown, the Python virtual environments, and file helpers.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Environment variable naming the OpenAPI document (as for `codegen` and the test harness).
pub const SPEC_ENV: &str = "TELNYX_OPENAPI_SPEC";

/// Value CI gives [`SPEC_ENV`], relative to the repository root; used when it is unset.
pub const DEFAULT_SPEC: &str = "../shared/telnyx-openapi/spec3.yml";

/// Gives `command` [`DEFAULT_SPEC`] as [`SPEC_ENV`] when the variable is unset; returns whether
/// it did.
pub fn default_spec_env(command: &mut Command) -> bool {
    if std::env::var_os(SPEC_ENV).is_some() {
        return false;
    }
    command.env(SPEC_ENV, DEFAULT_SPEC);
    true
}

/// A `cargo` command (the one running xtask, when known) run from `dir`.
pub fn cargo(dir: &Path) -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(program);
    command.current_dir(dir);
    command
}

/// The cargo target directory of the workspace at `repo_root`, as cargo picks it.
pub fn target_dir(repo_root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                repo_root.join(dir)
            }
        })
        .unwrap_or_else(|| repo_root.join("target"))
}

/// Runs `command` with inherited stdio, failing unless it exits successfully; `task` names the
/// xtask command in the line announcing it (`xtask test: running ...`).
pub fn run_step(task: &str, mut command: Command) -> Result<(), String> {
    let shown = describe(&command);
    println!("xtask {task}: running {shown}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// A command as it would be typed: the program's file name and its arguments.
pub fn describe(command: &Command) -> String {
    let program = PathBuf::from(command.get_program());
    let name = program.file_name().map_or_else(
        || program.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    std::iter::once(name)
        .chain(command.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Creates the Python virtual environment `venv` and installs `requirements` into it, unless the
/// copy of the requirements recorded in `venv/.requirements.txt` matches (so a changed or
/// interrupted install is redone); returns the environment's Python.
pub fn ensure_venv(task: &str, venv: &Path, requirements: &Path) -> Result<PathBuf, String> {
    let wanted = read(requirements)?;
    let python = venv.join("bin/python");
    let stamp = venv.join(".requirements.txt");
    if python.is_file() && fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(python);
    }
    if !python.is_file() {
        let mut create = Command::new("python3");
        create.arg("-m").arg("venv").arg(venv);
        run_step(task, create)?;
    }
    let mut install = Command::new(&python);
    install
        .args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--quiet",
            "-r",
        ])
        .arg(requirements);
    run_step(task, install)?;
    write_file(&stamp, &wanted)?;
    Ok(python)
}

/// The text of a file, or an error naming it.
pub fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| io_error(path, e))
}

/// Writes a file, or returns an error naming it.
pub fn write_file(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| io_error(path, e))
}

/// Removes a directory and everything in it; a missing directory is fine.
pub fn remove_dir(dir: &Path) -> Result<(), String> {
    match fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(dir, e)),
    }
}

/// A path as `&str`, for command arguments that must be text.
pub fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("{} is not valid Unicode", path.display()))
}

/// An I/O error with the path it happened on.
pub fn io_error(path: &Path, error: std::io::Error) -> String {
    format!("{}: {error}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failing_step_is_an_error_naming_the_command() {
        let mut command = Command::new("sh");
        command.args(["-c", "exit 3"]);
        let err = run_step("test", command).unwrap_err();
        assert!(err.starts_with("sh -c exit 3 failed"), "{err}");
    }
}
