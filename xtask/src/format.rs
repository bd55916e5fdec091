//! Format stage: tokens are parsed by `syn` (so malformed output is caught here) and printed once by `prettyplease`.

use proc_macro2::TokenStream;

use crate::error::{GenError, GenResult};

/// Pretty-prints a token stream as a Rust source file, after `header`.
pub fn rust_file(tokens: TokenStream, header: &str, name: &str) -> GenResult<String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| GenError::msg(format!("generated {name} is not valid Rust: {e}")))?;
    let mut out = String::from(header);
    out.push('\n');
    out.push_str(&prettyplease::unparse(&file));
    Ok(out)
}
