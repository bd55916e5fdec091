//! The results: the summary files, the table printed at the end, and `BENCHMARKS.md` with each
//! target marked met or missed.

use std::fmt::Write as _;
use std::fs;
use std::time::Duration;

use serde_json::Value;

use super::{Plan, Samples};

/// Summary keys in the order they are shown.
pub const KEYS: &[(&str, &str)] = &[
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
        "requests_per_s_blocking_sequential",
        "answer req/s, Rust blocking client, sequential",
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
    (
        "media_streams_per_core",
        "8 kHz echo-agent streams one core sustains (500 streams from the simulator)",
    ),
    (
        "media_echo_ratio",
        "frames echoed / frames sent, 500-stream run",
    ),
    (
        "media_agent_cpu_fraction",
        "echo agent's share of the CPU, 500-stream run",
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
];

/// The medians of every metric as `summary.json`, the build-cost ones included.
pub fn summary_json(samples: &Samples, plan: &Plan) -> String {
    let mut map = serde_json::Map::new();
    let build_cost = super::build_cost::keys();
    for key in KEYS
        .iter()
        .map(|(key, _)| *key)
        .chain(build_cost.iter().map(String::as_str))
    {
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

/// Every sample of every metric as `samples.json`.
pub fn samples_json(samples: &Samples) -> String {
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

/// A number rounded for the JSON files: whole above 100, else to three decimals.
pub fn round_json(value: f64) -> Value {
    let rounded = if value.abs() >= 100.0 {
        value.round()
    } else {
        (value * 1000.0).round() / 1000.0
    };
    serde_json::Number::from_f64(rounded).map_or(Value::Null, Value::Number)
}

/// What the machine looked like around a run.
pub struct Machine {
    /// CPUs available to this process.
    pub cpus: usize,
    /// The CPU's model name.
    pub cpu_model: String,
    /// Memory, GiB.
    pub memory_gib: f64,
    /// The 1, 5 and 15 minute load averages.
    pub loadavg: String,
}

impl Machine {
    /// The 1-minute load average, when it could be read.
    pub fn load1(&self) -> Option<f64> {
        self.loadavg.split_whitespace().next()?.parse().ok()
    }

    /// The machine now.
    pub fn read() -> Machine {
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

/// Everything a full or quick run reports.
pub struct Report<'a> {
    /// The measurements.
    pub samples: &'a Samples,
    /// How much work each measurement did.
    pub plan: &'a Plan,
    /// The machine at the start.
    pub before: &'a Machine,
    /// The machine at the end.
    pub after: &'a Machine,
    /// The build-cost section: measured in this run, or carried over from `BENCHMARKS.md`.
    pub build_cost: String,
    /// How long the whole run took.
    pub total: Duration,
}

/// One target from the issues and how the run measured against it.
pub struct Target {
    /// What the target asks for.
    pub name: String,
    /// The value measured, as shown.
    pub measured: String,
    /// Whether it was met (`None`: not measured).
    pub met: Option<bool>,
    /// Met, but by less than [`TIGHT_MARGIN`] of the limit.
    pub tight: bool,
}

/// Appends the `| target | measured | met |` table of `targets` to `out`.
pub fn target_table(out: &mut String, targets: &[Target]) {
    let _ = writeln!(out, "| target | measured | met |");
    let _ = writeln!(out, "|---|---:|:---:|");
    for target in targets {
        let met = match target.met {
            Some(true) if target.tight => "yes (by less than 10%)",
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "not measured",
        };
        let _ = writeln!(out, "| {} | {} | {met} |", target.name, target.measured);
    }
}

impl Target {
    /// A target, its measured value and the verdict of [`judge`].
    pub fn new(
        name: impl Into<String>,
        measured: String,
        (met, tight): (Option<bool>, bool),
    ) -> Target {
        Target {
            name: name.into(),
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
pub fn judge(value: Option<f64>, limit: f64, at_most: bool) -> (Option<bool>, bool) {
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
    pub fn table(&self) -> String {
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
        // Wall time per request of the blocking client over the async one, both sequential.
        let blocking = ratio(
            m("requests_per_s_rust_sequential"),
            m("requests_per_s_blocking_sequential"),
        );
        targets.push(Target::new(
            "blocking client within 1.2x of the async client: wall time per request, sequential",
            times(blocking, 3),
            judge(blocking, 1.2, true),
        ));
        let streams = m("media_streams_per_core");
        targets.push(Target::new(
            "at least 500 concurrent 8 kHz echo-agent streams per core",
            streams.map_or("n/a".to_owned(), |s| format!("{s:.0}")),
            judge(streams, 500.0, false),
        ));
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

    pub fn markdown(&self) -> String {
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
             (`--quick` does 3 shorter rounds, skips the build-cost step, whose section it \
             carries over, and writes `target/bench/BENCHMARKS.quick.md` instead of this file; \
             `--only build-cost` runs that step alone and rewrites only its section).\n",
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
        target_table(&mut out, &self.targets());
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
        let _ = writeln!(out);
        out.push_str(&self.build_cost);
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
];

/// A number for the tables: whole above 100, one decimal above 10, else three.
pub fn shown(value: f64) -> String {
    if value.abs() >= 100.0 {
        format!("{value:.0}")
    } else if value.abs() >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.3}")
    }
}

/// The median, `None` for no values.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}
