//! Tell the kinds of failure apart: every call returns
//! `telnyx_voice::Result`, and [`telnyx_voice::Error`] has helpers for the
//! cases an application usually treats differently.
//!
//! The client already retries connection failures, timeouts, 408, 409, 429
//! and 5xx answers (with backoff, honouring `Retry-After`); what reaches your
//! code has exhausted those retries or is not worth retrying.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example error_handling -- <to> <from> <connection_id>
//! ```
//!
//! Try it with a malformed number (`12345`) to see a 422 and its details.

use std::process::ExitCode;

use telnyx_voice::{Client, Error};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [to, from, connection_id] = args.as_slice() else {
        eprintln!("usage: cargo run --example error_handling -- <to> <from> <connection_id>");
        return ExitCode::from(2);
    };
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    match client.calls().dial(connection_id, from, to.as_str()).await {
        Ok(response) => {
            println!("{}", response.data.call_control_id);
            ExitCode::SUCCESS
        }
        Err(err) => {
            explain(&err);
            ExitCode::FAILURE
        }
    }
}

fn explain(err: &Error) {
    if let Some(status) = err.status() {
        eprintln!("Telnyx API error: HTTP {status}");
    }
    if err.is_unauthorized() {
        eprintln!("the API key was refused: check TELNYX_API_KEY");
    } else if err.is_rate_limited() {
        let wait = err.retry_after().map_or(1, |d| d.as_secs().max(1));
        eprintln!("still rate limited after retrying; wait about {wait} s before trying again");
    } else if err.is_unprocessable() {
        eprintln!("the request was rejected as invalid:");
    } else if err.is_connection() || err.is_timeout() {
        eprintln!("could not reach Telnyx: {err}");
    } else if err.api_error().is_none() {
        eprintln!("error: {err}");
    }
    if let Some(api) = err.api_error() {
        for detail in &api.errors {
            let code = detail.code.as_deref().unwrap_or("-");
            let title = detail.title.as_deref().unwrap_or("-");
            let text = detail.detail.as_deref().unwrap_or("-");
            eprintln!("  [{code}] {title}: {text}");
            if let Some(pointer) = detail.source.as_ref().and_then(|s| s.pointer.as_deref()) {
                eprintln!("    at {pointer}");
            }
        }
    }
    if let Some(request_id) = err.request_id() {
        eprintln!("request id (for Telnyx support): {request_id}");
    }
}
