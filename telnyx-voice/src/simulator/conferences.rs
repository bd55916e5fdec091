//! Conference commands: create, join, leave, end, and the actions on members
//! (mute, hold, play, speak, record, DTMF, supervisor role).

use std::sync::Arc;
use std::time::SystemTime;

use serde_json::{json, Value};

use super::engine::{Cause, Outcome, Shared};
use super::events;
use super::failure::Failure;
use super::model::{
    new_uuid, rfc3339, ActiveRecording, Conference, Participant, StoredRecording, World,
};
use super::validate::{self, flag, int, text};

/// The conference actions the simulator serves.
pub(crate) const CONFERENCE_ACTIONS: &[&str] = &[
    "end",
    "gather_using_audio",
    "hold",
    "join",
    "leave",
    "mute",
    "play",
    "record_pause",
    "record_resume",
    "record_start",
    "record_stop",
    "send_dtmf",
    "speak",
    "stop",
    "unhold",
    "unmute",
    "update",
];

impl Shared {
    fn conference_url(&self, world: &World, conference: &Conference) -> Option<String> {
        let leg = world.calls.get(&conference.creator)?;
        leg.webhook_url
            .clone()
            .or_else(|| self.connection_url(&leg.connection_id))
    }

    /// A conference event sent to the creator's webhook URL.
    fn emit_conference(
        &self,
        world: &World,
        conference_id: &str,
        event_type: &str,
        extra: Value,
        cause: Cause,
    ) {
        let Some(conference) = world.conferences.iter().find(|c| c.id == conference_id) else {
            return;
        };
        let mut payload = json!({
            "conference_id": conference.id,
            "connection_id": conference.connection_id,
            "occurred_at": rfc3339(SystemTime::now()),
        });
        if let Some(creator) = world.calls.get(&conference.creator) {
            payload["creator_call_session_id"] = json!(creator.call_session_id);
            payload["call_control_id"] = json!(creator.call_control_id);
            payload["call_leg_id"] = json!(creator.call_leg_id);
            payload["call_session_id"] = json!(creator.call_session_id);
            payload["client_state"] = json!(creator.client_state);
        }
        events::merge(&mut payload, extra);
        let url = self.conference_url(world, conference);
        self.send(
            url,
            Some(conference.creator.clone()),
            events::build(event_type, payload),
            cause,
        );
    }

    /// A participant event about one member call.
    fn emit_participant(
        &self,
        world: &World,
        conference_id: &str,
        call: &str,
        event_type: &str,
        cause: Cause,
    ) {
        if let Some(leg) = world.calls.get(call) {
            self.emit_call(
                leg,
                event_type,
                json!({ "conference_id": conference_id }),
                cause,
            );
        }
    }

    /// `POST /conferences`.
    pub fn create_conference(
        self: &Arc<Self>,
        body: &Value,
        cause: Cause,
    ) -> Result<Value, Failure> {
        validate::client_states(body)?;
        let name = validate::required(body, "name")?.to_string();
        let call = validate::required(body, "call_control_id")?.to_string();
        validate::range(body, "max_participants", 2, 800)?;
        let mut world = self.world();
        if world
            .conferences
            .iter()
            .any(|c| c.active() && c.name == name)
        {
            return Err(Failure::cannot(format!(
                "an active conference is already named `{name}`"
            )));
        }
        let Some(leg) = Self::command_leg(&mut world, &call, body)? else {
            return Err(Failure::cannot("the command_id was already used"));
        };
        if !leg.alive() {
            return Err(Failure::ended());
        }
        if !leg.talking() {
            return Err(Failure::not_answered());
        }
        Self::accept(leg, body);
        let connection_id = leg.connection_id.clone();
        let now = SystemTime::now();
        let conference = Conference {
            id: new_uuid(),
            name,
            connection_id,
            created_at: now,
            updated_at: now,
            ended_at: None,
            end_reason: None,
            region: text(body, "region").map(str::to_string),
            participants: vec![participant(&call, body)],
            recording: None,
            playing: false,
            creator: call.clone(),
            max_participants: int(body, "max_participants").and_then(|n| usize::try_from(n).ok()),
        };
        let id = conference.id.clone();
        let json = conference.json();
        world.conferences.push(conference);
        if let Some(leg) = world.calls.get_mut(&call) {
            leg.conference = Some(id.clone());
        }
        self.emit_conference(&world, &id, "conference.created", json!({}), cause);
        self.emit_participant(&world, &id, &call, "conference.participant.joined", cause);
        Ok(json)
    }

    /// `GET /conferences`.
    pub fn list_conferences(&self, name: Option<&str>, status: Option<&str>) -> Vec<Value> {
        let world = self.world();
        world
            .conferences
            .iter()
            .filter(|c| name.is_none_or(|name| c.name == name))
            .map(Conference::json)
            .filter(|c| status.is_none_or(|status| c["status"] == status))
            .collect()
    }

    /// `GET /conferences/{id}`.
    pub fn conference(&self, id: &str) -> Result<Value, Failure> {
        let world = self.world();
        world
            .conferences
            .iter()
            .find(|c| c.id == id)
            .map(Conference::json)
            .ok_or_else(|| Failure::unknown_conference(id))
    }

    /// `GET /conferences/{id}/participants`.
    pub fn participants(&self, id: &str) -> Result<Vec<Value>, Failure> {
        let world = self.world();
        let conference = world
            .conferences
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| Failure::unknown_conference(id))?;
        Ok(conference
            .participants
            .iter()
            .map(|p| participant_json(&world, conference, p, true))
            .collect())
    }

    /// `GET` and `PATCH /conferences/{id}/participants/{participant}`.
    pub fn participant(
        &self,
        id: &str,
        who: &str,
        update: Option<&Value>,
    ) -> Result<Value, Failure> {
        let mut world = self.world();
        let conference = world
            .conference(id)
            .ok_or_else(|| Failure::unknown_conference(id))?;
        let member = conference
            .participants
            .iter_mut()
            .find(|p| p.id == who || p.call_control_id == who)
            .ok_or_else(|| Failure::not_found("participant", who))?;
        if let Some(body) = update {
            if let Some(muted) = flag(body, "muted") {
                member.muted = muted;
            }
            if let Some(on_hold) = flag(body, "on_hold") {
                member.on_hold = on_hold;
            }
            if let Some(end) = flag(body, "end_conference_on_exit") {
                member.end_conference_on_exit = end;
            }
            member.updated_at = SystemTime::now();
        }
        let member = member.clone();
        let conference = world
            .conferences
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| Failure::unknown_conference(id))?;
        Ok(participant_json(&world, conference, &member, false))
    }

    /// `POST /conferences/{id}/actions/{action}`.
    pub fn conference_action(
        self: &Arc<Self>,
        id: &str,
        action: &str,
        body: &Value,
        cause: Cause,
    ) -> Result<(Value, Outcome, Option<String>), Failure> {
        if !CONFERENCE_ACTIONS.contains(&action) {
            return Err(Failure::not_simulated(&format!(
                "the `{action}` conference action"
            )));
        }
        validate::client_states(body)?;
        if let Some(voice) = text(body, "voice") {
            validate::voice("/voice", voice)?;
        }
        let ok = json!({ "result": "ok" });
        let mut world = self.world();
        let conference = world
            .conference(id)
            .ok_or_else(|| Failure::unknown_conference(id))?;
        if !conference.active() {
            return Err(Failure::conference_ended());
        }
        let call = text(body, "call_control_id").map(str::to_string);
        let timing = self.config.timing.clone();
        match action {
            "join" | "leave" | "update" | "gather_using_audio" => {
                let call = validate::required(body, "call_control_id")?.to_string();
                if !world.calls.contains_key(&call) {
                    return Err(Failure::unknown_call(&call));
                }
            }
            _ => {}
        }
        match action {
            "join" => {
                let call = call.clone().unwrap_or_default();
                let Some(leg) = Self::command_leg(&mut world, &call, body)? else {
                    return Ok((ok, Outcome::Duplicate, Some(call)));
                };
                if !leg.alive() {
                    return Err(Failure::ended());
                }
                if !leg.talking() {
                    return Err(Failure::not_answered());
                }
                Self::accept(leg, body);
                leg.conference = Some(id.to_string());
                let conference = world
                    .conference(id)
                    .ok_or_else(|| Failure::unknown_conference(id))?;
                if conference.members().any(|p| p.call_control_id == call) {
                    return Err(Failure::cannot("the call is already in the conference"));
                }
                if conference
                    .max_participants
                    .is_some_and(|max| conference.members().count() >= max)
                {
                    return Err(Failure::new(
                        422,
                        "90032",
                        "Maximum number of participants reached",
                        "the conference is full".to_string(),
                    ));
                }
                conference.participants.push(participant(&call, body));
                conference.updated_at = SystemTime::now();
                self.emit_participant(&world, id, &call, "conference.participant.joined", cause);
                return Ok((ok, Outcome::Done, Some(call)));
            }
            "leave" => {
                let call = call.clone().unwrap_or_default();
                if !self.leave_conference(&mut world, id, &call, cause) {
                    return Err(Failure::cannot("the call is not in the conference"));
                }
                return Ok((ok, Outcome::Done, Some(call)));
            }
            "end" => {
                self.end_conference(&mut world, id, "ended_via_api", cause);
            }
            "mute" | "unmute" | "hold" | "unhold" => {
                let ids: Vec<String> = body
                    .get("call_control_ids")
                    .and_then(Value::as_array)
                    .map(|ids| {
                        ids.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some(conference) = world.conference(id) {
                    for member in conference.participants.iter_mut().filter(|p| !p.left) {
                        if ids.is_empty() || ids.contains(&member.call_control_id) {
                            match action {
                                "mute" => member.muted = true,
                                "unmute" => member.muted = false,
                                "hold" => member.on_hold = true,
                                _ => member.on_hold = false,
                            }
                            member.updated_at = SystemTime::now();
                        }
                    }
                }
            }
            "update" => {
                validate::one_of(
                    body,
                    "supervisor_role",
                    &["barge", "monitor", "none", "whisper"],
                )?;
                let call = call.clone().unwrap_or_default();
                if let Some(conference) = world.conference(id) {
                    let member = conference
                        .participants
                        .iter_mut()
                        .find(|p| !p.left && p.call_control_id == call)
                        .ok_or_else(|| Failure::cannot("the call is not in the conference"))?;
                    member.supervisor_role = text(body, "supervisor_role").map(str::to_string);
                }
            }
            "play" => {
                if text(body, "audio_url").is_none() && text(body, "media_name").is_none() {
                    return Err(Failure::missing("audio_url"));
                }
                let media = json!({ "media_url": text(body, "audio_url"), "media_name": text(body, "media_name") });
                if let Some(conference) = world.conference(id) {
                    conference.playing = true;
                }
                self.emit_conference(
                    &world,
                    id,
                    "conference.playback.started",
                    media.clone(),
                    cause,
                );
                let conference_id = id.to_string();
                self.after(timing.playback, move |shared| {
                    let mut world = shared.world();
                    let playing = world
                        .conference(&conference_id)
                        .is_some_and(|c| c.active() && c.playing);
                    if playing {
                        if let Some(conference) = world.conference(&conference_id) {
                            conference.playing = false;
                        }
                        shared.emit_conference(
                            &world,
                            &conference_id,
                            "conference.playback.ended",
                            media,
                            cause,
                        );
                    }
                });
            }
            "stop" => {
                let was_playing = world
                    .conference(id)
                    .is_some_and(|c| std::mem::replace(&mut c.playing, false));
                if was_playing {
                    self.emit_conference(&world, id, "conference.playback.ended", json!({}), cause);
                }
            }
            "speak" => {
                validate::required(body, "payload")?;
                validate::required(body, "voice")?;
                self.emit_conference(&world, id, "conference.speak.started", json!({}), cause);
                let conference_id = id.to_string();
                self.after(timing.speak, move |shared| {
                    let world = shared.world();
                    if world
                        .conferences
                        .iter()
                        .any(|c| c.id == conference_id && c.active())
                    {
                        shared.emit_conference(
                            &world,
                            &conference_id,
                            "conference.speak.ended",
                            json!({}),
                            cause,
                        );
                    }
                });
            }
            "send_dtmf" => {
                let digits = validate::required(body, "digits")?;
                if !digits
                    .chars()
                    .all(|key| super::model::is_dtmf(key) || matches!(key, 'w' | 'W'))
                {
                    return Err(Failure::invalid(
                        "/digits",
                        "`digits` may hold only 0-9, *, #, A-D, w and W",
                    ));
                }
            }
            "gather_using_audio" => {
                let call = call.clone().unwrap_or_default();
                if world.conference_of(&call).is_none_or(|c| c.id != id) {
                    return Err(Failure::cannot("the call is not in the conference"));
                }
                let body = body.clone();
                drop(world);
                let (data, outcome) =
                    self.call_action(&call, "gather_using_audio", &body, cause)?;
                let _ = data;
                return Ok((ok, outcome, Some(call)));
            }
            "record_start" => {
                validate::one_of(body, "format", &["wav", "mp3"])?;
                let conference = world
                    .conference(id)
                    .ok_or_else(|| Failure::unknown_conference(id))?;
                if conference.recording.is_some() {
                    return Err(Failure::cannot("the conference is already being recorded"));
                }
                conference.recording = Some(ActiveRecording {
                    id: new_uuid(),
                    started_at: SystemTime::now(),
                    format: text(body, "format").unwrap_or("mp3").to_string(),
                    channels: "single".to_string(),
                    paused: false,
                    transcribe: false,
                    cause,
                });
            }
            "record_stop" => {
                if !self.save_conference_recording(&mut world, id, cause) {
                    return Err(Failure::cannot("the conference is not being recorded"));
                }
            }
            "record_pause" | "record_resume" => {
                let conference = world
                    .conference(id)
                    .ok_or_else(|| Failure::unknown_conference(id))?;
                let recording = conference
                    .recording
                    .as_mut()
                    .ok_or_else(|| Failure::cannot("the conference is not being recorded"))?;
                recording.paused = action == "record_pause";
            }
            _ => {
                return Err(Failure::not_simulated(&format!(
                    "the `{action}` conference action"
                )))
            }
        }
        Ok((ok, Outcome::Done, call))
    }

    /// Saves a conference recording and reports `conference.recording.saved`.
    fn save_conference_recording(&self, world: &mut World, id: &str, cause: Cause) -> bool {
        let Some(conference) = world.conference(id) else {
            return false;
        };
        let Some(recording) = conference.recording.take() else {
            return false;
        };
        let connection_id = conference.connection_id.clone();
        let stored = StoredRecording {
            id: recording.id,
            call_control_id: None,
            call_leg_id: None,
            call_session_id: None,
            conference_id: Some(id.to_string()),
            connection_id,
            channels: recording.channels,
            started_at: recording.started_at,
            ended_at: SystemTime::now(),
        };
        let mut extra = self.recording_saved_extra(&stored);
        extra["format"] = json!(recording.format);
        self.emit_conference(
            world,
            id,
            "conference.recording.saved",
            extra,
            recording.cause.or(cause),
        );
        world.recordings.push(stored);
        true
    }

    /// Takes `call` out of conference `id` (`conference.participant.left`); the
    /// conference ends when its last member leaves or an ending member leaves.
    pub fn leave_conference(&self, world: &mut World, id: &str, call: &str, cause: Cause) -> bool {
        let Some(conference) = world.conference(id) else {
            return false;
        };
        let Some(member) = conference
            .participants
            .iter_mut()
            .find(|p| !p.left && p.call_control_id == call)
        else {
            return false;
        };
        member.left = true;
        member.updated_at = SystemTime::now();
        let ends_all = member.end_conference_on_exit;
        let empty = conference.members().next().is_none();
        if let Some(leg) = world.calls.get_mut(call) {
            leg.conference = None;
        }
        self.emit_participant(world, id, call, "conference.participant.left", cause);
        if empty {
            self.end_conference(world, id, "all_left", cause);
        } else if ends_all {
            self.end_conference(world, id, "host_left", cause);
        }
        true
    }

    /// Removes a hung-up call from every conference it is in.
    pub fn leave_conferences(&self, world: &mut World, call: &str, cause: Cause) {
        let ids: Vec<String> = world
            .conferences
            .iter()
            .filter(|c| c.active() && c.members().any(|p| p.call_control_id == call))
            .map(|c| c.id.clone())
            .collect();
        for id in ids {
            self.leave_conference(world, &id, call, cause);
        }
    }

    /// Ends a conference: members leave, a running recording is saved, `conference.ended`.
    fn end_conference(&self, world: &mut World, id: &str, reason: &str, cause: Cause) {
        let members: Vec<String> = match world.conference(id) {
            Some(conference) if conference.active() => {
                conference.ended_at = Some(SystemTime::now());
                conference.end_reason = Some(reason.to_string());
                conference
                    .members()
                    .map(|p| p.call_control_id.clone())
                    .collect()
            }
            _ => return,
        };
        for call in members {
            if let Some(conference) = world.conference(id) {
                if let Some(member) = conference
                    .participants
                    .iter_mut()
                    .find(|p| p.call_control_id == call)
                {
                    member.left = true;
                }
            }
            if let Some(leg) = world.calls.get_mut(&call) {
                leg.conference = None;
            }
            self.emit_participant(world, id, &call, "conference.participant.left", cause);
        }
        self.save_conference_recording(world, id, cause);
        let reason = if reason == "ended_via_api" {
            "host_left"
        } else {
            reason
        };
        self.emit_conference(
            world,
            id,
            "conference.ended",
            json!({ "reason": reason }),
            cause,
        );
    }
}

fn participant(call: &str, body: &Value) -> Participant {
    let now = SystemTime::now();
    Participant {
        id: new_uuid(),
        call_control_id: call.to_string(),
        joined_at: now,
        updated_at: now,
        muted: flag(body, "mute").unwrap_or(false),
        on_hold: flag(body, "hold").unwrap_or(false),
        end_conference_on_exit: flag(body, "end_conference_on_exit").unwrap_or(false),
        supervisor_role: text(body, "supervisor_role").map(str::to_string),
        left: false,
    }
}

/// A participant as listed (`Participant`, `full`) or retrieved (`ConferenceParticipant`).
fn participant_json(world: &World, conference: &Conference, p: &Participant, full: bool) -> Value {
    let leg_id = world
        .calls
        .get(&p.call_control_id)
        .map(|leg| leg.call_leg_id.clone())
        .unwrap_or_default();
    let status = if p.left { "left" } else { "joined" };
    let mut value = json!({
        "call_control_id": p.call_control_id,
        "call_leg_id": leg_id,
        "created_at": rfc3339(p.joined_at),
        "end_conference_on_exit": p.end_conference_on_exit,
        "id": p.id,
        "muted": p.muted,
        "on_hold": p.on_hold,
        "soft_end_conference_on_exit": false,
        "status": status,
        "updated_at": rfc3339(p.updated_at),
        "whisper_call_control_ids": [],
    });
    if full {
        value["conference"] = json!({ "id": conference.id, "name": conference.name });
        value["record_type"] = json!("participant");
    } else {
        value["conference_id"] = json!(conference.id);
    }
    value
}
