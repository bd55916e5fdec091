//! The simulator's live page in a real browser.
//!
//! Headless Chromium loads the page from the quickstart's simulator while the
//! quickstart app runs, and from the `telnyx-sim` binary while this test drives
//! it as an app would, and the assertions read the DOM Chromium rendered
//! (`--dump-dom`). Chromium must be installed (Debian: `apt-get install -y
//! chromium`; `.ci/run` does it) or named by `CHROMIUM=/path`; without it these
//! tests fail and say so.
//!
//! The quickstart and `telnyx-sim` binaries come from the same build
//! (`cargo test --all-features` builds both; with only this test target
//! selected, run `cargo build --examples --bins --all-features` first).

mod common;

use std::future::IntoFuture;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};
use telnyx_voice::simulator::{SimConfig, Simulator};
use telnyx_voice::Client;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};

/// Flags that let Chromium run headless as root on a machine without a network.
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
];

/// App strings that would run or add markup if the page did not escape them.
const SCRIPT_TEXT: &str = "<script>document.body.setAttribute('data-pwned','yes')</script>";
const TAG_TEXT: &str = "<b id=\"injected\">bold</b>";

fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("CHROMIUM").filter(|path| !path.is_empty()) {
        let path = PathBuf::from(path);
        assert!(path.is_file(), "CHROMIUM={} is not a file", path.display());
        return path;
    }
    let mut candidates = vec![PathBuf::from("/usr/bin/chromium")];
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            for name in ["chromium", "chromium-browser", "google-chrome"] {
                candidates.push(dir.join(name));
            }
        }
    }
    candidates
        .into_iter()
        .find(|path| path.is_file())
        .unwrap_or_else(|| {
            panic!(
                "Chromium not found: this test needs a real browser. Install Debian's package \
                 (`apt-get install -y chromium`, as .ci/run does) or set CHROMIUM=/path/to/chromium"
            )
        })
}

/// The cargo target directory (the test binary lives in `target/<profile>/deps`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    exe.ancestors()
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .unwrap_or_else(|| exe.parent().and_then(Path::parent).expect("target dir"))
        .to_path_buf()
}

/// A built binary of this package: the example `quickstart` or the `telnyx-sim` bin.
fn built(kind: &str, name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test binary lives in target/<profile>/deps");
    let dir = if kind == "example" {
        profile_dir.join("examples")
    } else {
        profile_dir.to_path_buf()
    };
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "{kind} binary {} is missing: run `cargo build --examples --bins --all-features` first \
         (`cargo test --all-features` without target filters builds it too)",
        path.display()
    );
    path
}

/// Runs Chromium once on `url` with `extra` flags; returns its stdout.
async fn run_chromium(url: &str, extra: &[String]) -> String {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let profile = std::env::temp_dir().join(format!(
        "telnyx-sim-chromium-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).expect("chromium profile dir");
    let browser = chromium();
    let run = Command::new(&browser)
        .args(CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(90), run)
        .await
        .unwrap_or_else(|_| panic!("{} did not finish within 90 s on {url}", browser.display()))
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", browser.display()));
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        output.status.success(),
        "chromium failed on {url}: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("chromium prints UTF-8")
}

/// The DOM after the page loaded and its scripts ran.
async fn dump_dom(url: &str) -> String {
    let dom = run_chromium(url, &["--dump-dom".to_string()]).await;
    assert!(dom.contains("</html>"), "no document from {url}: {dom}");
    dom
}

async fn screenshot(url: &str, path: &Path) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("screenshot dir");
    let _ = std::fs::remove_file(path);
    run_chromium(
        url,
        &[
            format!("--screenshot={}", path.display()),
            "--window-size=1500,1100".to_string(),
            "--hide-scrollbars".to_string(),
        ],
    )
    .await;
    let png = std::fs::read(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    assert!(png.starts_with(b"\x89PNG"), "not a PNG: {}", path.display());
}

// ----- WebDriver (chromedriver), for watching the page live and pressing its buttons ----

fn chromedriver() -> PathBuf {
    let path = std::env::var_os("CHROMEDRIVER")
        .filter(|path| !path.is_empty())
        .map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from);
    assert!(
        path.is_file(),
        "chromedriver not found at {}: install Debian's package (`apt-get install -y \
         chromium-driver`, as .ci/run does) or set CHROMEDRIVER=/path/to/chromedriver",
        path.display()
    );
    path
}

/// A headless Chromium session driven over WebDriver.
struct Browser {
    http: reqwest::Client,
    session: String,
    profile: PathBuf,
    _driver: Child,
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    async fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("free port")
            .port();
        let driver = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("run chromedriver");
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        let ready = Instant::now();
        loop {
            if let Ok(answer) = http.get(format!("{base}/status")).send().await {
                if json_of(answer).await["value"]["ready"] == json!(true) {
                    break;
                }
            }
            assert!(
                ready.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = std::env::temp_dir().join(format!(
            "telnyx-sim-webdriver-{}-{port}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&profile);
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|flag| flag.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push("--window-size=1500,1100".to_string());
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium(), "args": args },
        }}});
        let answer = post_json(&http, format!("{base}/session"), &capabilities)
            .send()
            .await
            .expect("new WebDriver session");
        let answer = json_of(answer).await;
        let session = answer["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {answer}"))
            .to_string();
        Browser {
            http,
            session: format!("{base}/session/{session}"),
            profile,
            _driver: driver,
        }
    }

    async fn command(&self, path: &str, body: Value) -> Value {
        let answer = post_json(&self.http, format!("{}{path}", self.session), &body)
            .send()
            .await
            .unwrap_or_else(|err| panic!("WebDriver {path}: {err}"));
        let ok = answer.status().is_success();
        let answer = json_of(answer).await;
        assert!(ok, "WebDriver {path} failed: {answer}");
        answer["value"].clone()
    }

    async fn goto(&self, url: &str) {
        self.command("/url", json!({ "url": url })).await;
    }

    /// Runs `script` (a function body) in the page and returns what it returns.
    async fn run(&self, script: &str, args: Value) -> Value {
        self.command("/execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    async fn find(&self, css: &str) -> String {
        let found = self
            .command("/element", json!({ "using": "css selector", "value": css }))
            .await;
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {found}"))
            .to_string()
    }

    async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.command(&format!("/element/{element}/click"), json!({}))
            .await;
    }

    async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.command(&format!("/element/{element}/clear"), json!({}))
            .await;
        self.command(
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        )
        .await;
    }

    /// The current DOM, as the page's scripts left it.
    async fn source(&self) -> String {
        let answer = self
            .http
            .get(format!("{}/source", self.session))
            .send()
            .await
            .expect("WebDriver source");
        json_of(answer).await["value"]
            .as_str()
            .expect("page source")
            .to_string()
    }

    /// Polls `script` until it returns `true`, for at most 15 s.
    async fn wait_until(&self, what: &str, script: &str, args: Value) {
        let started = Instant::now();
        while self.run(script, args.clone()).await != json!(true) {
            if started.elapsed() > Duration::from_secs(15) {
                let shown = self
                    .run(
                        "return [document.getElementById('message').textContent, \
                         document.getElementById('live').textContent, \
                         document.getElementById('calls').textContent];",
                        json!([]),
                    )
                    .await;
                panic!("the page never showed {what}; message, status and calls: {shown}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn quit(self) {
        let _ = self.http.delete(&self.session).send().await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// What the live page shows right now: its diagram rows and calls-table rows.
const COUNTS: &str = "return [document.querySelectorAll('#diagram g.row').length, \
    document.querySelectorAll('#calls tr').length];";

// ----- reading the dumped DOM ---------------------------------------------------

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The value of `name="..."` inside one start tag.
fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// Every start tag beginning with `prefix`, such as `<g class="row `.
fn tags<'a>(dom: &'a str, prefix: &str) -> Vec<&'a str> {
    dom.match_indices(prefix)
        .map(|(at, _)| {
            let end = dom[at..].find('>').map_or(dom.len(), |end| at + end + 1);
            &dom[at..end]
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
struct Row {
    seq: u64,
    kind: String,
    event_type: Option<String>,
    call: Option<String>,
    class: String,
}

/// The diagram's rows, in document order.
fn rows(dom: &str) -> Vec<Row> {
    tags(dom, "<g class=\"row ")
        .into_iter()
        .map(|tag| Row {
            seq: attr(tag, "data-seq")
                .and_then(|seq| seq.parse().ok())
                .unwrap_or_else(|| panic!("row without data-seq: {tag}")),
            kind: attr(tag, "data-kind").unwrap_or_default(),
            event_type: attr(tag, "data-event-type"),
            call: attr(tag, "data-call"),
            class: attr(tag, "class").unwrap_or_default(),
        })
        .collect()
}

#[derive(Debug)]
struct CallRow {
    id: String,
    state: String,
    cells: Vec<String>,
}

/// The calls table's rows: id, state and the text of each cell.
fn call_rows(dom: &str) -> Vec<CallRow> {
    let table = dom
        .find("<tbody id=\"calls\">")
        .map(|start| {
            let rest = &dom[start..];
            &rest[..rest.find("</tbody>").unwrap_or(rest.len())]
        })
        .expect("calls table in the page");
    table
        .split("<tr ")
        .skip(1)
        .map(|tr| {
            let tag = &tr[..tr.find('>').unwrap_or(tr.len())];
            let cells = tr
                .split("<td")
                .skip(1)
                .map(|td| {
                    let text = &td[td.find('>').map_or(0, |i| i + 1)..];
                    let text = &text[..text.find('<').unwrap_or(text.len())];
                    unescape(text)
                })
                .collect();
            CallRow {
                id: attr(&format!(" {tag}"), "data-call").unwrap_or_default(),
                state: attr(&format!(" {tag}"), "data-state").unwrap_or_default(),
                cells,
            }
        })
        .collect()
}

fn body_tag(dom: &str) -> &str {
    tags(dom, "<body").first().copied().expect("a body element")
}

/// True when `wanted` appears in `seen` in this order (other items may come between).
fn in_order(seen: &[String], wanted: &[&str]) -> bool {
    let mut rest = seen.iter();
    wanted
        .iter()
        .all(|want| rest.by_ref().any(|item| item == want))
}

fn event_types_for(rows: &[Row], call: &str) -> Vec<String> {
    rows.iter()
        .filter(|row| row.kind == "event" && row.call.as_deref() == Some(call))
        .filter_map(|row| row.event_type.clone())
        .collect()
}

async fn json_of(response: reqwest::Response) -> Value {
    let bytes = response.bytes().await.expect("answer body");
    serde_json::from_slice(&bytes).expect("JSON answer")
}

/// A `POST` with a JSON body, as the page's script sends it.
fn post_json(http: &reqwest::Client, url: String, body: &Value) -> reqwest::RequestBuilder {
    http.post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
}

async fn timeline_json(page_url: &str) -> Vec<Value> {
    let answer = reqwest::get(format!("{page_url}_sim/timeline"))
        .await
        .expect("GET /_sim/timeline");
    let answer = json_of(answer).await;
    answer["data"].as_array().expect("data array").clone()
}

/// The DOM rows against the simulator's own record: same entries, same order.
fn assert_rows_match(rows: &[Row], entries: &[Value]) {
    assert_eq!(
        rows.len(),
        entries.len(),
        "one diagram row per timeline entry"
    );
    for (row, entry) in rows.iter().zip(entries) {
        assert_eq!(Some(row.seq), entry["seq"].as_u64(), "row order");
        assert_eq!(Some(row.kind.as_str()), entry["kind"].as_str(), "{row:?}");
        if row.kind != "command" {
            assert_eq!(
                row.event_type.as_deref(),
                entry["event_type"].as_str(),
                "{row:?}"
            );
        }
    }
}

fn render_ms(dom: &str) -> f64 {
    attr(body_tag(dom), "data-render-ms")
        .and_then(|ms| ms.parse().ok())
        .expect("the page records data-render-ms on <body>")
}

async fn line_starting(
    lines: &mut tokio::io::Lines<BufReader<ChildStdout>>,
    prefix: &str,
) -> String {
    let read = async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            println!("  | {line}");
            if let Some(rest) = line.strip_prefix(prefix) {
                return rest.trim().to_string();
            }
        }
        panic!("the program ended before printing `{prefix}`");
    };
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .unwrap_or_else(|_| panic!("no `{prefix}` line within 60 s"))
}

fn spawn(path: &Path, args: &[&str]) -> Child {
    Command::new(path)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", path.display()))
}

// ----- the tests ----------------------------------------------------------------

/// The README's main job watched in the browser: the page, opened before the story starts,
/// fills in by itself while the app runs, and ends up listing the calls and every event in
/// the simulator's order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quickstart_flow_on_the_live_page() {
    chromium();
    let browser = Browser::start().await;
    let mut app = spawn(&built("example", "quickstart"), &["--watch"]);
    let mut lines = BufReader::new(app.stdout.take().expect("stdout")).lines();
    let page_url = line_starting(&mut lines, "page:").await;
    assert!(
        page_url.starts_with("http://127.0.0.1:"),
        "served on loopback: {page_url}"
    );
    line_starting(&mut lines, "open ").await;

    // Open the page before anything happened, then start the story and watch.
    browser.goto(&page_url).await;
    assert_eq!(browser.run(COUNTS, json!([])).await, json!([0, 0]));
    let stdin = app.stdin.as_mut().expect("stdin");
    stdin.write_all(b"\n").await.expect("press Enter");
    let story = tokio::spawn(async move {
        line_starting(&mut lines, "the simulator's page stays at").await;
        lines
    });
    let mut seen: Vec<Value> = Vec::new();
    let watching = Instant::now();
    while !story.is_finished() {
        let counts = browser.run(COUNTS, json!([])).await;
        if seen.last() != Some(&counts) {
            seen.push(counts);
        }
        assert!(
            watching.elapsed() < Duration::from_secs(60),
            "the story did not end"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut lines = story.await.expect("story");
    let entries = timeline_json(&page_url).await;
    browser
        .wait_until(
            "every timeline entry",
            "return document.querySelectorAll('#diagram g.row').length === arguments[0];",
            json!([entries.len()]),
        )
        .await;
    let live = browser.source().await;
    browser.quit().await;
    println!("row and call counts seen while the story ran: {seen:?}");
    // Between the empty page and the finished story the page showed something else: rows
    // or calls that arrived while the app was still at work.
    let last = json!([entries.len(), 3]);
    let growing = seen
        .iter()
        .filter(|counts| **counts != json!([0, 0]) && **counts != last)
        .count();
    assert!(
        growing >= 1,
        "the page never showed the story in progress: {seen:?}"
    );

    // A fresh load shows the same; keep a picture of it.
    let dom = dump_dom(&page_url).await;
    let shot = target_dir().join("telnyx-sim").join("quickstart-page.png");
    screenshot(&page_url, &shot).await;
    println!("screenshot: {}", shot.display());

    let stdin = app.stdin.as_mut().expect("stdin");
    stdin.write_all(b"\n").await.expect("press Enter");
    let finished = line_starting(&mut lines, "quickstart:").await;
    assert!(finished.starts_with("every step happened"), "{finished}");
    let status = tokio::time::timeout(Duration::from_secs(30), app.wait())
        .await
        .expect("quickstart exits after Enter")
        .expect("wait");
    assert!(status.success(), "quickstart: {status}");

    let final_rows = rows(&live);
    assert_rows_match(&final_rows, &entries);
    assert_eq!(
        rows(&dom),
        final_rows,
        "the live page and a fresh load agree"
    );
    let calls = call_rows(&live);
    assert_eq!(
        calls
            .iter()
            .map(|call| (&call.id, &call.state))
            .collect::<Vec<_>>(),
        call_rows(&dom)
            .iter()
            .map(|call| (&call.id, &call.state))
            .collect::<Vec<_>>(),
    );
    // The calls: the customer, the caller and the agent, all ended.
    println!("calls on the page: {calls:?}");
    assert_eq!(calls.len(), 3, "{calls:?}");
    let find = |number: &str| {
        calls
            .iter()
            .find(|call| call.cells.iter().any(|cell| cell == number))
            .unwrap_or_else(|| panic!("no call with {number} on the page: {calls:?}"))
    };
    let (customer, caller, agent) = (
        find("+15550001001"),
        find("+15550001002"),
        find("+15550001003"),
    );
    for call in [customer, caller, agent] {
        assert_eq!(call.state, "ended", "{call:?}");
        assert!(call.cells.iter().any(|cell| cell == "ended"), "{call:?}");
    }
    assert!(customer.cells.iter().any(|cell| cell == "outgoing"));
    assert!(caller.cells.iter().any(|cell| cell == "incoming"));

    // The events: every entry of the simulator's timeline, in its order.
    let final_rows = rows(&dom);
    assert_rows_match(&final_rows, &entries);
    let customer_events = event_types_for(&final_rows, &customer.id);
    assert!(
        in_order(
            &customer_events,
            &[
                "call.initiated",
                "call.answered",
                "call.speak.started",
                "call.speak.ended",
                "call.hangup"
            ]
        ),
        "customer's events out of order: {customer_events:?}"
    );
    let caller_events = event_types_for(&final_rows, &caller.id);
    assert!(
        in_order(
            &caller_events,
            &[
                "call.initiated",
                "call.answered",
                "call.gather.ended",
                "call.bridged",
                "call.hangup"
            ]
        ),
        "caller's events out of order: {caller_events:?}"
    );
    let agent_events = event_types_for(&final_rows, &agent.id);
    assert!(
        in_order(&agent_events, &["call.bridged", "call.hangup"]),
        "agent's events out of order: {agent_events:?}"
    );
    // Every webhook reached the app at the first try, and the leg states are drawn.
    let attempts: Vec<&Row> = final_rows.iter().filter(|r| r.kind == "attempt").collect();
    assert!(!attempts.is_empty());
    assert!(
        attempts.iter().all(|row| row.class.contains(" ok")),
        "{attempts:?}"
    );
    assert!(dom.contains("class=\"chip state-bridged\""));
    assert!(dom.contains("class=\"chip state-ended\""));

    println!(
        "the page grew through {} states while the story ran; {} entries rendered in {:.1} ms",
        seen.len(),
        final_rows.len(),
        render_ms(&dom)
    );
}

/// `telnyx-sim` on loopback: the far-end controls, escaping of app strings, and 1,000 entries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telnyx_sim_page_controls_escaping_and_a_thousand_entries() {
    chromium();
    let (receiver, webhook_url) = common::Receiver::start(2).await;
    let mut sim = spawn(
        &built("bin", "telnyx-sim"),
        &[
            "--port",
            "0",
            "--webhook-url",
            &webhook_url,
            "--connection-id",
            "page-conn",
        ],
    );
    let mut lines = BufReader::new(sim.stdout.take().expect("stdout")).lines();
    let refused = Command::new(built("bin", "telnyx-sim"))
        .args(["--bind", "everywhere", "--webhook-url", &webhook_url])
        .args(["--connection-id", "page-conn"])
        .output()
        .await
        .expect("run telnyx-sim");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr)
        .contains("`--bind everywhere` is not an IP address"));
    let base_url = line_starting(&mut lines, "base URL:").await;
    let page_url = line_starting(&mut lines, "page:").await;
    assert!(page_url.starts_with("http://127.0.0.1:"), "{page_url}");
    assert_loopback_only(&page_url);
    let http = reqwest::Client::new();
    let client = Client::builder()
        .api_key(telnyx_voice::simulator::DEFAULT_API_KEY)
        .base_url(&base_url)
        .build()
        .expect("client");

    // The far end, driven through the page's endpoints.
    let ring = post_json(
        &http,
        format!("{page_url}_sim/calls"),
        &json!({ "from": TAG_TEXT, "to": "+15550002000", "connection_id": "page-conn" }),
    )
    .send()
    .await
    .expect("ring");
    assert_eq!(ring.status(), 201);
    let ring = json_of(ring).await;
    let inbound = ring["data"]["call_control_id"]
        .as_str()
        .expect("call id")
        .to_string();
    let not_json = http
        .post(format!("{page_url}_sim/calls"))
        .body(r#"{"from":"+1","to":"+2"}"#)
        .send()
        .await
        .expect("ring without JSON type");
    assert_eq!(not_json.status(), 415, "cross-site form posts are refused");

    let press = |id: &str, digits: &str| {
        post_json(
            &http,
            format!("{page_url}_sim/calls/{id}/press"),
            &json!({ "digits": digits }),
        )
        .send()
    };
    assert_eq!(
        press(&inbound, "1").await.expect("press").status(),
        409,
        "not answered yet"
    );
    client
        .calls()
        .actions()
        .answer(&inbound)
        .client_state(base64::engine::general_purpose::STANDARD.encode(SCRIPT_TEXT))
        .await
        .expect("answer");
    assert_eq!(press(&inbound, "12#").await.expect("press").status(), 200);
    assert_eq!(press(&inbound, "x").await.expect("press").status(), 422);
    assert_eq!(press("v3:nope", "1").await.expect("press").status(), 404);
    let hang_up = post_json(
        &http,
        format!("{page_url}_sim/calls/{inbound}/hangup"),
        &json!({}),
    )
    .send()
    .await
    .expect("hang up");
    assert_eq!(hang_up.status(), 200);
    assert_eq!(
        press(&inbound, "1").await.expect("press").status(),
        409,
        "ended"
    );

    // App strings with markup: a SIP header, a client_state, a path.
    let dialed = client
        .calls()
        .dial("page-conn", "+15550002001", "+15550002002")
        .client_state(base64::engine::general_purpose::STANDARD.encode(SCRIPT_TEXT))
        .custom_headers(vec![telnyx_voice::models::CustomSipHeader {
            name: "X-Page-Test".to_string(),
            value: SCRIPT_TEXT.to_string(),
        }])
        .await
        .expect("dial")
        .data
        .call_control_id
        .clone();
    let odd_path = format!("{base_url}/calls/{}", percent_encode(TAG_TEXT));
    let odd = http
        .get(odd_path)
        .bearer_auth(telnyx_voice::simulator::DEFAULT_API_KEY)
        .send()
        .await
        .expect("odd path");
    assert!(odd.status().is_client_error(), "{}", odd.status());

    // The same controls as a person uses them: the form and the buttons, in the browser.
    let browser = Browser::start().await;
    browser.goto(&page_url).await;
    browser
        .type_into("#ring input[name=from]", "+15550003000")
        .await;
    browser.click("#ring button[type=submit]").await;
    let row_of = "var from = arguments[0]; \
        var row = Array.from(document.querySelectorAll('#calls tr')).find(function (tr) { \
        return tr.children[2] && tr.children[2].textContent === from; });";
    browser
        .wait_until(
            "the rung call",
            &format!("{row_of} return !!row;"),
            json!(["+15550003000"]),
        )
        .await;
    let rung = browser
        .run(
            &format!("{row_of} return row.getAttribute('data-call');"),
            json!(["+15550003000"]),
        )
        .await
        .as_str()
        .expect("call id of the rung call")
        .to_string();
    let message = browser
        .run(
            "return document.getElementById('message').textContent;",
            json!([]),
        )
        .await;
    assert_eq!(message, json!(format!("ringing the app: {rung}")));
    client
        .calls()
        .actions()
        .answer(&rung)
        .await
        .expect("answer the rung call");
    let state_is =
        format!("{row_of} return !!row && row.getAttribute('data-state') === arguments[1];");
    browser
        .wait_until(
            "the call answered",
            &state_is,
            json!(["+15550003000", "answered"]),
        )
        .await;
    let rung_row = format!("#calls tr[data-call=\"{rung}\"]");
    browser
        .type_into(&format!("{rung_row} input.digits"), "7*")
        .await;
    browser.click(&format!("{rung_row} button.press")).await;
    browser
        .wait_until(
            "the keys pressed",
            "return document.getElementById('message').textContent === arguments[0];",
            json!([format!("far end pressed 7* on {rung}")]),
        )
        .await;
    browser.click(&format!("{rung_row} button.hangup")).await;
    browser
        .wait_until(
            "the call ended",
            &state_is,
            json!(["+15550003000", "ended"]),
        )
        .await;
    browser
        .wait_until(
            "the hangup in the diagram",
            "return !!document.querySelector('#diagram g.row[data-event-type=\"call.hangup\"][data-call=\"' + arguments[0] + '\"]');",
            json!([rung]),
        )
        .await;
    browser.quit().await;
    let rung_events: Vec<String> = timeline_json(&page_url)
        .await
        .iter()
        .filter(|entry| entry["call_control_id"] == json!(rung) && entry["kind"] == "event")
        .filter_map(|entry| entry["event_type"].as_str().map(str::to_string))
        .collect();
    assert!(
        in_order(
            &rung_events,
            &[
                "call.initiated",
                "call.answered",
                "call.dtmf.received",
                "call.dtmf.received",
                "call.hangup"
            ]
        ),
        "{rung_events:?}"
    );

    // Fill the timeline past 1,000 entries with status requests.
    let mut entries = timeline_json(&page_url).await.len();
    while entries < 1000 {
        let batch: Vec<_> = (0..(1000 - entries).min(100))
            .map(|_| client.calls().retrieve_status(&dialed).into_future())
            .collect();
        for result in futures_util::future::join_all(batch).await {
            result.expect("status");
        }
        entries = timeline_json(&page_url).await.len();
    }

    let dom = dump_dom(&page_url).await;
    let entries = timeline_json(&page_url).await;

    // Nothing the app sent became markup or ran.
    let body = body_tag(&dom);
    assert!(
        !body.contains("data-pwned"),
        "a script from the app ran: {body}"
    );
    assert!(
        !dom.contains("<b id=\"injected\">"),
        "markup from the app was rendered"
    );
    assert!(
        dom.contains("&lt;b id=\"injected\"&gt;bold&lt;/b&gt;"),
        "the caller's number shows as text"
    );
    assert!(
        dom.contains("&lt;script&gt;document.body.setAttribute('data-pwned','yes')&lt;/script&gt;"),
        "the client_state and SIP header show as text"
    );

    // The calls and their states.
    let calls = call_rows(&dom);
    let ringing_in = calls
        .iter()
        .find(|call| call.id == inbound)
        .expect("inbound call listed");
    assert_eq!(ringing_in.state, "ended");
    assert_eq!(ringing_in.cells.get(2).map(String::as_str), Some(TAG_TEXT));
    assert!(calls.iter().any(|call| call.id == dialed));

    // Every entry, in order, including the keys pressed and the refused deliveries.
    let all = rows(&dom);
    assert_rows_match(&all, &entries);
    assert!(all.len() >= 1000, "{} rows", all.len());
    let inbound_events = event_types_for(&all, &inbound);
    assert!(
        in_order(
            &inbound_events,
            &[
                "call.initiated",
                "call.answered",
                "call.dtmf.received",
                "call.dtmf.received",
                "call.dtmf.received",
                "call.hangup"
            ]
        ),
        "{inbound_events:?}"
    );
    assert!(
        all.iter()
            .any(|row| row.kind == "attempt" && row.class.contains("failed")),
        "the refused first deliveries show as failed attempts"
    );
    assert!(receiver.deliveries.lock().expect("lock").len() >= 2);

    let ms = render_ms(&dom);
    println!(
        "telnyx-sim page with {} entries rendered in {ms:.1} ms",
        all.len()
    );
    assert!(ms < 30_000.0, "the page took {ms} ms to render");

    sim.kill().await.expect("stop telnyx-sim");
}

/// A failed wait draws the timeline to `target/telnyx-sim/<test name>.html`, a static page
/// that renders 1,000 entries and escapes what the app sent.
#[tokio::test]
async fn failed_wait_draws_the_timeline() {
    chromium();
    let sim = Simulator::start(SimConfig::new()).await.expect("simulator");
    let http = reqwest::Client::new();
    let base = sim.base_url();
    let odd = http
        .get(format!("{base}/calls/{}", percent_encode(TAG_TEXT)))
        .bearer_auth(sim.api_key())
        .send()
        .await
        .expect("odd path");
    assert!(odd.status().is_client_error(), "{}", odd.status());
    for _ in 0..10 {
        let batch: Vec<_> = (0..100)
            .map(|i| {
                http.get(format!("{base}/calls/v3:missing-{i}"))
                    .bearer_auth(sim.api_key())
                    .send()
            })
            .collect();
        for answer in futures_util::future::join_all(batch).await {
            assert!(answer.expect("status").status().is_client_error());
        }
    }

    let expected = target_dir()
        .join("telnyx-sim")
        .join("failed_wait_draws_the_timeline.html");
    let _ = std::fs::remove_file(&expected);
    let failed = sim
        .wait_for_within(Duration::from_millis(50), |timeline| {
            timeline.count_events("call.answered") > 0
        })
        .await;
    assert!(failed.is_err(), "nothing answered, so the wait fails");
    assert!(
        expected.is_file(),
        "the failed wait wrote {}",
        expected.display()
    );
    let timeline = sim.timeline();
    assert_eq!(
        std::fs::read_to_string(&expected).expect("page"),
        timeline.to_html()
    );

    let started = Instant::now();
    let dom = dump_dom(&format!("file://{}", expected.display())).await;
    let all = rows(&dom);
    assert_eq!(all.len(), timeline.entries.len());
    assert!(all.len() > 1000);
    assert!(all.windows(2).all(|pair| pair[0].seq < pair[1].seq));
    assert!(!dom.contains("<b id=\"injected\">"));
    assert!(dom.contains("&lt;b id=\"injected\"&gt;"));
    let ms = render_ms(&dom);
    println!(
        "static timeline page with {} entries rendered in {ms:.1} ms (browser run {} ms)",
        all.len(),
        started.elapsed().as_millis()
    );
    assert!(ms < 30_000.0, "the page took {ms} ms to render");
    assert!(timeline
        .to_mermaid()
        .contains("#60;b id=\"injected\"#62;bold#60;/b#62;"));
    sim.shutdown().await;
}

/// Percent-encodes every byte outside the unreserved set, for a path segment.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// On Linux, the listening socket of `url`'s port is bound to 127.0.0.1 and nothing else.
fn assert_loopback_only(url: &str) {
    let port: u16 = url
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .and_then(|port| port.parse().ok())
        .expect("port in URL");
    let Ok(table) = std::fs::read_to_string("/proc/net/tcp") else {
        println!("no /proc/net/tcp here; checked the printed address only");
        return;
    };
    let listening: Vec<String> = table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (local, state) = (fields.get(1)?, fields.get(3)?);
            let (addr, hex_port) = local.split_once(':')?;
            (*state == "0A" && u16::from_str_radix(hex_port, 16).ok()? == port)
                .then(|| addr.to_string())
        })
        .collect();
    assert_eq!(
        listening,
        vec!["0100007F".to_string()],
        "port {port} listens on 127.0.0.1 only"
    );
    let v6 = std::fs::read_to_string("/proc/net/tcp6").unwrap_or_default();
    assert!(
        !v6.lines().skip(1).any(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields.get(3) == Some(&"0A")
                && fields
                    .get(1)
                    .and_then(|local| local.rsplit_once(':'))
                    .and_then(|(_, p)| u16::from_str_radix(p, 16).ok())
                    == Some(port)
        }),
        "port {port} is not open on IPv6"
    );
}
