//! Refusals in Telnyx's error shape: HTTP status plus one error object whose
//! `code`, `title` and `source.pointer` follow the codes the API documents.

/// A command refused the way Telnyx refuses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub status: u16,
    pub code: &'static str,
    pub title: &'static str,
    pub detail: String,
    pub pointer: Option<String>,
    /// Seconds for a `Retry-After` header (chaos mode's 429s).
    pub retry_after: Option<u64>,
}

impl Failure {
    pub fn new(status: u16, code: &'static str, title: &'static str, detail: String) -> Self {
        Failure {
            status,
            code,
            title,
            detail,
            pointer: None,
            retry_after: None,
        }
    }

    pub fn at(mut self, pointer: &str) -> Self {
        self.pointer = Some(pointer.to_string());
        self
    }

    /// 90015: the path names no call the simulator knows.
    pub fn unknown_call(id: &str) -> Self {
        Failure::new(
            422,
            "90015",
            "Invalid Call Control ID",
            format!("the simulator has no call `{id}`"),
        )
        .at("/call_control_id")
    }

    /// 90018: the call has ended.
    pub fn ended() -> Self {
        Failure::new(
            422,
            "90018",
            "Call has already ended",
            "the call leg has ended and takes no more commands".to_string(),
        )
    }

    /// 90034: the command needs an answered call.
    pub fn not_answered() -> Self {
        Failure::new(
            422,
            "90034",
            "Call not answered yet",
            "the command needs an answered call".to_string(),
        )
    }

    /// 90033: the call or conference is in a state where the command cannot run.
    pub fn cannot(detail: impl Into<String>) -> Self {
        Failure::new(422, "90033", "Unable to execute command", detail.into())
    }

    /// 10004: a required field is absent or blank.
    pub fn missing(field: &str) -> Self {
        Failure::new(
            422,
            "10004",
            "Missing required parameter",
            format!("`{field}` is required and must not be blank"),
        )
        .at(&format!("/{field}"))
    }

    /// 10015: a field's value is not acceptable.
    pub fn invalid(pointer: &str, detail: impl Into<String>) -> Self {
        Failure::new(422, "10015", "Invalid value", detail.into()).at(pointer)
    }

    /// 10032: a value outside the field's enumeration.
    pub fn bad_enum(pointer: &str, value: &str) -> Self {
        Failure::new(
            422,
            "10032",
            "Invalid enumerated value",
            format!("`{value}` is not one of the values this field accepts"),
        )
        .at(pointer)
    }

    /// 10016: a number that is neither E.164 nor a SIP URI.
    pub fn bad_number(pointer: &str, value: &str) -> Self {
        Failure::new(
            422,
            "10016",
            "Phone number must be in +E164 format",
            format!("`{value}` is neither a +E.164 number nor a SIP URI"),
        )
        .at(pointer)
    }

    /// 10033: a number outside the field's range.
    pub fn out_of_range(pointer: &str, detail: impl Into<String>) -> Self {
        Failure::new(422, "10033", "Value outside of range", detail.into()).at(pointer)
    }

    /// 10005: an id in the path that names nothing.
    pub fn not_found(what: &str, id: &str) -> Self {
        Failure::new(
            404,
            "10005",
            "Resource not found",
            format!("the simulator has no {what} `{id}`"),
        )
    }

    /// 90058: an unknown conference id.
    pub fn unknown_conference(id: &str) -> Self {
        Failure::new(
            404,
            "90058",
            "Invalid conference_id",
            format!("the simulator has no conference `{id}`"),
        )
    }

    /// 90019: the conference has ended.
    pub fn conference_ended() -> Self {
        Failure::new(
            422,
            "90019",
            "Conference has already ended",
            "the conference has ended and takes no more commands".to_string(),
        )
    }

    /// 90038: the call already waits in a queue.
    pub fn already_queued() -> Self {
        Failure::new(
            422,
            "90038",
            "Call already in queue",
            "the call already waits in this queue".to_string(),
        )
    }

    /// 90036: the queue has reached its `max_size`.
    pub fn queue_full(name: &str) -> Self {
        Failure::new(
            422,
            "90036",
            "Queue full",
            format!("queue `{name}` has no room left"),
        )
    }

    /// 90050: only empty queues can be deleted.
    pub fn queue_not_empty(name: &str) -> Self {
        Failure::new(
            400,
            "90050",
            "Unable to delete queue",
            format!("queue `{name}` still has calls waiting"),
        )
    }

    /// 90031: stopping a fork that is not running.
    pub fn not_forked() -> Self {
        Failure::new(
            422,
            "90031",
            "Call is not currently forked",
            "no fork is running on this call".to_string(),
        )
    }

    /// 90054: a second transcription on one call.
    pub fn transcription_active() -> Self {
        Failure::new(
            422,
            "90054",
            "Call transcription is already in progress",
            "transcription is already running on this call".to_string(),
        )
    }

    /// 90061: a second AI assistant on one call.
    pub fn assistant_active() -> Self {
        Failure::new(
            422,
            "90061",
            "AI Assistant is already in progress",
            "an AI assistant is already running on this call".to_string(),
        )
    }

    /// 401 / 10009: the bearer key is wrong or absent.
    pub fn unauthenticated() -> Self {
        Failure::new(
            401,
            "10009",
            "Authentication failed",
            "send `Authorization: Bearer <API key>` with the simulator's key".to_string(),
        )
    }

    /// 501: an operation the simulator does not honour.
    pub fn not_simulated(what: &str) -> Self {
        Failure::new(
            501,
            "10007",
            "Not simulated",
            format!("the simulator does not implement {what}"),
        )
    }

    /// 404 for a path outside the Voice API.
    pub fn no_route() -> Self {
        Failure::new(
            404,
            "10005",
            "Resource not found",
            "the simulator serves no such path".to_string(),
        )
    }

    /// The error body, `{"errors": [..]}`.
    pub fn body(&self) -> serde_json::Value {
        let mut error = serde_json::json!({
            "code": self.code,
            "title": self.title,
            "detail": self.detail,
        });
        if let Some(pointer) = &self.pointer {
            error["source"] = serde_json::json!({ "pointer": pointer });
        }
        serde_json::json!({ "errors": [error] })
    }
}
