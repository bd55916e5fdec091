//! Typed async client for the Telnyx Voice (Call Control) API.
//!
//! The crate has two halves: a small hand-written runtime (client, errors,
//! retries, pagination, webhook verification) and code generated from the
//! pinned Telnyx OpenAPI spec by `cargo xtask codegen` (models, endpoint
//! methods, webhook events), which only calls the runtime.
//!
//! Start with [`Client::from_env`] (reads `TELNYX_API_KEY`) or
//! [`Client::builder`]. Every call returns [`Result`]; failed calls are
//! retried with backoff when that is safe (connection problems, timeouts,
//! 408/409/429 and 5xx answers), and list endpoints return a [`PageStream`]
//! that fetches further pages on demand.

#![warn(missing_docs)]

mod client;
mod error;
mod pagination;
mod request;
mod response;
mod retry;

pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL};
pub use error::{ApiError, ApiErrorDetail, ApiErrorSource, Error, Result};
pub use pagination::PageStream;
pub use request::RequestOptions;
pub use response::{Data, Page, Response};
pub mod webhooks;
