//! Build stage for the media-stream frames (`spec/media-stream.yaml`): every component schema of
//! that document becomes a model, through the same [`Builder`] as the REST API's schemas, so the
//! frame unions are ordinary discriminated unions (tagged by `event`, with an `Unknown` variant).

use std::collections::BTreeMap;

use openapiv3::OpenAPI;

use super::Builder;
use crate::config::Config;
use crate::error::{GenError, GenResult};
use crate::ir::{Model, UnionModel};

/// The component schemas that are the frames of each direction (discriminated unions).
pub const FRAME_UNIONS: [&str; 2] = ["InboundFrame", "OutboundFrame"];

/// The models of every component schema of a parsed media-stream document, keyed by Rust name.
///
/// The two [`FRAME_UNIONS`] must be discriminated unions whose alternatives all have tags.
pub fn build_frames(spec: &OpenAPI) -> GenResult<BTreeMap<String, Model>> {
    let config = Config::default();
    let references: Vec<String> = spec
        .components
        .iter()
        .flat_map(|c| c.schemas.keys())
        .map(|name| format!("#/components/schemas/{name}"))
        .collect();
    let mut builder = Builder::new(spec, &config, false);
    for reference in &references {
        builder.type_of_ref(reference, reference)?;
    }
    let models = std::mem::take(&mut builder.models);
    for union in FRAME_UNIONS {
        let pointer = format!("#/components/schemas/{union}");
        match models.get(union) {
            Some(Model::Union(UnionModel {
                discriminator: Some(_),
                ..
            })) => {}
            _ => {
                return Err(GenError::at(
                    pointer,
                    "must be a oneOf with a discriminator (the frame's `event`)",
                ))
            }
        }
    }
    Ok(models)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(text: &str) -> GenResult<BTreeMap<String, Model>> {
        let mut doc = crate::load::load(text.as_bytes(), std::path::Path::new("media.yaml"))?;
        crate::normalize::normalize(&mut doc)?;
        let parsed = crate::parse::parse(doc)?;
        build_frames(&parsed.openapi)
    }

    #[test]
    fn frame_unions_are_tagged_by_event() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/media-stream.yaml"),
        )
        .unwrap();
        let models = build(&text).unwrap();
        let Some(Model::Union(inbound)) = models.get("InboundFrame") else {
            panic!("no InboundFrame union");
        };
        assert_eq!(inbound.discriminator.as_deref(), Some("event"));
        let tags: Vec<&str> = inbound
            .variants
            .iter()
            .flat_map(|v| v.tags.iter().map(String::as_str))
            .collect();
        assert_eq!(
            tags,
            [
                "connected",
                "start",
                "media",
                "dtmf",
                "mark",
                "error",
                "stop"
            ]
        );
        let Some(Model::Union(outbound)) = models.get("OutboundFrame") else {
            panic!("no OutboundFrame union");
        };
        let tags: Vec<&str> = outbound
            .variants
            .iter()
            .flat_map(|v| v.tags.iter().map(String::as_str))
            .collect();
        assert_eq!(tags, ["media", "mark", "clear"]);
        assert!(matches!(models.get("MediaTrack"), Some(Model::Enum(_))));
    }

    #[test]
    fn an_untagged_frame_union_is_an_error() {
        let text = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: {x: {type: string}}}\n    InboundFrame: {oneOf: [{$ref: '#/components/schemas/A'}]}\n    OutboundFrame: {oneOf: [{$ref: '#/components/schemas/A'}]}\n";
        let error = build(text).unwrap_err();
        assert_eq!(
            error.pointer.as_deref(),
            Some("#/components/schemas/InboundFrame")
        );
    }
}
