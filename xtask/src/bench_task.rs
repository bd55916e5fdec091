//! `cargo xtask bench [--quick]`: measures the SDK against what it is meant
//! to beat and writes the results down.
//!
//! Steps:
//! 1. installs the comparison points when missing: a Python virtual
//!    environment in `target/bench/venv` with `xtask/bench/requirements.txt`
//!    (the official Python SDK), and nginx from Debian, which serves a stub of
//!    the answer command on 127.0.0.1;
//! 2. builds the `client_overhead` bench binary and the xtask binary in
//!    release mode;
//! 3. runs every measurement several times, alternating the Rust and Python
//!    runs so background load hits them alike: webhook unwrap against bare
//!    Ed25519 verification, the call-flow router against bare webhook unwrap,
//!    `calls.actions.answer` against bare `reqwest` and
//!    against the Python SDK, peak memory, code generation time and (full
//!    runs only) a clean debug build of the crate;
//! 4. prints a table of medians with min and max, writes the medians to
//!    `target/bench/summary.json` (every sample goes to
//!    `target/bench/samples.json`) and renders `BENCHMARKS.md` from them with
//!    each target marked met or missed. A `--quick` run writes
//!    `target/bench/BENCHMARKS.quick.md` instead, leaving the committed file
//!    to full runs.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Environment variable naming the OpenAPI document (as for `codegen`).
const SPEC_ENV: &str = "TELNYX_OPENAPI_SPEC";

/// Spec location used when [`SPEC_ENV`] is unset, relative to the repository root.
const DEFAULT_SPEC: &str = "../shared/telnyx-openapi/spec3.yml";

/// Requests in flight for the concurrent Rust runs.
const CONCURRENCY: usize = 64;

/// Keep-alive connections loading the axum webhook server.
const SERVER_CONNECTIONS: usize = 32;

/// How much work each run does.
struct Plan {
    quick: bool,
    repeats: usize,
    duration_s: f64,
    warmup_s: f64,
}

/// Samples of every metric, by summary key.
#[derive(Default)]
struct Samples(BTreeMap<String, Vec<f64>>);

impl Samples {
    fn push(&mut self, key: &str, value: f64) {
        self.0.entry(key.to_owned()).or_default().push(value);
    }

    fn median(&self, key: &str) -> Option<f64> {
        self.0.get(key).and_then(|values| median(values))
    }
}

/// Runs the benchmark task from `repo_root`; `args` may hold `--quick`.
pub fn run(repo_root: &Path, args: &[String]) -> Result<(), String> {
    let mut quick = false;
    for arg in args {
        match arg.as_str() {
            "--quick" => quick = true,
            other => {
                return Err(format!(
                    "unknown option {other}; usage: cargo xtask bench [--quick]"
                ))
            }
        }
    }
    let plan = if quick {
        Plan {
            quick,
            repeats: 3,
            duration_s: 1.0,
            warmup_s: 0.3,
        }
    } else {
        Plan {
            quick,
            repeats: 5,
            duration_s: 3.0,
            warmup_s: 0.5,
        }
    };
    let bench_dir = repo_root.join("target/bench");
    fs::create_dir_all(&bench_dir).map_err(|e| io_error(&bench_dir, e))?;
    let machine_before = Machine::read();
    let started = Instant::now();

    let python = ensure_python_venv(repo_root, &bench_dir)?;
    let nginx = ensure_nginx()?;
    let bench_bins = cargo_build_executables(
        repo_root,
        &[
            "--release",
            "-p",
            "telnyx-voice",
            "--features",
            "axum",
            "--bench",
            "client_overhead",
            "--bench",
            "webhook_server_load",
        ],
        &["client_overhead", "webhook_server_load"],
    )?;
    let (overhead_bin, server_bin) = (&bench_bins[0], &bench_bins[1]);
    let xtask_bin = cargo_build_executables(
        repo_root,
        &["--release", "-p", "xtask", "--bin", "xtask"],
        &["xtask"],
    )?
    .remove(0);

    let body = repo_root.join("xtask/bench/call_answered.json");
    let stub = NginxStub::start(&nginx, repo_root, &bench_dir)?;
    let base_url = format!("http://127.0.0.1:{}/v2", stub.port);

    let mut samples = Samples::default();
    let duration = format!("{}", plan.duration_s);
    let warmup = format!("{}", plan.warmup_s);
    for round in 1..=plan.repeats {
        println!("xtask bench: round {round} of {}", plan.repeats);
        let webhook = run_json(Command::new(overhead_bin).args([
            "--mode",
            "webhook",
            "--body",
            path_str(&body)?,
            "--duration",
            &duration,
            "--warmup",
            &warmup,
        ]))?;
        samples.push(
            "webhook_unwrap_per_s_rust",
            number(&webhook, "webhook_unwrap_per_s")?,
        );
        samples.push(
            "ed25519_verify_per_s",
            number(&webhook, "ed25519_verify_per_s")?,
        );
        samples.push(
            "webhook_unwrap_cost_ratio",
            number(&webhook, "unwrap_cost_ratio")?,
        );

        // Call-flow router against bare unwrap over the same deliveries, interleaved.
        let router = run_json(Command::new(overhead_bin).args([
            "--mode",
            "router",
            "--body",
            path_str(&body)?,
            "--duration",
            &duration,
            "--warmup",
            &warmup,
        ]))?;
        samples.push("router_per_s_rust", number(&router, "router_per_s")?);
        samples.push(
            "router_overhead_ratio",
            number(&router, "router_overhead_ratio")?,
        );

        let server = run_json(Command::new(server_bin).args([
            "--body",
            path_str(&body)?,
            "--connections",
            &SERVER_CONNECTIONS.to_string(),
            "--duration",
            &duration,
            "--warmup",
            &warmup,
        ]))?;
        samples.push(
            "webhook_server_per_s_rust",
            number(&server, "webhook_server_per_s")?,
        );

        let py_unwrap = run_json(Command::new(&python).args([
            path_str(&repo_root.join("xtask/bench/python_bench.py"))?,
            "unwrap",
            "--body",
            path_str(&body)?,
            "--duration",
            &duration,
            "--warmup",
            &warmup,
        ]))?;
        samples.push(
            "webhook_unwrap_per_s_python",
            number(&py_unwrap, "webhook_unwrap_per_s")?,
        );

        // Rust SDK and bare reqwest back to back, concurrent then sequential.
        for (mode, concurrency, rate_key, cpu_key) in [
            (
                "sdk",
                CONCURRENCY,
                "requests_per_s_rust",
                "cpu_us_per_request_rust",
            ),
            (
                "reqwest",
                CONCURRENCY,
                "requests_per_s_reqwest",
                "cpu_us_per_request_reqwest",
            ),
            (
                "sdk",
                1,
                "requests_per_s_rust_sequential",
                "cpu_us_per_request_rust_sequential",
            ),
            (
                "reqwest",
                1,
                "requests_per_s_reqwest_sequential",
                "cpu_us_per_request_reqwest_sequential",
            ),
        ] {
            let result = run_json(Command::new(overhead_bin).args([
                "--mode",
                mode,
                "--base-url",
                &base_url,
                "--concurrency",
                &concurrency.to_string(),
                "--duration",
                &duration,
                "--warmup",
                &warmup,
            ]))?;
            samples.push(rate_key, number(&result, "requests_per_s")?);
            samples.push(cpu_key, number(&result, "cpu_us_per_request")?);
            if mode == "sdk" && concurrency == CONCURRENCY {
                samples.push("peak_rss_mb_rust", number(&result, "peak_rss_mb")?);
            }
        }

        let py_requests = run_json(Command::new(&python).args([
            path_str(&repo_root.join("xtask/bench/python_bench.py"))?,
            "requests",
            "--base-url",
            &base_url,
            "--duration",
            &duration,
            "--warmup",
            &warmup,
        ]))?;
        samples.push(
            "requests_per_s_python",
            number(&py_requests, "requests_per_s")?,
        );
        samples.push(
            "cpu_us_per_request_python",
            number(&py_requests, "cpu_us_per_request")?,
        );
        samples.push("peak_rss_mb_python", number(&py_requests, "peak_rss_mb")?);
    }
    drop(stub);

    println!("xtask bench: media streams");
    let media_bin = cargo_build_executables(
        repo_root,
        &["--release", "-p", "telnyx-voice", "--bench", "media_stream"],
        &["media_stream"],
    )?
    .remove(0);
    for _ in 0..plan.repeats {
        let decode = run_json(Command::new(&media_bin).args([
            "--mode",
            "decode",
            "--duration",
            &duration,
            "--warmup",
            &warmup,
        ]))?;
        for (json, key) in [
            (&decode, "media_frames_decoded_per_s"),
            (&decode, "media_audio_s_per_cpu_s"),
        ] {
            samples.push(key, number(json, key)?);
        }
    }

    println!("xtask bench: code generation");
    for _ in 0..plan.repeats {
        for (surface, all) in [("voice", false), ("all", true)] {
            let out = bench_dir.join(format!("codegen-{surface}"));
            let run = time_codegen(repo_root, &xtask_bin, &out, all)?;
            samples.push(&format!("codegen_{surface}_s"), run.wall_s);
            for (stage, ms) in run.stages {
                samples.push(&format!("codegen_{surface}_{stage}_ms"), ms);
            }
            samples.push(
                &format!("generated_{surface}_lines"),
                count_lines(&out)? as f64,
            );
        }
    }

    let summary_path = bench_dir.join("summary.json");
    let build_clean_reused = if plan.quick {
        let previous = fs::read_to_string(&summary_path)
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .and_then(|json| json.get("build_clean_s").and_then(Value::as_f64));
        if let Some(value) = previous {
            samples.push("build_clean_s", value);
        }
        true
    } else {
        println!("xtask bench: clean debug build of telnyx-voice");
        samples.push("build_clean_s", time_clean_build(repo_root, &bench_dir)?);
        false
    };

    let summary = summary_json(&samples, &plan);
    write_file(&summary_path, &summary)?;
    write_file(&bench_dir.join("samples.json"), &samples_json(&samples))?;

    let machine_after = Machine::read();
    let report = Report {
        samples: &samples,
        plan: &plan,
        before: &machine_before,
        after: &machine_after,
        build_clean_reused,
        total: started.elapsed(),
    };
    println!("\n{}", report.table());
    let markdown = report.markdown();
    let markdown_path = if plan.quick {
        bench_dir.join("BENCHMARKS.quick.md")
    } else {
        repo_root.join("BENCHMARKS.md")
    };
    write_file(&markdown_path, &markdown)?;
    println!(
        "xtask bench: wrote {}, {} and {} in {:.0} s",
        summary_path.display(),
        bench_dir.join("samples.json").display(),
        markdown_path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

// ---------------------------------------------------------------- setup

/// Creates `target/bench/venv` and installs the pinned requirements unless
/// the recorded copy of them matches; returns the venv's Python.
fn ensure_python_venv(repo_root: &Path, bench_dir: &Path) -> Result<PathBuf, String> {
    let requirements = repo_root.join("xtask/bench/requirements.txt");
    let wanted = fs::read_to_string(&requirements).map_err(|e| io_error(&requirements, e))?;
    let venv = bench_dir.join("venv");
    let python = venv.join("bin/python");
    let stamp = venv.join(".requirements.txt");
    if python.is_file() && fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(python);
    }
    if !python.is_file() {
        let mut create = Command::new("python3");
        create.arg("-m").arg("venv").arg(&venv);
        run_step(create)?;
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
        .arg(&requirements);
    run_step(install)?;
    write_file(&stamp, &wanted)?;
    Ok(python)
}

/// Finds nginx, installing it from Debian when running as root.
fn ensure_nginx() -> Result<PathBuf, String> {
    if let Some(found) = find_nginx() {
        return Ok(found);
    }
    if !is_root() {
        return Err("nginx is not installed; install it (for example \
             `sudo apt-get install -y nginx-light`) and run `cargo xtask bench` again"
            .to_owned());
    }
    let mut update = Command::new("apt-get");
    update.args(["update", "-qq"]);
    run_step(update)?;
    let mut light = Command::new("apt-get");
    light.args(["install", "-y", "-qq", "nginx-light"]);
    if run_step(light).is_err() {
        let mut full = Command::new("apt-get");
        full.args(["install", "-y", "-qq", "nginx"]);
        run_step(full)?;
    }
    find_nginx().ok_or_else(|| "nginx was installed but cannot be found".to_owned())
}

/// `nginx` on `PATH`, or in the sbin directories Debian installs it to.
fn find_nginx() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join("nginx"))
        .find(|candidate| candidate.is_file())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// Builds with `cargo build ARGS` and returns the paths of the executables
/// produced for the targets called `names`, in that order.
fn cargo_build_executables(
    repo_root: &Path,
    args: &[&str],
    names: &[&str],
) -> Result<Vec<PathBuf>, String> {
    let mut build = cargo(repo_root);
    build
        .arg("build")
        .args(args)
        .arg("--message-format=json-render-diagnostics")
        .stderr(Stdio::inherit());
    let shown = describe(&build);
    println!("xtask bench: running {shown}");
    let output = build
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{shown} failed ({})", output.status));
    }
    let messages: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|msg| msg["reason"] == "compiler-artifact")
        .collect();
    names
        .iter()
        .map(|name| {
            messages
                .iter()
                .filter(|msg| msg["target"]["name"] == *name)
                .find_map(|msg| msg["executable"].as_str().map(PathBuf::from))
                .ok_or_else(|| format!("{shown} produced no executable called {name}"))
        })
        .collect()
}

/// An nginx child process serving `xtask/bench/nginx.conf` on a free port;
/// stopped when dropped.
struct NginxStub {
    child: Child,
    port: u16,
}

impl NginxStub {
    fn start(nginx: &Path, repo_root: &Path, bench_dir: &Path) -> Result<NginxStub, String> {
        let prefix = bench_dir.join("nginx");
        fs::create_dir_all(&prefix).map_err(|e| io_error(&prefix, e))?;
        let template_path = repo_root.join("xtask/bench/nginx.conf");
        let template =
            fs::read_to_string(&template_path).map_err(|e| io_error(&template_path, e))?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|e| format!("cannot find a free port: {e}"))?
            .port();
        let config = template
            .replace("@PREFIX@", path_str(&prefix)?)
            .replace("@PORT@", &port.to_string());
        let config_path = prefix.join("nginx.conf");
        write_file(&config_path, &config)?;
        // `-e` keeps nginx from opening its packaged log path before reading
        // the configuration (which fails without root).
        let child = Command::new(nginx)
            .arg("-p")
            .arg(&prefix)
            .arg("-e")
            .arg(prefix.join("error.log"))
            .arg("-c")
            .arg(&config_path)
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", nginx.display()))?;
        let mut stub = NginxStub { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                println!("xtask bench: nginx stub listening on 127.0.0.1:{port}");
                return Ok(stub);
            }
            if let Ok(Some(status)) = stub.child.try_wait() {
                return Err(format!(
                    "nginx exited at start ({status}); see {}",
                    prefix.join("error.log").display()
                ));
            }
            if Instant::now() > deadline {
                return Err("nginx did not start listening within 10 s".to_owned());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for NginxStub {
    fn drop(&mut self) {
        // The configuration runs a single process (no master), so stopping
        // this child stops the whole server.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------- measurements

/// Runs `command`, which must print one JSON object as its last line of output.
fn run_json(command: &mut Command) -> Result<Value, String> {
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

fn number(json: &Value, key: &str) -> Result<f64, String> {
    json.get(key)
        .and_then(Value::as_f64)
        .ok_or_else(|| format!("benchmark result has no number `{key}`: {json}"))
}

/// One timed generator run: wall time, and each stage's time as the generator reports it.
struct CodegenRun {
    wall_s: f64,
    stages: Vec<(&'static str, f64)>,
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
fn count_lines(dir: &Path) -> Result<usize, String> {
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
fn time_codegen(
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
    if std::env::var_os(SPEC_ENV).is_none() {
        command.env(SPEC_ENV, DEFAULT_SPEC);
    }
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

/// Wall time of `cargo build -p telnyx-voice` (debug profile) in an empty
/// target directory, which is removed again afterwards.
fn time_clean_build(repo_root: &Path, bench_dir: &Path) -> Result<f64, String> {
    let target = bench_dir.join("clean-build-target");
    remove_dir(&target)?;
    let mut build = cargo(repo_root);
    build
        .args(["build", "--quiet", "-p", "telnyx-voice"])
        .env("CARGO_TARGET_DIR", &target);
    let shown = describe(&build);
    println!("xtask bench: running {shown} (fresh target directory)");
    let started = Instant::now();
    let status = build
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let elapsed = started.elapsed().as_secs_f64();
    remove_dir(&target)?;
    if !status.success() {
        return Err(format!("{shown} failed ({status})"));
    }
    Ok(elapsed)
}

// --------------------------------------------------------------- reports

/// Summary keys in the order they are shown.
const KEYS: &[(&str, &str)] = &[
    (
        "webhook_unwrap_per_s_rust",
        "webhook unwrap/s, Rust SDK (typed event)",
    ),
    ("ed25519_verify_per_s", "bare Ed25519 verify_strict/s"),
    (
        "webhook_unwrap_per_s_python",
        "webhook unwrap/s, Python SDK",
    ),
    (
        "webhook_unwrap_cost_ratio",
        "Rust unwrap cost / bare verify cost",
    ),
    (
        "webhook_server_per_s_rust",
        "verified webhooks/s, axum server on all CPUs (load generator in-process)",
    ),
    (
        "router_per_s_rust",
        "events/s through CallRouter::handle (verify, decode, dedupe, dispatch)",
    ),
    (
        "router_overhead_ratio",
        "CallRouter per-event cost / bare webhooks().unwrap cost",
    ),
    (
        "requests_per_s_rust",
        "answer req/s, Rust SDK, 64 in flight",
    ),
    (
        "requests_per_s_reqwest",
        "answer req/s, bare reqwest, 64 in flight",
    ),
    (
        "requests_per_s_rust_sequential",
        "answer req/s, Rust SDK, sequential",
    ),
    (
        "requests_per_s_reqwest_sequential",
        "answer req/s, bare reqwest, sequential",
    ),
    (
        "requests_per_s_python",
        "answer req/s, Python SDK, sequential (sync)",
    ),
    (
        "cpu_us_per_request_rust",
        "client CPU µs/request, Rust SDK, 64 in flight",
    ),
    (
        "cpu_us_per_request_reqwest",
        "client CPU µs/request, bare reqwest, 64 in flight",
    ),
    (
        "cpu_us_per_request_rust_sequential",
        "client CPU µs/request, Rust SDK, sequential",
    ),
    (
        "cpu_us_per_request_reqwest_sequential",
        "client CPU µs/request, bare reqwest, sequential",
    ),
    (
        "cpu_us_per_request_python",
        "client CPU µs/request, Python SDK, sequential",
    ),
    (
        "peak_rss_mb_rust",
        "peak RSS MiB, Rust bench process (64 in flight)",
    ),
    (
        "peak_rss_mb_python",
        "peak RSS MiB, Python bench process (requests)",
    ),
    (
        "media_frames_decoded_per_s",
        "media frames decoded/s, one stream, one thread (JSON + base64)",
    ),
    (
        "media_audio_s_per_cpu_s",
        "audio s handled per CPU s, one stream (decode + echo encode)",
    ),
    ("codegen_voice_s", "codegen, voice surface, s"),
    ("codegen_voice_read_ms", "  stage read + sha256, ms"),
    (
        "codegen_voice_parse_ms",
        "  stage load + normalize + parse, ms",
    ),
    ("codegen_voice_build_ms", "  stage select + build IR, ms"),
    ("codegen_voice_emit_ms", "  stage emit + format, ms"),
    ("codegen_voice_write_ms", "  stage write, ms"),
    (
        "generated_voice_lines",
        "generated Rust, voice surface, lines",
    ),
    ("codegen_all_s", "codegen, whole spec (--all), s"),
    ("codegen_all_read_ms", "  stage read + sha256, ms"),
    (
        "codegen_all_parse_ms",
        "  stage load + normalize + parse, ms",
    ),
    ("codegen_all_build_ms", "  stage select + build IR, ms"),
    ("codegen_all_emit_ms", "  stage emit + format, ms"),
    ("codegen_all_write_ms", "  stage write, ms"),
    (
        "generated_all_lines",
        "generated Rust, whole spec (with runtime copy), lines",
    ),
    ("build_clean_s", "clean debug build of telnyx-voice, s"),
];

fn summary_json(samples: &Samples, plan: &Plan) -> String {
    let mut map = serde_json::Map::new();
    for (key, _) in KEYS {
        if let Some(value) = samples.median(key) {
            map.insert((*key).to_owned(), round_json(value));
        }
    }
    map.insert("repeats".to_owned(), Value::from(plan.repeats));
    map.insert("quick".to_owned(), Value::from(u8::from(plan.quick)));
    let mut text = serde_json::to_string_pretty(&Value::Object(map)).unwrap_or_default();
    text.push('\n');
    text
}

fn samples_json(samples: &Samples) -> String {
    let map: serde_json::Map<String, Value> = samples
        .0
        .iter()
        .map(|(key, values)| {
            (
                (*key).to_owned(),
                Value::Array(values.iter().map(|v| round_json(*v)).collect()),
            )
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&Value::Object(map)).unwrap_or_default();
    text.push('\n');
    text
}

fn round_json(value: f64) -> Value {
    let rounded = if value.abs() >= 100.0 {
        value.round()
    } else {
        (value * 1000.0).round() / 1000.0
    };
    serde_json::Number::from_f64(rounded).map_or(Value::Null, Value::Number)
}

/// What the machine looked like around a run.
struct Machine {
    cpus: usize,
    cpu_model: String,
    memory_gib: f64,
    loadavg: String,
}

impl Machine {
    /// The 1-minute load average, when it could be read.
    fn load1(&self) -> Option<f64> {
        self.loadavg.split_whitespace().next()?.parse().ok()
    }

    fn read() -> Machine {
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find_map(|line| line.strip_prefix("model name"))
            .and_then(|rest| rest.split_once(':'))
            .map_or_else(
                || "unknown".to_owned(),
                |(_, model)| model.trim().to_owned(),
            );
        let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_gib = meminfo
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
        let loadavg = fs::read_to_string("/proc/loadavg")
            .map(|text| {
                text.split_whitespace()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_else(|_| "unknown".to_owned());
        Machine {
            cpus: std::thread::available_parallelism().map_or(0, usize::from),
            cpu_model,
            memory_gib,
            loadavg,
        }
    }
}

struct Report<'a> {
    samples: &'a Samples,
    plan: &'a Plan,
    before: &'a Machine,
    after: &'a Machine,
    build_clean_reused: bool,
    total: Duration,
}

/// One target from the issues and how the run measured against it.
struct Target {
    name: &'static str,
    measured: String,
    met: Option<bool>,
    /// Met, but by less than [`TIGHT_MARGIN`] of the limit.
    tight: bool,
}

impl Target {
    fn new(name: &'static str, measured: String, (met, tight): (Option<bool>, bool)) -> Target {
        Target {
            name,
            measured,
            met,
            tight,
        }
    }
}

/// Relative distance from a limit under which a met target is flagged as tight.
const TIGHT_MARGIN: f64 = 0.1;

/// Whether `value` meets `limit` (from below when `at_most`, else from above),
/// and whether it does so only narrowly.
fn judge(value: Option<f64>, limit: f64, at_most: bool) -> (Option<bool>, bool) {
    let Some(value) = value else {
        return (None, false);
    };
    let slack = if at_most {
        (limit - value) / limit
    } else {
        (value - limit) / limit
    };
    let met = if at_most {
        value <= limit
    } else {
        value >= limit
    };
    (Some(met), met && slack < TIGHT_MARGIN)
}

impl Report<'_> {
    /// The results table (Markdown, also readable as plain text).
    fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "| measurement | median | min | max | runs |");
        let _ = writeln!(out, "|---|---:|---:|---:|---:|");
        for (key, label) in KEYS {
            let Some(values) = self.samples.0.get(*key) else {
                continue;
            };
            let (Some(mid), Some(low), Some(high)) = (
                median(values),
                values.iter().copied().reduce(f64::min),
                values.iter().copied().reduce(f64::max),
            ) else {
                continue;
            };
            let mut label = (*label).to_owned();
            if *key == "build_clean_s" && self.build_clean_reused {
                label.push_str(" (reused from the previous full run)");
            }
            let _ = writeln!(
                out,
                "| {label} (`{key}`) | {} | {} | {} | {} |",
                shown(mid),
                shown(low),
                shown(high),
                values.len()
            );
        }
        out
    }

    fn targets(&self) -> Vec<Target> {
        let m = |key: &str| self.samples.median(key);
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => Some(a / b),
            _ => None,
        };
        let times = |r: Option<f64>, digits: usize| {
            r.map_or("n/a".to_owned(), |r| format!("{r:.digits$}x"))
        };
        let secs = |s: Option<f64>| s.map_or("n/a".to_owned(), |s| format!("{s:.3} s"));
        let mut targets = Vec::new();

        let unwrap_cost = m("webhook_unwrap_cost_ratio");
        targets.push(Target::new(
            "webhook unwrap (typed) costs at most 1.2x a bare verify_strict",
            times(unwrap_cost, 3),
            judge(unwrap_cost, 1.2, true),
        ));
        let router_cost = m("router_overhead_ratio");
        targets.push(Target::new(
            "call-flow router per event costs at most 1.1x bare webhook unwrap",
            times(router_cost, 3),
            judge(router_cost, 1.1, true),
        ));
        let vs_python = ratio(
            m("webhook_unwrap_per_s_rust"),
            m("webhook_unwrap_per_s_python"),
        );
        targets.push(Target::new(
            "webhook unwrap at least 6x the Python SDK per thread",
            times(vs_python, 1),
            judge(vs_python, 6.0, false),
        ));
        for (label, cost) in [
            (
                "request cost within 1.3x of bare reqwest: client CPU per request, 64 in flight",
                ratio(
                    m("cpu_us_per_request_rust"),
                    m("cpu_us_per_request_reqwest"),
                ),
            ),
            (
                "request cost within 1.3x of bare reqwest: client CPU per request, sequential",
                ratio(
                    m("cpu_us_per_request_rust_sequential"),
                    m("cpu_us_per_request_reqwest_sequential"),
                ),
            ),
            // Wall-clock cost is the inverse of the rate: bare rate / SDK rate.
            (
                "request cost within 1.3x of bare reqwest: wall time per request, 64 in flight",
                ratio(m("requests_per_s_reqwest"), m("requests_per_s_rust")),
            ),
            (
                "request cost within 1.3x of bare reqwest: wall time per request, sequential",
                ratio(
                    m("requests_per_s_reqwest_sequential"),
                    m("requests_per_s_rust_sequential"),
                ),
            ),
        ] {
            targets.push(Target::new(label, times(cost, 3), judge(cost, 1.3, true)));
        }
        let vs_python = ratio(m("requests_per_s_rust"), m("requests_per_s_python"));
        targets.push(Target::new(
            "requests/s at least 10x the Python SDK (best mode of each: Rust 64 in flight, \
             Python sequential sync)",
            times(vs_python, 1),
            judge(vs_python, 10.0, false),
        ));
        let voice = m("codegen_voice_s");
        targets.push(Target::new(
            "codegen of the voice surface under 1 s",
            secs(voice),
            judge(voice, 1.0, true),
        ));
        let all = m("codegen_all_s");
        targets.push(Target::new(
            "codegen of the whole spec under 3 s",
            secs(all),
            judge(all, 3.0, true),
        ));
        targets
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Benchmarks\n");
        let _ = writeln!(
            out,
            "Written by `cargo xtask bench{}` from `target/bench/summary.json`; \
             rerun that command to refresh it rather than editing by hand.\n",
            if self.plan.quick { " --quick" } else { "" }
        );
        let _ = writeln!(
            out,
            "Command: `cargo xtask bench{}` from the repository root \
             (`--quick` does 3 shorter rounds, skips the clean build and writes \
             `target/bench/BENCHMARKS.quick.md` instead of this file).\n",
            if self.plan.quick { " --quick" } else { "" }
        );
        let _ = writeln!(out, "## Machine\n");
        let _ = writeln!(out, "- CPUs (`nproc`): {}", self.before.cpus);
        let _ = writeln!(out, "- CPU model: {}", self.before.cpu_model);
        let _ = writeln!(out, "- memory: {:.1} GiB", self.before.memory_gib);
        let _ = writeln!(
            out,
            "- load average (1, 5, 15 min): {} at the start, {} at the end",
            self.before.loadavg, self.after.loadavg
        );
        let _ = writeln!(
            out,
            "- the machine is shared with other builds, so single runs are noisy; \
             Rust and Python runs alternate round by round and the table gives \
             medians of {} rounds of {} s each (after {} s of warm-up), with min and max",
            self.plan.repeats, self.plan.duration_s, self.plan.warmup_s
        );
        let busy = [self.before.load1(), self.after.load1()]
            .into_iter()
            .flatten()
            .any(|load| load > self.before.cpus as f64);
        if busy {
            let _ = writeln!(
                out,
                "- the 1-minute load was above the number of CPUs, so other work \
                 took CPU time from these runs: wall-clock figures (code generation, \
                 clean build, request rates, webhook server) are pessimistic, while \
                 ratios taken inside one process (webhook unwrap against bare verify, \
                 client CPU per request) are the least affected"
            );
        }
        let _ = writeln!(out, "- whole run: {:.0} s\n", self.total.as_secs_f64());

        let _ = writeln!(out, "## Targets\n");
        let _ = writeln!(out, "| target | measured | met |");
        let _ = writeln!(out, "|---|---:|:---:|");
        for target in self.targets() {
            let met = match target.met {
                Some(true) if target.tight => "yes (by less than 10%)",
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "not measured",
            };
            let _ = writeln!(out, "| {} | {} | {met} |", target.name, target.measured);
        }
        let _ = writeln!(out);

        if let (Some(rust), Some(python)) = (
            self.samples.median("requests_per_s_rust_sequential"),
            self.samples.median("requests_per_s_python"),
        ) {
            let _ = writeln!(
                out,
                "Not a target: one request at a time, the Rust SDK makes {:.1}x the \
                 Python SDK's requests per second. Sequential rates measure the loopback \
                 round trip more than the client (see the notes on requests below).\n",
                rust / python
            );
        }
        let _ = writeln!(out, "## Results\n");
        out.push_str(&self.table());
        let _ = writeln!(out);

        let _ = writeln!(out, "## What is measured\n");
        for line in METHOD {
            let _ = writeln!(out, "- {line}");
        }
        out
    }
}

/// How each number comes about, for the generated Markdown.
const METHOD: &[&str] = &[
    "Webhooks: one delivery, `xtask/bench/call_answered.json` (a call.answered \
     event of about 1 KB), signed with a fixed Ed25519 key and the current \
     timestamp. Rust alternates batches of 200 `WebhookVerifier::unwrap::<WebhookEvent>` \
     calls with batches of 200 bare `VerifyingKey::verify_strict` calls over the \
     same signed message, on one thread, in the `client_overhead` bench binary; \
     the cost ratio is computed inside each run. Python calls \
     `client.webhooks.unwrap(body, headers=...)` of the official `telnyx` package \
     in a loop on one thread, the public key given to the `Telnyx` constructor.",
    "Requests: `calls.actions.answer` against an nginx stub on 127.0.0.1 (one \
     worker process) answering `POST /v2/calls/*/actions/answer` with the \
     documented example reply, over keep-alive. The Rust SDK and the bare \
     `reqwest` version (same headers, a fresh command id per request, reply \
     decoded with serde) each use one client on a single-threaded Tokio runtime, \
     with 64 requests in flight or one at a time. The Python SDK runs its \
     synchronous client one request after another. Client CPU time per request \
     comes from the process's user and system time during the measured window.",
    "Webhook server: the `webhook_server_load` bench binary serves `POST /webhooks` \
     with an axum handler taking `VerifiedWebhook<WebhookEvent>` on a \
     multi-threaded Tokio runtime (one worker per CPU); a `reqwest` load \
     generator in the same process (its own thread and runtime) keeps 32 \
     keep-alive connections busy with the same signed delivery. Server and \
     load generator share the CPUs, so this is a floor.",
    "Sequential request rates depend on where the scheduler puts the client \
     and nginx. On this 2-CPU virtual machine, with both pinned to one CPU \
     (`taskset`) the Rust SDK made about 40,000 requests/s at 15 µs of client \
     CPU each, and with them on different CPUs about 14,500/s at 34 µs each: \
     waking a thread on the other CPU is expensive here. Unpinned runs land \
     on either side (a busy machine tends to give the fast case, an idle one \
     the slow case), so sequential medians can differ severalfold between \
     runs, for the SDK and bare reqwest alike; compare the two within one run.",
    "Peak RSS: `VmHWM` of the Rust bench process after a 64-in-flight SDK run; \
     `ru_maxrss` of the Python process after its request run (the `telnyx` \
     package imported).",
    "Code generation: wall time of the release `xtask` binary running \
     `codegen --out DIR` (voice surface) and `codegen --all --out DIR` (whole \
     spec), each into an emptied directory.",
    "The Python SDK's synchronous client is its fastest single-caller mode \
     here: a spot check of `AsyncTelnyx` with 16 coroutines in flight against \
     the same stub was several times slower, so Python is measured sequentially.",
    "Clean build: wall time of `cargo build -p telnyx-voice` (debug profile) \
     in an empty target directory, dependencies already downloaded; measured \
     once per full run and carried over by `--quick` runs.",
];

fn shown(value: f64) -> String {
    if value.abs() >= 100.0 {
        format!("{value:.0}")
    } else if value.abs() >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.3}")
    }
}

fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

// --------------------------------------------------------------- helpers

/// A `cargo` command (the one running xtask, when known) run from `repo_root`.
fn cargo(repo_root: &Path) -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(program);
    command.current_dir(repo_root);
    command
}

/// Runs `command` with inherited stdio, failing unless it exits successfully.
fn run_step(mut command: Command) -> Result<(), String> {
    let shown = describe(&command);
    println!("xtask bench: running {shown}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

fn describe(command: &Command) -> String {
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

fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("{} is not valid Unicode", path.display()))
}

fn remove_dir(dir: &Path) -> Result<(), String> {
    match fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(dir, e)),
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| io_error(path, e))
}

fn io_error(path: &Path, error: std::io::Error) -> String {
    format!("{}: {error}", path.display())
}
