//! Snapshot tests: small specs written for one construct each go through every stage, and the
//! generated Rust is compared with `xtask/snapshots/<name>.snap`. `UPDATE_SNAPSHOTS=1 cargo test -p xtask`
//! rewrites the snapshots; review the diff like any other change.

use std::path::{Path, PathBuf};

use crate::codegen::{build_api, generated_sources};
use crate::config::Config;
use crate::emit::DocsMode;

const HEADER: &str = "openapi: 3.1.0\ninfo: {title: snapshot, version: '1'}\n";

/// Runs load -> normalize -> parse -> select -> build -> emit -> format on a spec text.
fn generate(spec_body: &str, config: &str) -> String {
    let text = format!("{HEADER}{spec_body}");
    let mut doc = crate::load::load(text.as_bytes(), Path::new("snapshot.yml")).expect("load");
    crate::normalize::normalize(&mut doc).expect("normalize");
    let parsed = crate::parse::parse(doc).expect("parse");
    let config = Config::parse(config).expect("config");
    let api = build_api(&parsed, &config, "0000", false).expect("build");
    let mut out = String::new();
    for (name, text) in generated_sources(&api, DocsMode::Facts).expect("emit") {
        if name == "mod.rs" {
            continue;
        }
        out.push_str(&format!("// ===== {name} =====\n"));
        // The header names the spec digest; the snapshot keeps only the code.
        out.extend(
            text.lines()
                .filter(|l| !l.starts_with("// @generated") && !l.starts_with("// Do not edit"))
                .map(|l| format!("{l}\n")),
        );
    }
    out
}

fn check(name: &str, generated: &str) {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "snapshots",
        &format!("{name}.snap"),
    ]
    .iter()
    .collect();
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
        let first = expected
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "snapshot {name} differs from line {}:\n  expected: {:?}\n  actual:   {:?}\n(rerun with UPDATE_SNAPSHOTS=1 to accept)",
            first + 1,
            expected.lines().nth(first).unwrap_or(""),
            generated.lines().nth(first).unwrap_or("")
        );
    }
}

const SELECT_ALL: &str = "[select]\nwebhook_prefixes = [\"\"]\n";

#[test]
fn keyword_properties_and_colliding_enum_values() {
    let out = generate(
        r#"
paths:
  /things:
    post:
      operationId: CreateThing
      summary: Create a thing
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      required: [type]
      properties:
        type: {type: string, enum: [self, unknown, '1', 'San Jose, CA', San-Jose-CA]}
        loop: {type: [integer, 'null'], minimum: 1}
        '8000': {type: boolean}
        record_type: {const: thing}
"#,
        SELECT_ALL,
    );
    assert!(
        out.contains("rename = \"type\""),
        "keyword property keeps its wire name"
    );
    assert!(out.contains("pub type_:"));
    assert!(
        out.contains("pub loop_: Option<i64>"),
        "nullable loop is optional"
    );
    assert!(
        out.contains("UnknownValue"),
        "the catch-all is renamed when the spec has `unknown`"
    );
    assert!(
        out.contains("\"San-Jose-CA\" => ThingType::SanJoseCa2"),
        "colliding variant names get suffixes"
    );
    check("keyword_properties_and_colliding_enum_values", &out);
}

#[test]
fn unions_tagged_and_untagged() {
    let out = generate(
        r#"
paths:
  /calls:
    post:
      operationId: DialCall
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CallRequest'}
      responses:
        '200': {description: ok}
components:
  schemas:
    CallRequest:
      type: object
      required: [to, tool]
      properties:
        to:
          oneOf:
            - {type: string}
            - {type: array, items: {type: string}}
        tool: {$ref: '#/components/schemas/Tool'}
        command_id: {type: string}
    Tool:
      oneOf:
        - {$ref: '#/components/schemas/HangupTool'}
        - {$ref: '#/components/schemas/TransferTool'}
      discriminator:
        propertyName: type
        mapping:
          hangup: '#/components/schemas/HangupTool'
          transfer: '#/components/schemas/TransferTool'
    HangupTool:
      type: object
      properties:
        type: {type: string, enum: [hangup]}
    TransferTool:
      type: object
      properties:
        target: {type: string}
"#,
        SELECT_ALL,
    );
    assert!(
        out.contains("#[serde(untagged)]"),
        "a union without discriminator is untagged"
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
        out.contains("execute_no_content"),
        "a 2xx without content decodes to ()"
    );
    check("unions_tagged_and_untagged", &out);
}

#[test]
fn deep_object_filter_and_page_numbers() {
    let out = generate(
        r#"
paths:
  /conferences:
    get:
      operationId: ListConferences
      parameters:
        - $ref: '#/components/parameters/Filter'
        - name: page[number]
          in: query
          schema: {type: integer, minimum: 1}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: {type: array, items: {$ref: '#/components/schemas/Conference'}}
                  meta: {$ref: '#/components/schemas/PaginationMeta'}
  /conferences/{id}:
    delete:
      operationId: DeleteConference
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '204': {description: gone}
components:
  parameters:
    Filter:
      name: filter
      in: query
      style: deepObject
      explode: true
      schema:
        type: object
        properties:
          occurred_at:
            type: object
            properties:
              gte: {type: string, format: date-time}
  schemas:
    Conference:
      type: object
      properties:
        id: {type: string}
    PaginationMeta:
      type: object
      properties:
        page_number: {type: integer}
        total_pages: {type: integer}
"#,
        SELECT_ALL,
    );
    assert!(out.contains("QueryStyle::DeepObject"));
    assert!(
        out.contains("\"page[number]\""),
        "a literal bracket name is sent as written"
    );
    assert!(out.contains("PageScheme::PageNumber"));
    assert!(out.contains("pub fn into_stream"));
    assert!(out.contains("pub fn list(&self)"));
    assert!(out.contains("pub fn delete("));
    check("deep_object_filter_and_page_numbers", &out);
}

#[test]
fn webhook_events_with_and_without_envelope() {
    let out = generate(
        r#"
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
  floorChanged:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/FloorChanged'}
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
    FloorChanged:
      type: object
      properties:
        event_type: {type: string, enum: [conference.floor.changed]}
"#,
        SELECT_ALL,
    );
    assert!(out.contains("CallAnswered(crate::models::CallAnswered)"));
    assert!(
        out.contains("ConferenceFloorChanged(crate::models::FloorChanged)"),
        "variants are named by event_type"
    );
    assert!(out.contains("\"call.answered\" =>"));
    assert!(
        out.contains("call_control_id"),
        "an accessor reaches payload.call_control_id"
    );
    check("webhook_events_with_and_without_envelope", &out);
}

#[test]
fn unsupported_construct_in_the_selection_is_located() {
    let text = format!(
        "{HEADER}{}",
        r#"
paths:
  /x:
    post:
      operationId: X
      requestBody:
        content:
          application/json:
            schema: {not: {type: string}}
      responses: {'200': {description: ok}}
"#
    );
    let mut doc = crate::load::load(text.as_bytes(), Path::new("s.yml")).expect("load");
    crate::normalize::normalize(&mut doc).expect("normalize");
    let parsed = crate::parse::parse(doc).expect("parse");
    let error = build_api(
        &parsed,
        &Config::parse(SELECT_ALL).expect("config"),
        "0",
        false,
    )
    .unwrap_err();
    assert_eq!(
        error.pointer.as_deref(),
        Some("#/paths/~1x/post/requestBody/content/application~1json/schema")
    );
    assert!(error.message.contains("not"), "{error}");
    // With --all the same construct is reported and skipped.
    let api = build_api(&parsed, &Config::everything(), "0", true).expect("lenient build");
    assert_eq!(api.skipped.len(), 1);
}
