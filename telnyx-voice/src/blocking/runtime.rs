//! Where the blocking client's futures run.
//!
//! Each client owns a current-thread Tokio runtime that has no thread of its
//! own: a call drives it from the calling thread with `block_on`, so a
//! blocking request costs what an async one does, with no hand-off to another
//! thread and back. Calls from several threads at once share it (Tokio hands
//! the runtime's driver from one waiting caller to the next). Between calls
//! nothing runs, so a pooled connection the server closed meanwhile is only
//! noticed on its next use: hyper then sends the request again on a fresh
//! connection when it had not left yet, and the retry policy covers a
//! connection lost after it had (a command keeps its `command_id`).
//!
//! A caller already inside a Tokio runtime may not start another one on its
//! thread (Tokio panics), so such a call runs on a short-lived thread of its
//! own and the caller waits for it.

use std::future::Future;
use std::panic::resume_unwind;

use tokio::runtime::Handle;

use crate::error::{Error, Result};

/// The runtime of one blocking client and its clones.
pub(super) struct Runtime {
    /// Always `Some` until dropped.
    tokio: Option<tokio::runtime::Runtime>,
}

impl Runtime {
    pub(super) fn start() -> Result<Runtime> {
        let tokio = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| Error::Config(format!("could not start the runtime: {err}")))?;
        Ok(Runtime { tokio: Some(tokio) })
    }

    fn tokio(&self) -> &tokio::runtime::Runtime {
        self.tokio
            .as_ref()
            .expect("the runtime is only taken when dropped")
    }

    /// Runs `future` to completion and returns its output; a panic inside it
    /// is resumed on the calling thread.
    pub(super) fn block_on<F>(&self, future: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        if Handle::try_current().is_err() {
            return self.tokio().block_on(future);
        }
        std::thread::scope(|scope| {
            let call = std::thread::Builder::new()
                .name("telnyx-voice-blocking".to_owned())
                .spawn_scoped(scope, || self.tokio().block_on(future))
                .unwrap_or_else(|err| {
                    panic!("could not start a thread for a blocking call: {err}")
                });
            call.join().unwrap_or_else(|panic| resume_unwind(panic))
        })
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(tokio) = self.tokio.take() {
            // Dropping a runtime waits for its tasks to stop, which Tokio
            // refuses inside another runtime; there it is let go instead.
            if Handle::try_current().is_ok() {
                tokio.shutdown_background();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::panic::AssertUnwindSafe;
    use std::sync::mpsc;
    use std::thread::ThreadId;

    use super::*;

    fn thread_id() -> ThreadId {
        std::thread::current().id()
    }

    #[test]
    fn outputs_and_panics_reach_the_caller() {
        let runtime = Runtime::start().expect("runtime");
        assert_eq!(runtime.block_on(async { 2 + 2 }), 4);
        let caught = std::panic::catch_unwind(AssertUnwindSafe(|| {
            runtime.block_on(async { std::panic::panic_any("boom") })
        }));
        let payload = caught.expect_err("the panic is resumed on the caller");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
        // The runtime survives a panicking call, and timers work on it.
        let slept = runtime.block_on(async {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            "slept"
        });
        assert_eq!(slept, "slept");
    }

    #[test]
    fn a_plain_thread_runs_the_call_itself() {
        let runtime = Runtime::start().expect("runtime");
        assert_eq!(runtime.block_on(async { thread_id() }), thread_id());
    }

    #[test]
    fn inside_a_tokio_runtime_the_call_gets_a_thread_of_its_own() {
        let outer = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("outer runtime");
        let (caller, ran_on) = outer.block_on(async {
            let runtime = Runtime::start().expect("runtime");
            let ran_on = runtime.block_on(async {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                thread_id()
            });
            // Dropped here, inside the outer runtime, without a panic.
            drop(runtime);
            (thread_id(), ran_on)
        });
        assert_ne!(caller, ran_on);
    }

    #[test]
    fn calls_from_several_threads_share_the_runtime() {
        let runtime = Runtime::start().expect("runtime");
        let (first_started, started) = mpsc::channel::<()>();
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        std::thread::scope(|scope| {
            let runtime = &runtime;
            // The first call waits on the second one, so both must be
            // driven at once for either to finish.
            let first = scope.spawn(move || {
                runtime.block_on(async move {
                    first_started.send(()).expect("signal");
                    released.await.expect("released")
                })
            });
            started.recv().expect("first call started");
            runtime.block_on(async move { release.send(()).expect("release") });
            first.join().expect("first call");
        });
    }

    #[test]
    fn tasks_stop_when_dropped() {
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
