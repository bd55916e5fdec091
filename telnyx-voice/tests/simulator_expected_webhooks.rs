//! For every operation the simulator serves, the events it causes are among
//! those the spec's description of that operation names
//! (`telnyx_voice::operations::EXPECTED_WEBHOOKS`, generated from the spec).
//!
//! Each event in the timeline records the command that caused it, directly or
//! through the simulated world (a transfer's target answering, a recording
//! saved on stop); events the far end starts on its own are not attributed.

use telnyx_voice::operations::EXPECTED_WEBHOOKS;

mod common;
#[path = "common/operations.rs"]
mod operations;

use common::Receiver;

#[tokio::test]
async fn served_operations_emit_only_the_events_the_spec_names() {
    let (_receiver, hook) = Receiver::start(0).await;
    let driver = operations::run_all(&hook).await;
    let timeline = driver.sim.timeline();
    let expected = |operation: &str| {
        EXPECTED_WEBHOOKS
            .iter()
            .find(|(id, _)| *id == operation)
            .map(|(_, events)| *events)
            .filter(|events| !events.is_empty())
    };
    let mut checked = std::collections::BTreeSet::new();
    let mut unlisted = std::collections::BTreeSet::new();
    let mut wrong = Vec::new();
    for ran in &driver.ran {
        let caused = timeline.events_caused_by(ran.seq);
        match expected(ran.operation) {
            Some(allowed) => {
                checked.insert(ran.operation);
                for event in caused {
                    if !allowed.contains(&event) {
                        wrong.push(format!(
                            "{} emitted {event} (spec names {allowed:?})",
                            ran.operation
                        ));
                    }
                }
            }
            None => {
                unlisted.insert(ran.operation);
            }
        }
    }
    assert!(wrong.is_empty(), "{}\n{timeline}", wrong.join("\n"));
    // The operations whose descriptions name events (about 30 in the pinned spec) were all run.
    let named: Vec<&str> = EXPECTED_WEBHOOKS
        .iter()
        .filter(|(_, events)| !events.is_empty())
        .map(|(id, _)| *id)
        .collect();
    let missed: Vec<&&str> = named.iter().filter(|id| !checked.contains(*id)).collect();
    assert!(
        missed.is_empty(),
        "operations with named events not run: {missed:?}"
    );
    println!(
        "checked {} operations against the spec's events; {} name none: {unlisted:?}",
        checked.len(),
        unlisted.len()
    );
    driver.sim.shutdown().await;
}
