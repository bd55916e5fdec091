//! Former home of the state model and the command transitions, now split into
//! `model` (plain data), `engine` (shared state, timers, event emission) and
//! the command modules (`calls`, `conferences`, `resources`). These
//! re-exports keep older in-crate imports working.

#[allow(unused_imports)]
pub(crate) use super::engine::Shared;
#[allow(unused_imports)]
pub(crate) use super::model::{CallInfo, FarEndError};
