//! `cargo xtask`: the telnyx-voice code generator and maintenance tasks.

mod error;
mod load;
#[allow(dead_code)] // parts of the API are only used by the later stages
mod normalize;
#[allow(dead_code)] // parts of the API are only used by the later stages
mod parse;
#[allow(dead_code)] // parts of the API are only used by the later stages
mod spec_source;

use std::path::Path;
use std::time::Instant;

/// Temporary entry point: `spec ...` subcommands, or a timed run of the first stages.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("spec") {
        spec_source::run_spec_command(&args[1..])
    } else {
        stages(args.first().map(Path::new))
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// Locates, loads, normalizes and parses the spec, printing counts and stage times.
fn stages(flag: Option<&Path>) -> Result<(), error::GenError> {
    let root = spec_source::repo_root();
    let pin = spec_source::Pin::load(&root)?;
    let t = Instant::now();
    let file = spec_source::locate_and_read(&root, flag, &pin, false)?;
    let t_read = t.elapsed();
    let t = Instant::now();
    let mut doc = load::load(&file.bytes, &file.path)?;
    let t_load = t.elapsed();
    let t = Instant::now();
    let report = normalize::normalize(&mut doc).map_err(|e| e.in_file(&file.path))?;
    let t_norm = t.elapsed();
    let t = Instant::now();
    let spec = parse::parse(doc).map_err(|e| e.in_file(&file.path))?;
    let t_parse = t.elapsed();
    print!("{report}");
    let schemas = spec
        .openapi
        .components
        .as_ref()
        .map_or(0, |c| c.schemas.len());
    println!(
        "operations {}  schemas {}  webhooks {}",
        spec.openapi.operations().count(),
        schemas,
        spec.webhooks.len()
    );
    println!(
        "read+sha256 {:?}  load {:?}  normalize {:?}  parse {:?}",
        t_read, t_load, t_norm, t_parse
    );
    Ok(())
}
