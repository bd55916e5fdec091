//! Tests of the change report and the gate. Both sides of every comparison go through the real
//! pipeline (load -> normalize -> parse -> select -> build -> surface): small specs written for
//! one change each, and the pinned spec with one targeted edit each.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::{json, Value};

use super::classify::{any_breaking, classify, Area, Change, Class};
use super::gate;
use super::surface::{Surface, SURFACE_FILE};
use super::version::CRATE_MANIFEST;
use crate::codegen::build_api;
use crate::config::Config;
use crate::spec_source::{repo_root, SPEC_ENV_VAR};

const HEADER: &str = "openapi: 3.1.0\ninfo: {title: diff, version: '1'}\n";
const SELECT_ALL: &str = "[select]\nwebhook_prefixes = [\"\"]\n";

/// The surface of a loaded (not yet normalized) spec tree under `config`.
fn surface_of_tree(mut doc: Value, config: &Config) -> Surface {
    crate::normalize::normalize(&mut doc).expect("normalize");
    let parsed = crate::parse::parse(doc).expect("parse");
    let api = build_api(&parsed, config, "0000", false).expect("build");
    Surface::from_api(&api)
}

/// The surface of a small spec body (everything after `info`).
fn small(body: &str, config: &str) -> Surface {
    let text = format!("{HEADER}{body}");
    let doc = crate::load::load(text.as_bytes(), Path::new("small.yml")).expect("load");
    surface_of_tree(doc, &Config::parse(config).expect("config"))
}

/// The one change about `subject` whose detail contains `needle`; the panic lists them all.
fn find<'a>(changes: &'a [Change], subject: &str, needle: &str) -> &'a Change {
    changes
        .iter()
        .find(|c| c.subject == subject && c.detail.contains(needle))
        .unwrap_or_else(|| panic!("no change `{subject}` containing {needle:?} in {changes:#?}"))
}

fn assert_class(changes: &[Change], subject: &str, needle: &str, class: Class, area: Area) {
    let change = find(changes, subject, needle);
    assert_eq!(
        (change.class, change.area),
        (class, area),
        "classified wrongly: {change:?}"
    );
}

// ---------------------------------------------------------------- small specs

const TWO_OPS: &str = r#"
paths:
  /calls:
    post:
      operationId: DialCall
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/DialRequest'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {$ref: '#/components/schemas/Call'}
  /calls/{id}:
    get:
      operationId: GetCall
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: verbose, in: query, schema: {type: boolean}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {$ref: '#/components/schemas/Call'}
components:
  schemas:
    DialRequest:
      type: object
      required: [to]
      properties:
        to: {type: string}
        timeout_secs: {type: integer}
    Call:
      type: object
      properties:
        id: {type: string}
        state: {type: string, enum: [parked, bridged]}
"#;

#[test]
fn identical_specs_have_no_change() {
    let surface = small(TWO_OPS, SELECT_ALL);
    assert!(classify(&surface, &surface).is_empty());
    assert!(!surface.operations.is_empty() && !surface.models.is_empty());
}

#[test]
fn small_spec_required_and_optional_body_fields() {
    let old = small(TWO_OPS, SELECT_ALL);
    let new = small(
        &TWO_OPS
            .replace("required: [to]", "required: [to, from]")
            .replace(
                "        timeout_secs: {type: integer}\n",
                "        timeout_secs: {type: integer}\n        from: {type: string}\n        label: {type: string}\n",
            ),
        SELECT_ALL,
    );
    let changes = classify(&old, &new);
    assert_class(
        &changes,
        "POST /calls",
        "new required argument `from: String`",
        Class::Breaking,
        Area::Operations,
    );
    assert_class(
        &changes,
        "POST /calls",
        "new setter `label(String)`",
        Class::Additive,
        Area::Operations,
    );
    assert_class(
        &changes,
        "DialRequest.from",
        "new required field",
        Class::Breaking,
        Area::Models,
    );
    // The body struct itself is filled by the builder, not by users: a new optional field is additive.
    assert_class(
        &changes,
        "DialRequest.label",
        "new optional field",
        Class::Additive,
        Area::Models,
    );
    assert!(any_breaking(&changes));
}

#[test]
fn small_spec_optional_field_in_a_struct_users_build() {
    let spec = |leg_fields: &str| {
        TWO_OPS
            .replace(
                "        timeout_secs: {type: integer}\n",
                "        timeout_secs: {type: integer}\n        leg: {$ref: '#/components/schemas/Leg'}\n",
            )
            .replace(
                "    Call:\n",
                &format!("    Leg:\n      type: object\n      required: [number]\n      properties:\n        number: {{type: string}}\n{leg_fields}    Call:\n"),
            )
    };
    let old = small(&spec(""), SELECT_ALL);
    let new = small(&spec("        label: {type: string}\n"), SELECT_ALL);
    let changes = classify(&old, &new);
    // `Leg` is passed to a setter and has no `Default`: a struct literal must now name `label`.
    assert_class(
        &changes,
        "Leg.label",
        "struct users build that has no `Default`",
        Class::Breaking,
        Area::Models,
    );
    assert_eq!(changes.len(), 1, "{changes:#?}");
}

#[test]
fn small_spec_setter_becomes_argument_and_back() {
    let old = small(TWO_OPS, SELECT_ALL);
    let required = TWO_OPS.replace(
        "{name: verbose, in: query, schema",
        "{name: verbose, in: query, required: true, schema",
    );
    let new = small(&required, SELECT_ALL);
    let forward = classify(&old, &new);
    assert_class(
        &forward,
        "GET /calls/{id}",
        "`verbose` is now required",
        Class::Breaking,
        Area::Operations,
    );
    let back = classify(&new, &old);
    assert_class(
        &back,
        "GET /calls/{id}",
        "`verbose` is no longer required",
        Class::Breaking,
        Area::Operations,
    );
    assert_eq!(forward.len(), 1, "{forward:#?}");
}

#[test]
fn small_spec_enum_values_and_response_fields() {
    let old = small(TWO_OPS, SELECT_ALL);
    let new = small(
        &TWO_OPS
            .replace("enum: [parked, bridged]", "enum: [parked, bridged, queued]")
            .replace("        id: {type: string}\n", ""),
        SELECT_ALL,
    );
    let changes = classify(&old, &new);
    assert_class(
        &changes,
        "CallState",
        "new value `queued`",
        Class::Additive,
        Area::Models,
    );
    // An optional response field going away breaks code that reads it.
    assert_class(
        &changes,
        "Call.id",
        "removed",
        Class::Breaking,
        Area::Models,
    );
    let back = classify(&new, &old);
    assert_class(
        &back,
        "CallState",
        "value `queued` removed",
        Class::Breaking,
        Area::Models,
    );
    assert_class(
        &back,
        "Call.id",
        "new optional field",
        Class::Additive,
        Area::Models,
    );
}

#[test]
fn small_spec_renamed_method_is_breaking_and_keyed_by_method_and_path() {
    let old = small(TWO_OPS, SELECT_ALL);
    let new = small(
        TWO_OPS,
        &format!("{SELECT_ALL}\n[operations.GetCall]\nmethod = \"fetch\"\n"),
    );
    let changes = classify(&old, &new);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_class(
        &changes,
        "GET /calls/{id}",
        "renamed: `client.calls().retrieve()` is now `client.calls().fetch()`",
        Class::Breaking,
        Area::Operations,
    );
}

#[test]
fn small_spec_renamed_model_is_one_line() {
    let old = small(TWO_OPS, SELECT_ALL);
    let new = small(
        &TWO_OPS
            .replace("    Call:\n", "    CallRecord:\n")
            .replace("schemas/Call'", "schemas/CallRecord'"),
        SELECT_ALL,
    );
    let changes = classify(&old, &new);
    assert_class(
        &changes,
        "Call",
        "struct replaced by `CallRecord`",
        Class::Breaking,
        Area::Models,
    );
    assert_class(
        &changes,
        "CallState",
        "enum replaced by `CallRecordState`",
        Class::Breaking,
        Area::Models,
    );
    assert!(
        !changes.iter().any(|c| c.detail.starts_with("new ")),
        "no separate addition for the new names: {changes:#?}"
    );
    assert_class(
        &changes,
        "GET /calls/{id}",
        "response `Data<Call>` is now `Data<CallRecord>`",
        Class::Breaking,
        Area::Operations,
    );
}

#[test]
fn small_spec_union_variant_added_is_breaking() {
    let spec = |alternatives: &str| {
        format!(
            r#"
paths:
  /calls:
    post:
      operationId: DialCall
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [to]
              properties:
                to:
                  oneOf: [{alternatives}]
      responses: {{'204': {{description: ok}}}}
"#
        )
    };
    let old = small(&spec("{type: string}, {type: integer}"), SELECT_ALL);
    let new = small(
        &spec("{type: string}, {type: integer}, {type: array, items: {type: string}}"),
        SELECT_ALL,
    );
    let changes = classify(&old, &new);
    let union = changes
        .iter()
        .find(|c| c.detail.starts_with("new variant"))
        .unwrap_or_else(|| panic!("no union variant change in {changes:#?}"));
    assert_eq!(union.class, Class::Breaking);
}

#[test]
fn small_spec_arguments_and_setters_retyped_and_removed() {
    let old = small(TWO_OPS, SELECT_ALL);
    let new = small(
        &TWO_OPS
            .replace(
                "{name: id, in: path, required: true, schema: {type: string}}",
                "{name: id, in: path, required: true, schema: {type: integer}}",
            )
            .replace(
                "{name: verbose, in: query, schema: {type: boolean}}",
                "{name: verbose, in: query, schema: {type: string}}",
            )
            .replace("        timeout_secs: {type: integer}\n", ""),
        SELECT_ALL,
    );
    let changes = classify(&old, &new);
    assert_class(
        &changes,
        "GET /calls/{id}",
        "argument `id` retyped from `String` to `i64`",
        Class::Breaking,
        Area::Operations,
    );
    assert_class(
        &changes,
        "GET /calls/{id}",
        "setter `verbose` retyped from `bool` to `String`",
        Class::Breaking,
        Area::Operations,
    );
    assert_class(
        &changes,
        "POST /calls",
        "setter `timeout_secs(i64)` removed",
        Class::Breaking,
        Area::Operations,
    );
    let back = classify(&new, &old);
    assert_class(
        &back,
        "POST /calls",
        "new setter `timeout_secs(i64)`",
        Class::Additive,
        Area::Operations,
    );
}

const TWO_EVENTS: &str = r#"
paths: {}
webhooks:
  callAnswered:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                data: {$ref: '#/components/schemas/CallAnswered'}
      responses: {'200': {description: ok}}
  callHangup:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                data: {$ref: '#/components/schemas/CallHangup'}
      responses: {'200': {description: ok}}
components:
  schemas:
    CallAnswered:
      type: object
      properties:
        event_type: {type: string, enum: [call.answered]}
        payload:
          type: object
          properties:
            call_control_id: {type: string}
    CallHangup:
      type: object
      properties:
        event_type: {type: string, enum: [call.hangup]}
"#;

#[test]
fn small_spec_events_removed_and_event_fields_retyped() {
    let old = small(TWO_EVENTS, SELECT_ALL);
    let without_hangup = TWO_EVENTS
        .split("  callHangup:")
        .next()
        .unwrap()
        .to_string()
        + &TWO_EVENTS[TWO_EVENTS.find("components:").unwrap()..];
    let new = small(
        &without_hangup.replace(
            "call_control_id: {type: string}",
            "call_control_id: {type: integer}",
        ),
        SELECT_ALL,
    );
    let changes = classify(&old, &new);
    assert_class(
        &changes,
        "call.hangup",
        "removed (variant `WebhookEvent::CallHangup`)",
        Class::Breaking,
        Area::Events,
    );
    let retyped = changes
        .iter()
        .find(|c| c.subject.ends_with(".call_control_id"))
        .unwrap_or_else(|| panic!("no payload field change in {changes:#?}"));
    assert_eq!(retyped.class, Class::Breaking);
    assert!(
        retyped
            .detail
            .contains("from `Option<String>` to `Option<i64>`"),
        "{retyped:?}"
    );
    let back = classify(&new, &old);
    assert_class(
        &back,
        "call.hangup",
        "new variant",
        Class::Additive,
        Area::Events,
    );
}

#[test]
fn surface_file_round_trips_and_refuses_other_formats() {
    let surface = small(TWO_OPS, SELECT_ALL);
    let text = surface.to_json();
    assert_eq!(Surface::from_json(&text, "t").unwrap(), surface);
    assert_eq!(text, small(TWO_OPS, SELECT_ALL).to_json(), "deterministic");
    assert!(
        text.contains("\n        \"to\": {\"wire\":\"to\""),
        "one line per field:\n{text}"
    );
    let other = text.replacen("\"format\": 1", "\"format\": 99", 1);
    let err = Surface::from_json(&other, "t").unwrap_err();
    assert!(err.message.contains("format 99"), "{err}");
    let broken = text.replacen("\"args\"", "\"arguments\"", 1);
    let err = Surface::from_json(&broken, "t").unwrap_err();
    assert!(err.message.contains("operations"), "names where: {err}");
}

#[test]
fn a_broken_spec_is_an_error_at_its_pointer() {
    let dir = scratch("broken");
    let spec = dir.join("broken.yml");
    std::fs::write(
        &spec,
        format!(
            "{HEADER}paths:\n  /x:\n    post:\n      requestBody: {{$ref: '#/components/requestBodies/Nope'}}\n      responses: {{'204': {{description: ok}}}}\n"
        ),
    )
    .unwrap();
    let err = super::surface_of(&repo_root(), spec.to_str().unwrap()).unwrap_err();
    assert_eq!(
        err.pointer.as_deref(),
        Some("#/paths/~1x/post/requestBody"),
        "{err}"
    );
}

// ---------------------------------------------------------------- the pinned spec, edited

/// The pinned spec, loaded once (loading is the slow part); tests edit clones of it.
fn pinned_tree() -> &'static Value {
    static TREE: OnceLock<Value> = OnceLock::new();
    TREE.get_or_init(|| {
        let root = repo_root();
        let path = std::env::var_os(SPEC_ENV_VAR)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("../shared/telnyx-openapi/spec3.yml"));
        let path = if path.is_absolute() {
            path
        } else {
            root.join(path)
        };
        let bytes = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "these tests need the pinned spec: cannot read {} ({e}); set {SPEC_ENV_VAR}",
                path.display()
            )
        });
        crate::load::load(&bytes, &path).expect("load the pinned spec")
    })
}

fn voice_config() -> Config {
    Config::load(&repo_root().join("spec/voice.toml")).expect("spec/voice.toml")
}

/// The pinned spec's surface, built once.
fn pinned_surface() -> &'static Surface {
    static SURFACE: OnceLock<Surface> = OnceLock::new();
    SURFACE.get_or_init(|| surface_of_tree(pinned_tree().clone(), &voice_config()))
}

/// The changes an edit of the pinned spec makes.
fn edit_pinned(edit: impl FnOnce(&mut Value)) -> Vec<Change> {
    let mut tree = pinned_tree().clone();
    edit(&mut tree);
    classify(pinned_surface(), &surface_of_tree(tree, &voice_config()))
}

/// The node at a JSON pointer of the tree; panics naming the pointer when the spec moved.
fn at<'a>(tree: &'a mut Value, pointer: &str) -> &'a mut Value {
    tree.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the pinned spec has no {pointer}"))
}

#[test]
fn pinned_rename_a_response_field() {
    let changes = edit_pinned(|tree| {
        let props = at(
            tree,
            "/components/schemas/CallControlApplication/properties",
        )
        .as_object_mut()
        .unwrap();
        let field = props.shift_remove("application_name").expect("field");
        props.insert("app_name".into(), field);
    });
    assert_class(
        &changes,
        "CallControlApplication.application_name",
        "removed",
        Class::Breaking,
        Area::Models,
    );
    assert_class(
        &changes,
        "CallControlApplication.app_name",
        "new optional field",
        Class::Additive,
        Area::Models,
    );
    assert_eq!(
        changes.len(),
        2,
        "only the response model changes: {changes:#?}"
    );
}

#[test]
fn pinned_add_a_required_request_field() {
    let changes = edit_pinned(|tree| {
        let schema = at(tree, "/components/schemas/AnswerRequest");
        schema["properties"]["priority"] = json!({"type": "string"});
        match schema.get_mut("required") {
            Some(Value::Array(required)) => required.push(json!("priority")),
            _ => schema["required"] = json!(["priority"]),
        }
    });
    assert_class(
        &changes,
        "POST /calls/{call_control_id}/actions/answer",
        "new required argument `priority: String`",
        Class::Breaking,
        Area::Operations,
    );
    assert_class(
        &changes,
        "AnswerRequest.priority",
        "new required field",
        Class::Breaking,
        Area::Models,
    );
}

#[test]
fn pinned_add_an_enum_value() {
    let changes = edit_pinned(|tree| {
        at(
            tree,
            "/components/schemas/AnswerRequest/properties/record_channels/enum",
        )
        .as_array_mut()
        .unwrap()
        .push(json!("quad"));
    });
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_class(
        &changes,
        "AnswerRequestRecordChannels",
        "new value `quad` (variant `Quad`",
        Class::Additive,
        Area::Models,
    );
}

#[test]
fn pinned_remove_an_operation() {
    let changes = edit_pinned(|tree| {
        at(tree, "/paths/~1calls~1{call_control_id}~1actions~1answer")
            .as_object_mut()
            .unwrap()
            .shift_remove("post")
            .expect("answer operation");
    });
    assert_class(
        &changes,
        "POST /calls/{call_control_id}/actions/answer",
        "removed (`client.calls().actions().answer()`)",
        Class::Breaking,
        Area::Operations,
    );
    assert_class(
        &changes,
        "AnswerRequest",
        "struct removed",
        Class::Breaking,
        Area::Models,
    );
}

#[test]
fn pinned_add_an_event() {
    let changes = edit_pinned(|tree| {
        let mut model = at(tree, "/components/schemas/CallAnswered").clone();
        model["properties"]["event_type"]["enum"] = json!(["call.rehearsed"]);
        model["example"]["event_type"] = json!("call.rehearsed");
        let schemas = at(tree, "/components/schemas").as_object_mut().unwrap();
        schemas.insert("CallRehearsed".into(), model);
        schemas.insert(
            "CallRehearsedEvent".into(),
            json!({"type": "object", "properties": {"data": {"$ref": "#/components/schemas/CallRehearsed"}}}),
        );
        let mut webhook = at(tree, "/webhooks/callAnswered").clone();
        webhook["post"]["operationId"] = json!("CallRehearsed");
        webhook["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"] =
            json!("#/components/schemas/CallRehearsedEvent");
        at(tree, "/webhooks")
            .as_object_mut()
            .unwrap()
            .insert("callRehearsed".into(), webhook);
    });
    assert_class(
        &changes,
        "call.rehearsed",
        "new variant `WebhookEvent::CallRehearsed(CallRehearsed)`",
        Class::Additive,
        Area::Events,
    );
    assert!(!any_breaking(&changes), "{changes:#?}");
}

#[test]
fn pinned_change_a_type_from_string_to_integer() {
    let changes = edit_pinned(|tree| {
        let field = at(
            tree,
            "/components/schemas/ActiveCall/properties/client_state",
        );
        field["type"] = json!("integer");
        field["example"] = json!(7);
    });
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_class(
        &changes,
        "ActiveCall.client_state",
        "retyped from `String` to `i64`",
        Class::Breaking,
        Area::Models,
    );
}

#[test]
fn committed_surface_matches_the_pinned_spec() {
    // The same check as `codegen --check`, here so a stale file fails next to the tests that use it.
    let committed = std::fs::read_to_string(repo_root().join(SURFACE_FILE)).expect("surface file");
    let committed = Surface::from_json(&committed, SURFACE_FILE).unwrap();
    assert!(
        classify(&committed, pinned_surface()).is_empty(),
        "{SURFACE_FILE} is stale; run `cargo xtask codegen`"
    );
}

// ---------------------------------------------------------------- the gate, on real git commits

/// A fresh folder under the system temp dir, unique to the test name.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-spec-diff-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("telnyx-voice")).expect("scratch dir");
    dir
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// Writes the surface of `spec` and a manifest at `version` into `dir`, and commits when asked.
fn state(dir: &Path, spec: &str, version: &str, commit: bool) {
    std::fs::write(dir.join(SURFACE_FILE), small(spec, SELECT_ALL).to_json()).unwrap();
    std::fs::write(
        dir.join(CRATE_MANIFEST),
        format!("[package]\nname = \"telnyx-voice\"\nversion = \"{version}\"\n"),
    )
    .unwrap();
    if commit {
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", "state"]);
    }
}

#[test]
fn gate_on_commits() {
    let dir = scratch("gate");
    git(&dir, &["init", "-q"]);
    std::fs::write(dir.join("README"), "x").unwrap();
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "before the surface file"]);
    state(&dir, TWO_OPS, "0.1.0", true);

    // The previous commit has no surface file: said, not silently passed.
    let outcome = gate::evaluate(&dir, "HEAD~1").unwrap();
    assert!(!outcome.compared);
    assert!(
        outcome.text.contains("NOT CHECKED") && outcome.text.contains("predates"),
        "{}",
        outcome.text
    );
    let outcome = gate::evaluate(&dir, "HEAD~5").unwrap();
    assert!(outcome.text.contains("does not exist"), "{}", outcome.text);

    let removed_op = TWO_OPS.replace(
        "    get:\n      operationId: GetCall",
        "    delete:\n      operationId: GetCall",
    );
    // Breaking change, same version: fails.
    state(&dir, &removed_op, "0.1.0", false);
    let outcome = gate::evaluate(&dir, "HEAD").unwrap();
    assert_eq!(outcome.exit, 1, "{}", outcome.text);
    assert!(
        outcome.text.contains("need version 0.2.0 or later"),
        "{}",
        outcome.text
    );
    // A patch bump is not enough for 0.x.
    state(&dir, &removed_op, "0.1.1", false);
    assert_eq!(gate::evaluate(&dir, "HEAD").unwrap().exit, 1);
    // The minor bump (what the 0.2.0 release does) lets it through.
    state(&dir, &removed_op, "0.2.0", true);
    let outcome = gate::evaluate(&dir, "HEAD~1").unwrap();
    assert_eq!(
        (outcome.exit, outcome.compared),
        (0, true),
        "{}",
        outcome.text
    );
    assert!(
        outcome
            .text
            .contains("covered by the version bump 0.1.0 -> 0.2.0"),
        "{}",
        outcome.text
    );

    // Additive only, no bump: passes.
    let added_value =
        removed_op.replace("enum: [parked, bridged]", "enum: [parked, bridged, queued]");
    state(&dir, &added_value, "0.2.0", false);
    let outcome = gate::evaluate(&dir, "HEAD").unwrap();
    assert_eq!(outcome.exit, 0, "{}", outcome.text);
    assert!(
        outcome.text.contains("0 breaking, 1 additive"),
        "{}",
        outcome.text
    );
}

#[test]
fn pin_prints_the_report_into_the_changelog_then_pins() {
    let dir = scratch("pin");
    std::fs::create_dir_all(dir.join("spec")).unwrap();
    std::fs::write(dir.join("spec/voice.toml"), SELECT_ALL).unwrap();
    let old_spec = format!("{HEADER}{TWO_OPS}");
    let new_spec = old_spec.replace("enum: [parked, bridged]", "enum: [parked, bridged, queued]");
    let new_path = dir.join("new.yml");
    std::fs::write(&new_path, &new_spec).unwrap();
    crate::spec_source::Pin {
        repository: "example/specs".into(),
        commit: "0123456789abcdef0123456789abcdef01234567".into(),
        path: "openapi/spec.yml".into(),
        sha256: crate::spec_source::sha256_hex(old_spec.as_bytes()),
    }
    .write(&dir)
    .unwrap();
    // No copy of the pinned spec is at hand here, so the old side is the committed surface file.
    state(&dir, TWO_OPS, "0.1.0", false);
    std::fs::write(
        dir.join("CHANGELOG.md"),
        "# Changelog\n\n## Unreleased\n\n- an entry written by hand\n\n## 0.1.0\n\n- first release\n",
    )
    .unwrap();

    super::pin(&dir, &new_path).unwrap();

    let changelog = std::fs::read_to_string(dir.join("CHANGELOG.md")).unwrap();
    let entry = changelog
        .find("- an entry written by hand\n\n### Voice API changes")
        .unwrap_or_else(|| panic!("report not after the hand-written entry:\n{changelog}"));
    let value_line = changelog
        .find("- `CallState`: new value `queued`")
        .unwrap_or_else(|| panic!("report line missing:\n{changelog}"));
    let release = changelog.find("## 0.1.0").unwrap();
    assert!(entry < value_line && value_line < release, "{changelog}");
    assert_eq!(
        crate::spec_source::Pin::load(&dir).unwrap().sha256,
        crate::spec_source::sha256_hex(new_spec.as_bytes())
    );
}
