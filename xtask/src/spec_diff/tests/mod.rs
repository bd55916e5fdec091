//! Tests of the change report and the gate. Both sides of every comparison go through the real
//! pipeline (load -> normalize -> parse -> select -> build -> surface): small specs written for
//! one change each, and the pinned spec with one targeted edit each.

mod gate;
mod pinned;
mod small;

use std::path::Path;

use serde_json::Value;

use super::classify::{Area, Change, Class};
use super::surface::Surface;
use crate::codegen::build_api;
use crate::config::Config;
use crate::scratch_dir::ScratchDir;

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

/// A fresh folder with an empty `telnyx-voice/`, removed when the test ends.
fn scratch(name: &str) -> ScratchDir {
    let dir = ScratchDir::new(&format!("spec-diff-{name}"));
    std::fs::create_dir_all(dir.join("telnyx-voice")).expect("scratch dir");
    dir
}
