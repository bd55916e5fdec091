//! HTTP side of the simulator: authentication, body decoding into the
//! generated request models, Telnyx-shaped errors, and one handler per
//! simulated operation.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use super::state::{CommandMeta, Failure, Outcome, Shared};
use super::timeline::EntryKind;
use crate::{models, Data, Page};

/// Notes a handler leaves on its response for the timeline record.
#[derive(Clone, Default)]
struct Note {
    call_control_id: Option<String>,
    duplicate: bool,
}

type AppState = State<Arc<Shared>>;

/// Builds the router serving the simulated API below `/v2`.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/calls", post(dial))
        .route("/calls/{id}", get(retrieve_status))
        .route("/calls/{id}/actions/{action}", post(call_action))
        .route("/connections/{id}/active_calls", get(active_calls))
        .route("/conferences", post(create_conference))
        .route("/conferences/{id}/actions/join", post(join_conference))
        .fallback(unknown_route);
    Router::new()
        .nest("/v2", api)
        .fallback(unknown_route)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            record_and_authenticate,
        ))
        .with_state(shared)
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut error = json!({
            "code": self.code,
            "title": self.title,
            "detail": self.detail,
        });
        if let Some(pointer) = &self.pointer {
            error["source"] = json!({ "pointer": pointer });
        }
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
        (status, Json(json!({ "errors": [error] }))).into_response()
    }
}

/// Checks the bearer key, runs the handler, and records the command in the timeline.
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
    let seq = shared.record(EntryKind::Command {
        method,
        call_control_id: call_id_in_path(&path),
        path,
        status: 0,
        duplicate: false,
    });
    let response = if authorized {
        next.run(request).await
    } else {
        Failure::new(
            401,
            "10009",
            "Authentication failed",
            "the Authorization header must carry `Bearer <API key>` with the simulator's key"
                .to_string(),
        )
        .into_response()
    };
    let note = response
        .extensions()
        .get::<Note>()
        .cloned()
        .unwrap_or_default();
    shared.finish_command(
        seq,
        response.status().as_u16(),
        note.call_control_id,
        note.duplicate,
    );
    response
}

fn call_id_in_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/calls/")?;
    let id = rest.split('/').next()?;
    let decoded = percent_encoding::percent_decode_str(id)
        .decode_utf8()
        .ok()?;
    Some(decoded.into_owned())
}

async fn unknown_route() -> Response {
    Failure::new(
        404,
        "10005",
        "Resource not found",
        "the simulator does not serve this path".to_string(),
    )
    .into_response()
}

/// Turns a JSON body into a generated request model; the error points at the failing field.
///
/// The generated models require what the spec requires, so a missing field is serde's
/// "missing field" error, pointed at that field.
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, Failure> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(body)
            .map_err(|err| Failure::invalid("/", format!("the body is not valid JSON: {err}")))?
    };
    if !value.is_object() {
        return Err(Failure::invalid(
            "/",
            "the body must be a JSON object".to_string(),
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let mut pointer = String::new();
        for segment in err.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
                Segment::Map { key } => pointer.push_str(&format!("/{key}")),
                Segment::Enum { variant } => pointer.push_str(&format!("/{variant}")),
                Segment::Unknown => pointer.push_str("/?"),
            }
        }
        let message = err.inner().to_string();
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            pointer.push('/');
            pointer.push_str(field);
        }
        if pointer.is_empty() {
            pointer.push('/');
        }
        Failure::invalid(&pointer, message)
    })
}

fn ok<T: Serialize>(data: T, note: Note) -> Response {
    let mut response = (StatusCode::OK, Json(Data { data })).into_response();
    response.extensions_mut().insert(note);
    response
}

fn command_result(outcome: Outcome, id: &str) -> Response {
    ok(
        models::CallControlCommandResult {
            result: Some("ok".to_string()),
        },
        Note {
            call_control_id: Some(id.to_string()),
            duplicate: outcome == Outcome::Duplicate,
        },
    )
}

async fn dial(State(shared): AppState, body: Bytes) -> Result<Response, Failure> {
    let request: models::CallRequest = decode(&body)?;
    let call = shared.dial(request)?;
    super::media::on_command(&shared, call.call_control_id.as_str(), &body);
    let note = Note {
        call_control_id: Some(call.call_control_id.to_string()),
        duplicate: false,
    };
    Ok(ok(call, note))
}

async fn retrieve_status(
    State(shared): AppState,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let call = shared.status(&id)?;
    Ok(ok(call, Note::default()))
}

async fn active_calls(State(shared): AppState, Path(id): Path<String>) -> Response {
    let calls = shared.active_calls(&id);
    let total = i64::try_from(calls.len()).unwrap_or(i64::MAX);
    let page = Page {
        data: calls,
        meta: Some(models::CursorPaginationMeta {
            cursors: None,
            next: None,
            previous: None,
            total_items: Some(total),
        }),
    };
    (StatusCode::OK, Json(page)).into_response()
}

fn meta(command_id: &Option<String>, client_state: &Option<String>) -> CommandMeta {
    CommandMeta {
        command_id: command_id.clone(),
        client_state: client_state.clone(),
    }
}

async fn call_action(
    State(shared): AppState,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Failure> {
    let outcome = match action.as_str() {
        "answer" => {
            let req: models::AnswerRequest = decode(&body)?;
            let outcome = shared.answer(
                &id,
                &meta(&req.command_id, &req.client_state),
                req.webhook_url,
            )?;
            if outcome == Outcome::Done {
                super::media::on_command(&shared, &id, &body);
            }
            let response = ok(
                models::CallControlCommandResultWithRecordingId {
                    recording_id: None,
                    result: Some("ok".to_string()),
                },
                Note {
                    call_control_id: Some(id.clone()),
                    duplicate: outcome == Outcome::Duplicate,
                },
            );
            return Ok(response);
        }
        "streaming_start" => {
            super::media::on_command(&shared, &id, &body);
            Outcome::Done
        }
        "streaming_stop" => {
            super::media::stop(&id);
            Outcome::Done
        }
        "hangup" => {
            let req: models::HangupRequest = decode(&body)?;
            shared.hangup(&id, &meta(&req.command_id, &req.client_state))?
        }
        "reject" => {
            let req: models::RejectRequest = decode(&body)?;
            shared.reject(&id, &meta(&req.command_id, &req.client_state))?
        }
        "speak" => {
            let req: models::SpeakRequest = decode(&body)?;
            shared.speak(&id, &meta(&req.command_id, &req.client_state))?
        }
        "playback_start" => {
            let req: models::StartPlaybackRequest = decode(&body)?;
            if req.audio_url.is_none() && req.media_name.is_none() && req.playback_content.is_none()
            {
                return Err(Failure::invalid(
                    "/audio_url",
                    "one of `audio_url`, `media_name` or `playback_content` is required"
                        .to_string(),
                ));
            }
            let media = req.audio_url.clone().or_else(|| req.media_name.clone());
            shared.playback_start(&id, &meta(&req.command_id, &req.client_state), media)?
        }
        "playback_stop" => {
            let req: models::StopPlaybackRequest = decode(&body)?;
            shared.playback_stop(&id, &meta(&req.command_id, &req.client_state))?
        }
        "gather" => {
            let req: models::GatherRequest = decode(&body)?;
            shared.gather(
                &id,
                &meta(&req.command_id, &req.client_state),
                req.maximum_digits,
                req.terminating_digit,
            )?
        }
        "gather_using_speak" => {
            let req: models::GatherUsingSpeakRequest = decode(&body)?;
            shared.gather(
                &id,
                &meta(&req.command_id, &req.client_state),
                req.maximum_digits,
                req.terminating_digit,
            )?
        }
        "bridge" => {
            let req: models::BridgeRequest = decode(&body)?;
            shared.bridge(
                &id,
                &meta(&req.command_id, &req.client_state),
                &req.call_control_id,
            )?
        }
        "transfer" => {
            let req: models::TransferCallRequest = decode(&body)?;
            shared.transfer(&id, &meta(&req.command_id, &req.client_state), &req)?
        }
        "enqueue" => {
            let req: models::EnqueueRequest = decode(&body)?;
            shared.enqueue(
                &id,
                &meta(&req.command_id, &req.client_state),
                &req.queue_name,
            )?
        }
        _ => {
            return Err(Failure::new(
                404,
                "10005",
                "Resource not found",
                format!("the simulator does not implement the `{action}` action"),
            ))
        }
    };
    Ok(command_result(outcome, &id))
}

async fn create_conference(State(shared): AppState, body: Bytes) -> Result<Response, Failure> {
    let req: models::CreateConferenceRequest = decode(&body)?;
    let conference = shared.create_conference(&req)?;
    let note = Note {
        call_control_id: Some(req.call_control_id.to_string()),
        duplicate: false,
    };
    Ok(ok(conference, note))
}

async fn join_conference(
    State(shared): AppState,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Failure> {
    let req: models::JoinConferenceRequest = decode(&body)?;
    let outcome = shared.join_conference(&id, &req)?;
    let note = Note {
        call_control_id: Some(req.call_control_id.to_string()),
        duplicate: outcome == Outcome::Duplicate,
    };
    Ok(ok(
        models::ConferenceCommandResult {
            result: "ok".to_string(),
        },
        note,
    ))
}
