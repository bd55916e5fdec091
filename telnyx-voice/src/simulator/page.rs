//! The simulator's own web page and its control endpoints, served beside the API.
//!
//! * `GET /`: a live page with the current calls and their states, the
//!   timeline as a sequence diagram (updated by polling while the app runs),
//!   a form to ring the app with an inbound call, and per-call buttons that
//!   make the far end press keys or hang up.
//! * `GET /_sim/calls`: the call legs as JSON.
//! * `POST /_sim/calls` `{"from", "to", "connection_id"}`: rings the app with an
//!   inbound call; answers `201 {"call_control_id"}`.
//! * `POST /_sim/calls/{id}/press` `{"digits"}`: the far end presses keys.
//! * `POST /_sim/calls/{id}/hangup`: the far end hangs up.
//! * `GET /_sim/timeline`: the timeline entries as JSON.
//! * `GET /_sim/diagram?since=VERSION`: the diagram as an SVG fragment with its
//!   version, or `204 No Content` when nothing changed since `VERSION`.
//!
//! These routes need no API key (the server listens on loopback unless told
//! otherwise) and are not recorded in the timeline. `POST`s must send
//! `Content-Type: application/json`, which a web page on another origin cannot
//! do without a CORS preflight that this server never grants.

use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::diagram::{self, escape_html, LegNote};
use super::Shared;
use super::{AttemptOutcome, CallInfo, Delivery, Entry, EntryKind, FarEndError, Timeline};

type AppState = State<Arc<Shared>>;

/// The page and `/_sim/` routes, merged into the simulator's router outside its API-key layer.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/", get(page))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/_sim/calls", get(list_calls).post(ring))
        .route("/_sim/calls/{id}/press", post(press))
        .route("/_sim/calls/{id}/hangup", post(hang_up))
        .route("/_sim/timeline", get(timeline_json))
        .route("/_sim/diagram", get(diagram_fragment))
}

fn lower_debug(value: impl std::fmt::Debug) -> String {
    format!("{value:?}").to_lowercase()
}

fn call_json(call: &CallInfo) -> Value {
    json!({
        "call_control_id": call.call_control_id,
        "connection_id": call.connection_id,
        "from": call.from,
        "to": call.to,
        "direction": lower_debug(call.direction),
        "state": lower_debug(call.state),
    })
}

fn notes(calls: &[CallInfo]) -> Vec<LegNote> {
    calls
        .iter()
        .map(|call| LegNote {
            call_control_id: call.call_control_id.clone(),
            from: call.from.clone(),
            to: call.to.clone(),
        })
        .collect()
}

/// The diagram of the current timeline with its version (a hash of the drawing).
fn drawing(shared: &Shared) -> (String, String, String) {
    let timeline = shared.timeline();
    let svg = diagram::svg(&timeline, &notes(&shared.calls()));
    let mut hasher = DefaultHasher::new();
    svg.hash(&mut hasher);
    (
        format!("{:016x}", hasher.finish()),
        svg,
        diagram::summary(&timeline),
    )
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// Decodes a JSON `POST` body, insisting on the JSON content type (see the module docs).
fn decode<T: for<'de> Deserialize<'de>>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, (StatusCode, String)> {
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().starts_with("application/json"));
    if !json_type {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the body as Content-Type: application/json".to_string(),
        ));
    }
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|err| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("bad request body: {err}"),
        )
    })
}

fn far_end_error(err: FarEndError) -> Response {
    let status = match &err {
        FarEndError::UnknownCall(_) => StatusCode::NOT_FOUND,
        FarEndError::InvalidDigit(_) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::CONFLICT,
    };
    error(status, err.to_string())
}

fn calls_json(calls: &[CallInfo]) -> Value {
    Value::Array(calls.iter().map(call_json).collect())
}

/// JSON that is safe inside a `<script>` element: `<`, `>` and `&` as `\u` escapes.
fn script_json(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

async fn list_calls(State(shared): AppState) -> Response {
    Json(json!({ "data": calls_json(&shared.calls()) })).into_response()
}

#[derive(Deserialize)]
struct Ring {
    from: String,
    to: String,
    #[serde(default)]
    connection_id: Option<String>,
}

async fn ring(State(shared): AppState, headers: HeaderMap, body: Bytes) -> Response {
    let request: Ring = match decode(&headers, &body) {
        Ok(request) => request,
        Err((status, message)) => return error(status, message),
    };
    let from = request.from.trim();
    let to = request.to.trim();
    if from.is_empty() || to.is_empty() {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "`from` and `to` must not be empty",
        );
    }
    let connection_id = match request.connection_id.filter(|id| !id.trim().is_empty()) {
        Some(id) => id.trim().to_string(),
        None if shared.config.connections.len() == 1 => shared
            .config
            .connections
            .keys()
            .next()
            .cloned()
            .unwrap_or_default(),
        None => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "`connection_id` is required when the simulator has more than one connection",
            )
        }
    };
    let id = shared.inbound(from, to, &connection_id);
    (
        StatusCode::CREATED,
        Json(json!({ "data": { "call_control_id": id } })),
    )
        .into_response()
}

#[derive(Deserialize)]
struct Press {
    digits: String,
}

async fn press(
    State(shared): AppState,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request: Press = match decode(&headers, &body) {
        Ok(request) => request,
        Err((status, message)) => return error(status, message),
    };
    if request.digits.is_empty() {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "`digits` must not be empty",
        );
    }
    match shared.press(&id, &request.digits) {
        Ok(()) => Json(json!({ "data": { "result": "ok" } })).into_response(),
        Err(err) => far_end_error(err),
    }
}

async fn hang_up(
    State(shared): AppState,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err((status, message)) = decode::<Value>(&headers, &body) {
        return error(status, message);
    }
    match shared.far_end_hangs_up(&id) {
        Ok(()) => Json(json!({ "data": { "result": "ok" } })).into_response(),
        Err(err) => far_end_error(err),
    }
}

/// One timeline entry as JSON; kinds this module does not know keep their recorded fields
/// in `debug`.
fn entry_json(entry: &Entry) -> Value {
    let mut value = json!({
        "seq": entry.seq,
        "at_ms": u64::try_from(entry.at.as_millis()).unwrap_or(u64::MAX),
    });
    let fields = if let EntryKind::Command {
        method,
        path,
        call_control_id,
        status,
        duplicate,
        body,
        ..
    } = &entry.kind
    {
        json!({
            "kind": "command",
            "method": method,
            "path": path,
            "call_control_id": call_control_id,
            "status": status,
            "duplicate": duplicate,
            "body": body,
        })
    } else if let EntryKind::Event {
        event_id,
        event_type,
        call_control_id,
        url,
        delivery,
        payload,
        cause,
        ..
    } = &entry.kind
    {
        let (state, attempts) = match delivery {
            Delivery::Pending => ("pending", None),
            Delivery::Delivered { attempts } => ("delivered", Some(*attempts)),
            Delivery::Failed { attempts } => ("failed", Some(*attempts)),
            Delivery::NoUrl => ("no_url", None),
        };
        json!({
            "kind": "event",
            "event_id": event_id,
            "event_type": event_type,
            "call_control_id": call_control_id,
            "url": url,
            "delivery": { "state": state, "attempts": attempts },
            "payload": payload,
            "cause": cause,
        })
    } else if let EntryKind::Attempt {
        event_id,
        event_type,
        attempt,
        outcome,
        ..
    } = &entry.kind
    {
        let outcome = match outcome {
            AttemptOutcome::Status(code) => json!({ "status": code }),
            AttemptOutcome::Error(err) => json!({ "error": err }),
        };
        json!({
            "kind": "attempt",
            "event_id": event_id,
            "event_type": event_type,
            "attempt": attempt,
            "outcome": outcome,
        })
    } else if let EntryKind::Stream {
        call_control_id,
        stream_id,
        detail,
    } = &entry.kind
    {
        json!({
            "kind": "stream",
            "call_control_id": call_control_id,
            "stream_id": stream_id,
            "detail": detail,
        })
    } else {
        json!({ "kind": "other", "debug": format!("{:?}", entry.kind) })
    };
    if let (Value::Object(target), Value::Object(source)) = (&mut value, fields) {
        target.extend(source);
    }
    value
}

/// The timeline as JSON: `{"data": [entries], "summary": "..."}`.
pub(crate) fn timeline_to_json(timeline: &Timeline) -> Value {
    let entries: Vec<Value> = timeline.entries.iter().map(entry_json).collect();
    json!({ "data": entries, "summary": diagram::summary(timeline) })
}

async fn timeline_json(State(shared): AppState) -> Response {
    Json(timeline_to_json(&shared.timeline())).into_response()
}

/// The value of `since` in the query string, if any.
fn since(uri: &Uri) -> Option<String> {
    uri.query()?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == "since").then(|| value.to_string())
    })
}

async fn diagram_fragment(State(shared): AppState, uri: Uri) -> Response {
    let (version, svg, summary) = drawing(&shared);
    if since(&uri).as_deref() == Some(version.as_str()) {
        return StatusCode::NO_CONTENT.into_response();
    }
    let no_store = [(header::CACHE_CONTROL, "no-store")];
    (
        no_store,
        Json(json!({ "version": version, "svg": svg, "summary": summary })),
    )
        .into_response()
}

/// The calls table's rows, as the page's script also builds them.
fn call_rows(calls: &[CallInfo]) -> String {
    let mut out = String::new();
    for call in calls {
        let state = lower_debug(call.state);
        let id = escape_html(&call.call_control_id);
        let _ = write!(
            out,
            r#"<tr data-call="{id}" data-state="{state}"><td class="id">{id}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="state {state}">{state}</td><td class="actions">"#,
            escape_html(&call.connection_id),
            escape_html(&call.from),
            escape_html(&call.to),
            lower_debug(call.direction),
        );
        if state != "ended" {
            out.push_str(
                r#"<input class="digits" size="6" placeholder="digits" aria-label="digits"> <button class="press" type="button">Press keys</button> <button class="hangup" type="button">Hang up</button>"#,
            );
        }
        out.push_str("</td></tr>");
    }
    out
}

async fn page(State(shared): AppState) -> Response {
    let (version, svg, summary) = drawing(&shared);
    let calls = shared.calls();
    let mut connections: Vec<&String> = shared.config.connections.keys().collect();
    connections.sort();
    let first_connection = connections.first().map_or("", |id| id.as_str());
    let options: String = connections
        .iter()
        .map(|id| format!(r#"<option value="{}">"#, escape_html(id)))
        .collect();
    let html = fill(
        PAGE,
        &[
            ("STYLE", diagram::STYLE),
            ("LEGEND", diagram::LEGEND),
            ("SUMMARY", &escape_html(&summary)),
            ("VERSION", &version),
            ("CONNECTION", &escape_html(first_connection)),
            ("CONNECTIONS", &options),
            ("CALL_ROWS", &call_rows(&calls)),
            ("CALL_COUNT", &calls.len().to_string()),
            ("CALLS_JSON", &script_json(&calls_json(&calls))),
            ("DETAIL", diagram::DETAIL),
            ("SCRIPT", SCRIPT),
            ("SVG", &svg),
        ],
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// Replaces each `{{NAME}}` in `template` by its value, in one pass (inserted text is not
/// searched again).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").and_then(|end| {
            let name = &after[..end];
            values
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (end, *value))
        }) {
            Some((end, value)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>telnyx-sim: call flow</title>
<style>{{STYLE}}</style>
</head>
<body data-version="{{VERSION}}">
<h1>telnyx-sim: call flow</h1>
<p class="hint">The simulated Telnyx Voice API. The calls and the timeline update while your app runs (<span id="live">live</span>).</p>

<h2>Calls (<span id="call-count">{{CALL_COUNT}}</span>)</h2>
<form id="ring">
  Ring the app: from <input name="from" value="+15550009000" size="14" aria-label="from">
  to <input name="to" value="+15550001000" size="14" aria-label="to">
  on connection <input name="connection_id" value="{{CONNECTION}}" list="connections" size="18" aria-label="connection">
  <datalist id="connections">{{CONNECTIONS}}</datalist>
  <button type="submit">Ring</button>
</form>
<p id="message" role="status"></p>
<table class="calls">
<thead><tr><th>call_control_id</th><th>connection</th><th>from</th><th>to</th><th>direction</th><th>state</th><th>far end</th></tr></thead>
<tbody id="calls">{{CALL_ROWS}}</tbody>
</table>
<script type="application/json" id="calls-data">{{CALLS_JSON}}</script>

<h2>Timeline</h2>
<p class="summary" id="summary">{{SUMMARY}}</p>
{{LEGEND}}
<div id="diagram">{{SVG}}</div>
{{DETAIL}}
<script>{{SCRIPT}}</script>
</body>
</html>
"#;

/// The page's behaviour: polling, the calls table and the far-end controls.
/// App-controlled strings only ever reach the page through `textContent` or,
/// for the diagram, as the server's already escaped SVG.
const SCRIPT: &str = r##"
(function () {
  "use strict";
  var body = document.body;
  var diagram = document.getElementById("diagram");
  var version = body.getAttribute("data-version");
  var message = document.getElementById("message");
  diagram.getBoundingClientRect();
  body.setAttribute("data-render-ms", performance.now().toFixed(1));

  function say(text, isError) {
    message.textContent = text;
    message.className = isError ? "error" : "";
  }

  function post(path, payload) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok) { throw new Error(answer.error || ("HTTP " + response.status)); }
        return answer;
      });
    });
  }

  function cell(text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) { td.className = className; }
    return td;
  }

  function button(text, className) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    return b;
  }

  // The table is rebuilt only when the calls change, keeping digits typed so far.
  var shownCalls = document.getElementById("calls-data").textContent;
  function renderCalls(calls) {
    var text = JSON.stringify(calls);
    if (text === shownCalls) { return; }
    shownCalls = text;
    var typed = {};
    document.querySelectorAll("#calls tr").forEach(function (tr) {
      var input = tr.querySelector("input.digits");
      if (input && input.value) { typed[tr.getAttribute("data-call")] = input.value; }
    });
    var rows = document.createDocumentFragment();
    calls.forEach(function (call) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-call", call.call_control_id);
      tr.setAttribute("data-state", call.state);
      tr.appendChild(cell(call.call_control_id, "id"));
      tr.appendChild(cell(call.connection_id));
      tr.appendChild(cell(call.from));
      tr.appendChild(cell(call.to));
      tr.appendChild(cell(call.direction));
      tr.appendChild(cell(call.state, "state " + call.state));
      var actions = cell("", "actions");
      if (call.state !== "ended") {
        var input = document.createElement("input");
        input.className = "digits"; input.size = 6; input.placeholder = "digits";
        input.value = typed[call.call_control_id] || "";
        input.setAttribute("aria-label", "digits");
        actions.appendChild(input);
        actions.appendChild(document.createTextNode(" "));
        actions.appendChild(button("Press keys", "press"));
        actions.appendChild(document.createTextNode(" "));
        actions.appendChild(button("Hang up", "hangup"));
      }
      tr.appendChild(actions);
      rows.appendChild(tr);
    });
    var tbody = document.getElementById("calls");
    var focused = document.activeElement;
    var focusedCall = focused && focused.classList && focused.classList.contains("digits")
      ? focused.closest("tr").getAttribute("data-call") : null;
    tbody.replaceChildren(rows);
    if (focusedCall) {
      tbody.querySelectorAll("tr").forEach(function (tr) {
        if (tr.getAttribute("data-call") === focusedCall) {
          var input = tr.querySelector("input.digits");
          if (input) { input.focus(); }
        }
      });
    }
    document.getElementById("call-count").textContent = String(calls.length);
  }

  function refresh() {
    var calls = fetch("/_sim/calls", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (answer) { renderCalls(answer.data); });
    var drawing = fetch("/_sim/diagram?since=" + encodeURIComponent(version), { cache: "no-store" })
      .then(function (r) { return r.status === 204 ? null : r.json(); })
      .then(function (answer) {
        if (!answer) { return; }
        var atBottom = diagram.scrollTop + diagram.clientHeight >= diagram.scrollHeight - 4;
        var started = performance.now();
        diagram.innerHTML = answer.svg; // escaped by the server
        diagram.getBoundingClientRect();
        body.setAttribute("data-update-ms", (performance.now() - started).toFixed(1));
        if (atBottom) { diagram.scrollTop = diagram.scrollHeight; }
        document.getElementById("summary").textContent = answer.summary;
        version = answer.version;
        body.setAttribute("data-version", version);
      });
    return Promise.all([calls, drawing]).then(function () {
      document.getElementById("live").textContent = "live";
    }, function (err) {
      document.getElementById("live").textContent = "simulator not reachable (" + err.message + ")";
    });
  }

  function poll() {
    refresh().then(function () { setTimeout(poll, 500); });
  }

  document.getElementById("ring").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    post("/_sim/calls", {
      from: form.elements.from.value,
      to: form.elements.to.value,
      connection_id: form.elements.connection_id.value
    }).then(function (answer) {
      say("ringing the app: " + answer.data.call_control_id);
      return refresh();
    }, function (err) { say(err.message, true); });
  });

  document.getElementById("calls").addEventListener("click", function (event) {
    var target = event.target;
    var row = target.closest && target.closest("tr");
    if (!row || target.tagName !== "BUTTON") { return; }
    var id = row.getAttribute("data-call");
    var path = "/_sim/calls/" + encodeURIComponent(id);
    var action;
    if (target.classList.contains("press")) {
      var digits = row.querySelector("input.digits").value;
      action = post(path + "/press", { digits: digits }).then(function () {
        say("far end pressed " + digits + " on " + id);
      });
    } else {
      action = post(path + "/hangup", {}).then(function () { say("far end hung up " + id); });
    }
    action.then(refresh, function (err) { say(err.message, true); });
  });

  setTimeout(poll, 500);
})();
"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_since_from_the_query() {
        let uri: Uri = "/_sim/diagram?a=1&since=00ff".parse().unwrap();
        assert_eq!(since(&uri).as_deref(), Some("00ff"));
        let uri: Uri = "/_sim/diagram".parse().unwrap();
        assert_eq!(since(&uri), None);
    }

    #[test]
    fn fills_placeholders_once() {
        let filled = fill("a{{X}}b{{Y}}c{{Z}}", &[("X", "{{Y}}"), ("Y", "2")]);
        assert_eq!(filled, "a{{Y}}b2c{{Z}}");
    }

    #[test]
    fn call_rows_escape_numbers() {
        let calls = [CallInfo {
            call_control_id: "v3:x".into(),
            connection_id: "c".into(),
            from: "<script>alert(1)</script>".into(),
            to: "+1".into(),
            direction: super::super::Direction::Incoming,
            state: super::super::CallState::Ringing,
        }];
        let rows = call_rows(&calls);
        assert!(rows.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!rows.contains("<script>"));
        assert!(rows.contains(r#"data-state="ringing""#));
        let json = script_json(&calls_json(&calls));
        assert!(!json.contains('<') && json.contains("\\u003cscript\\u003e"));
        let back: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back[0]["from"], "<script>alert(1)</script>");
    }
}
