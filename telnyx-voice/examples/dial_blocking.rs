//! `dial` from blocking code: the same call, arguments, output and exit
//! status as `examples/dial.rs`, with `telnyx_voice::blocking::Client`.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example dial_blocking -- <to> <from> <connection_id>
//! ```

mod support;

use std::process::ExitCode;

use telnyx_voice::blocking::Client;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [to, from, connection_id] = args.as_slice() else {
        return support::usage("cargo run --example dial_blocking -- <to> <from> <connection_id>");
    };
    support::finish(dial(to, from, connection_id))
}

fn dial(to: &str, from: &str, connection_id: &str) -> telnyx_voice::Result<()> {
    let client = Client::from_env()?;
    let response = client.calls().dial(connection_id, from, to).send()?;
    println!("{}", response.data.call_control_id);
    Ok(())
}
