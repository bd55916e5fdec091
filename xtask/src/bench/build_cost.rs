//! What depending on the SDK costs a user at build time, beside the community `telnyx` crate.
//!
//! The same small app (it dials one call and verifies one webhook; sources in
//! `xtask/bench/apps/`) is written into a scratch project per variant under
//! `target/bench/build-cost/`, outside the workspace, and built in one run, side by side:
//! telnyx-voice from this repository by path with the lean features, telnyx-voice with its
//! default features, `telnyx` from crates.io pinned to [`COMMUNITY_VERSION`] with the
//! features that match, and the app written with no SDK, the floor under both. For each: a clean debug build, the rebuild after editing `main.rs`, a
//! clean release build and the release binary's size. Every rustc run goes through this xtask
//! binary as `RUSTC_WRAPPER` ([`rustc_wrapper`]), which logs each crate's wall and CPU time, so
//! the SDK crate's own compile time comes out of the same builds.

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use super::report::{judge, median, shown, Machine, Target};
use super::Samples;
use crate::task_common::{cargo, describe, io_error, read, remove_dir, write_file};

/// Environment variable telling the xtask binary to act as cargo's `RUSTC_WRAPPER`, appending
/// one line per compiled crate to the file it names.
pub const RUSTC_LOG_ENV: &str = "XTASK_BUILD_COST_RUSTC_LOG";

/// The version of the community crate the comparison is pinned to.
pub const COMMUNITY_VERSION: &str = "0.1.0";

/// The heading of the section this step writes in `BENCHMARKS.md`.
const HEADING: &str = "## Build cost";

/// Rebuilds after an edit of `main.rs`, per variant; the median is reported.
const EDITS: usize = 3;

/// Clean debug builds per variant, taking turns; the median of each measurement is reported.
/// One side-by-side build on this shared machine moved the community app by 10% between runs,
/// more than the differences being judged.
const DEBUG_ROUNDS: usize = 3;

/// One way of building the app.
struct Variant {
    /// Short name, in summary keys.
    key: &'static str,
    /// Column heading.
    label: &'static str,
    /// The SDK's crates as rustc names them.
    crate_names: &'static [&'static str],
    /// The app's source, in `xtask/bench/apps/`.
    source: &'static str,
}

const VARIANTS: &[Variant] = &[
    Variant {
        key: "lean",
        label: "telnyx-voice, features calls + webhooks + rustls-tls",
        crate_names: &["telnyx_voice_types", "telnyx_voice"],
        source: "telnyx_voice.rs",
    },
    Variant {
        key: "default",
        label: "telnyx-voice, default features",
        crate_names: &["telnyx_voice_types", "telnyx_voice"],
        source: "telnyx_voice.rs",
    },
    Variant {
        key: "community",
        label: "telnyx 0.1.0 (community), features calls + webhooks + rustls-ring",
        crate_names: &["telnyx"],
        source: "community_telnyx.rs",
    },
    Variant {
        key: "no_sdk",
        label: "no SDK: reqwest + rustls, serde_json, ed25519-dalek by hand (the floor)",
        crate_names: &[],
        source: "no_sdk.rs",
    },
];

impl Variant {
    /// The SDK line of the app's `[dependencies]`.
    fn dependency(&self, repo_root: &Path) -> String {
        let path = repo_root.join("telnyx-voice");
        let path = path.display().to_string().replace('\\', "/");
        match self.key {
            "lean" => format!(
                "telnyx-voice = {{ path = \"{path}\", default-features = false, \
                 features = [\"calls\", \"webhooks\", \"rustls-tls\"] }}"
            ),
            "default" => format!("telnyx-voice = {{ path = \"{path}\" }}"),
            // The versions telnyx-voice and the community crate resolve to.
            "no_sdk" => "reqwest = { version = \"0.12\", default-features = false, \
                         features = [\"rustls-tls\"] }\n\
                         serde_json = \"1\"\n\
                         ed25519-dalek = \"2.1.1\"\n\
                         base64 = \"0.22.1\""
                .to_owned(),
            _ => format!(
                "telnyx = {{ version = \"={COMMUNITY_VERSION}\", default-features = false, \
                 features = [\"calls\", \"webhooks\", \"rustls-ring\"] }}"
            ),
        }
    }

    /// Profile lines that make the SDK's crates compile as a registry dependency would.
    ///
    /// Cargo compiles path dependencies incrementally and registry dependencies not: taken by
    /// path, telnyx-voice would pay for incremental compilation's bookkeeping in a clean build
    /// (see `METHOD`), which a user who ran `cargo add telnyx-voice` never does. The community
    /// crate comes from crates.io already.
    fn profile_overrides(&self) -> String {
        if self.key == "community" {
            return String::new();
        }
        self.crate_names
            .iter()
            .map(|name| {
                let package = name.replace('_', "-");
                format!("\n[profile.dev.package.{package}]\nincremental = false\n")
            })
            .collect()
    }
}

/// Measurements per variant, with their labels, in the order shown.
const METRICS: &[(&str, &str)] = &[
    ("debug_wall_s", "clean debug build, wall s (median of 3)"),
    (
        "debug_cpu_s",
        "clean debug build, CPU s, user + system (median of 3)",
    ),
    (
        "crate_debug_wall_s",
        "SDK crates, debug, wall s from the first one's start to the last one's end (median of 3)",
    ),
    (
        "crate_debug_longest_wall_s",
        "largest SDK crate alone, debug, wall s (median of 3)",
    ),
    (
        "crate_debug_cpu_s",
        "SDK crates, debug, CPU s, all of them (median of 3)",
    ),
    (
        "crate_alone_debug_wall_s",
        "SDK crates alone (dependencies built, nothing else compiling), debug, wall s (median of 3)",
    ),
    (
        "crate_alone_debug_cpu_s",
        "SDK crates alone, debug, CPU s (median of 3)",
    ),
    (
        "rustc_runs",
        "crates compiled (rustc runs, build scripts excluded)",
    ),
    (
        "incremental_wall_s",
        "rebuild after editing the app's main.rs, wall s (median of 3)",
    ),
    ("release_wall_s", "clean release build, wall s"),
    (
        "release_cpu_s",
        "clean release build, CPU s (user + system)",
    ),
    (
        "crate_release_wall_s",
        "SDK crates, release, wall s from the first one's start to the last one's end",
    ),
    (
        "crate_release_cpu_s",
        "SDK crates, release, CPU s, all of them",
    ),
    ("binary_mb", "release binary, MB (10^6 bytes, not stripped)"),
];

/// The summary key of one measurement of one variant.
fn key(variant: &str, metric: &str) -> String {
    format!("build_cost_{variant}_{metric}")
}

/// Every summary key this step writes.
pub fn keys() -> Vec<String> {
    VARIANTS
        .iter()
        .flat_map(|v| METRICS.iter().map(|(metric, _)| key(v.key, metric)))
        .collect()
}

/// The step's results.
pub struct BuildCost {
    /// Values by summary key.
    values: std::collections::BTreeMap<String, f64>,
    /// CPUs of the machine.
    cpus: usize,
    /// Load averages at the start and at the end of the step.
    load: (String, String),
    /// Wall time of the whole step, s.
    total_s: f64,
}

/// Where [`measure`] keeps its results, for `--only build-cost --reuse`.
fn result_path(bench_dir: &Path) -> PathBuf {
    bench_dir.join("build-cost/result.json")
}

/// The results of the last [`measure`] run, read back (`--only build-cost --reuse` renders
/// them again without building anything).
pub fn reuse(bench_dir: &Path) -> Result<BuildCost, String> {
    let path = result_path(bench_dir);
    let json: serde_json::Value =
        serde_json::from_str(&read(&path)?).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = |key: &str| json[key].as_str().unwrap_or("unknown").to_owned();
    Ok(BuildCost {
        values: json["values"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(key, value)| Some((key.clone(), value.as_f64()?)))
            .collect(),
        cpus: json["cpus"].as_u64().unwrap_or(0) as usize,
        load: (text("load_before"), text("load_after")),
        total_s: json["total_s"].as_f64().unwrap_or(f64::NAN),
    })
}

impl BuildCost {
    fn save(&self, path: &Path) -> Result<(), String> {
        let json = serde_json::json!({
            "values": self.values,
            "cpus": self.cpus,
            "load_before": self.load.0,
            "load_after": self.load.1,
            "total_s": self.total_s,
        });
        let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
        text.push('\n');
        write_file(path, &text)
    }
}

/// Runs the step: writes the apps, fetches their dependencies, then builds them.
pub fn measure(repo_root: &Path, bench_dir: &Path) -> Result<BuildCost, String> {
    println!("xtask bench: build cost of an app using the SDK, beside the community crate");
    let before = Machine::read();
    let started = Instant::now();
    let wrapper = std::env::current_exe().map_err(|e| format!("cannot find xtask itself: {e}"))?;
    let ticks_per_s = clock_ticks_per_second();
    let root = bench_dir.join("build-cost");
    let mut values = std::collections::BTreeMap::new();

    let mut apps = Vec::new();
    for variant in VARIANTS {
        let dir = root.join(variant.key);
        write_app(repo_root, variant, &dir)?;
        let mut fetch = cargo(&dir);
        fetch.args(["fetch", "--quiet"]);
        crate::task_common::run_step("bench", fetch)?;
        apps.push((variant, dir));
    }

    // Each phase builds every variant before the next phase starts, so a change in the
    // machine's load falls on all of them alike.
    let mut rounds = Rounds::default();
    for _ in 0..DEBUG_ROUNDS {
        for (variant, dir) in &apps {
            remove_dir(&dir.join("target"))?;
            let build = timed_build(dir, false, "debug", &wrapper, ticks_per_s)?;
            rounds.push(variant, "debug_wall_s", build.wall_s);
            rounds.push(variant, "debug_cpu_s", build.cpu_s);
            rounds.push(variant, "rustc_runs", build.rustc_runs() as f64);
            if let Some(sdk) = build.sdk_times(variant.crate_names) {
                rounds.push(variant, "crate_debug_wall_s", sdk.span_wall_s);
                rounds.push(variant, "crate_debug_longest_wall_s", sdk.longest_wall_s);
                rounds.push(variant, "crate_debug_cpu_s", sdk.cpu_s);
            }
        }
    }
    for (variant, dir) in &apps {
        let main = dir.join("src/main.rs");
        let original = read(&main)?;
        for edit in 1..=EDITS {
            write_file(&main, &format!("{original}\n// build-cost edit {edit}\n"))?;
            let build = timed_build(dir, false, "edit", &wrapper, ticks_per_s)?;
            rounds.push(variant, "incremental_wall_s", build.wall_s);
        }
        write_file(&main, &original)?;
    }
    // The SDK's crates alone: their dependencies stay built, so no other crate compiles beside
    // them and the time is theirs, not shared with the rest of the build.
    for _ in 0..DEBUG_ROUNDS {
        for (variant, dir) in apps.iter().filter(|(v, _)| !v.crate_names.is_empty()) {
            let mut clean = cargo(dir);
            clean
                .args(["clean", "--quiet", "--offline"])
                .env("CARGO_TARGET_DIR", dir.join("target"));
            for name in variant.crate_names {
                clean.args(["-p", &name.replace('_', "-")]);
            }
            crate::task_common::run_step("bench", clean)?;
            let build = timed_build(dir, false, "alone", &wrapper, ticks_per_s)?;
            if let Some(sdk) = build.sdk_times(variant.crate_names) {
                rounds.push(variant, "crate_alone_debug_wall_s", sdk.span_wall_s);
                rounds.push(variant, "crate_alone_debug_cpu_s", sdk.cpu_s);
            }
        }
    }
    rounds.medians_into(&mut values);
    for (_, dir) in &apps {
        remove_dir(&dir.join("target"))?;
    }
    for (variant, dir) in &apps {
        let build = timed_build(dir, true, "release", &wrapper, ticks_per_s)?;
        let binary = dir.join("target/release/buildcost-app");
        let bytes = fs::metadata(&binary)
            .map_err(|e| io_error(&binary, e))?
            .len();
        let put = |values: &mut std::collections::BTreeMap<String, f64>, metric, value| {
            values.insert(key(variant.key, metric), value);
        };
        put(&mut values, "release_wall_s", build.wall_s);
        put(&mut values, "release_cpu_s", build.cpu_s);
        if let Some(sdk) = build.sdk_times(variant.crate_names) {
            put(&mut values, "crate_release_wall_s", sdk.span_wall_s);
            put(&mut values, "crate_release_cpu_s", sdk.cpu_s);
        }
        put(&mut values, "binary_mb", bytes as f64 / 1e6);
        remove_dir(&dir.join("target"))?;
    }
    let result = BuildCost {
        values,
        cpus: before.cpus,
        load: (before.loadavg, Machine::read().loadavg),
        total_s: started.elapsed().as_secs_f64(),
    };
    result.save(&result_path(bench_dir))?;
    Ok(result)
}

/// Writes the app's manifest and source into `dir`, emptying it first.
fn write_app(repo_root: &Path, variant: &Variant, dir: &Path) -> Result<(), String> {
    remove_dir(dir)?;
    let src = dir.join("src");
    fs::create_dir_all(&src).map_err(|e| io_error(&src, e))?;
    let manifest = format!(
        "# Written by `cargo xtask bench` (build cost); not part of the workspace.\n\
         [package]\n\
         name = \"buildcost-app\"\n\
         version = \"0.0.0\"\n\
         edition = \"2021\"\n\
         publish = false\n\
         \n\
         [workspace]\n\
         \n\
         [dependencies]\n\
         {}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\
         {}",
        variant.dependency(repo_root),
        variant.profile_overrides()
    );
    write_file(&dir.join("Cargo.toml"), &manifest)?;
    let source = read(&repo_root.join("xtask/bench/apps").join(variant.source))?;
    write_file(&src.join("main.rs"), &source)
}

/// Samples of repeated builds by summary key; each key's median is the value reported.
#[derive(Default)]
struct Rounds(std::collections::BTreeMap<String, Vec<f64>>);

impl Rounds {
    fn push(&mut self, variant: &Variant, metric: &str, value: f64) {
        self.0
            .entry(key(variant.key, metric))
            .or_default()
            .push(value);
    }

    /// Puts each key's median into `values`.
    fn medians_into(self, values: &mut std::collections::BTreeMap<String, f64>) {
        for (key, samples) in self.0 {
            if let Some(mid) = median(&samples) {
                values.insert(key, mid);
            }
        }
    }
}

/// One timed `cargo build` of an app.
struct Build {
    wall_s: f64,
    cpu_s: f64,
    crates: Vec<RustcRun>,
}

/// One rustc run of a build, from the wrapper's log.
struct RustcRun {
    crate_name: String,
    wall_s: f64,
    cpu_s: f64,
    /// When it ended, s since the Unix epoch.
    ended_s: f64,
}

/// What the SDK's crates took in one build.
struct SdkTimes {
    /// From the first SDK crate's start to the last one's end.
    span_wall_s: f64,
    /// The longest single SDK crate.
    longest_wall_s: f64,
    /// All SDK crates together.
    cpu_s: f64,
}

impl Build {
    /// The times of the runs compiling the crates `names`; `None` when none of them compiled
    /// (the app without an SDK).
    fn sdk_times(&self, names: &[&str]) -> Option<SdkTimes> {
        let runs: Vec<&RustcRun> = self
            .crates
            .iter()
            .filter(|run| names.contains(&run.crate_name.as_str()))
            .collect();
        if runs.is_empty() {
            return None;
        }
        let first_start = runs
            .iter()
            .map(|run| run.ended_s - run.wall_s)
            .fold(f64::INFINITY, f64::min);
        let last_end = runs
            .iter()
            .map(|run| run.ended_s)
            .fold(f64::NEG_INFINITY, f64::max);
        Some(SdkTimes {
            span_wall_s: last_end - first_start,
            longest_wall_s: runs.iter().map(|run| run.wall_s).fold(f64::NAN, f64::max),
            cpu_s: runs.iter().map(|run| run.cpu_s).sum(),
        })
    }

    /// rustc runs compiling crates (not build scripts, not probes run by build scripts).
    fn rustc_runs(&self) -> usize {
        self.crates
            .iter()
            .filter(|run| {
                !run.crate_name.starts_with("build_script_")
                    && !run.crate_name.starts_with("autocfg_")
            })
            .count()
    }
}

/// Builds the app in `dir` (debug, or release) into `dir/target` with the rustc wrapper on; the
/// per-crate times stay in `dir/rustc-times-<name>.tsv`.
fn timed_build(
    dir: &Path,
    release: bool,
    name: &str,
    wrapper: &Path,
    ticks_per_s: f64,
) -> Result<Build, String> {
    let log = dir.join(format!("rustc-times-{name}.tsv"));
    remove_file(&log)?;
    let mut build = cargo(dir);
    build.args(["build", "--quiet", "--offline"]);
    if release {
        build.arg("--release");
    }
    build
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("RUSTC_WRAPPER", wrapper)
        .env(RUSTC_LOG_ENV, &log)
        // The defaults a user gets: incremental debug builds.
        .env_remove("CARGO_INCREMENTAL");
    let shown = describe(&build);
    println!("xtask bench: running {shown} in {}", dir.display());
    let cpu_before = children_cpu_ticks();
    let started = Instant::now();
    let status = build
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let wall_s = started.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!("{shown} in {} failed ({status})", dir.display()));
    }
    let cpu_s = match (cpu_before, children_cpu_ticks()) {
        (Some(before), Some(after)) => after.saturating_sub(before) as f64 / ticks_per_s,
        _ => f64::NAN,
    };
    let crates = fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let crate_name = fields.next()?.to_owned();
            let wall_s = fields.next()?.parse::<f64>().ok()?;
            let ticks = fields.next()?.parse::<f64>().ok()?;
            let ended_s = fields.next()?.parse::<f64>().ok()?;
            Some(RustcRun {
                crate_name,
                wall_s,
                cpu_s: ticks / ticks_per_s,
                ended_s,
            })
        })
        .collect();
    Ok(Build {
        wall_s,
        cpu_s,
        crates,
    })
}

fn remove_file(path: &Path) -> Result<(), String> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(path, e)),
    }
}

/// CPU time (user + system) of this process's waited-for children, in clock ticks, from
/// `/proc/self/stat`; `None` where that file cannot be read.
fn children_cpu_ticks() -> Option<u64> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces: the state is
    // field 3, so cutime (field 16) and cstime (field 17) are the 14th and 15th after it.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let cutime: u64 = fields.get(13)?.parse().ok()?;
    let cstime: u64 = fields.get(14)?.parse().ok()?;
    Some(cutime + cstime)
}

/// Clock ticks per second of the times in `/proc` (`getconf CLK_TCK`, 100 when unknown).
fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| {
            String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse::<f64>()
                .ok()
        })
        .filter(|ticks| *ticks > 0.0)
        .unwrap_or(100.0)
}

/// The xtask binary as cargo's `RUSTC_WRAPPER`: runs rustc with the arguments cargo gave, then
/// appends `crate name, wall s, CPU ticks, end time (s since the Unix epoch)` to the file `log` names (runs without a crate name,
/// such as cargo's version queries, are not logged). Exits as rustc did.
pub fn rustc_wrapper(log: &OsStr) -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let Some((rustc, rest)) = args.split_first() else {
        eprintln!("xtask: {RUSTC_LOG_ENV} is set, so xtask runs as a rustc wrapper and needs the rustc command");
        return ExitCode::from(2);
    };
    let crate_name = rest
        .windows(2)
        .find(|pair| pair[0] == "--crate-name")
        .map(|pair| pair[1].to_string_lossy().into_owned());
    let started = Instant::now();
    let status = match Command::new(rustc).args(rest).status() {
        Ok(status) => status,
        Err(e) => {
            eprintln!(
                "xtask rustc wrapper: cannot run {}: {e}",
                rustc.to_string_lossy()
            );
            return ExitCode::from(1);
        }
    };
    let wall_s = started.elapsed().as_secs_f64();
    if let Some(name) = crate_name {
        let ticks = children_cpu_ticks().unwrap_or(0);
        let ended_s = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |since| since.as_secs_f64());
        let line = format!("{name}\t{wall_s:.3}\t{ticks}\t{ended_s:.3}\n");
        let written = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(PathBuf::from(log))
            .and_then(|mut file| file.write_all(line.as_bytes()));
        if let Err(e) = written {
            eprintln!(
                "xtask rustc wrapper: cannot log to {}: {e}",
                log.to_string_lossy()
            );
        }
    }
    let code = status.code().unwrap_or(1).clamp(0, 255);
    ExitCode::from(code as u8)
}

impl BuildCost {
    /// Adds the measurements to `samples` under their summary keys.
    pub fn record(&self, samples: &mut Samples) {
        for (key, value) in &self.values {
            samples.push(key, *value);
        }
    }

    fn get(&self, variant: &str, metric: &str) -> Option<f64> {
        self.values
            .get(&key(variant, metric))
            .copied()
            .filter(|v| v.is_finite())
    }

    /// The targets of issue 11, judged on this run.
    fn targets(&self) -> Vec<Target> {
        let mut targets = Vec::new();
        for (metric, what) in [
            (
                "crate_debug_longest_wall_s",
                "each SDK crate alone (the largest), wall time",
            ),
            (
                "crate_debug_wall_s",
                "the SDK's crates from the first one's start to the last one's end, wall time",
            ),
            ("crate_debug_cpu_s", "the SDK's crates together, CPU time"),
            (
                "crate_alone_debug_wall_s",
                "the SDK's crates compiled alone after their dependencies, wall time",
            ),
            (
                "crate_alone_debug_cpu_s",
                "the SDK's crates compiled alone after their dependencies, CPU time",
            ),
        ] {
            let value = self.get("lean", metric);
            targets.push(Target::new(
                format!(
                    "telnyx-voice itself compiles in at most 10 s, debug, lean features: {what}"
                ),
                value.map_or("n/a".to_owned(), |v| format!("{v:.1} s")),
                judge(value, 10.0, true),
            ));
        }
        for (metric, how) in [("debug_cpu_s", "CPU"), ("debug_wall_s", "wall")] {
            let (ours, theirs) = (self.get("lean", metric), self.get("community", metric));
            targets.push(Target::new(
                format!(
                    "the app's clean debug build at or below the community crate's ({how} time)"
                ),
                versus(ours, theirs, "s"),
                judge(ratio(ours, theirs), 1.0, true),
            ));
        }
        // The same comparison without the build both apps share: what each SDK adds to the app
        // without one.
        let added = |variant: &str| {
            Some(self.get(variant, "debug_cpu_s")? - self.get("no_sdk", "debug_cpu_s")?)
        };
        let (ours, theirs) = (added("lean"), added("community"));
        targets.push(Target::new(
            "what the SDK adds to the app's clean debug build at or below what the community \
             crate adds (CPU time beyond the app without an SDK)",
            versus(ours, theirs, "s"),
            judge(ratio(ours, theirs), 1.0, true),
        ));
        let (ours, theirs) = (
            self.get("lean", "binary_mb"),
            self.get("community", "binary_mb"),
        );
        targets.push(Target::new(
            "release binary at or below the community crate's",
            versus(ours, theirs, "MB"),
            judge(ratio(ours, theirs), 1.0, true),
        ));
        let (ours, floor) = (
            self.get("lean", "incremental_wall_s"),
            self.get("no_sdk", "incremental_wall_s"),
        );
        targets.push(Target::new(
            "rebuild of the app after editing its main.rs under 1 s",
            match (ours, floor) {
                (Some(ours), Some(floor)) => {
                    format!("{ours:.2} s (the app without an SDK: {floor:.2} s)")
                }
                (Some(ours), None) => format!("{ours:.2} s"),
                _ => "n/a".to_owned(),
            },
            judge(ours, 1.0, true),
        ));
        targets
    }

    /// The `## Build cost` section of `BENCHMARKS.md`.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{HEADING}\n");
        let _ = writeln!(
            out,
            "Written by every full `cargo xtask bench` run and by `cargo xtask bench --only \
             build-cost`, which rewrites only this section.\n"
        );
        let _ = writeln!(
            out,
            "One small app that dials one call and verifies one webhook \
             (`xtask/bench/apps/`), built in one run, side by side, with telnyx-voice from \
             this repository, with the community `telnyx` crate {COMMUNITY_VERSION} from \
             crates.io, and with no SDK at all. {} CPUs; load average (1, 5, 15 min) {} at the start of the step and \
             {} at its end; the step took {:.0} s.\n",
            self.cpus, self.load.0, self.load.1, self.total_s
        );
        super::report::target_table(&mut out, &self.targets());
        let _ = writeln!(out);
        let _ = write!(out, "| measurement |");
        for variant in VARIANTS {
            let _ = write!(out, " {} |", variant.label);
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "|---|{}", "---:|".repeat(VARIANTS.len()));
        for (metric, label) in METRICS {
            let _ = write!(out, "| {label} (`build_cost_*_{metric}`) |");
            for variant in VARIANTS {
                let value = self.get(variant.key, metric);
                let _ = write!(out, " {} |", value.map_or("n/a".to_owned(), shown));
            }
            let _ = writeln!(out);
        }
        let _ = writeln!(out);
        for line in METHOD {
            let _ = writeln!(out, "- {line}");
        }
        let _ = writeln!(out, "\nLevers tried for issue 11:\n");
        for line in LEVERS {
            let _ = writeln!(out, "- {line}");
        }
        out
    }
}

/// `a unit vs b unit (ratio)`.
fn versus(ours: Option<f64>, theirs: Option<f64>, unit: &str) -> String {
    match (ours, theirs, ratio(ours, theirs)) {
        (Some(a), Some(b), Some(r)) => format!("{a:.1} {unit} vs {b:.1} {unit} ({r:.2}x)"),
        _ => "n/a".to_owned(),
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

/// How the build-cost numbers come about.
const METHOD: &[&str] = &[
    "Each app is a project of its own under `target/bench/build-cost/` with the default \
     `dev` and `release` profiles and `tokio` (macros, rt) beside the SDK; dependencies are \
     fetched first, so no build downloads anything. The community crate is pinned to its exact \
     version; telnyx-voice comes from this repository by path.",
    "A registry dependency, as `cargo add telnyx-voice` gives, compiles without incremental \
     compilation; a path dependency compiles with it, which made a clean build of the SDK's two \
     crates take 16.5-16.7 s against 9.9-11.5 s without it (two `cargo build --timings` each, \
     after cleaning only those two crates, the two settings taking turns). So the telnyx-voice apps set `incremental = false` for the SDK's packages in \
     `[profile.dev.package]`, and their crates compile as a user's would. Their lints still run \
     at the level of a local crate, where a registry build caps them, so if anything the \
     numbers are high.",
    "The lean telnyx-voice build takes TLS (`rustls-tls`, ring) as the community build does \
     (`rustls-ring`): without a TLS feature neither client could reach the API.",
    "Clean builds start from an empty target directory. The clean debug builds run three \
     times, the apps taking turns, and each debug row is the median of its three \
     values; then the edits; then one release build per app. A change in the machine's load \
     so falls on all of them alike. CPU time is the user and system time of cargo and every \
     process it waited for; it is less sensitive than wall time to other work on this shared \
     machine.",
    "SDK crates: every rustc run goes through the xtask binary as `RUSTC_WRAPPER`, which \
     records each crate's wall and CPU time and when it ended (what `cargo build --timings` \
     shows as units). telnyx-voice is two crates: `telnyx-voice-types` (the generated models \
     and events, which need only serde, so cargo starts them while the HTTP stack is still \
     compiling) and `telnyx-voice` (the client). The rows give both: the span from the first \
     one's start to the last one's end, the largest one alone, and their CPU time together.",
    "SDK crates alone: after the edits, with every dependency still built, `cargo clean -p` \
     removes only the SDK's crates and `cargo build` compiles them again (and the app), three \
     times, the apps taking turns; the rows give the SDK crates' span and CPU time. Nothing \
     else compiles beside them, so this is the crate-only time, where the in-build rows share \
     the two CPUs with whatever cargo runs alongside.",
    "Rebuild after editing: a comment is appended to the app's `main.rs`, then `cargo build` \
     (debug, incremental as by default) runs; three edits, median wall time.",
    "The app without an SDK (`no_sdk.rs`) posts the dial request and checks the webhook's \
     Ed25519 signature with the crates both SDKs are built on, and reads every JSON document as \
     a `serde_json::Value`. It is the floor under both SDKs: a clean build, a rebuild and a \
     binary no SDK on this HTTP and TLS stack can go below. Its SDK rows are empty.",
];

/// The levers of issue 11 and what each did, measured by hand when it was tried: CPU seconds
/// (user) of `cargo build -p telnyx-voice --no-default-features --features calls,webhooks` after
/// `cargo clean -p telnyx-voice`, `CARGO_INCREMENTAL=0`, the versions compared taking turns on
/// the same machine; LLVM IR lines of the same build from `cargo llvm-lines`.
const LEVERS: &[&str] = &[
    "Kept: `Deserialize` of generated structs written out by the generator instead of serde's \
     derive (a map visitor only, one shared field-name seed that also catches repeated fields, \
     `deserialize_map`): LLVM IR 415k -> 300k lines (the derive's field enums, sequence \
     visitors and `deserialize_struct` copies were most of the event decoding); crate CPU with \
     the workspace's line-table debug info 15.8-17.8 s -> 10.9-12.3 s on a loaded machine, and \
     with full debug info (a dependent's default) 15.5-18.2 s -> 11.9-12.5 s on a quiet one. \
     Within it, `deserialize_map` instead of `deserialize_struct`: 331k -> 308k lines; the \
     seen flags in the shared seed: 308k -> 300k.",
    "Kept: field values read through helpers compiled once per field type \
     (`read_value`, `read_required`) instead of in place: 300k -> 288k lines.",
    "Kept: `tracing` without `attributes` and `futures-util` without its default features: \
     the proc macros `tracing-attributes` and `futures-macro` are not built (the community \
     crate builds neither); `futures-macro` took 1.0 s CPU of a 140 s app build.",
    "Dropped: decoding events through a `serde_json::Value` (each model read from the parsed \
     tree): 288k -> 270k lines, but the crate's CPU time moved within the noise (10.5-12.5 s \
     against 11.9-12.5 s) and every webhook would be read twice.",
    "Kept: command ids drawn from std's `RandomState` (SipHash keyed from the operating \
     system's random source) and formatted as v4 UUIDs, instead of the `uuid` crate, which \
     now comes only with the simulator: `uuid` and `getrandom` 0.4 leave the app's build \
     (0.8 s CPU of it, measured when `fastrand` was considered).",
    "Not available: the remaining duplicate versions are the same in the community crate's \
     build. `syn` 2 comes from `curve25519-dalek-derive`, which every `curve25519-dalek` \
     (4 and 5) uses on x86_64, and `ed25519_dalek::VerifyingKey` is public API; `base64` \
     0.22/0.23 come from reqwest 0.12 and hyper-util.",
    "Nothing to take: generic setters (`impl Into<String>`) are instantiated only in the app, for \
     the setters it calls; the crate's own LLVM IR has none of them. Decoding events lazily \
     from the located event object saves run time, not compile time: every variant's decoder \
     is compiled either way, and events already go through one reader.",
    "Kept: each webhook event compiles with `webhooks` and the group that sends it (the \
     operations documented to send it; `conference.*` with `conferences`), so the lean build \
     leaves out the 19 conference and AI-assistant events and the models only they reach: \
     LLVM IR 277k -> 236k lines; crate CPU 17.1 s -> 14.4 s (best of three interleaved runs of \
     `cargo rustc -p telnyx-voice --lib` with the lean features, full debug info as a \
     dependent gets, incremental cache removed before each).",
    "Kept: `Serialize` of generated structs written out instead of derived (one \
     `serialize_entry` per present field; no field count first, no `Option` impl per field): \
     236k -> 208k lines; crate CPU 14.2-15.8 s -> 13.9-14.3 s (six interleaved runs each, as \
     above).",
    "What was left at that point: `-Z self-profile` of the lean crate puts about half of its time in analysis \
     (type and borrow checking of the generated impls, coherence and well-formedness: 7.4 s of \
     13.9 s), which grows with the surface compiled rather than with any one construct; the \
     rest is code generation of the 208k IR lines, where serde_json's map reader is \
     instantiated once per decoded struct (74 copies, 20k lines) and tagged unions go through \
     `serde_json::Value` (about 10k lines). The 10 s target would need the lean build to \
     compile about a third less; the community crate's 27 hand-written commands compile in \
     under half our time.",
    "Kept: the generated models and webhook events in a crate of their own, \
     `telnyx-voice-types`, which needs only serde. In the app's build the SDK was one crate \
     compiled last, alone, after reqwest: 13.3 s with the second CPU idle (13.7 CPU-seconds \
     idle over the whole build, `cargo build --timings`). Split, cargo starts the types crate \
     while reqwest compiles (7.7 s) and the client crate 5.5 s later (6.4 s): the SDK's span \
     was 11.9 s and the idle time 6.1 CPU-seconds, one build each. Alone on a quiet machine \
     (`-Z time-passes`, lean features, full debug info) the two crates take 4.7 s and 4.6 s \
     against 10.0 s for the single crate. Users keep one dependency: telnyx-voice re-exports \
     the types crate and forwards its features.",
    "Kept: a tagged union writes its alternative's fields into its own map, the tag after \
     them when the alternative lacks it, instead of going through a `serde_json::Value`; \
     string enums read their value through one shared string reader instead of a visitor \
     each; the part of a request's JSON body that does not depend on its type is compiled \
     once. LLVM IR of the lean build 243k -> 227k lines (types crate 110k -> 106k, client \
     crate 133k -> 121k); user CPU of the two crates about 4% lower in three interleaved \
     runs, wall time within the noise; the app's release binary 5.950 -> 5.897 MB.",
    "Seen, not taken: after the split, serde_json code both crates instantiate alike (its \
     `Value` reader, number parsing, error paths; about 27 KB of the release binary by \
     symbol name, fewer by identity) is compiled once per crate, since release builds do \
     not share generic instances between crates. Routing every `Value` parse of the client \
     through one function of the types crate would remove part of it, but the derived \
     error types reach the same code through their own deserializers.",
    "Kept: responses decode through serde_json alone. A decode error's path \
     (`data.call_control_id`) is recovered after the failure from serde_json's line and \
     column, by walking the text before that position (`json_path.rs`; a unit test compares \
     its paths with serde_path_to_error's for 23 broken bodies), instead of \
     `serde_path_to_error` wrapping every value of every response. The wrapper compiled a \
     second decoder of each response type, in the app's crate, where the generic send path \
     is instantiated: the app's LLVM IR 30.7k -> 24.4k lines. `serde_path_to_error` is now \
     built only with the simulator.",
    "Kept: the `()` of a no-content operation is read from the text `null` with the decoder \
     `execute` compiles anyway, where reading it from `serde_json::Value::Null` compiled a \
     `Value` decoder of every awaited operation's output: the app's LLVM IR 24.4k -> 20.3k \
     lines.",
    "Kept: `telnyx_voice::media` (the media-stream frames, their `Value`-based decoding, \
     `Reorder`) needs the `media` feature, now a default one; the lean build no longer \
     compiles it. With the two changes above, the client crate's LLVM IR went from 101.8k \
     to 79.4k lines in the lean build, its time alone from 4.2-4.9 s to 3.8-4.3 s (two \
     builds each, `cargo build --timings` after `cargo clean -p` of the SDK crates), and the \
     app's release binary from 5.899 MB to 5.831 MB.",
    "The rebuild after an edit does not compile the SDK again: it is the app's own crate and \
     its link. `-Z time-passes` of that rustc run: 0.81 s in all, 0.55 s of it the link of \
     the 63 MB debug binary and 0.10 s of code generation (the edit reuses the other code \
     units). Cargo's own checks add about 0.3 s. The library's share is the size of its \
     debug info, which the linker copies whole; the community app rebuilds as slowly.",
    "Kept: each field of a generated `Serialize` written through one helper per field type \
     (`private::FieldWriter`, which skips an absent field and keeps the first error) instead \
     of `if let Some(..)` and `serialize_entry(..)?` per field. The impls are simpler to \
     check: the types crate alone took less CPU in 7 of 8 builds taking turns with the \
     previous version (medians of five: 6.46 s against 6.80 s, user and system time of \
     `cargo build -p telnyx-voice-types` after a touch). The client crate's LLVM IR went \
     from 79.4k to 78.3k lines, and to 76.3k with each key written apart from its value \
     (`serialize_entry` is then not compiled once per value type).",
    "Dropped: structs whose every field is optional read in place (one `Default` value whose \
     fields the reads fill, no locals and no struct to assemble): the types crate's LLVM IR \
     rose from 94.5k to 94.8k lines (each `default()` is compiled), and its time alone \
     moved within the noise (medians of five 6.48 s against 6.70 s, but faster in only 2 of \
     the 5 pairs).",
    "What is left of the 10 s: the crates alone take 7.7 s of wall time and 10.1-10.5 s of \
     CPU in the last two runs (code generation runs on both CPUs). `-Z time-passes` of the types crate alone: 5.6 s, of \
     which borrow checking (MIR building included) 1.7 s, type checking 1.3 s, code \
     generation and LLVM 1.9 s, metadata 0.5 s. The analysis is spread over about 2,400 \
     impls: derived `Debug` is the largest share, about 0.6 s (every public type keeps it), \
     then the `Serialize` and `Deserialize` impls, about 0.5 s and 0.75 s. In the client crate, \
     request bodies' serialization is about a third of the LLVM IR (76.3k lines), compiled \
     once per body type and once per field type, which is the least any serde impl compiles.",
    "Kept: no serde derive in the SDK's builds. In the lean app's build only the SDK's two \
     crates turned serde's `derive` feature on, so `serde_derive` (5.0 s of wall time, 4.8 s \
     of CPU in the debug build) was compiled for them alone, and `serde`, which the types \
     crate needs, waited for it. The untagged unions, the id newtypes, the webhook probes and \
     the runtime's `Data`, `Page`, error and paging types now have written-out impls (the \
     error and paging types read through a `serde_json::Value`, as failures and page \
     metadata are small), and only the simulator and the tests turn `derive` on. The lean and \
     the default builds compile one crate fewer; in the run after it the app's clean debug \
     build took 144.6 s of CPU against the community app's 157.9 s (0.92x), where the run \
     before had 144.8 s against 143.8 s. Those two runs differ by the machine's load: the \
     community crate alone took 7.9 s against 7.0 s, and ours 11.6 s against 10.1 s.",
    "Measured: the floor. The app written with no SDK (`no_sdk.rs`, the same requests on the \
     same HTTP, TLS and signature crates) is built beside the others, so what each SDK costs a \
     user is the difference from it. In the first two runs with it, telnyx-voice added 22.9 s \
     and 15.4 s of CPU to its clean debug build, the community crate 31.1 s and 25.6 s (0.74x \
     and 0.60x), though our own two crates take more CPU than the community crate (11.4 s \
     against 7.8 s, then 9.5 s against 7.0 s): the community crate brings more dependencies \
     of its own (its app compiles 127 crates, ours 119, the one with no SDK 109; `h2`, \
     `chrono` and `tokio-util` are among the community's).",
    "Not met, and mostly not the SDK's: the rebuild under 1 s. Across the first two runs with \
     the floor, the app with no SDK rebuilt in 1.13 s and 0.95 s, ours in 1.17 s and 1.08 s, \
     the community one in 1.18 s and 1.19 s: the SDK adds 0.04-0.14 s, the community crate \
     0.05-0.24 s. Of our rebuild, rustc takes 0.85-0.97 s, 0.62-0.69 s of it linking the 59 MB \
     debug binary with rust-lld (rustc's default linker here), and cargo's checks of the 119 \
     units 0.22-0.31 s (a `cargo build` with nothing to do). Our crates' debug info is about \
     6 MB of that binary (53.4 MB without it): built without debug info, they brought the \
     rebuild from 1.12-1.38 s to 1.02-1.10 s. A library cannot choose the debug info of its \
     users' builds; a user can: with `split-debuginfo = \"unpacked\"` in the app's dev profile \
     the rebuild took 0.98-1.11 s (binary 27 MB), with `debug = \"line-tables-only\"` for \
     every dependency 1.01-1.05 s, against 1.19-1.40 s for the default profile, three edits \
     each taking turns on a machine whose load average stayed near 2 on its 2 CPUs.",
    "Not met, by less than the machine's noise: the SDK's crates alone take 10.1-12.0 s \
     of CPU across the last four runs (10.4 s in the last), against a wall time of 7.6-9.1 s \
     (both CPUs share the work: cargo pipelines the client crate onto the types crate's \
     metadata). In the app's build their CPU was 9.5-11.5 s. The levers above took the crate \
     from 27.7 s of wall time to under 10 s; what is left is spread over the generated impls \
     (see \"What is left of the 10 s\"), and the next step, a type-erased field reader, would \
     put a dynamic call on every field of every webhook the SDK decodes.",
];

/// The build-cost section of an existing `BENCHMARKS.md`, for runs that do not measure it; a
/// note when there is none.
pub fn carried_over(committed: &str) -> String {
    match section(committed) {
        Some((start, end)) => {
            let mut text = committed[start..end].trim_end().to_owned();
            text.push_str(
                "\n\n(Carried over from the committed `BENCHMARKS.md`: `--quick` runs do not \
                 measure the build cost.)\n",
            );
            text
        }
        None => format!(
            "{HEADING}\n\nNot measured: `--quick` runs skip it; run `cargo xtask bench --only \
             build-cost`.\n"
        ),
    }
}

/// `doc` with its build-cost section replaced by `new_section` (added at the end when absent).
pub fn splice(doc: &str, new_section: &str) -> String {
    match section(doc) {
        Some((start, end)) => {
            let mut out = doc[..start].to_owned();
            out.push_str(new_section);
            if end < doc.len() {
                out.push('\n');
                out.push_str(&doc[end..]);
            }
            out
        }
        None => {
            let mut out = doc.trim_end().to_owned();
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(new_section);
            out
        }
    }
}

/// The byte range of the build-cost section: from its heading to the next `## ` heading or the
/// end.
fn section(doc: &str) -> Option<(usize, usize)> {
    let start = if doc.starts_with(HEADING) {
        0
    } else {
        doc.find(&format!("\n{HEADING}\n"))? + 1
    };
    let after = start + HEADING.len();
    let end = doc[after..]
        .find("\n## ")
        .map_or(doc.len(), |offset| after + offset + 1);
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splice_replaces_only_the_build_cost_section() {
        let doc =
            "# Benchmarks\n\n## Results\n\nold\n\n## Build cost\n\nold cost\n\n## Later\n\nkept\n";
        let new = "## Build cost\n\nnew cost\n";
        assert_eq!(
            splice(doc, new),
            "# Benchmarks\n\n## Results\n\nold\n\n## Build cost\n\nnew cost\n\n## Later\n\nkept\n"
        );
        let at_end = "# Benchmarks\n\n## Build cost\n\nold cost\n";
        assert_eq!(
            splice(at_end, new),
            "# Benchmarks\n\n## Build cost\n\nnew cost\n"
        );
        assert_eq!(
            splice("# Benchmarks\n", new),
            "# Benchmarks\n\n## Build cost\n\nnew cost\n"
        );
    }

    #[test]
    fn quick_runs_carry_the_section_over() {
        let doc = "# Benchmarks\n\n## Build cost\n\n| a | b |\n";
        assert!(carried_over(doc).starts_with("## Build cost\n\n| a | b |\n\n(Carried over"));
        assert!(carried_over("# Benchmarks\n").contains("Not measured"));
    }

    #[test]
    fn children_cpu_time_is_readable() {
        assert!(children_cpu_ticks().is_some());
    }

    #[test]
    fn every_variant_and_metric_has_a_key() {
        assert_eq!(keys().len(), VARIANTS.len() * METRICS.len());
        assert!(keys().contains(&"build_cost_lean_crate_debug_cpu_s".to_owned()));
    }
}
