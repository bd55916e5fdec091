//! The pinned spec with one targeted edit each.

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::json;

use super::*;
use crate::spec_diff::classify::{any_breaking, classify};
use crate::spec_diff::surface::SURFACE_FILE;
use crate::spec_source::{repo_root, SPEC_ENV_VAR};

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
            "/components/schemas/RejectRequest/properties/cause/enum",
        )
        .as_array_mut()
        .unwrap()
        .push(json!("QUAD"));
    });
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_class(
        &changes,
        "RejectRequestCause",
        "new value `QUAD` (variant `Quad`",
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
        // A payload of its own: an exact copy would share (and rename) CallAnswered's payload type.
        model["properties"]["payload"]["properties"]["rehearsal"] = json!({"type": "string"});
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
