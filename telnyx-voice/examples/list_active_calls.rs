//! List the calls currently active on a connection, across all pages, with
//! `connections().list_active_calls()`.
//!
//! `into_stream()` turns the request into a [`PageStream`](telnyx_voice::PageStream)
//! that fetches the next page only when the current one is used up.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example list_active_calls -- <connection_id>
//! ```

mod support;

use std::process::ExitCode;

use telnyx_voice::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [connection_id] = args.as_slice() else {
        return support::usage("cargo run --example list_active_calls -- <connection_id>");
    };
    support::finish(list_active_calls(connection_id).await)
}

async fn list_active_calls(connection_id: &str) -> telnyx_voice::Result<()> {
    let client = Client::from_env()?;
    let mut calls = client
        .connections()
        .list_active_calls(connection_id)
        .into_stream();
    let mut count = 0;
    while let Some(call) = calls.try_next().await? {
        println!("{}\t{} s", call.call_control_id, call.call_duration);
        count += 1;
    }
    eprintln!("{count} active call(s)");
    Ok(())
}
