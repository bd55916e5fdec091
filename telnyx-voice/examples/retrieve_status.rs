//! Look up the current state of a call with `calls().retrieve_status()`.
//!
//! Handy before deciding which command to send next: a call that is no longer
//! alive rejects further commands.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example retrieve_status -- <call_control_id>
//! ```

mod support;

use std::process::ExitCode;

use telnyx_voice::Client;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [call_control_id] = args.as_slice() else {
        return support::usage("cargo run --example retrieve_status -- <call_control_id>");
    };
    support::finish(retrieve_status(call_control_id).await)
}

async fn retrieve_status(call_control_id: &str) -> telnyx_voice::Result<()> {
    let client = Client::from_env()?;
    let call = client
        .calls()
        .retrieve_status(call_control_id)
        .await?
        .into_inner()
        .data;
    println!("call_control_id: {}", call.call_control_id);
    println!("call_leg_id:     {}", call.call_leg_id);
    println!("call_session_id: {}", call.call_session_id);
    println!("is_alive:        {}", call.is_alive);
    if let Some(seconds) = call.call_duration {
        println!("call_duration:   {seconds} s");
    }
    if let Some(end_time) = &call.end_time {
        println!("end_time:        {end_time}");
    }
    Ok(())
}
