//! Pictures of a [`Timeline`]: a self-contained HTML page with a sequence
//! diagram ([`Timeline::to_html`]) and Mermaid text ([`Timeline::to_mermaid`]).
//!
//! The diagram has one lane for the app, one for the simulated API and one per
//! call leg. Each timeline entry is a row, oldest first: commands go from the
//! app to the API (and on to the leg they address), events go from their leg
//! to the API, and every delivery attempt goes from the API to the app with its
//! HTTP status or transport error. A leg's lifeline is coloured by its state
//! (ringing, answered, bridged, ended) as its events report it.
//!
//! Every string that came from the app or the network is escaped before it is
//! written into HTML, SVG or Mermaid text.

use std::borrow::Cow;
use std::collections::hash_map::Entry::Vacant;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::Value;

use super::timeline::{AttemptOutcome, Delivery, Entry, EntryKind, Timeline};

/// Escapes text for HTML and SVG element content and double- or single-quoted attributes.
pub(crate) fn escape_html(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| matches!(c, '&' | '<' | '>' | '"' | '\''))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    Cow::Owned(out)
}

/// Makes text safe inside a Mermaid message, note or participant alias: one line, and the
/// characters Mermaid gives a meaning (`#`, `;`, `<`, `>`, `&`, `%`) as entity codes.
fn escape_mermaid(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '<' => out.push_str("#60;"),
            '>' => out.push_str("#62;"),
            '&' => out.push_str("#38;"),
            '%' => out.push_str("#37;"),
            '\r' | '\n' | '\t' => out.push(' '),
            c if c.is_control() => {}
            other => out.push(other),
        }
    }
    out
}

/// At most `max` characters of `text`, with an ellipsis when cut.
fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => {
            let keep = text[..cut]
                .char_indices()
                .nth(max.saturating_sub(1))
                .map_or(cut, |(i, _)| i);
            Cow::Owned(format!("{}…", &text[..keep]))
        }
    }
}

/// A call id short enough for a lane header: `v3:0123456789…` keeps its first 10 characters after the prefix.
fn short_id(id: &str) -> Cow<'_, str> {
    let (prefix, rest) = id.split_at(id.find(':').map_or(0, |i| i + 1));
    if rest.chars().count() <= 12 {
        return Cow::Borrowed(id);
    }
    Cow::Owned(format!("{prefix}{}", truncate(rest, 11)))
}

/// A lane of the diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lane {
    App,
    Api,
    Leg(usize),
}

/// How a row is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tone {
    Ok,
    Failed,
    Pending,
    Muted,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Ok => "ok",
            Tone::Failed => "failed",
            Tone::Pending => "pending",
            Tone::Muted => "muted",
        }
    }

    fn of_status(status: u16) -> Tone {
        match status {
            0 => Tone::Pending,
            200..=299 => Tone::Ok,
            _ => Tone::Failed,
        }
    }
}

/// One row of the diagram, worked out from one entry.
struct Row {
    seq: u64,
    at_ms: u128,
    /// `command`, `event`, `attempt`, or `other` for kinds this module does not know.
    kind: &'static str,
    from: Lane,
    to: Lane,
    label: String,
    /// The label with nothing shortened, for Mermaid text.
    full_label: Option<String>,
    tone: Tone,
    /// Drawn with a dashed line (delivery attempts).
    dashed: bool,
    /// Full text for the hover tooltip: the entry as recorded, every field included.
    detail: String,
    event_type: Option<String>,
    call: Option<String>,
    /// The leg state this row moves its leg into, when it does.
    state: Option<(usize, &'static str)>,
}

/// The state a call leg is in after an event of this type, when the event changes it.
fn state_after(event_type: &str) -> Option<&'static str> {
    match event_type {
        "call.initiated" => Some("ringing"),
        "call.answered" => Some("answered"),
        "call.bridged" => Some("bridged"),
        "call.hangup" => Some("ended"),
        _ => None,
    }
}

fn delivery_text(delivery: &Delivery) -> (String, Tone) {
    match delivery {
        Delivery::Pending => ("delivery pending".to_string(), Tone::Pending),
        Delivery::Delivered { attempts: 1 } => ("delivered".to_string(), Tone::Ok),
        Delivery::Delivered { attempts } => {
            (format!("delivered after {attempts} attempts"), Tone::Ok)
        }
        Delivery::Failed { attempts } => (
            format!(
                "FAILED after {attempts} attempt{}",
                if *attempts == 1 { "" } else { "s" }
            ),
            Tone::Failed,
        ),
        Delivery::NoUrl => ("not sent: no webhook URL".to_string(), Tone::Muted),
    }
}

/// The lanes and rows of a timeline, ready to draw.
struct Layout {
    /// Call ids of the leg lanes, in order of first appearance.
    legs: Vec<String>,
    /// `from` and `to` of a leg, from the first of its events that names them.
    numbers: HashMap<usize, (String, String)>,
    rows: Vec<Row>,
}

/// The `from` and `to` an event object (`{"payload": {"from", "to", ...}}`) names.
fn numbers_in(event: &Value) -> Option<(String, String)> {
    let payload = event.get("payload")?;
    let from = payload.get("from")?.as_str()?;
    let to = payload.get("to")?.as_str()?;
    Some((from.to_string(), to.to_string()))
}

impl Layout {
    fn new(timeline: &Timeline) -> Layout {
        let mut legs: Vec<String> = Vec::new();
        let mut lane_of: HashMap<String, usize> = HashMap::new();
        let mut call_of_event: HashMap<String, String> = HashMap::new();
        let mut leg_state: HashMap<usize, &'static str> = HashMap::new();
        let mut numbers = HashMap::new();
        let mut rows = Vec::with_capacity(timeline.entries.len());
        let mut leg = |id: &str| -> usize {
            if let Some(&lane) = lane_of.get(id) {
                return lane;
            }
            legs.push(id.to_string());
            lane_of.insert(id.to_string(), legs.len() - 1);
            legs.len() - 1
        };
        for entry in &timeline.entries {
            let mut row = describe(entry);
            if let Some(call) = row.call.clone() {
                let lane = leg(&call);
                match row.kind {
                    "command" => row.to = Lane::Leg(lane),
                    "stream" => {
                        row.from = Lane::Leg(lane);
                        row.to = Lane::App;
                    }
                    "event" => {
                        row.from = Lane::Leg(lane);
                        if let (Vacant(slot), EntryKind::Event { payload, .. }) =
                            (numbers.entry(lane), &entry.kind)
                        {
                            if let Some(pair) = numbers_in(payload) {
                                slot.insert(pair);
                            }
                        }
                        if let Some(state) = row.event_type.as_deref().and_then(state_after) {
                            if leg_state.insert(lane, state) != Some(state) {
                                row.state = Some((lane, state));
                            }
                        }
                    }
                    _ => {}
                }
            }
            if row.kind == "event" {
                if let (EntryKind::Event { event_id, .. }, Some(call)) = (&entry.kind, &row.call) {
                    call_of_event.insert(event_id.clone(), call.clone());
                }
            }
            if row.kind == "attempt" && row.call.is_none() {
                if let EntryKind::Attempt { event_id, .. } = &entry.kind {
                    row.call = call_of_event.get(event_id).cloned();
                }
            }
            rows.push(row);
        }
        Layout {
            legs,
            numbers,
            rows,
        }
    }
}

/// The `client_state` of a request body as the app meant it: decoded from base64 when that
/// gives text, else as sent.
fn client_state_text(body: &Value) -> Option<String> {
    let raw = body.get("client_state")?.as_str()?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(raw)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    Some(decoded.unwrap_or_else(|| raw.to_string()))
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// The row for one entry, before lanes are assigned to legs.
fn describe(entry: &Entry) -> Row {
    let mut row = Row {
        seq: entry.seq,
        at_ms: entry.at.as_millis(),
        kind: "other",
        from: Lane::Api,
        to: Lane::Api,
        label: String::new(),
        full_label: None,
        tone: Tone::Muted,
        dashed: false,
        detail: format!(
            "#{} at {} ms: {:?}",
            entry.seq,
            entry.at.as_millis(),
            entry.kind
        ),
        event_type: None,
        call: None,
        state: None,
    };
    // `if let` rather than `match`, so kinds added to the timeline later still draw (as
    // "other" rows showing their recorded fields) instead of breaking this module.
    if let EntryKind::Command {
        method,
        path,
        call_control_id,
        status,
        duplicate,
        body,
        ..
    } = &entry.kind
    {
        row.kind = "command";
        row.from = Lane::App;
        row.to = Lane::Api;
        let answer = if *status == 0 {
            "…".to_string()
        } else {
            status.to_string()
        };
        let mut rest = String::new();
        if *duplicate {
            rest.push_str(" (duplicate command_id, ignored)");
        }
        if let Some(state) = body.as_ref().and_then(client_state_text) {
            let _ = write!(rest, " client_state {state:?}");
        }
        // The call's lane names it in full; the row label keeps the path short.
        let short_path = match call_control_id {
            Some(id) if id.chars().count() > 14 => path.replace(id.as_str(), &short_id(id)),
            _ => path.clone(),
        };
        row.label = format!("{method} {short_path} → {answer}{rest}");
        row.full_label = Some(format!("{method} {path} → {answer}{rest}"));
        row.tone = Tone::of_status(*status);
        row.call = call_control_id.clone();
        row.detail = format!(
            "#{} at {} ms: {method} {path} → {answer}{rest}",
            entry.seq, row.at_ms
        );
        if let Some(body) = body {
            let _ = write!(row.detail, "\nrequest body:\n{}", pretty(body));
        }
    } else if let EntryKind::Event {
        event_type,
        call_control_id,
        delivery,
        url,
        payload,
        cause,
        ..
    } = &entry.kind
    {
        row.kind = "event";
        row.from = Lane::Api;
        row.to = Lane::Api;
        let (text, tone) = delivery_text(delivery);
        row.label = format!("{event_type} ({text})");
        if let Some(cause) = cause {
            let _ = write!(row.label, " ← #{cause}");
        }
        row.tone = tone;
        row.detail = format!("#{} at {} ms: {}", entry.seq, row.at_ms, row.label);
        if let Some(url) = url {
            let _ = write!(row.detail, "\nsent to {url}");
        }
        if !payload.is_null() {
            let _ = write!(row.detail, "\nevent:\n{}", pretty(payload));
        }
        row.event_type = Some(event_type.clone());
        row.call = call_control_id.clone();
    } else if let EntryKind::Attempt {
        event_type,
        attempt,
        outcome,
        ..
    } = &entry.kind
    {
        row.kind = "attempt";
        row.from = Lane::Api;
        row.to = Lane::App;
        row.dashed = true;
        let result = match outcome {
            AttemptOutcome::Status(code) => format!("HTTP {code}"),
            AttemptOutcome::Error(err) => format!("error: {err}"),
        };
        let retry = if *attempt > 1 { " (retry)" } else { "" };
        row.label = format!("webhook {event_type} attempt {attempt}{retry}: {result}");
        row.tone = if outcome.is_success() {
            Tone::Ok
        } else {
            Tone::Failed
        };
        row.event_type = Some(event_type.clone());
        row.detail = format!("#{} at {} ms: {}", entry.seq, row.at_ms, row.label);
    } else if let EntryKind::Stream {
        call_control_id,
        stream_id,
        detail,
    } = &entry.kind
    {
        row.kind = "stream";
        row.dashed = true;
        row.label = format!("media stream: {detail}");
        row.tone = if detail.contains("failed") {
            Tone::Failed
        } else {
            Tone::Muted
        };
        row.call = Some(call_control_id.clone());
        row.detail = format!(
            "#{} at {} ms: media stream {stream_id}: {detail}",
            entry.seq, row.at_ms
        );
    } else {
        row.label = truncate(&format!("{:?}", entry.kind), 200).into_owned();
    }
    row
}

// ----- SVG ------------------------------------------------------------------

const TIME_W: u32 = 64;
const TEXT_X: u32 = 72;
const TEXT_W: u32 = 560;
const TEXT_CHARS: usize = 84;
const LANES_X: u32 = TEXT_X + TEXT_W;
const LANE_W: u32 = 130;
const HEAD_H: u32 = 68;
const ROW_H: u32 = 22;

fn lane_x(lane: Lane) -> u32 {
    let index = match lane {
        Lane::App => 0,
        Lane::Api => 1,
        Lane::Leg(i) => 2 + u32::try_from(i).unwrap_or(u32::MAX - 2),
    };
    LANES_X + LANE_W / 2 + index.saturating_mul(LANE_W)
}

fn row_y(index: usize) -> u32 {
    HEAD_H
        + u32::try_from(index)
            .unwrap_or(u32::MAX / ROW_H)
            .saturating_mul(ROW_H)
}

/// Facts about a leg that the timeline itself does not carry (its numbers), shown under the
/// leg's lane header by the live page.
pub(crate) struct LegNote {
    pub call_control_id: String,
    pub from: String,
    pub to: String,
}

/// Draws the sequence diagram as an `<svg>` element.
pub(crate) fn svg(timeline: &Timeline, notes: &[LegNote]) -> String {
    let layout = Layout::new(timeline);
    let lanes = 2 + layout.legs.len();
    let width = LANES_X + u32::try_from(lanes).unwrap_or(u32::MAX / LANE_W) * LANE_W + 20;
    let height = row_y(layout.rows.len()) + 16;
    let mut out = String::with_capacity(400 + layout.rows.len() * 420);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="diagram" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="sequence diagram of {} timeline entries" data-entries="{}">"#,
        layout.rows.len(),
        layout.rows.len(),
    );
    out.push_str(
        r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>"#,
    );
    // Row stripes first, so everything else sits on top.
    for i in (1..layout.rows.len()).step_by(2) {
        let _ = write!(
            out,
            r#"<rect class="stripe" x="0" y="{}" width="{width}" height="{ROW_H}"/>"#,
            row_y(i)
        );
    }
    // Lane headers and lifelines.
    let bottom = height - 8;
    let mut headers: Vec<(Lane, String, [String; 2], String)> = vec![
        (
            Lane::App,
            "App".to_string(),
            ["your code".to_string(), String::new()],
            String::new(),
        ),
        (
            Lane::Api,
            "Telnyx API".to_string(),
            ["simulated".to_string(), String::new()],
            String::new(),
        ),
    ];
    for (i, id) in layout.legs.iter().enumerate() {
        let note = notes
            .iter()
            .find(|note| &note.call_control_id == id)
            .map(|note| (&note.from, &note.to))
            .or_else(|| layout.numbers.get(&i).map(|(from, to)| (from, to)));
        let caption = note.map_or_else(
            || [format!("leg {}", i + 1), String::new()],
            |(from, to)| [format!("from {from}"), format!("to {to}")],
        );
        headers.push((Lane::Leg(i), short_id(id).into_owned(), caption, id.clone()));
    }
    let _ = write!(
        out,
        r#"<text class="head" x="{}" y="20" text-anchor="end">ms</text><text class="head" x="{TEXT_X}" y="20">what happened</text>"#,
        TIME_W - 8
    );
    for (lane, title, caption, id) in &headers {
        let x = lane_x(*lane);
        let class = match lane {
            Lane::Leg(_) => "lane leg",
            _ => "lane",
        };
        let _ = write!(
            out,
            r#"<g class="{class}" data-call="{}"><title>{}</title><text class="head" x="{x}" y="20" text-anchor="middle">{}</text><text class="caption" x="{x}" y="35" text-anchor="middle">{}</text><text class="caption" x="{x}" y="49" text-anchor="middle">{}</text><line class="lifeline" x1="{x}" y1="{}" x2="{x}" y2="{bottom}"/></g>"#,
            escape_html(id),
            escape_html(if id.is_empty() { title } else { id }),
            escape_html(title),
            escape_html(&truncate(&caption[0], 18)),
            escape_html(&truncate(&caption[1], 18)),
            HEAD_H - 10,
        );
    }
    // Leg lifelines coloured by state, from each state change to the next.
    let mut changes: Vec<Vec<(usize, &'static str)>> = vec![Vec::new(); layout.legs.len()];
    for (i, row) in layout.rows.iter().enumerate() {
        if let Some((leg, state)) = row.state {
            changes[leg].push((i, state));
        }
    }
    for (leg, list) in changes.iter().enumerate() {
        let x = lane_x(Lane::Leg(leg));
        for (k, (start, state)) in list.iter().enumerate() {
            if *state == "ended" {
                continue;
            }
            let y1 = row_y(*start) + ROW_H / 2;
            let y2 = list
                .get(k + 1)
                .map_or(bottom, |(next, _)| row_y(*next) + ROW_H / 2);
            let _ = write!(
                out,
                r#"<line class="state-line state-{state}" x1="{x}" y1="{y1}" x2="{x}" y2="{y2}"/>"#
            );
        }
    }
    // The rows.
    for (i, row) in layout.rows.iter().enumerate() {
        let y = row_y(i);
        let mid = y + ROW_H / 2;
        let _ = write!(
            out,
            r#"<g class="row {} {}" data-seq="{}" data-kind="{}""#,
            row.kind,
            row.tone.class(),
            row.seq,
            row.kind
        );
        if let Some(event_type) = &row.event_type {
            let _ = write!(out, r#" data-event-type="{}""#, escape_html(event_type));
        }
        if let Some(call) = &row.call {
            let _ = write!(out, r#" data-call="{}""#, escape_html(call));
        }
        let _ = write!(
            out,
            r#"><title>{}</title><text class="time" x="{}" y="{}" text-anchor="end">{}</text><text class="label" x="{TEXT_X}" y="{}">{}</text>"#,
            escape_html(&row.detail),
            TIME_W - 8,
            y + 15,
            row.at_ms,
            y + 15,
            escape_html(&truncate(&row.label, TEXT_CHARS)),
        );
        let (x1, x2) = (lane_x(row.from), lane_x(row.to));
        if x1 == x2 {
            let _ = write!(out, r#"<circle class="dot" cx="{x1}" cy="{mid}" r="4"/>"#);
        } else {
            let dash = if row.dashed {
                r#" stroke-dasharray="5 3""#
            } else {
                ""
            };
            let end = if x2 > x1 { x2 - 6 } else { x2 + 6 };
            let _ = write!(
                out,
                r#"<line class="arrow" x1="{x1}" y1="{mid}" x2="{end}" y2="{mid}"{dash} marker-end="url(#arrow)"/>"#
            );
            if row.kind == "command" && row.to != Lane::Api {
                let _ = write!(
                    out,
                    r#"<circle class="via" cx="{}" cy="{mid}" r="2.5"/>"#,
                    lane_x(Lane::Api)
                );
            }
        }
        if let Some((leg, state)) = row.state {
            let x = lane_x(Lane::Leg(leg)) + 7;
            let _ = write!(
                out,
                r#"<text class="chip state-{state}" x="{x}" y="{}">{state}</text>"#,
                y + 15
            );
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// One line saying how many entries of each kind there are.
pub(crate) fn summary(timeline: &Timeline) -> String {
    let (mut commands, mut events, mut attempts, mut failed, mut other) = (0, 0, 0, 0, 0);
    let mut streams = 0;
    for entry in &timeline.entries {
        if let EntryKind::Command { .. } = entry.kind {
            commands += 1;
        } else if let EntryKind::Event { .. } = entry.kind {
            events += 1;
        } else if let EntryKind::Stream { .. } = entry.kind {
            streams += 1;
        } else if let EntryKind::Attempt { outcome, .. } = &entry.kind {
            attempts += 1;
            if !outcome.is_success() {
                failed += 1;
            }
        } else {
            other += 1;
        }
    }
    let mut text = format!(
        "{} entries: {commands} commands, {events} events, {attempts} delivery attempts ({failed} failed)",
        timeline.entries.len()
    );
    if streams > 0 {
        let _ = write!(text, ", {streams} media stream lines");
    }
    if other > 0 {
        let _ = write!(text, ", {other} other");
    }
    text
}

/// Styles shared by [`Timeline::to_html`] and the simulator's live page.
pub(crate) const STYLE: &str = r#"
:root { color-scheme: light; --ok: #1a7f37; --failed: #cf222e; --pending: #9a6700; --muted: #6e7781; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; padding: 16px 20px; color: #1f2328; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 20px 0 8px; }
.summary, .hint { color: var(--muted); margin: 0 0 8px; }
.legend span { margin-right: 14px; }
.legend .ok { color: var(--ok); } .legend .failed { color: var(--failed); } .legend .pending { color: var(--pending); }
#diagram { overflow: auto; border: 1px solid #d0d7de; border-radius: 6px; }
svg.diagram { display: block; font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
svg .stripe { fill: #f6f8fa; }
svg .head { font-weight: 600; fill: #1f2328; }
svg .caption { fill: var(--muted); font-size: 11px; }
svg .lifeline { stroke: #afb8c1; stroke-width: 1; stroke-dasharray: 2 3; }
svg .state-line { stroke-width: 5; stroke-opacity: 0.45; }
svg line.state-ringing { stroke: #bf8700; } svg line.state-answered { stroke: #1a7f37; } svg line.state-bridged { stroke: #0969da; }
svg .chip { font-size: 11px; font-weight: 600; }
svg text.state-ringing { fill: #9a6700; } svg text.state-answered { fill: #1a7f37; } svg text.state-bridged { fill: #0969da; } svg text.state-ended { fill: #6e7781; }
svg .time { fill: var(--muted); }
svg .label { fill: #1f2328; }
svg .arrow { stroke-width: 1.5; }
svg .row.command .arrow { stroke: #0969da; }
svg .row.event .arrow { stroke: #8250df; }
svg .row.attempt.ok .arrow { stroke: var(--ok); }
svg .row.failed .arrow, svg .row.failed .dot { stroke: var(--failed); }
svg .row.failed .label { fill: var(--failed); }
svg .row.pending .label { fill: var(--pending); }
svg .row.muted .label { fill: var(--muted); }
svg .dot, svg .via { fill: #fff; stroke: #57606a; stroke-width: 1.5; }
table.calls { border-collapse: collapse; font-size: 13px; }
table.calls th, table.calls td { border-bottom: 1px solid #d0d7de; padding: 4px 10px; text-align: left; vertical-align: middle; }
table.calls td.id { font-family: ui-monospace, monospace; }
.state { font-weight: 600; }
.state.ringing, .state.initiated { color: #9a6700; } .state.answered { color: #1a7f37; } .state.bridged { color: #0969da; } .state.ended { color: #6e7781; }
form { display: inline; }
input { font: inherit; padding: 2px 4px; }
button { font: inherit; padding: 2px 8px; cursor: pointer; }
#message { min-height: 1.4em; color: var(--muted); }
svg .row { cursor: pointer; }
#detail { position: fixed; right: 16px; bottom: 16px; max-width: 46vw; max-height: 60vh; overflow: auto; margin: 0; padding: 10px 12px; background: #fff; border: 1px solid #8c959f; border-radius: 6px; box-shadow: 0 4px 16px rgba(0,0,0,.15); font: 12px/1.4 ui-monospace, monospace; white-space: pre-wrap; }
#message.error { color: var(--failed); }
"#;

/// The legend line under the page title.
pub(crate) const LEGEND: &str = r#"<p class="legend"><span>Click a row for the recorded request or event.</span><span>→ command (app to API and the leg it addresses)</span><span>→ event (leg to API)</span><span>⇢ webhook delivery attempt (API to app)</span><span class="ok">ok</span><span class="failed">failed</span><span class="pending">pending</span></p>"#;

/// The panel that shows a clicked row's record, and its script (shared by both pages).
pub(crate) const DETAIL: &str = r#"<pre id="detail" hidden></pre>
<script>(function () {
  var panel = document.getElementById("detail");
  document.getElementById("diagram").addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("g.row");
    var title = row && row.querySelector("title");
    if (!title) { panel.hidden = true; return; }
    panel.textContent = title.textContent;
    panel.hidden = false;
  });
  panel.addEventListener("click", function () { panel.hidden = true; });
})();</script>"#;

/// Records how long the page took to lay out, in `data-render-ms` on `<body>`.
const TIMING_SCRIPT: &str = r#"<script>(function () {
  var diagram = document.getElementById("diagram");
  if (diagram) { diagram.getBoundingClientRect(); }
  document.body.setAttribute("data-render-ms", performance.now().toFixed(1));
})();</script>"#;

impl Timeline {
    /// The timeline as a self-contained HTML page with a sequence diagram.
    ///
    /// Lanes for the app, the simulated API and each call leg; one row per
    /// entry in time order: commands with their HTTP status, webhook events
    /// with their delivery outcome, and every delivery attempt (retries and
    /// failures included). Leg lifelines are coloured by state. Hovering a row
    /// shows the entry as recorded. The page fetches nothing: styles and the
    /// SVG are inline, and every recorded string is HTML-escaped.
    ///
    /// ```
    /// use telnyx_voice::simulator::Timeline;
    ///
    /// let html = Timeline::default().to_html();
    /// assert!(html.starts_with("<!DOCTYPE html>"));
    /// ```
    pub fn to_html(&self) -> String {
        let svg = svg(self, &[]);
        let mut out = String::with_capacity(svg.len() + STYLE.len() + 1024);
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        out.push_str("<title>telnyx-voice simulator timeline</title>\n<style>");
        out.push_str(STYLE);
        out.push_str("</style>\n</head>\n<body>\n<h1>Simulator timeline</h1>\n");
        let _ = writeln!(
            out,
            "<p class=\"summary\" id=\"summary\">{}</p>",
            escape_html(&summary(self))
        );
        out.push_str(LEGEND);
        out.push_str("\n<div id=\"diagram\">");
        out.push_str(&svg);
        out.push_str("</div>\n");
        out.push_str(DETAIL);
        out.push('\n');
        out.push_str(TIMING_SCRIPT);
        out.push_str("\n</body>\n</html>\n");
        out
    }

    /// The timeline as a Mermaid `sequenceDiagram`, for pasting into Markdown and issues.
    ///
    /// Same lanes and arrows as [`to_html`](Self::to_html); leg state changes are notes
    /// over the leg. Characters Mermaid treats specially are written as entity codes.
    ///
    /// ```
    /// use telnyx_voice::simulator::Timeline;
    ///
    /// assert!(Timeline::default().to_mermaid().starts_with("sequenceDiagram"));
    /// ```
    pub fn to_mermaid(&self) -> String {
        let layout = Layout::new(self);
        let mut out = String::from("sequenceDiagram\n");
        out.push_str("    participant App\n    participant API as Telnyx API (simulated)\n");
        for (i, id) in layout.legs.iter().enumerate() {
            let _ = writeln!(out, "    participant L{} as {}", i + 1, escape_mermaid(id));
        }
        let name = |lane: Lane| match lane {
            Lane::App => "App".to_string(),
            Lane::Api => "API".to_string(),
            Lane::Leg(i) => format!("L{}", i + 1),
        };
        for row in &layout.rows {
            let arrow = match (row.dashed, row.tone) {
                (true, Tone::Failed) => "--x",
                (true, _) => "-->>",
                (false, Tone::Failed) => "-x",
                (false, _) => "->>",
            };
            let text = row.full_label.as_ref().unwrap_or(&row.label);
            let label = escape_mermaid(&format!("{} ms {text}", row.at_ms));
            if row.from == row.to {
                let _ = writeln!(out, "    Note over {}: {label}", name(row.from));
            } else {
                let _ = writeln!(
                    out,
                    "    {}{arrow}{}: {label}",
                    name(row.from),
                    name(row.to)
                );
            }
            if let Some((leg, state)) = row.state {
                let _ = writeln!(out, "    Note over {}: {state}", name(Lane::Leg(leg)));
            }
        }
        out
    }
}

// ----- pages of failed waits -------------------------------------------------

/// The cargo target directory: `CARGO_TARGET_DIR`, else the nearest ancestor of the running
/// program that cargo marked with `CACHEDIR.TAG` (test binaries live in `target/debug/deps`),
/// else a `target` directory beside the nearest `Cargo.lock` above the current directory.
fn target_dir() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok();
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|dir| !dir.is_empty()) {
        let dir = PathBuf::from(dir);
        return Some(match &cwd {
            Some(cwd) if dir.is_relative() => cwd.join(dir),
            _ => dir,
        });
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe
            .ancestors()
            .skip(1)
            .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        {
            return Some(dir.to_path_buf());
        }
    }
    let cwd = cwd?;
    let root = cwd
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .unwrap_or(&cwd);
    Some(root.join("target"))
}

/// A file name from the current test's name (its thread's name), or the program's name.
fn page_name() -> String {
    let thread = std::thread::current();
    let name = match thread.name() {
        Some(name) if name != "main" && !name.starts_with("tokio-runtime") => name.to_string(),
        _ => std::env::current_exe()
            .ok()
            .and_then(|exe| {
                exe.file_stem()
                    .map(|stem| stem.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "timeline".to_string()),
    };
    let clean: String = name
        .replace("::", "-")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() {
        "timeline".to_string()
    } else {
        clean
    }
}

/// Writes the timeline page of a failed expectation to `target/telnyx-sim/<test-name>.html`
/// and says where on stderr. Failing to write is reported, never a panic.
pub(crate) fn save_failure_page(timeline: &Timeline) -> Option<PathBuf> {
    let dir = target_dir()?.join("telnyx-sim");
    let path = dir.join(format!("{}.html", page_name()));
    match write_page(&dir, &path, timeline) {
        Ok(()) => {
            eprintln!(
                "telnyx-voice simulator: wait timed out; the timeline is drawn in {}",
                path.display()
            );
            Some(path)
        }
        Err(err) => {
            eprintln!(
                "telnyx-voice simulator: could not write the timeline page {}: {err}",
                path.display()
            );
            None
        }
    }
}

fn write_page(dir: &Path, path: &Path, timeline: &Timeline) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(path, timeline.to_html())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn entry(seq: u64, kind: EntryKind) -> Entry {
        Entry {
            seq,
            at: Duration::from_millis(seq * 10),
            kind,
        }
    }

    fn sample() -> Timeline {
        let call = Some("v3:abc".to_string());
        Timeline {
            entries: vec![
                entry(
                    0,
                    EntryKind::Command {
                        method: "POST".into(),
                        path: "/calls".into(),
                        call_control_id: call.clone(),
                        status: 200,
                        duplicate: false,
                        body: Some(serde_json::json!({
                            "client_state": base64::engine::general_purpose::STANDARD.encode("<i>hi</i>"),
                        })),
                    },
                ),
                entry(
                    1,
                    EntryKind::Event {
                        event_id: "e1".into(),
                        event_type: "call.initiated".into(),
                        call_control_id: call.clone(),
                        url: Some("http://127.0.0.1:1/hook".into()),
                        delivery: Delivery::Delivered { attempts: 2 },
                        payload: serde_json::json!({"payload": {"from": "<b>x</b>", "to": "+1"}}),
                        cause: Some(0),
                    },
                ),
                entry(
                    2,
                    EntryKind::Attempt {
                        event_id: "e1".into(),
                        event_type: "call.initiated".into(),
                        attempt: 1,
                        outcome: AttemptOutcome::Status(500),
                    },
                ),
                entry(
                    3,
                    EntryKind::Attempt {
                        event_id: "e1".into(),
                        event_type: "call.initiated".into(),
                        attempt: 2,
                        outcome: AttemptOutcome::Status(200),
                    },
                ),
                entry(
                    4,
                    EntryKind::Command {
                        method: "POST".into(),
                        path: "/calls/<script>alert(1)</script>/actions/answer".into(),
                        call_control_id: Some("<script>alert(1)</script>".into()),
                        status: 404,
                        duplicate: false,
                        body: None,
                    },
                ),
                entry(
                    5,
                    EntryKind::Event {
                        event_id: "e2".into(),
                        event_type: "call.hangup".into(),
                        call_control_id: call,
                        url: None,
                        delivery: Delivery::NoUrl,
                        payload: Value::Null,
                        cause: None,
                    },
                ),
            ],
        }
    }

    #[test]
    fn page_name_comes_from_the_test_thread() {
        assert_eq!(
            page_name(),
            "simulator-diagram-tests-page_name_comes_from_the_test_thread"
        );
        let dir = target_dir().expect("a target directory");
        assert!(dir.ends_with("target") || std::env::var_os("CARGO_TARGET_DIR").is_some());
    }

    #[test]
    fn escapes_html() {
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("abcdef", 10), "abcdef");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("ééééé", 3), "éé…");
        assert_eq!(short_id("v3:0123456789abcdefghij"), "v3:0123456789…");
        assert_eq!(short_id("v3:short"), "v3:short");
    }

    #[test]
    fn html_has_every_row_in_order_and_no_raw_markup_from_the_app() {
        let html = sample().to_html();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!html.contains("<script>alert"), "unescaped: {html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        let seqs: Vec<u64> = html
            .match_indices("data-seq=\"")
            .map(|(at, m)| {
                let rest = &html[at + m.len()..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        assert_eq!(seqs, vec![0, 1, 2, 3, 4, 5]);
        assert!(html.contains("delivered after 2 attempts) ← #0"));
        // Paths name long call ids briefly in the label and in full in the detail.
        assert!(html.contains(">POST /calls/&lt;script&gt;al…/actions/answer → 404<"));
        assert!(html.contains(
            "#4 at 40 ms: POST /calls/&lt;script&gt;alert(1)&lt;/script&gt;/actions/answer → 404"
        ));
        assert!(html.contains("client_state &quot;&lt;i&gt;hi&lt;/i&gt;&quot;"));
        assert!(html.contains("&quot;from&quot;: &quot;&lt;b&gt;x&lt;/b&gt;&quot;"));
        assert!(!html.contains("<b>x") && !html.contains("<i>hi"));
        assert!(html.contains("attempt 2 (retry): HTTP 200"));
        assert!(html.contains(r#"class="chip state-ringing""#));
        assert!(
            html.contains(">from &lt;b&gt;x&lt;/b&gt;</text>"),
            "numbers from the payload"
        );
        assert!(html.contains(r#"class="chip state-ended""#));
        assert!(
            !html.contains(" src=") && !html.contains("href="),
            "fetches nothing"
        );
    }

    #[test]
    fn mermaid_lanes_arrows_and_escapes() {
        let text = sample().to_mermaid();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "sequenceDiagram");
        assert!(lines.contains(&"    participant L1 as v3:abc"));
        assert!(lines.contains(&"    participant L2 as #60;script#62;alert(1)#60;/script#62;"));
        assert!(lines
            .iter()
            .any(|l| l.starts_with("    App->>L1: 0 ms POST /calls → 200")));
        assert!(lines
            .iter()
            .any(|l| l.starts_with("    L1->>API: 10 ms call.initiated")));
        assert!(lines
            .iter()
            .any(|l| l.starts_with("    API--xApp: 20 ms webhook")));
        assert!(lines
            .iter()
            .any(|l| l.starts_with("    API-->>App: 30 ms webhook")));
        assert!(lines.contains(&"    Note over L1: ringing"));
        assert!(lines.contains(&"    Note over L1: ended"));
        assert!(!text.contains('<'));
    }

    #[test]
    fn a_thousand_entries_render_quickly() {
        let mut timeline = Timeline::default();
        for seq in 0..1000 {
            let call = Some(format!("v3:call{}", seq % 7));
            let kind = match seq % 3 {
                0 => EntryKind::Command {
                    method: "POST".into(),
                    path: format!("/calls/v3:call{}/actions/speak", seq % 7),
                    call_control_id: call,
                    status: 200,
                    duplicate: false,
                    body: Some(serde_json::json!({"payload": "Hello", "voice": "female"})),
                },
                1 => EntryKind::Event {
                    event_id: format!("e{seq}"),
                    event_type: "call.speak.ended".into(),
                    call_control_id: call,
                    url: None,
                    delivery: Delivery::Delivered { attempts: 1 },
                    payload: serde_json::json!({"event_type": "call.speak.ended"}),
                    cause: Some(seq - 1),
                },
                _ => EntryKind::Attempt {
                    event_id: format!("e{}", seq - 1),
                    event_type: "call.speak.ended".into(),
                    attempt: 1,
                    outcome: AttemptOutcome::Status(200),
                },
            };
            timeline.entries.push(entry(seq, kind));
        }
        let started = std::time::Instant::now();
        let html = timeline.to_html();
        let took = started.elapsed();
        assert_eq!(html.matches("data-seq=").count(), 1000);
        assert!(took < Duration::from_secs(2), "took {took:?}");
    }
}
