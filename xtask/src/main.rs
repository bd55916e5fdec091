//! `cargo xtask`: the telnyx-voice code generator and maintenance tasks.

mod error;
mod load;
mod spec_source;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("spec") {
        if let Err(e) = spec_source::run_spec_command(&args[1..]) {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
