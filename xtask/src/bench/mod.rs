//! `cargo xtask bench [--quick] [--only build-cost]`: measures the SDK against what it is meant
//! to beat and writes the results down.
//!
//! Steps:
//! 1. installs the comparison points when missing: a Python virtual
//!    environment in `target/bench/venv` with `xtask/bench/requirements.txt`
//!    (the official Python SDK), and nginx from Debian, which serves a stub of
//!    the answer command on 127.0.0.1 ([`setup`]);
//! 2. builds the `client_overhead` bench binary and the xtask binary in
//!    release mode;
//! 3. runs every measurement several times, alternating the Rust and Python
//!    runs so background load hits them alike: webhook unwrap against bare
//!    Ed25519 verification, the call-flow router against bare webhook unwrap,
//!    `calls.actions.answer` against bare `reqwest` and
//!    against the Python SDK, peak memory and code generation time ([`measure`]);
//! 4. (full runs only) the build cost of a small app using the SDK, beside the
//!    same app using the community `telnyx` crate ([`build_cost`]);
//! 5. prints a table of medians with min and max, writes the medians to
//!    `target/bench/summary.json` (every sample goes to
//!    `target/bench/samples.json`) and renders `BENCHMARKS.md` from them with
//!    each target marked met or missed ([`report`]). A `--quick` run writes
//!    `target/bench/BENCHMARKS.quick.md` instead, leaving the committed file
//!    to full runs.
//!
//! `--only build-cost` runs step 4 alone: it rewrites the build-cost section of
//! `BENCHMARKS.md` and its keys in `summary.json`, and leaves the rest as it was;
//! `--only build-cost --reuse` renders that section again from the last
//! measurement (`target/bench/build-cost/result.json`) without building anything.

pub mod build_cost;
mod measure;
mod report;
mod setup;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

use crate::task_common::{ensure_venv, io_error, path_str, write_file};
use measure::{count_lines, number, run_json, time_codegen};
use report::{samples_json, summary_json, Machine, Report};
use setup::{cargo_build_executables, ensure_nginx, NginxStub};

/// Requests in flight for the concurrent Rust runs.
const CONCURRENCY: usize = 64;

/// Keep-alive connections loading the axum webhook server.
const SERVER_CONNECTIONS: usize = 32;

const USAGE: &str = "usage: cargo xtask bench [--quick] [--only build-cost [--reuse]]";

/// How much work each run does.
pub struct Plan {
    quick: bool,
    repeats: usize,
    duration_s: f64,
    warmup_s: f64,
}

/// Samples of every metric, by summary key.
#[derive(Default)]
pub struct Samples(BTreeMap<String, Vec<f64>>);

impl Samples {
    fn push(&mut self, key: &str, value: f64) {
        self.0.entry(key.to_owned()).or_default().push(value);
    }

    fn median(&self, key: &str) -> Option<f64> {
        self.0.get(key).and_then(|values| report::median(values))
    }
}

/// The steps `--only` can run alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Only {
    /// [`build_cost`].
    BuildCost,
}

/// Runs the benchmark task from `repo_root`; `args` may hold `--quick` and `--only STEP`.
pub fn run(repo_root: &Path, args: &[String]) -> Result<(), String> {
    let mut quick = false;
    let mut only = None;
    let mut reuse = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--reuse" => reuse = true,
            "--only" => {
                only = match args.next().map(String::as_str) {
                    Some("build-cost") => Some(Only::BuildCost),
                    Some(other) => {
                        return Err(format!("--only takes build-cost, not {other}; {USAGE}"))
                    }
                    None => return Err(format!("--only needs a step; {USAGE}")),
                }
            }
            other => return Err(format!("unknown option {other}; {USAGE}")),
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
    if only == Some(Only::BuildCost) {
        return build_cost_only(repo_root, &bench_dir, reuse);
    }
    if reuse {
        return Err(format!("--reuse goes with --only build-cost; {USAGE}"));
    }
    let machine_before = Machine::read();
    let started = Instant::now();

    let python = ensure_venv(
        "bench",
        &bench_dir.join("venv"),
        &repo_root.join("xtask/bench/requirements.txt"),
    )?;
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
            (
                "blocking",
                1,
                "requests_per_s_blocking_sequential",
                "cpu_us_per_request_blocking_sequential",
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
        // 500 echo-agent streams with the simulator as the load generator; streams per core
        // counts only when the agent echoed nearly every frame it was sent.
        let streams = run_json(Command::new(&media_bin).args([
            "--mode",
            "streams",
            "--streams",
            "500",
            "--duration",
            &duration,
            "--warmup",
            &warmup,
        ]))?;
        let echoed = number(&streams, "media_echo_ratio")?;
        samples.push("media_echo_ratio", echoed);
        samples.push(
            "media_agent_cpu_fraction",
            number(&streams, "media_agent_cpu_fraction")?,
        );
        if echoed >= 0.95 {
            samples.push(
                "media_streams_per_core",
                number(&streams, "media_streams_per_core")?,
            );
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
    let committed = fs::read_to_string(repo_root.join("BENCHMARKS.md")).unwrap_or_default();
    let build_cost = if plan.quick {
        build_cost::carried_over(&committed)
    } else {
        let result = build_cost::measure(repo_root, &bench_dir)?;
        result.record(&mut samples);
        result.markdown()
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
        build_cost,
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

/// `--only build-cost`: measures the build cost (or, with `reuse`, reads back the last
/// measurement), rewrites its section of `BENCHMARKS.md` and its keys in `summary.json`, and
/// leaves everything else as the last full run wrote it.
fn build_cost_only(repo_root: &Path, bench_dir: &Path, reuse: bool) -> Result<(), String> {
    let result = if reuse {
        build_cost::reuse(bench_dir)?
    } else {
        build_cost::measure(repo_root, bench_dir)?
    };
    println!("\n{}", result.markdown());

    let summary_path = bench_dir.join("summary.json");
    let mut summary = fs::read_to_string(&summary_path)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Map<String, Value>>(&text).ok())
        .unwrap_or_default();
    let mut samples = Samples::default();
    result.record(&mut samples);
    for (key, values) in &samples.0 {
        if let Some(value) = report::median(values) {
            summary.insert(key.clone(), report::round_json(value));
        }
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(summary)).unwrap_or_default();
    text.push('\n');
    write_file(&summary_path, &text)?;

    let markdown_path = repo_root.join("BENCHMARKS.md");
    let committed = fs::read_to_string(&markdown_path).unwrap_or_default();
    write_file(
        &markdown_path,
        &build_cost::splice(&committed, &result.markdown()),
    )?;
    println!(
        "xtask bench: wrote {} and the build-cost section of {}",
        summary_path.display(),
        markdown_path.display()
    );
    Ok(())
}
