//! Running the measurement programs and the generator, and reading what they report.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use crate::task_common::{default_spec_env, describe, remove_dir};

/// Runs `command`, which must print one JSON object as its last line of output.
pub fn run_json(command: &mut Command) -> Result<Value, String> {
    let shown = describe(command);
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{shown} failed ({})", output.status));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().rev().find(|line| !line.trim().is_empty());
    last.and_then(|line| serde_json::from_str(line).ok())
        .ok_or_else(|| format!("{shown} printed no JSON result: {stdout}"))
}

pub fn number(json: &Value, key: &str) -> Result<f64, String> {
    json.get(key)
        .and_then(Value::as_f64)
        .ok_or_else(|| format!("benchmark result has no number `{key}`: {json}"))
}

/// One timed generator run: wall time, and each stage's time as the generator reports it.
pub struct CodegenRun {
    /// Wall time of the whole run, s.
    pub wall_s: f64,
    /// Each stage's time by short key, ms.
    pub stages: Vec<(&'static str, f64)>,
}

/// The generator's `--timings` stage names and the short keys they are stored under.
const STAGES: &[(&str, &str)] = &[
    ("read", "read"),
    ("load+normalize+parse", "parse"),
    ("select+build", "build"),
    ("emit+format", "emit"),
    ("write", "write"),
];

/// Lines of Rust the generator wrote below `dir`.
pub fn count_lines(dir: &Path) -> Result<usize, String> {
    let mut total = 0;
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            total += count_lines(&path)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            total += text.lines().count();
        }
    }
    Ok(total)
}

/// Wall time of one run of the release generator writing into a fresh `out`.
pub fn time_codegen(
    repo_root: &Path,
    xtask_bin: &Path,
    out: &Path,
    all: bool,
) -> Result<CodegenRun, String> {
    remove_dir(out)?;
    let mut command = Command::new(xtask_bin);
    command.current_dir(repo_root).arg("codegen");
    if all {
        command.arg("--all");
    }
    command.arg("--out").arg(out).arg("--timings");
    default_spec_env(&mut command);
    let shown = describe(&command);
    let started = Instant::now();
    // Output is captured (the generator lists what it skips) and only shown on failure.
    let output = command
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let elapsed = started.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!(
            "{shown} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let report = String::from_utf8_lossy(&output.stderr);
    let stages = STAGES
        .iter()
        .filter_map(|(name, key)| {
            let line = report
                .lines()
                .find(|l| l.split_whitespace().next() == Some(name))?;
            let ms = line.split_whitespace().nth(1)?.parse::<f64>().ok()?;
            Some((*key, ms))
        })
        .collect();
    Ok(CodegenRun {
        wall_s: elapsed,
        stages,
    })
}
