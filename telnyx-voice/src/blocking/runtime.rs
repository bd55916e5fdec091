//! The background thread that runs the blocking client's futures.

use std::future::Future;
use std::panic::{resume_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::thread::{JoinHandle, ThreadId};

use futures_util::FutureExt;
use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::error::{Error, Result};

/// A thread that drives its own current-thread Tokio runtime until the
/// handle is dropped. Callers spawn each call onto it as a task of its own
/// (so calls from several threads proceed concurrently) and wait for the
/// output on a channel.
pub(super) struct Runtime {
    handle: Handle,
    /// Dropping it tells the thread to stop.
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    thread_id: ThreadId,
}

impl Runtime {
    pub(super) fn start() -> Result<Runtime> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| Error::Config(format!("could not start the runtime: {err}")))?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("telnyx-voice-blocking".to_owned())
            .spawn(move || {
                // Drives every spawned call until told to stop; dropping the
                // runtime afterwards cancels whatever is left.
                let _ = runtime.block_on(stopped);
            })
            .map_err(|err| Error::Config(format!("could not start the runtime thread: {err}")))?;
        Ok(Runtime {
            handle,
            stop: Some(stop),
            thread_id: thread.thread().id(),
            thread: Some(thread),
        })
    }

    /// Runs `future` on the runtime thread and waits for its output.
    pub(super) fn block_on<F>(&self, future: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        assert!(
            std::thread::current().id() != self.thread_id,
            "a blocking telnyx-voice call was made from the client's own runtime thread"
        );
        let (done, outcome) = mpsc::sync_channel(1);
        // Dropped unpolled if the runtime is already gone; `recv` then fails.
        drop(self.handle.spawn(async move {
            let output = AssertUnwindSafe(future).catch_unwind().await;
            let _ = done.send(output);
        }));
        match outcome.recv() {
            Ok(Ok(output)) => output,
            Ok(Err(panic)) => resume_unwind(panic),
            Err(_) => panic!("the blocking client's runtime thread stopped during a call"),
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.stop = None;
        if let Some(thread) = self.thread.take() {
            if std::thread::current().id() != self.thread_id {
                let _ = thread.join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_and_panics_reach_the_caller() {
        let runtime = Runtime::start().expect("runtime");
        assert_eq!(runtime.block_on(async { 2 + 2 }), 4);
        let caught = std::panic::catch_unwind(AssertUnwindSafe(|| {
            runtime.block_on(async { std::panic::panic_any("boom") })
        }));
        let payload = caught.expect_err("the panic is resumed on the caller");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
        // The thread survives a panicking job, and timers work on it.
        let slept = runtime.block_on(async {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            "slept"
        });
        assert_eq!(slept, "slept");
    }

    #[test]
    fn the_thread_stops_when_dropped() {
        let runtime = Runtime::start().expect("runtime");
        let (tx, rx) = mpsc::channel::<()>();
        runtime.block_on(async move {
            // Held by a task that outlives the call; dropped with the runtime.
            tokio::spawn(async move {
                let _tx = tx;
                std::future::pending::<()>().await;
            });
        });
        drop(runtime);
        assert!(rx.recv().is_err(), "the runtime and its tasks are gone");
    }
}
