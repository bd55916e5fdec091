//! The quickstarts' shared story: who calls whom, and the steps an app reports as it handles its
//! calls, waited for while it runs and checked at the end. Both quickstarts tell the same story,
//! one with the call-flow layer and one with the low-level API, so they share its bookkeeping.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use telnyx_voice::simulator::Simulator;

/// The Call Control connection the simulator sends webhooks for.
pub const CONNECTION_ID: &str = "quickstart-connection";
/// The app's own number.
pub const OUR_NUMBER: &str = "+15550001000";
/// Called by the app, answers and listens to the greeting.
pub const CUSTOMER: &str = "+15550001001";
/// Calls the app and presses 1.
pub const CALLER: &str = "+15550001002";
/// Gets the caller transferred to them.
pub const AGENT: &str = "+15550001003";
/// The voice of the greeting and the menu.
pub const VOICE: &str = "female";

/// Every step of the story, in order.
const EXPECTED: [&str; 12] = [
    "outbound: answered",
    "outbound: greeting started",
    "outbound: greeting finished",
    "outbound: hung up",
    "inbound: ringing",
    "inbound: answered",
    "inbound: pressed 1",
    "inbound: transferred",
    "inbound: bridged",
    "agent: bridged",
    "inbound: hung up",
    "agent: hung up",
];

/// Steps taken, and errors the app reported (as `(error) ..`).
static STEPS: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn steps() -> MutexGuard<'static, BTreeSet<String>> {
    STEPS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Records and prints a step the app took (`"inbound: answered"`).
pub fn step(name: &str) {
    println!("app: {name}");
    steps().insert(name.to_owned());
}

/// Records and prints an error the app met; the story then fails.
pub fn error(err: impl std::fmt::Display) {
    eprintln!("app error: {err}");
    steps().insert(format!("(error) {err}"));
}

/// Whether all these steps happened.
pub fn happened(names: &[&str]) -> bool {
    let steps = steps();
    names.iter().all(|name| steps.contains(*name))
}

/// Waits until these steps happened, or until `deadline`.
pub async fn wait_for(names: &[&str], deadline: Instant) {
    while Instant::now() < deadline && !happened(names) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Waits until every webhook delivery is final, then prints the simulator's timeline.
pub async fn settle(sim: &Simulator) {
    let _ = sim
        .wait_for(|t| t.events().all(|e| e.delivery.is_final()))
        .await;
    println!("\n--- simulator timeline ---\n{}", sim.timeline());
}

/// Exit status 0 when every step happened and nothing failed; otherwise the missing steps and
/// errors on stderr and exit status 1.
pub fn verdict(started: Instant) -> ExitCode {
    let steps = steps();
    let errors = steps
        .iter()
        .filter(|s| s.starts_with("(error)"))
        .map(String::as_str);
    let missing: Vec<&str> = EXPECTED
        .into_iter()
        .filter(|name| !steps.contains(*name))
        .chain(errors)
        .collect();
    if missing.is_empty() {
        let ms = started.elapsed().as_millis();
        println!("quickstart: every step happened in {ms} ms");
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "quickstart: these steps did not happen: {}",
        missing.join(", ")
    );
    ExitCode::FAILURE
}

/// With `--watch`, prints `message` (its `{page}` replaced by the simulator's page) and waits
/// for Enter, to follow the story on the page; otherwise returns at once.
#[allow(dead_code)] // only the router quickstart has `--watch`
pub async fn pause(sim: &Simulator, message: &str) -> std::io::Result<()> {
    if std::env::args().nth(1).as_deref() != Some("--watch") {
        return Ok(());
    }
    println!("{}", message.replace("{page}", &sim.page_url()));
    let enter = || std::io::stdin().read_line(&mut String::new()).map(drop);
    tokio::task::spawn_blocking(enter).await?
}
