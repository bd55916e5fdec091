//! The one error type of the generator: every failure names where it happened.

use std::fmt;
use std::path::{Path, PathBuf};

/// A failure of a generator stage, located by file and JSON pointer when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenError {
    /// The file being read or written, when the error concerns one.
    pub file: Option<PathBuf>,
    /// JSON pointer into the spec (`#/paths/~1calls/post/requestBody`), when the error concerns a node.
    pub pointer: Option<String>,
    /// What went wrong, for a person.
    pub message: String,
}

/// Result of a generator stage.
pub type GenResult<T> = Result<T, GenError>;

impl GenError {
    /// An error with a message only.
    pub fn msg(message: impl Into<String>) -> Self {
        GenError {
            file: None,
            pointer: None,
            message: message.into(),
        }
    }

    /// An error at a node of the spec.
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        GenError {
            file: None,
            pointer: Some(pointer.into()),
            message: message.into(),
        }
    }

    /// Attaches the file the error concerns (keeps one already set).
    pub fn in_file(mut self, file: &Path) -> Self {
        if self.file.is_none() {
            self.file = Some(file.to_path_buf());
        }
        self
    }
}

impl fmt::Display for GenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        if let Some(pointer) = &self.pointer {
            write!(f, "{pointer}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for GenError {}

/// Escapes one JSON pointer segment (RFC 6901: `~` as `~0`, `/` as `~1`).
pub fn escape_pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Builds `#/a/b/c` from unescaped segments.
pub fn pointer<I, S>(segments: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::from("#");
    for segment in segments {
        out.push('/');
        out.push_str(&escape_pointer_segment(segment.as_ref()));
    }
    out
}
