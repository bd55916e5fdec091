//! Format stage: tokens are parsed by `syn` (so malformed output is caught here) and printed once by `prettyplease`.

use proc_macro2::TokenStream;
use rayon::prelude::*;

use crate::error::{GenError, GenResult};

/// Pretty-prints a token stream as a Rust source file, after `header`.
pub fn rust_file(tokens: TokenStream, header: &str, name: &str) -> GenResult<String> {
    let mut out = String::from(header);
    out.push('\n');
    out.push_str(&unparse(tokens, name)?);
    Ok(out)
}

/// [`rust_file`] for a file made of `head` (its inner attributes and first items) followed by
/// the items of `parts`, in order. Each part is emitted, parsed and printed on a thread of its
/// own. prettyplease prints each top-level item by itself, so the joined text is the text of
/// the whole file.
pub fn rust_file_in_parts<P>(
    head: TokenStream,
    parts: &[P],
    header: &str,
    name: &str,
) -> GenResult<String>
where
    P: Fn() -> TokenStream + Sync,
{
    let mut out = rust_file(head, header, name)?;
    let texts = parts
        .par_iter()
        .map(|part| unparse(part(), name))
        .collect::<GenResult<Vec<String>>>()?;
    for text in texts {
        out.push_str(&text);
    }
    Ok(out)
}

fn unparse(tokens: TokenStream, name: &str) -> GenResult<String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| GenError::msg(format!("generated {name} is not valid Rust: {e}")))?;
    Ok(prettyplease::unparse(&file))
}
