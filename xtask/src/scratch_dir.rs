//! Folders the tests write into, removed when the test ends (pass or fail).

use std::ops::Deref;
use std::path::Path;

/// A fresh folder under the system's temp dir; it and its contents are deleted on drop, so a
/// test leaves nothing behind and two runs of it never share files.
pub struct ScratchDir(tempfile::TempDir);

impl ScratchDir {
    /// A new empty folder whose name starts with `xtask-{name}-`.
    pub fn new(name: &str) -> ScratchDir {
        let dir = tempfile::Builder::new()
            .prefix(&format!("xtask-{name}-"))
            .tempdir()
            .expect("a folder under the temp dir");
        ScratchDir(dir)
    }
}

impl Deref for ScratchDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for ScratchDir {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}
