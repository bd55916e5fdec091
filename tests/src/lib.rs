//! Shared harness for the workspace-level tests of telnyx-voice.
//!
//! * [`PrismServer`] runs the Prism mock server on the Telnyx OpenAPI document.
//! * [`violations`] and friends read Prism's verdict on a request.
//! * [`RecordingProxy`] sits between the SDK and Prism and keeps every
//!   exchange, so a test can read Prism's verdict on requests the SDK made.
//! * [`Report`] collects per-operation results of the conformance suite and
//!   prints them as a table ending in `conformance: N passed, M failed`.

mod conformance;
pub mod prism;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use serde::Deserialize;

pub use conformance::{outcome, sample};
pub use prism::PrismServer;

/// Response header in which Prism lists what it found wrong with an exchange.
pub const VIOLATIONS_HEADER: &str = "sl-violations";

/// Prefix of the `type` of the problem documents Prism writes itself.
const PRISM_PROBLEM_PREFIX: &str = "https://stoplight.io/prism/errors#";

/// One entry of Prism's `sl-violations` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where the problem is, e.g. `["request", "body", "to"]`.
    pub location: Vec<String>,
    /// `Error`, `Warning`, ... as Prism reports it.
    pub severity: String,
    /// The failed rule (`required`, `type`, ...) or an HTTP status (`401`).
    pub code: String,
    /// Prism's explanation.
    pub message: String,
}

impl Violation {
    /// True when the problem is with what the client sent.
    pub fn is_request(&self) -> bool {
        self.location.first().is_some_and(|l| l == "request")
    }

    /// True when the problem is with the example Prism answered with.
    pub fn is_response(&self) -> bool {
        self.location.first().is_some_and(|l| l == "response")
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} [{}] {}",
            self.location.join("."),
            self.code,
            self.message
        )
    }
}

#[derive(Deserialize)]
struct RawViolation {
    #[serde(default)]
    location: Vec<serde_json::Value>,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    code: serde_json::Value,
    #[serde(default)]
    message: String,
}

impl From<RawViolation> for Violation {
    fn from(raw: RawViolation) -> Violation {
        Violation {
            location: raw.location.iter().map(json_to_plain).collect(),
            severity: raw.severity,
            code: json_to_plain(&raw.code),
            message: raw.message,
        }
    }
}

fn json_to_plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Decodes the `sl-violations` header.
///
/// An absent header gives an empty list. A header that is not the JSON array
/// Prism writes gives one entry saying so, so that it can't pass unnoticed.
pub fn parse_violations(headers: &http::HeaderMap) -> Vec<Violation> {
    let mut found = Vec::new();
    for value in headers.get_all(VIOLATIONS_HEADER) {
        let text = String::from_utf8_lossy(value.as_bytes());
        match serde_json::from_str::<Vec<RawViolation>>(&text) {
            Ok(list) => found.extend(list.into_iter().map(Violation::from)),
            Err(e) => found.push(Violation {
                location: vec!["request".into()],
                severity: "Error".into(),
                code: "unreadable-header".into(),
                message: format!("cannot decode {VIOLATIONS_HEADER} header ({e}): {text}"),
            }),
        }
    }
    found
}

/// Every entry of the `sl-violations` header, one line each.
///
/// This includes problems Prism found in its own response examples; use
/// [`request_violations`] to judge only what the client sent.
pub fn violations(headers: &http::HeaderMap) -> Vec<String> {
    parse_violations(headers)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// Everything Prism objected to in a request, one line each.
///
/// Besides the request entries of `sl-violations`, this reads the problem
/// document Prism writes itself (`application/problem+json`) when it cannot
/// use a response from the spec: then the header is absent and the findings
/// are in the body's `validation` list. An unmatched route (404 from Prism,
/// typically a wrong path or method) also counts as a violation.
pub fn request_violations(headers: &http::HeaderMap, body: &[u8]) -> Vec<String> {
    let mut found: Vec<String> = parse_violations(headers)
        .iter()
        .filter(|v| v.is_request())
        .map(ToString::to_string)
        .collect();
    found.extend(prism_problem(headers, body));
    found
}

/// Problems Prism found in the response example it served (not the client's fault).
pub fn response_violations(headers: &http::HeaderMap) -> Vec<String> {
    parse_violations(headers)
        .iter()
        .filter(|v| v.is_response())
        .map(ToString::to_string)
        .collect()
}

#[derive(Deserialize)]
struct PrismProblem {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    detail: String,
    #[serde(default)]
    validation: Vec<RawViolation>,
}

fn prism_problem(headers: &http::HeaderMap, body: &[u8]) -> Vec<String> {
    let is_problem = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"));
    if !is_problem {
        return Vec::new();
    }
    let Ok(problem) = serde_json::from_slice::<PrismProblem>(body) else {
        return Vec::new();
    };
    if !problem.kind.starts_with(PRISM_PROBLEM_PREFIX) {
        return Vec::new();
    }
    if problem.validation.is_empty() {
        let code = &problem.kind[PRISM_PROBLEM_PREFIX.len()..];
        return vec![format!(
            "request [{code}] {}: {}",
            problem.title, problem.detail
        )];
    }
    problem
        .validation
        .into_iter()
        .map(|raw| {
            let mut v = Violation::from(raw);
            // Prism's own problem documents leave out the leading "request".
            if !v.is_request() {
                v.location.insert(0, "request".into());
            }
            v.to_string()
        })
        .collect()
}

/// One request that went through a [`RecordingProxy`], with Prism's answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// HTTP method the client used.
    pub method: http::Method,
    /// Path and query as the client sent them, e.g. `/calls?x=1`.
    pub uri: String,
    /// Request headers as received from the client.
    pub request_headers: http::HeaderMap,
    /// Request body as received from the client.
    pub request_body: Vec<u8>,
    /// Status Prism answered with; 0 when Prism could not be reached.
    pub status: u16,
    /// Response headers from Prism (including `sl-violations`).
    pub headers: http::HeaderMap,
    /// Response body from Prism, or the forwarding error when `status` is 0.
    pub body: Vec<u8>,
}

impl Exchange {
    /// What Prism objected to in this request (see [`request_violations`]).
    pub fn request_violations(&self) -> Vec<String> {
        if self.status == 0 {
            return vec![format!(
                "request [no-upstream] {}",
                String::from_utf8_lossy(&self.body)
            )];
        }
        request_violations(&self.headers, &self.body)
    }
}

#[derive(Clone)]
struct ProxyState {
    upstream: String,
    client: reqwest::Client,
    log: Arc<Mutex<Vec<Exchange>>>,
}

/// A pass-through HTTP server in front of Prism that records each exchange.
///
/// The SDK only hands back decoded values, not Prism's `sl-violations`
/// header; pointing the SDK at [`RecordingProxy::base_url`] instead of Prism
/// lets the test read the header afterwards with [`RecordingProxy::take`].
/// The proxy runs on the current tokio runtime and stops when dropped.
pub struct RecordingProxy {
    base_url: String,
    log: Arc<Mutex<Vec<Exchange>>>,
    task: tokio::task::JoinHandle<()>,
}

impl RecordingProxy {
    /// Starts a proxy on a free port of 127.0.0.1 forwarding to `upstream`
    /// (e.g. [`PrismServer::base_url`]).
    pub async fn start(upstream: &str) -> Result<RecordingProxy, String> {
        let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| format!("cannot bind the recording proxy: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot read the proxy's port: {e}"))?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let state = ProxyState {
            upstream: upstream.trim_end_matches('/').to_string(),
            client: reqwest::Client::new(),
            log: Arc::clone(&log),
        };
        let app = axum::Router::new().fallback(forward).with_state(state);
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("recording proxy stopped: {e}");
            }
        });
        Ok(RecordingProxy {
            base_url: format!("http://{addr}"),
            log,
            task,
        })
    }

    /// Address to give the SDK in place of Prism's.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Removes and returns the exchanges recorded so far, oldest first.
    pub fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut *self.log.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Headers that describe one connection and must not be copied to the next.
const HOP_BY_HOP: [http::HeaderName; 4] = [
    http::header::CONNECTION,
    http::header::HOST,
    http::header::TRANSFER_ENCODING,
    http::header::CONTENT_LENGTH,
];

async fn forward(
    axum::extract::State(state): axum::extract::State<ProxyState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let uri = parts.uri.path_and_query().map_or_else(
        || parts.uri.path().to_string(),
        |pq| pq.as_str().to_string(),
    );
    let request_body = axum::body::to_bytes(body, usize::MAX)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    let mut outgoing = parts.headers.clone();
    for name in &HOP_BY_HOP {
        outgoing.remove(name);
    }
    let sent = state
        .client
        .request(parts.method.clone(), format!("{}{uri}", state.upstream))
        .headers(outgoing)
        .body(request_body.clone())
        .send()
        .await;
    let (status, mut headers, body) = match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            match response.bytes().await {
                Ok(bytes) => (status, headers, bytes.to_vec()),
                Err(e) => (0, http::HeaderMap::new(), e.to_string().into_bytes()),
            }
        }
        Err(e) => (0, http::HeaderMap::new(), e.to_string().into_bytes()),
    };
    state
        .log
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Exchange {
            method: parts.method,
            uri,
            request_headers: parts.headers,
            request_body,
            status,
            headers: headers.clone(),
            body: body.clone(),
        });
    for name in &HOP_BY_HOP {
        headers.remove(name);
    }
    let mut response = axum::response::Response::new(axum::body::Body::from(body));
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::BAD_GATEWAY);
    *response.headers_mut() = headers;
    response
}

/// What happened when one operation was called once against Prism.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// HTTP status Prism answered with; 0 when no response came back.
    pub status: u16,
    /// What Prism found wrong with the request (see [`request_violations`]).
    pub violations: Vec<String>,
    /// `Ok` when the response decoded into the generated type, else why not.
    pub decoded: Result<(), String>,
}

impl Outcome {
    /// Bundles the three observations of one call.
    pub fn new(status: u16, violations: Vec<String>, decoded: Result<(), String>) -> Outcome {
        Outcome {
            status,
            violations,
            decoded,
        }
    }

    /// An attempt that produced no HTTP response at all (connect error, ...).
    pub fn no_response(error: impl Into<String>) -> Outcome {
        Outcome {
            status: 0,
            violations: Vec::new(),
            decoded: Err(error.into()),
        }
    }

    /// True when Prism accepted the request and the answer decoded.
    pub fn passed(&self) -> bool {
        self.violations.is_empty() && self.decoded.is_ok()
    }

    fn cell(&self) -> String {
        if self.violations.is_empty() {
            format!("ok ({})", self.status)
        } else {
            format!("{} violation(s) ({})", self.violations.len(), self.status)
        }
    }
}

/// The two ways the conformance suite calls each operation.
const MODES: [&str; 2] = ["required", "all"];

/// Results of the conformance suite, keyed by operation.
///
/// An operation passes when it was run in both modes (`"required"`: only the
/// required parameters; `"all"`: every parameter) and each run passed.
#[derive(Debug, Default)]
pub struct Report {
    operations: BTreeMap<String, [Option<Outcome>; 2]>,
}

impl Report {
    /// An empty report.
    pub fn new() -> Report {
        Report::default()
    }

    /// Records one call of `operation_id` in `mode` (`"required"` or `"all"`).
    ///
    /// # Panics
    /// On any other mode, which is a bug in the generated suite.
    pub fn record(&mut self, operation_id: &str, mode: &str, outcome: Outcome) {
        let slot = MODES.iter().position(|m| *m == mode).unwrap_or_else(|| {
            panic!("unknown conformance mode {mode:?}; use \"required\" or \"all\"")
        });
        self.operations.entry(operation_id.to_string()).or_default()[slot] = Some(outcome);
    }

    /// Whether `operation_id` ran in both modes and passed each time.
    pub fn operation_passed(&self, operation_id: &str) -> bool {
        self.operations
            .get(operation_id)
            .is_some_and(|runs| runs.iter().all(|r| r.as_ref().is_some_and(Outcome::passed)))
    }

    /// Number of operations that passed.
    pub fn passed(&self) -> usize {
        self.operations
            .keys()
            .filter(|op| self.operation_passed(op))
            .count()
    }

    /// Number of operations that failed (including those run in one mode only).
    pub fn failed(&self) -> usize {
        self.operations.len() - self.passed()
    }

    /// The table, the details of every failure, and the closing count line.
    pub fn render(&self) -> String {
        let width = self
            .operations
            .keys()
            .map(String::len)
            .chain(["operation".len()])
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<width$} | {:<24} | {:<24} | response decoded",
            "operation", "required-only", "all-params"
        );
        let _ = writeln!(out, "{}", "-".repeat(width + 3 + 24 + 3 + 24 + 3 + 16));
        for (op, runs) in &self.operations {
            let cells: Vec<String> = runs
                .iter()
                .map(|r| {
                    r.as_ref()
                        .map_or_else(|| "not run".to_string(), Outcome::cell)
                })
                .collect();
            let decoded = runs
                .iter()
                .map(|r| match r {
                    None => "-",
                    Some(o) if o.decoded.is_ok() => "yes",
                    Some(_) => "NO",
                })
                .collect::<Vec<_>>()
                .join("/");
            let _ = writeln!(
                out,
                "{op:<width$} | {:<24} | {:<24} | {decoded}",
                cells[0], cells[1]
            );
        }
        let mut details = String::new();
        for (op, runs) in &self.operations {
            for (mode, run) in MODES.iter().zip(runs) {
                match run {
                    None => {
                        let _ = writeln!(details, "{op} [{mode}]: not run");
                    }
                    Some(o) if !o.passed() => {
                        for v in &o.violations {
                            let _ = writeln!(details, "{op} [{mode}]: {v}");
                        }
                        if let Err(e) = &o.decoded {
                            let _ = writeln!(
                                details,
                                "{op} [{mode}]: status {}, not decoded: {e}",
                                o.status
                            );
                        }
                    }
                    Some(_) => {}
                }
            }
        }
        if !details.is_empty() {
            let _ = writeln!(out, "\nfailures:\n{details}");
        }
        let _ = writeln!(
            out,
            "conformance: {} passed, {} failed",
            self.passed(),
            self.failed()
        );
        out
    }

    /// Prints [`Report::render`] to standard output.
    pub fn print_table(&self) {
        print!("{}", self.render());
    }

    /// Prints the table and keeps a copy in `<target>/conformance-report.txt`, so the test
    /// command can show it even when the test harness captured the output of a passing test.
    pub fn print_and_save(&self) {
        self.print_table();
        let path = prism::target_dir().join("conformance-report.txt");
        if let Err(error) = std::fs::write(&path, self.render()) {
            eprintln!("cannot write {}: {error}", path.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (k, v) in pairs {
            map.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                http::HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    #[test]
    fn decodes_header_entries_with_numeric_codes() {
        let h = headers(&[(
            "sl-violations",
            r#"[{"location":["request","body"],"severity":"Error","code":"required","message":"Request body must have required property 'to'"},{"location":["request"],"severity":"Error","code":401,"message":"Invalid security scheme used"}]"#,
        )]);
        assert_eq!(
            violations(&h),
            vec![
                "request.body [required] Request body must have required property 'to'",
                "request [401] Invalid security scheme used",
            ]
        );
        assert!(violations(&http::HeaderMap::new()).is_empty());
    }

    #[test]
    fn unreadable_header_is_not_silent() {
        let h = headers(&[("sl-violations", "not json")]);
        assert_eq!(request_violations(&h, b"").len(), 1);
    }

    #[test]
    fn separates_request_and_response_findings() {
        let h = headers(&[(
            "sl-violations",
            r#"[{"location":["response","body","data"],"severity":"Error","code":"type","message":"bad example"}]"#,
        )]);
        assert!(request_violations(&h, b"{}").is_empty());
        assert_eq!(response_violations(&h).len(), 1);
    }

    #[test]
    fn reads_prism_problem_documents() {
        let h = headers(&[("content-type", "application/problem+json")]);
        let body = br#"{"type":"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY","title":"Invalid request","status":422,"detail":"d","validation":[{"location":["body","keep_after_hangup"],"severity":"Error","code":"type","message":"must be boolean"}]}"#;
        assert_eq!(
            request_violations(&h, body),
            vec!["request.body.keep_after_hangup [type] must be boolean"]
        );
        let body = br#"{"type":"https://stoplight.io/prism/errors#NO_PATH_MATCHED_ERROR","title":"Route not resolved, no path matched","status":404,"detail":"no /v2/calls"}"#;
        assert_eq!(
            request_violations(&h, body),
            vec![
                "request [NO_PATH_MATCHED_ERROR] Route not resolved, no path matched: no /v2/calls"
            ]
        );
    }

    #[test]
    fn report_counts_operations_over_both_modes() {
        let mut r = Report::new();
        r.record("DialCall", "required", Outcome::new(200, vec![], Ok(())));
        r.record("DialCall", "all", Outcome::new(200, vec![], Ok(())));
        r.record("AnswerCall", "required", Outcome::new(200, vec![], Ok(())));
        r.record(
            "AnswerCall",
            "all",
            Outcome::new(422, vec!["request.body [type] x".into()], Ok(())),
        );
        r.record("HangupCall", "required", Outcome::new(200, vec![], Ok(())));
        r.record(
            "ListConferences",
            "required",
            Outcome::new(200, vec![], Err("missing field `data`".into())),
        );
        r.record("ListConferences", "all", Outcome::no_response("refused"));
        assert_eq!((r.passed(), r.failed()), (1, 3));
        let text = r.render();
        assert!(
            text.ends_with("conformance: 1 passed, 3 failed\n"),
            "{text}"
        );
        assert!(text.contains("HangupCall [all]: not run"), "{text}");
        let header = text.lines().next().unwrap();
        assert!(
            header.starts_with("operation       | required-only"),
            "{header}"
        );
    }

    #[test]
    #[should_panic(expected = "unknown conformance mode")]
    fn report_rejects_unknown_modes() {
        Report::new().record("DialCall", "some", Outcome::new(200, vec![], Ok(())));
    }
}
