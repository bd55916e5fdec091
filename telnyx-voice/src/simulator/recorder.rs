//! The store behind [`Timeline`] snapshots: entries are appended under a lock
//! and every change bumps a version that `wait_for` listens to.

use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use serde_json::Value;
use tokio::sync::watch;

use super::timeline::{Delivery, Entry, EntryKind, Timeline};

pub(crate) struct Recorder {
    entries: Mutex<Vec<Entry>>,
    version: watch::Sender<u64>,
    started: Instant,
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Recorder {
    pub fn new() -> (Recorder, watch::Receiver<u64>) {
        let (version, changes) = watch::channel(0);
        let recorder = Recorder {
            entries: Mutex::new(Vec::new()),
            version,
            started: Instant::now(),
        };
        (recorder, changes)
    }

    fn changed(&self) {
        self.version.send_modify(|version| *version += 1);
    }

    pub fn record(&self, kind: EntryKind) -> u64 {
        let mut entries = lock(&self.entries);
        let seq = entries.len() as u64;
        entries.push(Entry {
            seq,
            at: self.started.elapsed(),
            kind,
        });
        drop(entries);
        self.changed();
        seq
    }

    /// Fills in the outcome of a command recorded on arrival.
    pub fn finish_command(
        &self,
        seq: u64,
        result: u16,
        call: Option<String>,
        repeated: bool,
        decoded: Option<Value>,
    ) {
        let mut entries = lock(&self.entries);
        let index = usize::try_from(seq).unwrap_or(usize::MAX);
        if let Some(Entry {
            kind:
                EntryKind::Command {
                    call_control_id,
                    status,
                    duplicate,
                    body,
                    ..
                },
            ..
        }) = entries.get_mut(index)
        {
            *status = result;
            *duplicate = repeated;
            if call.is_some() {
                *call_control_id = call;
            }
            if decoded.is_some() {
                *body = decoded;
            }
        }
        drop(entries);
        self.changed();
    }

    pub fn set_delivery(&self, event_id: &str, status: Delivery) {
        let mut entries = lock(&self.entries);
        for entry in entries.iter_mut().rev() {
            if let EntryKind::Event {
                event_id: id,
                delivery,
                ..
            } = &mut entry.kind
            {
                if id == event_id {
                    *delivery = status;
                    break;
                }
            }
        }
        drop(entries);
        self.changed();
    }

    pub fn snapshot(&self) -> Timeline {
        Timeline {
            entries: lock(&self.entries).clone(),
        }
    }
}
