//! Manage Call Control Applications (the objects that hold your webhook URL
//! and whose id is the `connection_id` you dial with): list, create, retrieve,
//! update and delete.
//!
//! ```text
//! TELNYX_API_KEY=KEY... cargo run --example call_control_applications -- list
//! TELNYX_API_KEY=KEY... cargo run --example call_control_applications -- create <name> <webhook_url>
//! TELNYX_API_KEY=KEY... cargo run --example call_control_applications -- retrieve <id>
//! TELNYX_API_KEY=KEY... cargo run --example call_control_applications -- update <id> <name> <webhook_url>
//! TELNYX_API_KEY=KEY... cargo run --example call_control_applications -- delete <id>
//! ```

mod support;

use std::process::ExitCode;

use telnyx_voice::models::CallControlApplication;
use telnyx_voice::Client;

const USAGE: &str = "cargo run --example call_control_applications -- \
    list | create <name> <webhook_url> | retrieve <id> | \
    update <id> <name> <webhook_url> | delete <id>";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if !matches!(
        args.as_slice(),
        ["list"] | ["create", _, _] | ["retrieve", _] | ["update", _, _, _] | ["delete", _]
    ) {
        return support::usage(USAGE);
    }
    support::finish(run(&args).await)
}

async fn run(args: &[&str]) -> telnyx_voice::Result<()> {
    let client = Client::from_env()?;
    let apps = client.call_control_applications();
    let app = match *args {
        ["list"] => {
            let mut all = apps.list().into_stream();
            while let Some(app) = all.try_next().await? {
                print_app(&app);
            }
            return Ok(());
        }
        ["create", name, url] => apps.create(name, url).await?,
        ["retrieve", id] => apps.retrieve(id).await?,
        ["update", id, name, url] => apps.update(id, name, url).await?,
        ["delete", id] => apps.delete(id).await?,
        _ => unreachable!("arguments were checked in main"),
    };
    print_app(&app.data);
    Ok(())
}

fn print_app(app: &CallControlApplication) {
    println!(
        "{}\t{}\t{}",
        app.id.as_deref().unwrap_or("-"),
        app.application_name.as_deref().unwrap_or("-"),
        app.webhook_event_url.as_deref().unwrap_or("-"),
    );
}
