//! HTTP side of the simulator: authentication, chaos refusals, the timeline
//! record of each command (with its decoded body), `x-request-id` on every
//! answer, and one route per operation of the Voice API.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use super::engine::{Outcome, Shared};
use super::failure::Failure;
use super::requests;
use super::timeline::EntryKind;

/// Notes a handler leaves on its response for the timeline record.
#[derive(Clone, Default)]
struct Note {
    call_control_id: Option<String>,
    duplicate: bool,
}

/// What the middleware hands each handler: the command's seq and its JSON body.
#[derive(Clone)]
struct Ctx {
    seq: u64,
    body: Value,
}

type AppState = State<Arc<Shared>>;
type Answer = Result<Response, Failure>;
type Params = Query<HashMap<String, String>>;

/// Builds the router serving the simulated API below `/v2` and recordings below `/media`.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route(
            "/call_control_applications",
            get(list_apps).post(create_app),
        )
        .route(
            "/call_control_applications/{id}",
            get(get_app).patch(update_app).delete(delete_app),
        )
        .route("/call_events", get(call_events))
        .route("/calls", post(dial))
        .route("/calls/{id}", get(retrieve_status))
        .route(
            "/calls/{id}/actions/{action}",
            post(call_action).put(call_action),
        )
        .route(
            "/conferences",
            get(list_conferences).post(create_conference),
        )
        .route("/conferences/{id}", get(get_conference))
        .route("/conferences/{id}/participants", get(list_participants))
        .route(
            "/conferences/{id}/participants/{participant}",
            get(get_participant).patch(update_participant),
        )
        .route(
            "/conferences/{id}/actions/{action}",
            post(conference_action),
        )
        .route("/connections", get(list_connections))
        .route("/connections/{id}", get(get_connection))
        .route("/connections/{id}/active_calls", get(active_calls))
        .route(
            "/custom_storage_credentials/{id}",
            get(get_storage)
                .post(create_storage)
                .put(update_storage)
                .delete(delete_storage),
        )
        .route("/queues", get(list_queues).post(create_queue))
        .route(
            "/queues/{name}",
            get(get_queue).post(update_queue).delete(delete_queue),
        )
        .route("/queues/{name}/calls", get(list_queue_calls))
        .route(
            "/queues/{name}/calls/{id}",
            get(get_queue_call)
                .patch(update_queue_call)
                .delete(remove_queue_call),
        )
        .route("/recording_transcriptions", get(list_transcriptions))
        .route(
            "/recording_transcriptions/{id}",
            get(get_transcription).delete(delete_transcription),
        )
        .route("/recordings", get(list_recordings))
        .route("/recordings/actions/delete", post(delete_recordings))
        .route(
            "/recordings/{id}",
            get(get_recording).delete(delete_recording),
        )
        .route("/webhook_deliveries", get(list_deliveries))
        .route("/webhook_deliveries/{id}", get(get_delivery))
        .fallback(unknown_route)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            record_and_authenticate,
        ));
    Router::new()
        .nest("/v2", api)
        .route("/media/recordings/{file}", get(recording_media))
        .merge(super::page::router())
        .fallback(unknown_route)
        .layer(middleware::from_fn(request_id))
        .with_state(shared)
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
        let mut response = (status, Json(self.body())).into_response();
        if let Some(seconds) = self.retry_after {
            let headers = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                headers.insert(header::RETRY_AFTER, value);
            }
            // Lets SDKs that read the millisecond form keep tests fast.
            headers.insert("retry-after-ms", HeaderValue::from_static("50"));
        }
        response
    }
}

/// Adds `x-request-id` to every answer.
async fn request_id(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let id = uuid::Uuid::new_v4().to_string();
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Checks the bearer key, applies chaos, runs the handler, and records the command.
async fn record_and_authenticate(
    State(shared): AppState,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().to_string();
    let full_path = request.uri().path().to_string();
    let below_base = full_path.strip_prefix("/v2").unwrap_or(&full_path);
    let path = percent_encoding::percent_decode_str(below_base)
        .decode_utf8_lossy()
        .into_owned();
    let expected = format!("Bearer {}", shared.config.api_key);
    let authorized = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value == expected);
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 8 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let decoded = parse_body(&bytes);
    let recorded = match &decoded {
        Ok(Value::Null) | Err(_) => None,
        Ok(value) => Some(value.clone()),
    };
    let seq = shared.recorder.record(EntryKind::Command {
        method: method.clone(),
        call_control_id: call_id_in_path(&path),
        path: path.clone(),
        status: 0,
        duplicate: false,
        body: recorded.clone(),
    });
    let refused = shared
        .chaos
        .as_ref()
        .and_then(|dice| dice.refuse(&method, &path, &bytes));
    let response = if !authorized {
        Failure::unauthenticated().into_response()
    } else if let Some(failure) = refused {
        failure.into_response()
    } else {
        match decoded {
            Err(failure) => failure.into_response(),
            Ok(body) => {
                let mut request = Request::from_parts(parts, Body::from(bytes));
                let body = if body.is_null() { json!({}) } else { body };
                request.extensions_mut().insert(Ctx { seq, body });
                next.run(request).await
            }
        }
    };
    let note = response
        .extensions()
        .get::<Note>()
        .cloned()
        .unwrap_or_default();
    shared.recorder.finish_command(
        seq,
        response.status().as_u16(),
        note.call_control_id,
        note.duplicate,
        None,
    );
    response
}

/// The JSON body, `Null` for none; anything but an object is refused.
fn parse_body(bytes: &Bytes) -> Result<Value, Failure> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|err| Failure::invalid("/", format!("the body is not valid JSON: {err}")))?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(Failure::invalid("/", "the body must be a JSON object"))
    }
}

fn call_id_in_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/calls/")?;
    rest.split('/').next().map(str::to_string)
}

async fn unknown_route() -> Response {
    Failure::no_route().into_response()
}

fn ok_note(data: Value, note: Note) -> Response {
    let mut response = (StatusCode::OK, Json(json!({ "data": data }))).into_response();
    response.extensions_mut().insert(note);
    response
}

fn ok(data: Value) -> Response {
    ok_note(data, Note::default())
}

fn for_call(data: Value, id: Option<String>, outcome: Outcome) -> Response {
    ok_note(
        data,
        Note {
            call_control_id: id,
            duplicate: outcome == Outcome::Duplicate,
        },
    )
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// One page of `items` by `page[number]`/`page[size]` (or `page_number`/`page_size`).
fn page(items: Vec<Value>, params: &HashMap<String, String>) -> Response {
    let read = |keys: [&str; 2], default: usize| {
        keys.iter()
            .find_map(|key| params.get(*key))
            .and_then(|value| value.parse::<usize>().ok())
            .filter(|n| *n > 0)
            .unwrap_or(default)
    };
    let number = read(["page[number]", "page_number"], 1);
    let size = read(["page[size]", "page_size"], 20);
    let total = items.len();
    let pages = total.div_ceil(size).max(1);
    let data: Vec<Value> = items
        .into_iter()
        .skip((number - 1).saturating_mul(size))
        .take(size)
        .collect();
    let meta = json!({
        "page_number": number,
        "page_size": size,
        "total_pages": pages,
        "total_results": total,
    });
    (StatusCode::OK, Json(json!({ "data": data, "meta": meta }))).into_response()
}

// ----- calls --------------------------------------------------------------

async fn dial(State(shared): AppState, Extension(ctx): Extension<Ctx>) -> Answer {
    requests::dial(&ctx.body)?;
    let call = shared.dial(&ctx.body, Some(ctx.seq))?;
    let id = call["call_control_id"].as_str().map(str::to_string);
    Ok(for_call(call, id, Outcome::Done))
}

async fn retrieve_status(State(shared): AppState, Path(id): Path<String>) -> Answer {
    Ok(ok(shared.status(&id)?))
}

async fn call_action(
    State(shared): AppState,
    Path((id, action)): Path<(String, String)>,
    Extension(ctx): Extension<Ctx>,
) -> Answer {
    requests::call_action(&action, &ctx.body)?;
    let (data, outcome) = shared.call_action(&id, &action, &ctx.body, Some(ctx.seq))?;
    Ok(for_call(data, Some(id), outcome))
}

async fn active_calls(State(shared): AppState, Path(id): Path<String>) -> Response {
    let calls = shared.active_calls(&id);
    let meta = json!({ "total_items": calls.len() });
    (StatusCode::OK, Json(json!({ "data": calls, "meta": meta }))).into_response()
}

async fn call_events(State(shared): AppState, Query(params): Params) -> Response {
    page(shared.call_events(), &params)
}

// ----- conferences --------------------------------------------------------

async fn list_conferences(State(shared): AppState, Query(params): Params) -> Response {
    let name = params.get("filter[name]").map(String::as_str);
    let status = params.get("filter[status]").map(String::as_str);
    page(shared.list_conferences(name, status), &params)
}

async fn create_conference(State(shared): AppState, Extension(ctx): Extension<Ctx>) -> Answer {
    requests::create_conference(&ctx.body)?;
    let conference = shared.create_conference(&ctx.body, Some(ctx.seq))?;
    let call = ctx.body["call_control_id"].as_str().map(str::to_string);
    Ok(for_call(conference, call, Outcome::Done))
}

async fn get_conference(State(shared): AppState, Path(id): Path<String>) -> Answer {
    Ok(ok(shared.conference(&id)?))
}

async fn list_participants(
    State(shared): AppState,
    Path(id): Path<String>,
    Query(params): Params,
) -> Answer {
    Ok(page(shared.participants(&id)?, &params))
}

async fn get_participant(
    State(shared): AppState,
    Path((id, who)): Path<(String, String)>,
) -> Answer {
    Ok(ok(shared.participant(&id, &who, None)?))
}

async fn update_participant(
    State(shared): AppState,
    Path((id, who)): Path<(String, String)>,
    Extension(ctx): Extension<Ctx>,
) -> Answer {
    requests::update_participant(&ctx.body)?;
    Ok(ok(shared.participant(&id, &who, Some(&ctx.body))?))
}

async fn conference_action(
    State(shared): AppState,
    Path((id, action)): Path<(String, String)>,
    Extension(ctx): Extension<Ctx>,
) -> Answer {
    requests::conference_action(&action, &ctx.body)?;
    let (data, outcome, call) = shared.conference_action(&id, &action, &ctx.body, Some(ctx.seq))?;
    Ok(for_call(data, call, outcome))
}

// ----- applications and connections ---------------------------------------

async fn list_apps(State(shared): AppState, Query(params): Params) -> Response {
    page(shared.list_applications(), &params)
}

async fn create_app(State(shared): AppState, Extension(ctx): Extension<Ctx>) -> Answer {
    requests::create_application(&ctx.body)?;
    Ok(ok(shared.create_application(&ctx.body)?))
}

async fn get_app(State(shared): AppState, Path(id): Path<String>) -> Answer {
    Ok(ok(shared.application(&id)?))
}

async fn update_app(
    State(shared): AppState,
    Path(id): Path<String>,
    Extension(ctx): Extension<Ctx>,
) -> Answer {
    requests::update_application(&ctx.body)?;
    Ok(ok(shared.update_application(&id, &ctx.body)?))
}

async fn delete_app(State(shared): AppState, Path(id): Path<String>) -> Answer {
    Ok(ok(shared.delete_application(&id)?))
}

async fn list_connections(State(shared): AppState, Query(params): Params) -> Response {
    page(shared.connections(), &params)
}

async fn get_connection(State(shared): AppState, Path(id): Path<String>) -> Answer {
    Ok(ok(shared.connection(&id)?))
}

// ----- custom storage credentials ------------------------------------------

fn bare(value: Value) -> Response {
    (StatusCode::OK, Json(value)).into_response()
}

async fn get_storage(State(shared): AppState, Path(id): Path<String>) -> Answer {
    Ok(bare(shared.storage(&id)?))
}

async fn create_storage(
    State(shared): AppState,
    Path(id): Path<String>,
    Extension(ctx): Extension<Ctx>,
) -> Answer {
    Ok(bare(shared.put_storage(&id, &ctx.body, true)?))
}

async fn update_storage(
    State(shared): AppState,
    Path(id): Path<String>,
    Extension(ctx): Extension<Ctx>,
) -> Answer {
    Ok(bare(shared.put_storage(&id, &ctx.body, false)?))
}

async fn delete_storage(State(shared): AppState, Path(id): Path<String>) -> Answer {
    shared.delete_storage(&id)?;
    Ok(no_content())
}

// ----- queues ---------------------------------------------------------------

async fn list_queues(State(shared): AppState, Query(params): Params) -> Response {
    page(shared.list_queues(), &params)
}

async fn create_queue(State(shared): AppState, Extension(ctx): Extension<Ctx>) -> Answer {
    requests::create_queue(&ctx.body)?;
    Ok(ok(shared.create_queue(&ctx.body)?))
}

async fn get_queue(State(shared): AppState, Path(name): Path<String>) -> Answer {
    Ok(ok(shared.queue(&name)?))
}

async fn update_queue(
    State(shared): AppState,
    Path(name): Path<String>,
    Extension(ctx): Extension<Ctx>,
) -> Answer {
    requests::update_queue(&ctx.body)?;
    Ok(ok(shared.update_queue(&name, &ctx.body)?))
}

async fn delete_queue(State(shared): AppState, Path(name): Path<String>) -> Answer {
    shared.delete_queue(&name)?;
    Ok(no_content())
}

async fn list_queue_calls(
    State(shared): AppState,
    Path(name): Path<String>,
    Query(params): Params,
) -> Answer {
    Ok(page(shared.queue_calls(&name)?, &params))
}

async fn get_queue_call(
    State(shared): AppState,
    Path((name, id)): Path<(String, String)>,
) -> Answer {
    Ok(ok(shared.queue_call(&name, &id)?))
}

async fn update_queue_call(
    State(shared): AppState,
    Path((name, id)): Path<(String, String)>,
    Extension(ctx): Extension<Ctx>,
) -> Answer {
    requests::update_queued_call(&ctx.body)?;
    shared.update_queue_call(&name, &id, &ctx.body)?;
    Ok(no_content())
}

async fn remove_queue_call(
    State(shared): AppState,
    Path((name, id)): Path<(String, String)>,
    Extension(ctx): Extension<Ctx>,
) -> Answer {
    shared.remove_queue_call(&name, &id, Some(ctx.seq))?;
    Ok(no_content())
}

// ----- recordings, transcriptions, deliveries --------------------------------

async fn list_recordings(State(shared): AppState, Query(params): Params) -> Response {
    page(shared.recordings(), &params)
}

async fn get_recording(State(shared): AppState, Path(id): Path<String>) -> Answer {
    Ok(ok(shared.recording(&id)?))
}

async fn delete_recording(State(shared): AppState, Path(id): Path<String>) -> Answer {
    Ok(ok(shared.delete_recording(&id)?))
}

async fn delete_recordings(State(shared): AppState, Extension(ctx): Extension<Ctx>) -> Answer {
    Ok(bare(shared.delete_recordings(&ctx.body)?))
}

async fn list_transcriptions(State(shared): AppState, Query(params): Params) -> Response {
    page(shared.transcriptions(), &params)
}

async fn get_transcription(State(shared): AppState, Path(id): Path<String>) -> Answer {
    Ok(ok(shared.transcription(&id)?))
}

async fn delete_transcription(State(shared): AppState, Path(id): Path<String>) -> Answer {
    Ok(ok(shared.delete_transcription(&id)?))
}

async fn list_deliveries(State(shared): AppState, Query(params): Params) -> Response {
    page(shared.webhook_deliveries(), &params)
}

async fn get_delivery(State(shared): AppState, Path(id): Path<String>) -> Answer {
    Ok(ok(shared.webhook_delivery(&id)?))
}

/// A recording's audio: a short silent WAV (also served for `.mp3` names, as
/// the simulator does not encode MP3).
async fn recording_media(State(shared): AppState, Path(file): Path<String>) -> Answer {
    let (id, ext) = file
        .rsplit_once('.')
        .ok_or_else(|| Failure::not_found("recording file", &file))?;
    if !matches!(ext, "mp3" | "wav") || !shared.has_recording(id) {
        return Err(Failure::not_found("recording file", &file));
    }
    let content_type = if ext == "mp3" {
        "audio/mpeg"
    } else {
        "audio/wav"
    };
    Ok(([(header::CONTENT_TYPE, content_type)], silent_wav()).into_response())
}

/// 100 ms of 8 kHz mono 16-bit silence.
fn silent_wav() -> Vec<u8> {
    let samples: u32 = 800;
    let data_len = samples * 2;
    let mut wav = Vec::with_capacity(44 + data_len as usize);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes());
    wav.extend_from_slice(&8000u32.to_le_bytes());
    wav.extend_from_slice(&16000u32.to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    wav.resize(44 + data_len as usize, 0);
    wav
}
