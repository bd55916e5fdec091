//! Typed async client for the Telnyx Voice (Call Control) API.
//!
//! The crate has two halves: a small hand-written runtime (client, errors,
//! retries, pagination, webhook verification) and code generated from the
//! pinned Telnyx OpenAPI spec by `cargo xtask codegen` (models, endpoint
//! methods, webhook events), which only calls the runtime.

pub mod webhooks;
