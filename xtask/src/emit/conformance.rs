//! `tests/tests/conformance.rs`: every operation called twice against Prism serving the pinned
//! spec, with required parameters only and with every optional parameter set.

use proc_macro2::TokenStream;
use quote::quote;

use super::resources::body_field;
use super::samples::Sampler;
use super::{ident, type_tokens_from};
use crate::ir::{Api, Facts, Operation, Resource, Target, TypeRef};

/// Tokens of the conformance test file.
pub fn emit(api: &Api) -> TokenStream {
    let sampler = Sampler::new(&api.models);
    let calls = api.resources.iter().flat_map(|r| {
        let sampler = &sampler;
        r.operations
            .iter()
            .flat_map(move |op| [call(sampler, r, op, false), call(sampler, r, op, true)])
    });
    let count = api
        .resources
        .iter()
        .map(|r| r.operations.len())
        .sum::<usize>();
    quote! {
        //! Conformance: each generated operation against Prism mocking the pinned spec.
        //! Prism checks every request against the spec; each response must decode into its type.
        use telnyx_voice_tests::{outcome, sample, PrismServer, RecordingProxy, Report};

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn every_operation_conforms_to_the_spec() {
            let prism = PrismServer::start().unwrap_or_else(|e| panic!("{e}"));
            // The proxy keeps Prism's verdict (`sl-violations`) on every request the SDK makes.
            let proxy = RecordingProxy::start(prism.base_url()).await.unwrap_or_else(|e| panic!("{e}"));
            let client = telnyx_voice::Client::builder()
                .api_key("conformance-test-key")
                .base_url(proxy.base_url())
                .max_retries(0)
                .build()
                .expect("client");
            let mut report = Report::new();
            #(#calls)*
            report.print_and_save();
            assert_eq!(report.passed() + report.failed(), #count, "every operation is exercised");
            assert_eq!(report.failed(), 0, "operations failed conformance; see the table above and {}", prism.log_path().display());
        }
    }
}

fn sample_expr(sampler: &Sampler<'_>, ty: &TypeRef, facts: &Facts, full: bool) -> TokenStream {
    let json = sampler.value(ty, facts, full).to_string();
    let ty = type_tokens_from(ty, &quote!(telnyx_voice));
    quote!(sample::<#ty>(#json))
}

fn call(sampler: &Sampler<'_>, resource: &Resource, op: &Operation, full: bool) -> TokenStream {
    let mut chain = quote!(client);
    for segment in &resource.path {
        let segment = ident(segment);
        chain = quote!(#chain.#segment());
    }
    let method = ident(&op.method_name);
    let args = op.arguments.iter().map(|arg| {
        let facts = match &arg.target {
            Target::Path(i) => op.path_params[*i].facts.clone(),
            Target::Query { index, .. } => op.query_params[*index].facts.clone(),
            Target::BodyField(i) => body_field(op, *i)
                .map(|b| b.field.facts.clone())
                .unwrap_or_default(),
            Target::WholeBody => Facts::default(),
        };
        sample_expr(sampler, &arg.ty, &facts, full)
    });
    // A required-only call still has to meet an "at least one of" rule: set the first one.
    let first_rule: Vec<String> = match op.body.as_ref().map(|b| &b.ty) {
        Some(TypeRef::Named(name)) => match sampler.model(name) {
            Some(crate::ir::Model::Struct(s)) => s.presence.first().cloned().unwrap_or_default(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let setters = op.setters.iter().filter_map(|setter| {
        let wanted = match &setter.target {
            Target::Query { fields, .. } => full && fields.is_empty(),
            Target::BodyField(_) => {
                (full || first_rule.contains(&setter.wire)) && setter.wire != "command_id"
            }
            Target::WholeBody => full,
            Target::Path(_) => false,
        };
        if !wanted {
            return None;
        }
        let name = ident(&setter.name);
        let value = sample_expr(sampler, &setter.ty, &setter.facts, full);
        Some(quote!(.#name(#value)))
    });
    let id = &op.operation_id;
    let mode = if full { "all" } else { "required" };
    quote! {
        report.record(#id, #mode, outcome(&proxy, #chain.#method(#(#args),*)#(#setters)*.send().await));
    }
}
