//! Snapshot tests: small specs under `xtask/tests/specs/`, written for one construct each, go
//! through every stage; the generated Rust is compared with `xtask/tests/snapshots/<name>.rs`
//! (a full diff on mismatch), and every snapshot is compiled as a small crate beside a copy of
//! the runtime. `UPDATE_SNAPSHOTS=1 cargo test -p xtask` rewrites the snapshots; review the diff
//! like any other change.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::codegen::{build_api, generated_sources, standalone_crate};
use crate::config::Config;
use crate::emit::DocsMode;
use crate::error::GenResult;
use crate::ir::Api;
use crate::signature_lock;

const SELECT_ALL: &str = "[select]\nwebhook_prefixes = [\"\"]\n";

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// The spec text and config of a snapshot spec (`<name>.toml` beside it, else select all).
fn spec_files(name: &str) -> (String, String) {
    let specs = tests_dir().join("specs");
    let spec = std::fs::read_to_string(specs.join(format!("{name}.yaml")))
        .unwrap_or_else(|e| panic!("spec {name}: {e}"));
    let config = std::fs::read_to_string(specs.join(format!("{name}.toml")))
        .unwrap_or_else(|_| SELECT_ALL.to_string());
    (spec, config)
}

/// Runs load -> normalize -> parse -> select -> build on a spec text.
fn build(spec: &str, config: &str) -> GenResult<Api> {
    let mut doc = crate::load::load(spec.as_bytes(), Path::new("snapshot.yml"))?;
    crate::normalize::normalize(&mut doc)?;
    let parsed = crate::parse::parse(doc)?;
    let config = Config::parse(config)?;
    build_api(&parsed, &config, "0000", false)
}

/// The generated files of a spec, concatenated, without the digest headers.
fn render(api: &Api) -> String {
    let mut out = String::new();
    for (_, name, text) in generated_sources(api, DocsMode::Facts).expect("emit") {
        if name == "mod.rs" {
            continue;
        }
        out.push_str(&format!("// ===== {name} =====\n"));
        out.extend(
            text.lines()
                .filter(|l| !l.starts_with("// @generated") && !l.starts_with("// Do not edit"))
                .map(|l| format!("{l}\n")),
        );
    }
    out
}

fn generate(name: &str) -> String {
    let (spec, config) = spec_files(name);
    render(&build(&spec, &config).expect("build"))
}

fn check(name: &str, generated: &str) {
    let path = tests_dir().join("snapshots").join(format!("{name}.rs"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, generated).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}; run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    if expected != generated {
        let diff = similar::TextDiff::from_lines(&expected, generated)
            .unified_diff()
            .context_radius(3)
            .header("snapshot", "generated")
            .to_string();
        panic!("snapshot {name} differs (rerun with UPDATE_SNAPSHOTS=1 to accept):\n{diff}");
    }
}

#[test]
fn keyword_properties_and_colliding_enum_values() {
    let out = generate("keyword_properties_and_colliding_enum_values");
    check("keyword_properties_and_colliding_enum_values", &out);
    assert!(
        out.contains("fields.required(\"type\", &self.type_)")
            && out.contains("const FIELDS: &[&str] = &[\"type\""),
        "keyword property keeps its wire name both ways"
    );
    assert!(out.contains("pub type_:"));
    assert!(
        out.contains("pub loop_: Option<crate::Nullable<i64>>")
            && out.contains("pub fn clear_loop(mut self)"),
        "an optional nullable field of a request body can be sent as null"
    );
    assert!(
        out.contains("UnknownValue"),
        "the catch-all is renamed when the spec has `unknown`"
    );
    assert!(
        out.contains("\"San-Jose-CA\" => ThingType::SanJoseCa2"),
        "colliding variant names get suffixes"
    );
}

#[test]
fn unions_tagged_and_untagged() {
    let out = generate("unions_tagged_and_untagged");
    check("unions_tagged_and_untagged", &out);
    assert!(
        out.contains("crate::private::try_shape::<String>(&value)"),
        "a union without discriminator is told apart by content"
    );
    assert!(out.contains("impl From<&str> for CallRequestTo"));
    assert!(
        out.contains("Some(\"hangup\")"),
        "tagged dispatch on the mapping values"
    );
    assert!(
        out.contains("crate::client::new_command_id()"),
        "command_id is filled once per call"
    );
    assert!(
        out.contains("const NO_CONTENT: bool = true"),
        "a 2xx without content decodes to ()"
    );
}

#[test]
fn deep_object_filter_and_page_numbers() {
    let out = generate("deep_object_filter_and_page_numbers");
    check("deep_object_filter_and_page_numbers", &out);
    assert!(out.contains("QueryStyle::DeepObject"));
    assert!(
        out.contains("\"page[number]\""),
        "a literal bracket name is sent as written"
    );
    assert!(out.contains("PageScheme::PageNumber"));
    assert!(out.contains("impl crate::PagedOperation for List"));
    assert!(out.contains("pub fn list(&self)"));
    assert!(out.contains("pub fn delete("));
    assert!(
        out.contains("pub fn page_number(mut self"),
        "page setters whatever struct the spec uses"
    );
    assert!(
        out.contains("pub fn filter_occurred_at_gte(mut self"),
        "one setter per filter field, named after the query key"
    );
}

#[test]
fn webhook_events_with_and_without_envelope() {
    let out = generate("webhook_events_with_and_without_envelope");
    check("webhook_events_with_and_without_envelope", &out);
    assert!(out.contains("CallAnswered(crate::models::CallAnswered)"));
    assert!(
        out.contains("ConferenceFloorChanged(crate::models::ConferenceFloorChanged)"),
        "variants are named by event_type, and the event's model after its variant"
    );
    assert!(out.contains("\"call.answered\" =>"));
    assert!(
        out.contains("call_control_id"),
        "an accessor reaches payload.call_control_id"
    );
}

/// Each event compiles with the events feature and its group's; the models only it reaches
/// carry the same gate.
#[test]
fn events_are_gated_by_their_group() {
    let (spec, config) = spec_files("webhook_events_with_and_without_envelope");
    let config = format!(
        "{config}\n[features]\nevents = \"webhooks\"\n\n[features.event_types]\n\"conference.\" = \"conferences\"\n"
    );
    let api = build(&spec, &config).expect("build");
    let features = |event_type: &str| {
        let event = api.events.iter().find(|e| e.event_type == event_type);
        event.expect("event").features.clone()
    };
    assert!(
        features("call.answered").is_empty(),
        "no operation sends it here"
    );
    assert_eq!(
        features("conference.floor.changed"),
        ["conferences".to_string()].into()
    );
    let gate = |model: &str| {
        let gate = api.model_features.get(model).expect("gated");
        gate.any_of
            .iter()
            .map(|all_of| all_of.iter().cloned().collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    assert_eq!(gate("CallAnswered"), [vec!["webhooks".to_string()]]);
    assert_eq!(
        gate("ConferenceFloorChanged"),
        [vec!["conferences".to_string(), "webhooks".to_string()]]
    );
    let out = render(&api);
    assert!(out.contains(
        "#[cfg(feature = \"conferences\")]\n    ConferenceFloorChanged(crate::models::ConferenceFloorChanged)"
    ), "{out}");
    assert!(out.contains("#[cfg(all(feature = \"conferences\", feature = \"webhooks\"))]"));
}

#[test]
fn enum_arguments_ids_and_shared_shapes() {
    let out = generate("enum_arguments_ids_and_shared_shapes");
    check("enum_arguments_ids_and_shared_shapes", &out);
    assert!(
        out.contains("call_control_id: impl Into<crate::models::CallControlId>"),
        "configured ids get their own type"
    );
    assert!(
        out.contains("channels: crate::models::RecordChannels")
            && out.contains("format: crate::models::RecordFormat"),
        "enum arguments take exactly their enum, so a swapped pair does not compile"
    );
    assert_eq!(
        out.matches("pub enum RecordChannels").count(),
        1,
        "equal inline enums are one type, named after the property holding them"
    );
    assert!(!out.contains("pub enum StartCallRecordBodyChannels"));
    assert!(
        out.contains("pub struct StartRecordingRequest"),
        "the body is named after the method"
    );
    assert!(out.contains("pub type StartRecording<C = crate::Client> = crate::Request<"));
    assert!(
        out.contains("[`call.recording.saved`](crate::WebhookEvent::CallRecordingSaved)"),
        "the webhooks the description names are listed and linked"
    );
}

/// Builds `positional_arguments.yaml` after replacing `from` with `to` in its text.
fn positional_variant(from: &str, to: &str) -> GenResult<signature_lock::Signatures> {
    let (spec, config) = spec_files("positional_arguments");
    assert!(spec.contains(from), "the edit applies");
    Ok(signature_lock::signatures(&build(
        &spec.replace(from, to),
        &config,
    )?))
}

#[test]
fn a_spec_change_never_silently_moves_a_positional_argument() {
    let base = positional_variant("", "").expect("base");
    assert_eq!(
        base["calls.create"],
        "(connection_id: String, from: String, to: String)"
    );
    // Reordering `required` keeps the signature (arguments follow the properties' order).
    let reordered = positional_variant(
        "required: [connection_id, from, to]",
        "required: [to, from, connection_id]",
    )
    .expect("reordered");
    assert_eq!(reordered, base);
    signature_lock::check(&base, &reordered).expect("identical signatures pass");
    // Renaming or adding a required field is refused until the lock is updated.
    let renamed = positional_variant(
        "required: [connection_id, from, to]\n              properties:\n                connection_id: {type: string}\n                from: {type: string}\n                to: {type: string}",
        "required: [connection_id, from, destination]\n              properties:\n                connection_id: {type: string}\n                from: {type: string}\n                destination: {type: string}",
    )
    .expect("renamed");
    let error = signature_lock::check(&base, &renamed).expect_err("rename refused");
    assert!(error.message.contains("calls.create"), "{error}");
    assert!(error.message.contains("--update-lock"), "{error}");
    let added = positional_variant(
        "required: [connection_id, from, to]",
        "required: [connection_id, from, to, timeout_secs]",
    )
    .expect("added");
    assert_eq!(
        added["calls.create"],
        "(connection_id: String, from: String, to: String, timeout_secs: i64)"
    );
    signature_lock::check(&base, &added).expect_err("an added required field is refused");
    // A lock round-trips through its text.
    assert_eq!(signature_lock::parse(&signature_lock::render(&base)), base);
}

#[test]
fn unsupported_construct_in_the_selection_is_located() {
    let spec = r#"openapi: 3.1.0
info: {title: snapshot, version: '1'}
paths:
  /x:
    post:
      operationId: X
      requestBody:
        content:
          application/json:
            schema: {not: {type: string}}
      responses: {'200': {description: ok}}
"#;
    let error = build(spec, SELECT_ALL).unwrap_err();
    assert_eq!(
        error.pointer.as_deref(),
        Some("#/paths/~1x/post/requestBody/content/application~1json/schema")
    );
    assert!(error.message.contains("not"), "{error}");
    // With --all the same construct is reported and skipped.
    let mut doc = crate::load::load(spec.as_bytes(), Path::new("s.yml")).expect("load");
    crate::normalize::normalize(&mut doc).expect("normalize");
    let parsed = crate::parse::parse(doc).expect("parse");
    let api = build_api(&parsed, &Config::everything(), "0", true).expect("lenient build");
    assert_eq!(api.skipped.len(), 1);
}

/// Every snapshot spec's output, with a copy of the runtime, passes `cargo check`: snapshots are
/// type-checked, not only compared as text.
#[test]
fn snapshot_outputs_compile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf();
    let template =
        std::fs::read_to_string(root.join("templates/API.md.tmpl")).expect("API.md template");
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).expect("Cargo.lock");
    let out_dir = root.join("target/snapshot-crates");
    let mut names: Vec<String> = std::fs::read_dir(tests_dir().join("specs"))
        .expect("specs")
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            (path.extension()? == "yaml").then(|| path.file_stem()?.to_str().map(str::to_string))?
        })
        .collect();
    names.sort();
    assert!(names.len() >= 5, "snapshot specs found: {names:?}");
    for name in &names {
        let (spec, config) = spec_files(name);
        let api = build(&spec, &config).expect("build");
        let files = standalone_crate(&root, &api, DocsMode::Facts, &template).expect("crate");
        let dir = out_dir.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in &files {
            let text = if path == Path::new("Cargo.toml") {
                text.replace(
                    "name = \"telnyx-all\"",
                    &format!("name = \"snapshot-{}\"", name.replace('_', "-")),
                )
            } else {
                text.clone()
            };
            let target = dir.join(path);
            std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            std::fs::write(&target, text).expect("write");
        }
        // The workspace's lock: the same dependency versions, and no resolution needed offline.
        std::fs::write(dir.join("Cargo.lock"), &lock).expect("lock");
        let output = Command::new(env!("CARGO"))
            .args(["check", "--offline", "--quiet", "--lib", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", out_dir.join("target"))
            .output()
            .expect("cargo check");
        assert!(
            output.status.success(),
            "snapshot {name} does not compile:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
