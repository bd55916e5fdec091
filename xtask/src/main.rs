//! `cargo xtask`: the telnyx-voice code generator and maintenance tasks.

mod error;

fn main() {
    let _ = error::pointer(["paths", "/calls"]);
}
