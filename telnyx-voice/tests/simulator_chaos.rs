//! Chaos mode: refused commands that the SDK retries, repeated and shuffled
//! webhooks, and the quickstart example passing under it.

use std::path::PathBuf;
use std::time::Duration;

use telnyx_voice::simulator::{Chaos, SimConfig, Simulator, CHAOS_ENV};

mod common;

use common::Receiver;

const CONN: &str = "conn-chaos";

#[tokio::test]
async fn refused_commands_are_retried_by_the_sdk() {
    let (_receiver, url) = Receiver::start(0).await;
    let chaos = Chaos::seeded(1)
        .fail_percent(100)
        .throttle_percent(0)
        .duplicate_percent(0);
    let sim = Simulator::start(SimConfig::default().chaos(chaos).connection(CONN, url))
        .await
        .expect("simulator starts");
    let client = sim.client().expect("client");
    let call = client
        .calls()
        .dial(CONN, "+15550005000", "+15550005001")
        .await
        .expect("dial succeeds on the retry");
    let id = call.data.call_control_id.clone();
    let statuses: Vec<u16> = sim
        .timeline()
        .commands()
        .into_iter()
        .filter(|(_, path, _)| *path == "/calls")
        .map(|(_, _, status)| status)
        .collect();
    assert_eq!(statuses, [503, 200]);
    assert_eq!(sim.calls().len(), 1, "the refused attempt created no call");
    sim.wait_for_event("call.answered", 1)
        .await
        .expect("answered");
    assert!(sim.call_state(&id).is_some());
    sim.shutdown().await;
}

#[tokio::test]
async fn throttled_commands_carry_retry_after() {
    let (_receiver, url) = Receiver::start(0).await;
    let chaos = Chaos::seeded(2).fail_percent(0).throttle_percent(100);
    let sim = Simulator::start(SimConfig::default().chaos(chaos).connection(CONN, url))
        .await
        .expect("simulator starts");
    let http = reqwest::Client::builder().no_proxy().build().expect("http");
    let send = || {
        http.get(format!("{}/calls/v3:none", sim.base_url()))
            .bearer_auth(sim.api_key())
            .send()
    };
    let first = send().await.expect("sent");
    assert_eq!(first.status().as_u16(), 429);
    assert_eq!(first.headers()["retry-after"], "1");
    assert!(first.headers().contains_key("x-request-id"));
    // The retry goes through (and finds no such call).
    let second = send().await.expect("sent");
    assert_eq!(second.status().as_u16(), 422);
    sim.shutdown().await;
}

#[tokio::test]
async fn repeated_webhooks_keep_their_event_id() {
    let (receiver, url) = Receiver::start(0).await;
    let chaos = Chaos::seeded(3)
        .fail_percent(0)
        .throttle_percent(0)
        .duplicate_percent(100)
        .max_delay(Duration::from_millis(5));
    let sim = Simulator::start(SimConfig::default().chaos(chaos).connection(CONN, url))
        .await
        .expect("simulator starts");
    let client = sim.client().expect("client");
    client
        .calls()
        .dial(CONN, "+15550005000", "+15550005001")
        .await
        .expect("dial");
    let timeline = sim
        .wait_for_event("call.answered", 1)
        .await
        .expect("answered");
    let events = timeline.count_events("call.initiated") + timeline.count_events("call.answered");
    sim.wait_for(|t| {
        t.attempts_for("call.answered").len() >= 2 && t.attempts_for("call.initiated").len() >= 2
    })
    .await
    .expect("both events sent twice");
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 2 * events);
    let mut ids: Vec<&str> = bodies
        .iter()
        .filter_map(|body| body["data"]["id"].as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), events, "each event id arrives exactly twice");
    sim.shutdown().await;
}

/// Path of the built quickstart example.
fn quickstart() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binary lives in target/<profile>/deps");
    let path = profile
        .join("examples")
        .join(format!("quickstart{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "{} is missing: run `cargo build --examples --all-features` first \
         (`cargo test` without target filters builds it too)",
        path.display()
    );
    path
}

#[tokio::test]
async fn quickstart_passes_under_chaos() {
    let example = quickstart();
    let mut refusals = 0;
    for seed in [11, 12, 13] {
        // Duplicates are left out: the quickstart answers and transfers without checking
        // for a repeated event id, as the README notes.
        let settings = format!("{seed},duplicate=0,fail=10,throttle=25,reorder=3,delay_ms=20");
        let output = tokio::process::Command::new(&example)
            .env(CHAOS_ENV, &settings)
            .kill_on_drop(true)
            .output()
            .await
            .expect("quickstart runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "quickstart failed under chaos {settings} (replay with {CHAOS_ENV}={settings}):\n{stdout}\n{stderr}"
        );
        refusals += stdout.matches("-> 503").count() + stdout.matches("-> 429").count();
    }
    assert!(refusals > 0, "chaos refused no command in three runs");
}
