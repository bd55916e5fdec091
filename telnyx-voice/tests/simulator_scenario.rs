//! Scenario files: far-end scripts, inbound calls and chaos settings from JSON.

use std::time::Duration;

use telnyx_voice::simulator::{Answerer, Pickup, Scenario, ScenarioError, SimConfig, Simulator};

mod common;

use common::Receiver;

#[tokio::test]
async fn a_scenario_rings_scripted_inbound_calls() {
    let (_receiver, url) = Receiver::start(0).await;
    let text = format!(
        r#"{{
            "connections": {{ "conn-s": "{url}" }},
            "far_ends": {{
                "+15550006001": {{ "press_at_gather": ["", "2"], "hang_up_after_ms": 5000 }},
                "+15550006002": {{ "busy": true }},
                "+15550006003": {{ "answer_after_ms": 5, "answerer": "machine" }}
            }},
            "inbound": [
                {{ "from": "+15550006001", "to": "+15550006000", "after_ms": 10 }},
                {{ "from": "+15550006004", "to": "+15550006000", "after_ms": 20,
                   "far_end": {{ "press": "7" }} }}
            ]
        }}"#
    );
    let dir = std::env::temp_dir().join(format!("telnyx-sim-scenario-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("scenario.json");
    std::fs::write(&path, text).expect("write scenario");
    let scenario = Scenario::load(&path).expect("scenario loads");
    let config = scenario.apply(SimConfig::new());
    assert_eq!(config.far_ends["+15550006002"].pickup, Pickup::Busy);
    assert_eq!(config.far_ends["+15550006003"].answerer, Answerer::Machine);
    let script = &config.far_ends["+15550006001"];
    assert_eq!(script.keys_for_gather(0), None);
    assert_eq!(script.keys_for_gather(1), Some("2"));
    assert_eq!(script.hangup_after, Some(Duration::from_secs(5)));

    let sim = Simulator::start(config).await.expect("simulator starts");
    sim.play(&scenario);
    let timeline = sim
        .wait_for(|t| t.count_events("call.initiated") >= 2)
        .await
        .expect("both inbound calls ring");
    let calls = sim.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].from, "+15550006001");
    assert_eq!(calls[1].from, "+15550006004");
    assert_eq!(timeline.count_events("call.initiated"), 2);
    sim.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_scenarios_are_refused_with_a_reason() {
    let unknown_field = Scenario::from_json(r#"{ "far_ends": { "+1555": { "pres": "1" } } }"#);
    assert!(matches!(unknown_field, Err(ScenarioError::Invalid(ref why)) if why.contains("pres")));
    let bad_answerer =
        Scenario::from_json(r#"{ "far_ends": { "+1555": { "answerer": "robot" } } }"#);
    assert!(matches!(bad_answerer, Err(ScenarioError::Invalid(ref why)) if why.contains("robot")));
    let bad_chaos = Scenario::from_json(r#"{ "chaos": "soon" }"#);
    assert!(matches!(bad_chaos, Err(ScenarioError::Invalid(_))));
    let missing = Scenario::load("no/such/scenario.json");
    assert!(matches!(missing, Err(ScenarioError::Read { .. })));
}

/// The built `telnyx-sim` binary (next to this test's directory).
fn telnyx_sim() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let profile = exe
        .parent()
        .and_then(std::path::Path::parent)
        .expect("test binary lives in target/<profile>/deps");
    let path = profile.join(format!("telnyx-sim{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "{} is missing: run `cargo build --bins --all-features` first \
         (`cargo test --all-features` without target filters builds it too)",
        path.display()
    );
    path
}

#[tokio::test]
async fn telnyx_sim_plays_a_scenario_file() {
    let (receiver, url) = Receiver::start(0).await;
    let dir = std::env::temp_dir().join(format!("telnyx-sim-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("scenario.json");
    std::fs::write(
        &path,
        r#"{ "inbound": [ { "from": "+15550006101", "to": "+15550006100", "after_ms": 20 } ] }"#,
    )
    .expect("write scenario");
    let mut child = tokio::process::Command::new(telnyx_sim())
        .args([
            "--webhook-url",
            &url,
            "--connection-id",
            "conn-bin",
            "--scenario",
        ])
        .arg(&path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("telnyx-sim starts");
    // Wait (up to 10 s) for the scenario's call to ring the app.
    let mut rang = None;
    for _ in 0..1000 {
        rang = receiver
            .bodies()
            .into_iter()
            .find(|body| body["data"]["event_type"] == "call.initiated");
        if rang.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let _ = child.kill().await;
    let rang = rang.expect("the scenario's inbound call rang the app");
    assert_eq!(rang["data"]["payload"]["from"], "+15550006101");
    assert_eq!(rang["data"]["payload"]["direction"], "incoming");
    assert_eq!(rang["data"]["payload"]["connection_id"], "conn-bin");

    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{ "far_ends": { "+1": { "busy": "yes" } } }"#).expect("write");
    let refused = tokio::process::Command::new(telnyx_sim())
        .args(["--webhook-url", &url, "--connection-id", "c", "--scenario"])
        .arg(&bad)
        .output()
        .await
        .expect("telnyx-sim runs");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--scenario"));
    let _ = std::fs::remove_dir_all(dir);
}
