//! Small specs written for one change each.

use super::*;
use crate::spec_diff::classify::{any_breaking, classify};
use crate::spec_source::repo_root;

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
        "CreateRequest.from",
        "new required field",
        Class::Breaking,
        Area::Models,
    );
    // The body struct itself is filled by the builder, not by users: a new optional field is additive.
    assert_class(
        &changes,
        "CreateRequest.label",
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
    // The builder type follows the method's name.
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert_class(
        &changes,
        "GET /calls/{id}",
        "renamed: `client.calls().retrieve()` is now `client.calls().fetch()`",
        Class::Breaking,
        Area::Operations,
    );
    assert_class(
        &changes,
        "GET /calls/{id}",
        "request builder `calls::Retrieve` renamed to `calls::Fetch`",
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
    let err = crate::spec_diff::surface_of(&repo_root(), spec.to_str().unwrap()).unwrap_err();
    assert_eq!(
        err.pointer.as_deref(),
        Some("#/paths/~1x/post/requestBody"),
        "{err}"
    );
}
