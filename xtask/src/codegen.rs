//! `cargo xtask codegen`: runs the pipeline stages in order and writes or checks the output.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::build::Builder;
use crate::config::Config;
use crate::emit::{self, DocsMode};
use crate::error::{GenError, GenResult};
use crate::format::{rust_file, rust_file_in_parts};
use crate::ir::{Api, Model};
use crate::parse::load_spec;
use crate::select::select;
use crate::spec_source::{locate_and_read, Pin};
use crate::write::{self, FileSet};

/// Options of one codegen run.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--spec PATH`.
    pub spec: Option<PathBuf>,
    /// `--out DIR`.
    pub out: Option<PathBuf>,
    /// `--check`.
    pub check: bool,
    /// `--all`: the whole API as a standalone crate.
    pub all: bool,
    /// `--allow-unpinned`.
    pub allow_unpinned: bool,
    /// `--docs full`.
    pub docs: DocsMode,
    /// `--timings`: print each stage's time.
    pub timings: bool,
    /// `--update-lock`: accept changed positional signatures into spec/signatures.lock.
    pub update_lock: bool,
}

/// Wall time of each stage.
#[derive(Debug, Default)]
pub struct Timings(Vec<(&'static str, Duration)>);

impl Timings {
    fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.0.push((stage, start.elapsed()));
        out
    }
}

/// Where the client crate's generated files go inside the output root.
pub const VOICE_GENERATED: &str = "telnyx-voice/src/generated";

/// The crate a generated file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    /// `telnyx-voice-types`: models and webhook events, which need only serde, so cargo compiles
    /// them while the HTTP stack compiles.
    Types,
    /// `telnyx-voice`: endpoints, builders, handles and call-flow glue over the runtime.
    Client,
}

impl Home {
    /// The crate's directory in the repository.
    pub fn crate_dir(self) -> &'static str {
        match self {
            Home::Types => "telnyx-voice-types",
            Home::Client => "telnyx-voice",
        }
    }
}

/// Runs codegen; returns the process exit code.
pub fn run(root: &Path, options: &Options) -> GenResult<i32> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let pin = Pin::load(root)?;
    let spec_file = timings.time("read", || {
        locate_and_read(root, options.spec.as_deref(), &pin, options.allow_unpinned)
    })?;
    let parsed = timings.time("load+normalize+parse", || load_spec(&spec_file))?;
    if options.timings {
        eprintln!(
            "spec: {} ({:?}), sha256 {}",
            spec_file.path.display(),
            spec_file.origin,
            spec_file.sha256
        );
    }
    let config = if options.all {
        Config::everything()
    } else {
        Config::load(&root.join("spec/voice.toml"))?
    };
    let api = timings.time("select+build", || {
        build_api(&parsed, &config, &spec_file.sha256, options.all)
            .map_err(|e| e.in_file(&spec_file.path))
    })?;
    for skipped in &api.skipped {
        eprintln!("skipped {}: {}", skipped.pointer, skipped.reason);
    }
    let mut files = FileSet::new();
    if !options.all {
        let now = crate::signature_lock::signatures(&api);
        let lock_path = root.join(crate::signature_lock::LOCK_PATH);
        if let Ok(text) = std::fs::read_to_string(&lock_path) {
            if !options.update_lock {
                crate::signature_lock::check(&crate::signature_lock::parse(&text), &now)?;
            }
        }
        files.insert(
            PathBuf::from(crate::signature_lock::LOCK_PATH),
            crate::signature_lock::render(&now),
        );
    }
    let template = std::fs::read_to_string(root.join("templates/API.md.tmpl")).map_err(|e| {
        GenError::msg(format!("cannot read: {e}")).in_file(&root.join("templates/API.md.tmpl"))
    })?;
    files.extend(timings.time("emit+format", || {
        if options.all {
            standalone_crate(root, &api, options.docs, &template)
        } else {
            voice_files(&api, options.docs, &template)
        }
    })?);
    // The media-stream frames, from our own schema file (spec/media-stream.yaml).
    let media_dir = if options.all {
        "src/generated"
    } else {
        VOICE_GENERATED
    };
    files.insert(
        Path::new(media_dir).join(emit::media::MEDIA_FILE),
        timings.time("media frames", || emit::media::render(root))?,
    );

    let out_root = options.out.clone().unwrap_or_else(|| root.to_path_buf());
    let code = if options.check {
        let drift = timings.time("check", || write::check(&out_root, &files));
        if drift.is_empty() {
            0
        } else {
            eprintln!(
                "generated code is out of date ({} files); run `cargo xtask codegen` and commit:",
                drift.len()
            );
            for d in &drift {
                eprintln!("  {d}");
            }
            1
        }
    } else {
        timings.time("write", || write::write(&out_root, &files))?;
        0
    };
    if options.timings {
        for (stage, elapsed) in &timings.0 {
            eprintln!("  {stage:<22} {:>8.1} ms", elapsed.as_secs_f64() * 1000.0);
        }
    }
    let count = |f: fn(&Model) -> bool| api.models.values().filter(|m| f(m)).count();
    println!(
        "codegen{}: {} operations, {} models, {} enums, {} webhook events {} in {:.2} s",
        if options.all { " --all" } else { "" },
        api.resources
            .iter()
            .map(|r| r.operations.len())
            .sum::<usize>(),
        count(|m| !matches!(m, Model::Enum(_))),
        count(|m| matches!(m, Model::Enum(_))),
        api.events.len(),
        if options.check { "checked" } else { "written" },
        started.elapsed().as_secs_f64()
    );
    Ok(code)
}

/// Select and build: the intermediate representation of the configured part of a parsed spec.
pub fn build_api(
    parsed: &crate::parse::ParsedSpec,
    config: &Config,
    sha256: &str,
    lenient: bool,
) -> GenResult<Api> {
    let selected = select(&parsed.openapi, &parsed.webhooks, &config.select)?;
    Builder::new(&parsed.openapi, config, lenient).build(&selected, sha256)
}

/// Models per part of `models.rs` (see [`rust_file_in_parts`]): enough parts to keep every CPU
/// busy, each large enough that its thread does more than start up.
const MODELS_PER_PART: usize = 32;

/// Renders one output file from the IR. Each reads only the IR, so they run side by side.
type Render<'a> = Box<dyn Fn() -> GenResult<String> + Send + Sync + 'a>;

/// Runs every render on all CPUs (rayon's pool); the results keep the jobs' order, and the
/// first error in that order is the one returned.
fn render_all<K: Send>(jobs: Vec<(K, Render<'_>)>) -> GenResult<Vec<(K, String)>> {
    jobs.into_par_iter()
        .map(|(key, render)| Ok((key, render()?)))
        .collect()
}

/// A generated Rust file: `tokens` printed after the spec's header.
fn rust_source<'a>(
    api: &'a Api,
    name: &'static str,
    tokens: impl Fn() -> GenResult<proc_macro2::TokenStream> + Send + Sync + 'a,
) -> Render<'a> {
    Box::new(move || rust_file(tokens()?, &emit::header(&api.spec_sha256, "//"), name))
}

/// The generated source files, each with its crate and its path relative to that crate's
/// `src/generated`, not yet rendered.
fn generated_jobs(api: &Api, mode: DocsMode) -> Vec<((Home, &'static str), Render<'_>)> {
    let module = |text: fn(&Api) -> String| -> Render<'_> {
        Box::new(move || {
            let header = emit::header(&api.spec_sha256, "//");
            Ok(format!("{header}\n{}", text(api)))
        })
    };
    vec![
        ((Home::Types, "mod.rs"), module(types_mod_rs)),
        ((Home::Client, "mod.rs"), module(client_mod_rs)),
        (
            (Home::Types, "models.rs"),
            Box::new(move || {
                // models.rs is most of the output: its models are emitted and printed in parts,
                // side by side, so it does not hold the stage up alone.
                let names: Vec<&String> = api.models.keys().collect();
                let parts: Vec<_> = names
                    .chunks(MODELS_PER_PART)
                    .map(|chunk| {
                        move || {
                            emit::models::items(
                                &api.models,
                                chunk.iter().copied(),
                                &api.serde_use,
                                &api.model_features,
                                mode,
                            )
                        }
                    })
                    .collect();
                rust_file_in_parts(
                    emit::models::head(),
                    &parts,
                    &emit::header(&api.spec_sha256, "//"),
                    "models.rs",
                )
            }),
        ),
        (
            (Home::Client, "resources.rs"),
            rust_source(api, "resources.rs", || {
                Ok(emit::resources::emit_resources(api))
            }),
        ),
        (
            (Home::Client, "operations.rs"),
            rust_source(api, "operations.rs", || {
                Ok(emit::resources::emit_operations(api))
            }),
        ),
        (
            (Home::Client, "builders.rs"),
            rust_source(api, "builders.rs", move || {
                Ok(emit::resources::emit_builders(api, mode))
            }),
        ),
        (
            (Home::Types, "events.rs"),
            rust_source(api, "events.rs", || {
                let mut tokens = emit::events::emit(&api.events);
                tokens.extend(emit::flow::emit_accessors(api));
                Ok(tokens)
            }),
        ),
        (
            (Home::Client, "handles.rs"),
            rust_source(api, "handles.rs", || emit::handles::emit(api)),
        ),
        (
            (Home::Client, "flow.rs"),
            rust_source(api, "flow.rs", || Ok(emit::flow::emit(api))),
        ),
    ]
}

/// The generated source files, each with its crate and its path relative to that crate's
/// `src/generated` (the snapshot tests compare them one by one).
#[cfg(test)]
pub fn generated_sources(
    api: &Api,
    mode: DocsMode,
) -> GenResult<Vec<(Home, &'static str, String)>> {
    Ok(render_all(generated_jobs(api, mode))?
        .into_iter()
        .map(|((home, name), text)| (home, name, text))
        .collect())
}

/// The generated sources as jobs rendering the file at `path_of(home, name)`.
fn generated_files<'a>(
    api: &'a Api,
    mode: DocsMode,
    path_of: impl Fn(Home, &str) -> PathBuf,
) -> Vec<(PathBuf, Render<'a>)> {
    generated_jobs(api, mode)
        .into_iter()
        .map(|((home, name), render)| (path_of(home, name), render))
        .collect()
}

/// The events module behind its feature, when it has one.
fn events_gate(api: &Api, module: &str) -> String {
    match &api.events_feature {
        Some(feature) => format!("#[cfg(feature = \"{feature}\")]\npub mod {module};\n"),
        None => format!("pub mod {module};\n"),
    }
}

/// The generated modules of the types crate.
fn types_mod_rs(api: &Api) -> String {
    let events = events_gate(api, "events");
    format!("//! Code generated from the Telnyx OpenAPI spec.\n\n{events}pub mod models;\n")
}

/// The generated modules of the client crate.
fn client_mod_rs(api: &Api) -> String {
    let flow = events_gate(api, "flow");
    format!(
        "//! Code generated from the Telnyx OpenAPI spec.\n\npub mod builders;\n{flow}pub mod handles;\npub mod operations;\npub mod resources;\n"
    )
}

fn voice_files(api: &Api, mode: DocsMode, template: &str) -> GenResult<FileSet> {
    let mut jobs = generated_files(api, mode, |home, name| {
        Path::new(home.crate_dir()).join("src/generated").join(name)
    });
    jobs.push((
        PathBuf::from("telnyx-voice/API.md"),
        Box::new(|| emit::api_doc::render(template, api)),
    ));
    // The public surface, compared across commits by `cargo xtask spec gate`.
    jobs.push((
        PathBuf::from(crate::spec_diff::surface::SURFACE_FILE),
        Box::new(|| Ok(crate::spec_diff::surface::Surface::from_api(api).to_json())),
    ));
    jobs.push((
        PathBuf::from("telnyx-voice/tests/spec_examples/generated.rs"),
        rust_source(api, "spec_examples.rs", || {
            Ok(emit::spec_examples::emit(api))
        }),
    ));
    jobs.push((
        PathBuf::from("tests/tests/conformance/generated.rs"),
        rust_source(api, "conformance.rs", || Ok(emit::conformance::emit(api))),
    ));
    Ok(render_all(jobs)?.into_iter().collect())
}

/// The whole API as crates of their own: the client crate at the root and the types crate in
/// `types/`, the hand-written runtime of each copied beside its generated code.
pub fn standalone_crate(
    root: &Path,
    api: &Api,
    mode: DocsMode,
    template: &str,
) -> GenResult<FileSet> {
    let mut files = FileSet::new();
    for home in [Home::Client, Home::Types] {
        let prefix = standalone_dir(home);
        copy_runtime(
            &root.join(home.crate_dir()).join("src"),
            &prefix.join("src"),
            &mut files,
        )?;
        let manifest_path = root.join(home.crate_dir()).join("Cargo.toml");
        let manifest = std::fs::read_to_string(&manifest_path)
            .map_err(|e| GenError::msg(e.to_string()).in_file(&manifest_path))?;
        files.insert(
            prefix.join("Cargo.toml"),
            standalone_manifest(&manifest, home),
        );
    }
    let mut jobs = generated_files(api, mode, |home, name| {
        standalone_dir(home).join("src/generated").join(name)
    });
    jobs.push((
        Path::new("src/generated").join(emit::media::MEDIA_FILE),
        Box::new(|| emit::media::render(root)),
    ));
    jobs.push((
        PathBuf::from("API.md"),
        Box::new(|| emit::api_doc::render(template, api)),
    ));
    files.extend(render_all(jobs)?);
    Ok(files)
}

/// Where a crate goes in the standalone output.
fn standalone_dir(home: Home) -> PathBuf {
    match home {
        Home::Client => PathBuf::new(),
        Home::Types => PathBuf::from("types"),
    }
}

/// Copies the `.rs` files of a crate's `src` (one level of modules deep, generated code left
/// out) into `to`.
fn copy_runtime(from: &Path, to: &Path, files: &mut FileSet) -> GenResult<()> {
    let read_dir = |dir: &Path| {
        std::fs::read_dir(dir)
            .map_err(|e| GenError::msg(format!("cannot read the runtime: {e}")).in_file(dir))
    };
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| GenError::msg(e.to_string()).in_file(path))
    };
    for entry in read_dir(from)?.flatten() {
        let path = entry.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
            files.insert(to.join(entry.file_name()), read(&path)?);
        } else if path.is_dir() && entry.file_name() != "generated" {
            for inner in read_dir(&path)?.flatten() {
                let inner_path = inner.path();
                if inner_path.extension().is_some_and(|e| e == "rs") {
                    files.insert(
                        to.join(entry.file_name()).join(inner.file_name()),
                        read(&inner_path)?,
                    );
                }
            }
        }
    }
    Ok(())
}

/// The crate's manifest made standalone: its own name and workspace, concrete package fields,
/// no dev-dependencies or benches (those belong to the voice crate's own tests).
fn standalone_manifest(manifest: &str, home: Home) -> String {
    let mut out =
        String::from("# @generated by `cargo xtask codegen --all`: the whole Telnyx API.\n");
    if home == Home::Client {
        // The types crate in `types/` is a path dependency inside it, so a member.
        out.push_str("[workspace]\n\n");
    }
    let mut section = String::new();
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = trimmed.to_string();
            if section.starts_with("[dev-dependencies")
                || section.starts_with("[[bench")
                || section.starts_with("[[example")
                || section.starts_with("[[test")
            {
                continue;
            }
        } else if section.starts_with("[dev-dependencies")
            || section.starts_with("[[bench")
            || section.starts_with("[[example")
            || section.starts_with("[[test")
        {
            continue;
        }
        if section == "[package]" {
            if trimmed.starts_with("name") && home == Home::Client {
                out.push_str("name = \"telnyx-all\"\n");
                continue;
            }
            if trimmed.contains(".workspace = true") {
                let key = trimmed.split('.').next().unwrap_or_default();
                match key {
                    "edition" => out.push_str("edition = \"2021\"\n"),
                    "rust-version" => out.push_str("rust-version = \"1.85\"\n"),
                    _ => {}
                }
                continue;
            }
            if trimmed.starts_with("autoexamples") || trimmed.starts_with("autobenches") {
                continue;
            }
        }
        let types_path = format!("path = \"../{}\"", Home::Types.crate_dir());
        out.push_str(&line.replace(&types_path, "path = \"types\""));
        out.push('\n');
    }
    out.push_str("\n[lib]\npath = \"src/lib.rs\"\n");
    out
}
