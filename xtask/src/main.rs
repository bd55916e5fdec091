//! `cargo xtask`: the telnyx-voice code generator and maintenance tasks.
//!
//! The generator is a pipeline of stages, one module each:
//! load -> normalize -> parse -> select -> build (intermediate representation) -> emit -> format -> write.

mod bench;
mod build;
mod codegen;
mod config;
mod emit;
mod error;
mod format;
mod ir;
mod load;
mod names;
mod normalize;
mod parse;
#[cfg(test)]
mod scratch_dir;
mod select;
mod signature_lock;
#[cfg(test)]
mod snapshot_tests;
mod spec_diff;
mod spec_source;
mod task_common;
mod test_task;
mod write;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  cargo xtask codegen [--spec PATH] [--out DIR] [--check] [--all] [--allow-unpinned] [--docs facts|full] [--timings] [--update-lock]
  cargo xtask spec fetch        download the pinned spec into spec/cache/ and verify its sha256
  cargo xtask spec pin PATH     report the API changes, add them to CHANGELOG.md, pin the spec at PATH
  cargo xtask spec diff OLD NEW API changes between two specs (a path, or `pinned`); exit 3 if breaking
  cargo xtask spec gate [--base REV]  fail on breaking API changes since REV (HEAD~1) without a version bump
  cargo xtask test [ARGS]       install test dependencies, then run the whole test suite
  cargo xtask bench [--quick]   compare against bare libraries and the Python SDK; writes BENCHMARKS.md
  cargo xtask bench --only build-cost [--reuse]   only the build cost beside the community crate
                                (its BENCHMARKS.md section; --reuse renders the last measurement again)

The spec is found in this order: --spec PATH, $TELNYX_OPENAPI_SPEC, spec/cache/ (filled by `spec fetch`).";

fn main() -> ExitCode {
    // The build-cost bench runs cargo with this binary as its rustc wrapper.
    if let Some(log) = std::env::var_os(bench::build_cost::RUSTC_LOG_ENV) {
        return bench::build_cost::rustc_wrapper(&log);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = spec_source::repo_root();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => {
            parse_codegen(&args[1..]).and_then(|options| codegen::run(&root, &options))
        }
        Some("spec")
            if args
                .get(1)
                .is_some_and(|a| spec_diff::SUBCOMMANDS.contains(&a.as_str())) =>
        {
            spec_diff::run(&root, &args[1..])
        }
        Some("spec") => spec_source::run_spec_command(&args[1..]).map(|()| 0),
        Some("test") => test_task::run(&root, &args[1..])
            .map(|()| 0)
            .map_err(error::GenError::msg),
        Some("bench") => bench::run(&root, &args[1..])
            .map(|()| 0)
            .map_err(error::GenError::msg),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(0)
        }
        _ => {
            eprintln!("{USAGE}");
            Ok(2)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn parse_codegen(args: &[String]) -> Result<codegen::Options, error::GenError> {
    let mut options = codegen::Options {
        spec: None,
        out: None,
        check: false,
        all: false,
        allow_unpinned: false,
        docs: emit::DocsMode::Facts,
        timings: false,
        update_lock: false,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| error::GenError::msg(format!("{name} needs a value\n{USAGE}")))
        };
        match arg.as_str() {
            "--spec" => options.spec = Some(PathBuf::from(value("--spec")?)),
            "--out" => options.out = Some(PathBuf::from(value("--out")?)),
            "--docs" => {
                options.docs = match value("--docs")?.as_str() {
                    "facts" => emit::DocsMode::Facts,
                    "full" => emit::DocsMode::Full,
                    other => {
                        return Err(error::GenError::msg(format!(
                            "--docs takes facts or full, not {other}"
                        )))
                    }
                }
            }
            "--check" => options.check = true,
            "--update-lock" => options.update_lock = true,
            "--all" => options.all = true,
            "--allow-unpinned" => options.allow_unpinned = true,
            "--timings" => options.timings = true,
            other => {
                return Err(error::GenError::msg(format!(
                    "unknown option {other}\n{USAGE}"
                )))
            }
        }
    }
    if options.all && options.out.is_none() {
        return Err(error::GenError::msg(
            "--all needs --out DIR (the whole API is a crate of its own)",
        ));
    }
    Ok(options)
}
