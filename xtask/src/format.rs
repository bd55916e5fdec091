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

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    /// The assumption `rust_file_in_parts` rests on: printing items in parts and joining the
    /// texts gives the text of the whole file.
    #[test]
    fn a_file_printed_in_parts_reads_as_the_whole_file() {
        let head = quote! {
            //! Module docs.
            #![allow(clippy::too_many_arguments)]
            use serde::Serialize;
        };
        let parts = [
            || {
                quote! {
                    #[cfg(feature = "calls")]
                    mod m_call {
                        /// A call.
                        #[derive(Debug, Clone)]
                        pub struct Call { pub id: String, pub to: Option<Vec<String>> }
                    }
                    #[cfg(feature = "calls")]
                    pub use m_call::Call;
                }
            },
            || {
                quote! {
                    /// A state.
                    pub enum State { Parked, Bridged(String) }
                    impl State { pub fn is_parked(&self) -> bool { matches!(self, State::Parked) } }
                    macro_rules! nothing { () => {}; }
                }
            },
        ];
        let mut whole = head.clone();
        for part in &parts {
            whole.extend(part());
        }
        let whole = rust_file(whole, "// header\n", "test.rs").expect("whole file");
        let joined = rust_file_in_parts(head, &parts, "// header\n", "test.rs").expect("parts");
        assert_eq!(joined, whole);
        assert!(
            whole.contains("pub use m_call::Call;\n/// A state."),
            "{whole}"
        );
    }

    #[test]
    fn a_part_that_is_not_rust_names_the_file() {
        let parts = [|| quote!(pub struct)];
        let err = rust_file_in_parts(quote!(), &parts, "", "models.rs").expect_err("bad part");
        assert!(
            err.message
                .contains("generated models.rs is not valid Rust"),
            "{}",
            err.message
        );
    }
}
