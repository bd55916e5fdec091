//! Stored resources: queues and their calls, Call Control Applications,
//! connections, custom storage credentials, recordings, recording
//! transcriptions, webhook deliveries and call events.

use std::sync::Arc;
use std::time::SystemTime;

use serde_json::{json, Value};

use super::engine::{Cause, Shared};
use super::failure::Failure;
use super::model::{rfc3339, Queue};
use super::timeline::{AttemptOutcome, Delivery, EntryKind};
use super::validate::{self, int};

impl Shared {
    // ----- queues ---------------------------------------------------------

    pub fn list_queues(&self) -> Vec<Value> {
        self.world().queues.values().map(Queue::json).collect()
    }

    pub fn create_queue(&self, body: &Value) -> Result<Value, Failure> {
        let name = validate::required(body, "queue_name")?.to_string();
        validate::range(body, "max_size", 1, 5000)?;
        let mut world = self.world();
        if world.queues.contains_key(&name) {
            return Err(Failure::cannot(format!("queue `{name}` already exists")));
        }
        let queue = Queue::new(&name, int(body, "max_size").unwrap_or(100));
        let json = queue.json();
        world.queues.insert(name, queue);
        Ok(json)
    }

    pub fn queue(&self, name: &str) -> Result<Value, Failure> {
        self.world()
            .queues
            .get(name)
            .map(Queue::json)
            .ok_or_else(|| Failure::not_found("queue", name))
    }

    pub fn update_queue(&self, name: &str, body: &Value) -> Result<Value, Failure> {
        validate::range(body, "max_size", 1, 5000)?;
        let max_size = int(body, "max_size").ok_or_else(|| Failure::missing("max_size"))?;
        let mut world = self.world();
        let queue = world
            .queues
            .get_mut(name)
            .ok_or_else(|| Failure::not_found("queue", name))?;
        queue.max_size = max_size;
        queue.updated_at = SystemTime::now();
        Ok(queue.json())
    }

    pub fn delete_queue(&self, name: &str) -> Result<(), Failure> {
        let mut world = self.world();
        let queue = world
            .queues
            .get(name)
            .ok_or_else(|| Failure::not_found("queue", name))?;
        if !queue.members.is_empty() {
            return Err(Failure::queue_not_empty(name));
        }
        world.queues.remove(name);
        Ok(())
    }

    pub fn queue_calls(&self, name: &str) -> Result<Vec<Value>, Failure> {
        let world = self.world();
        let queue = world
            .queues
            .get(name)
            .ok_or_else(|| Failure::not_found("queue", name))?;
        Ok(queue
            .members
            .iter()
            .enumerate()
            .filter_map(|(index, (id, since))| {
                let leg = world.calls.get(id)?;
                Some(json!({
                    "call_control_id": leg.call_control_id,
                    "call_leg_id": leg.call_leg_id,
                    "call_session_id": leg.call_session_id,
                    "connection_id": leg.connection_id,
                    "enqueued_at": rfc3339(*since),
                    "from": leg.from,
                    "is_alive": leg.alive(),
                    "queue_id": queue.id,
                    "queue_position": index + 1,
                    "record_type": "queue_call",
                    "to": leg.to,
                    "wait_time_secs": since.elapsed().map(|d| d.as_secs()).unwrap_or(0),
                }))
            })
            .collect())
    }

    pub fn queue_call(&self, name: &str, id: &str) -> Result<Value, Failure> {
        self.queue_calls(name)?
            .into_iter()
            .find(|call| call["call_control_id"] == id)
            .ok_or_else(|| Failure::not_found("queued call", id))
    }

    pub fn update_queue_call(&self, name: &str, id: &str, body: &Value) -> Result<(), Failure> {
        validate::client_states(body)?;
        self.queue_call(name, id)?;
        Ok(())
    }

    pub fn remove_queue_call(&self, name: &str, id: &str, cause: Cause) -> Result<(), Failure> {
        self.queue_call(name, id)?;
        let mut world = self.world();
        self.dequeue(&mut world, id, "leave", cause);
        Ok(())
    }

    // ----- applications and connections ----------------------------------

    pub fn list_applications(&self) -> Vec<Value> {
        self.world().applications.values().cloned().collect()
    }

    pub fn create_application(self: &Arc<Self>, body: &Value) -> Result<Value, Failure> {
        validate::required(body, "application_name")?;
        let url = validate::required(body, "webhook_event_url")?.to_string();
        let id = format!(
            "{}",
            1_000_000_000_000_000_000u64 + u64::from(fastrand::u32(..))
        );
        let now = rfc3339(SystemTime::now());
        let mut app = body.clone();
        app["id"] = json!(id);
        app["record_type"] = json!("call_control_application");
        app["created_at"] = json!(now);
        app["updated_at"] = json!(now);
        if app.get("active").is_none() {
            app["active"] = json!(true);
        }
        self.set_app_url(&id, Some(url));
        self.world().applications.insert(id, app.clone());
        Ok(app)
    }

    pub fn application(&self, id: &str) -> Result<Value, Failure> {
        self.world()
            .applications
            .get(id)
            .cloned()
            .ok_or_else(|| Failure::not_found("call control application", id))
    }

    pub fn update_application(&self, id: &str, body: &Value) -> Result<Value, Failure> {
        validate::required(body, "application_name")?;
        let url = validate::required(body, "webhook_event_url")?.to_string();
        let mut world = self.world();
        let app = world
            .applications
            .get_mut(id)
            .ok_or_else(|| Failure::not_found("call control application", id))?;
        super::events::merge(app, body.clone());
        app["updated_at"] = json!(rfc3339(SystemTime::now()));
        let app = app.clone();
        drop(world);
        self.set_app_url(id, Some(url));
        Ok(app)
    }

    pub fn delete_application(&self, id: &str) -> Result<Value, Failure> {
        let app = self
            .world()
            .applications
            .remove(id)
            .ok_or_else(|| Failure::not_found("call control application", id))?;
        self.set_app_url(id, None);
        Ok(app)
    }

    /// Configured connections and created applications, as `Connection` objects.
    pub fn connections(&self) -> Vec<Value> {
        let mut list: Vec<Value> = self
            .config
            .connections
            .iter()
            .map(|(id, url)| {
                json!({
                    "active": true,
                    "connection_name": id,
                    "id": id,
                    "record_type": "call_control_application",
                    "webhook_api_version": "2",
                    "webhook_event_url": url,
                })
            })
            .collect();
        list.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
        for app in self.world().applications.values() {
            list.push(json!({
                "active": app.get("active").cloned().unwrap_or(json!(true)),
                "connection_name": app.get("application_name"),
                "created_at": app.get("created_at"),
                "id": app.get("id"),
                "record_type": "call_control_application",
                "updated_at": app.get("updated_at"),
                "webhook_api_version": "2",
                "webhook_event_url": app.get("webhook_event_url"),
            }));
        }
        list
    }

    pub fn connection(&self, id: &str) -> Result<Value, Failure> {
        self.connections()
            .into_iter()
            .find(|c| c["id"] == id)
            .ok_or_else(|| Failure::not_found("connection", id))
    }

    // ----- custom storage credentials -------------------------------------

    pub fn storage(&self, connection_id: &str) -> Result<Value, Failure> {
        self.world()
            .storage
            .get(connection_id)
            .cloned()
            .ok_or_else(|| {
                Failure::not_found("custom storage credential for connection", connection_id)
            })
    }

    pub fn put_storage(
        &self,
        connection_id: &str,
        body: &Value,
        create: bool,
    ) -> Result<Value, Failure> {
        validate::one_of(body, "backend", &["gcs", "s3", "azure"])?;
        validate::required(body, "backend")?;
        if body.get("configuration").is_none_or(Value::is_null) {
            return Err(Failure::missing("configuration"));
        }
        let mut world = self.world();
        let exists = world.storage.contains_key(connection_id);
        if create && exists {
            return Err(Failure::cannot(
                "credentials already exist for this connection",
            ));
        }
        if !create && !exists {
            return Err(Failure::not_found(
                "custom storage credential for connection",
                connection_id,
            ));
        }
        let stored = json!({
            "connection_id": connection_id,
            "data": { "backend": body["backend"], "configuration": body["configuration"] },
            "record_type": "custom_storage_credentials",
        });
        world
            .storage
            .insert(connection_id.to_string(), stored.clone());
        Ok(stored)
    }

    pub fn delete_storage(&self, connection_id: &str) -> Result<(), Failure> {
        self.world()
            .storage
            .remove(connection_id)
            .map(|_| ())
            .ok_or_else(|| {
                Failure::not_found("custom storage credential for connection", connection_id)
            })
    }

    // ----- recordings and transcriptions ----------------------------------

    pub fn recordings(&self) -> Vec<Value> {
        let world = self.world();
        world
            .recordings
            .iter()
            .map(|r| {
                json!({
                    "call_control_id": r.call_control_id,
                    "call_leg_id": r.call_leg_id,
                    "call_session_id": r.call_session_id,
                    "channels": r.channels,
                    "conference_id": r.conference_id,
                    "connection_id": r.connection_id,
                    "created_at": rfc3339(r.ended_at),
                    "download_urls": {
                        "mp3": self.recording_url(&r.id, "mp3"),
                        "wav": self.recording_url(&r.id, "wav"),
                    },
                    "duration_millis": r.duration_millis(),
                    "id": r.id,
                    "record_type": "recording",
                    "recording_started_at": rfc3339(r.started_at),
                    "recording_ended_at": rfc3339(r.ended_at),
                    "source": if r.conference_id.is_some() { "conference" } else { "call" },
                    "status": "completed",
                    "updated_at": rfc3339(r.ended_at),
                })
            })
            .collect()
    }

    pub fn recording(&self, id: &str) -> Result<Value, Failure> {
        self.recordings()
            .into_iter()
            .find(|r| r["id"] == id)
            .ok_or_else(|| Failure::not_found("recording", id).at("/recording_id"))
    }

    pub fn delete_recording(&self, id: &str) -> Result<Value, Failure> {
        let value = self.recording(id)?;
        self.world().recordings.retain(|r| r.id != id);
        Ok(value)
    }

    pub fn delete_recordings(&self, body: &Value) -> Result<Value, Failure> {
        let ids: Vec<String> = body
            .get("ids")
            .and_then(Value::as_array)
            .ok_or_else(|| Failure::missing("ids"))?
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        self.world().recordings.retain(|r| !ids.contains(&r.id));
        Ok(json!({ "status": "ok" }))
    }

    /// Whether a recording exists (its media is served while it does).
    pub fn has_recording(&self, id: &str) -> bool {
        self.world().recordings.iter().any(|r| r.id == id)
    }

    pub fn transcriptions(&self) -> Vec<Value> {
        self.world().transcriptions.clone()
    }

    pub fn transcription(&self, id: &str) -> Result<Value, Failure> {
        self.world()
            .transcriptions
            .iter()
            .find(|t| t["id"] == id)
            .cloned()
            .ok_or_else(|| Failure::not_found("recording transcription", id))
    }

    pub fn delete_transcription(&self, id: &str) -> Result<Value, Failure> {
        let value = self.transcription(id)?;
        self.world().transcriptions.retain(|t| t["id"] != id);
        Ok(value)
    }

    // ----- webhook deliveries and call events (from the timeline) ---------

    pub fn webhook_deliveries(&self) -> Vec<Value> {
        let timeline = self.timeline();
        let mut list = Vec::new();
        for entry in &timeline.entries {
            let EntryKind::Event {
                event_id,
                payload,
                delivery,
                url: Some(url),
                ..
            } = &entry.kind
            else {
                continue;
            };
            let attempts: Vec<Value> = timeline
                .entries
                .iter()
                .filter_map(|e| match &e.kind {
                    EntryKind::Attempt {
                        event_id: id,
                        outcome,
                        ..
                    } if id == event_id => Some(json!({
                        "status": if outcome.is_success() { "delivered" } else { "failed" },
                        "http": { "request": { "url": url }, "response": {
                            "status": match outcome { AttemptOutcome::Status(code) => json!(code), AttemptOutcome::Error(_) => Value::Null },
                        } },
                    })),
                    _ => None,
                })
                .collect();
            let status = match delivery {
                Delivery::Delivered { .. } => "delivered",
                Delivery::Failed { .. } => "failed",
                _ => continue,
            };
            list.push(json!({
                "attempts": attempts,
                "id": event_id,
                "record_type": "webhook_delivery",
                "status": status,
                "webhook": payload,
            }));
        }
        list
    }

    pub fn webhook_delivery(&self, id: &str) -> Result<Value, Failure> {
        self.webhook_deliveries()
            .into_iter()
            .find(|d| d["id"] == id)
            .ok_or_else(|| Failure::not_found("webhook delivery", id))
    }

    /// Commands and webhooks per call leg, as `GET /call_events` lists them.
    pub fn call_events(&self) -> Vec<Value> {
        let timeline = self.timeline();
        let world = self.world();
        let started = SystemTime::now();
        let now_offset = timeline.entries.last().map(|e| e.at).unwrap_or_default();
        let mut list = Vec::new();
        for entry in &timeline.entries {
            let (kind, name, call, metadata) = match &entry.kind {
                EntryKind::Command {
                    path,
                    call_control_id,
                    status,
                    ..
                } if *status < 300 => (
                    "command",
                    path.clone(),
                    call_control_id.clone(),
                    json!({ "path": path }),
                ),
                EntryKind::Event {
                    event_type,
                    call_control_id,
                    ..
                } => (
                    "webhook",
                    event_type.clone(),
                    call_control_id.clone(),
                    json!({ "event_type": event_type }),
                ),
                _ => continue,
            };
            let Some(leg) = call.and_then(|id| world.calls.get(&id)) else {
                continue;
            };
            let at = started
                .checked_sub(now_offset.saturating_sub(entry.at))
                .unwrap_or(started);
            list.push(json!({
                "call_leg_id": leg.call_leg_id,
                "call_session_id": leg.call_session_id,
                "event_timestamp": rfc3339(at),
                "metadata": metadata,
                "name": name,
                "record_type": "call_event",
                "type": kind,
            }));
        }
        list
    }
}
