//! What an operation's method takes positionally and what its builder sets by name.

use crate::ir::{Argument, Body, Field, Model, Param, QueryStyle, Setter, Target, TypeRef};
use crate::names::Scope;

use super::Builder;

/// How deep a deepObject query value is walked for per-field setters (`filter[a][b][c]`).
const MAX_FILTER_DEPTH: usize = 3;

/// Positional arguments: path parameters, required query parameters, required body fields that
/// the caller must choose (not constants, not nullable), or the whole body when it has no fields.
pub fn arguments(path: &[Param], query: &[Param], body: Option<&Body>) -> Vec<Argument> {
    let mut out = Vec::new();
    for (index, p) in path.iter().enumerate() {
        out.push(Argument {
            name: p.name.rust.clone(),
            ty: p.ty.clone(),
            target: Target::Path(index),
        });
    }
    for (index, p) in query.iter().enumerate().filter(|(_, p)| p.required) {
        out.push(Argument {
            name: p.name.rust.clone(),
            ty: p.ty.clone(),
            target: Target::Query {
                index,
                fields: Vec::new(),
            },
        });
    }
    if let Some(body) = body {
        match &body.fields {
            Some(fields) => {
                for (index, b) in fields.iter().enumerate() {
                    if is_argument(&b.field) {
                        out.push(Argument {
                            name: b.arg.clone(),
                            ty: b.field.ty.clone(),
                            target: Target::BodyField(index),
                        });
                    }
                }
            }
            None if body.required => out.push(Argument {
                name: "body".into(),
                ty: body.ty.clone(),
                target: Target::WholeBody,
            }),
            None => {}
        }
    }
    out
}

/// Whether a body field is a method argument: required, not nullable, not a constant.
pub fn is_argument(field: &Field) -> bool {
    field.required && !field.nullable && field.constant().is_none()
}

/// Setters: optional query parameters (and, for deepObject structs, one per leaf field, named
/// after the query key: `filter[occurred_at][gt]` -> `filter_occurred_at_gt`), optional body
/// fields, and an optional whole body.
pub fn setters(
    builder: &Builder<'_>,
    query: &[Param],
    body: Option<&Body>,
    scope: &mut Scope,
) -> Vec<Setter> {
    let mut out = Vec::new();
    for (index, p) in query.iter().enumerate().filter(|(_, p)| !p.required) {
        out.push(Setter {
            name: p.name.rust.clone(),
            ty: p.ty.clone(),
            target: Target::Query {
                index,
                fields: Vec::new(),
            },
            boxed: false,
            wire: p.name.wire.clone(),
            facts: p.facts.clone(),
            clear: None,
        });
        if p.style == QueryStyle::DeepObject {
            let prefix = Leaf {
                name: p.name.rust.trim_end_matches('_').to_string(),
                wire: p.name.wire.clone(),
                fields: Vec::new(),
            };
            leaf_setters(builder, index, &p.ty, prefix, 0, scope, &mut out);
        }
    }
    if let Some(body) = body {
        match &body.fields {
            Some(fields) => {
                for (index, b) in fields.iter().enumerate() {
                    if b.field.is_option() {
                        out.push(Setter {
                            name: b.arg.clone(),
                            ty: b.field.ty.clone(),
                            target: Target::BodyField(index),
                            boxed: b.field.boxed,
                            wire: b.field.name.wire.clone(),
                            facts: b.field.facts.clone(),
                            clear: None,
                        });
                    }
                }
            }
            None if !body.required => out.push(Setter {
                name: scope.claim("body"),
                ty: body.ty.clone(),
                target: Target::WholeBody,
                boxed: false,
                wire: "body".into(),
                facts: Default::default(),
                clear: None,
            }),
            None => {}
        }
    }
    out
}

/// The path to a nested query field so far.
#[derive(Clone)]
struct Leaf {
    name: String,
    wire: String,
    fields: Vec<String>,
}

/// Setters for the leaves of a deepObject value whose structs can all start empty.
fn leaf_setters(
    builder: &Builder<'_>,
    index: usize,
    ty: &TypeRef,
    at: Leaf,
    depth: usize,
    scope: &mut Scope,
    out: &mut Vec<Setter>,
) {
    let Some(model) = walkable_struct(builder, ty) else {
        return;
    };
    if depth >= MAX_FILTER_DEPTH {
        return;
    }
    for field in &model.fields {
        let here = Leaf {
            name: format!("{}_{}", at.name, field.name.rust.trim_end_matches('_')),
            wire: format!("{}[{}]", at.wire, field.name.wire),
            fields: [at.fields.clone(), vec![field.name.rust.clone()]].concat(),
        };
        if walkable_struct(builder, &field.ty).is_some() {
            leaf_setters(builder, index, &field.ty, here, depth + 1, scope, out);
        } else if !scope.contains(&here.name) {
            out.push(Setter {
                name: scope.claim(&here.name),
                ty: field.ty.clone(),
                target: Target::Query {
                    index,
                    fields: here.fields,
                },
                boxed: field.boxed,
                wire: here.wire,
                facts: field.facts.clone(),
                clear: None,
            });
        }
    }
}

/// A struct whose fields are all optional (so it can be created empty and filled in).
fn walkable_struct<'b>(
    builder: &'b Builder<'_>,
    ty: &TypeRef,
) -> Option<&'b crate::ir::StructModel> {
    match ty {
        TypeRef::Named(name) => match builder.models.get(name) {
            Some(Model::Struct(s)) if s.fields.iter().all(Field::is_option) => Some(s),
            _ => None,
        },
        _ => None,
    }
}
