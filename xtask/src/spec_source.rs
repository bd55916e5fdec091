//! Where the OpenAPI document comes from: the pin in `spec/pin.toml`, the three
//! places a copy may be found, the download into the local cache, and the
//! sha256 check that ties a copy to the pin.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{GenError, GenResult};

/// Environment variable naming a local copy of the spec.
pub const SPEC_ENV_VAR: &str = "TELNYX_OPENAPI_SPEC";

/// The pin file, relative to the repository root.
const PIN_FILE: &str = "spec/pin.toml";

/// The download cache folder, relative to the repository root (git-ignored).
const CACHE_DIR: &str = "spec/cache";

/// Largest download accepted, in bytes; the pinned document is about 4 MB.
const MAX_DOWNLOAD: u64 = 64 * 1024 * 1024;

/// The comment kept at the top of `spec/pin.toml` when it is rewritten.
const PIN_HEADER: &str = "# The upstream OpenAPI document the SDK is generated from. \
`cargo xtask spec pin PATH` rewrites this file.\n";

/// The exact upstream document the generator is built against, as recorded in `spec/pin.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// GitHub `owner/name` of the repository that publishes the document.
    pub repository: String,
    /// Full commit hash the document is taken from.
    pub commit: String,
    /// Path of the document inside that repository.
    pub path: String,
    /// Lower-case hex sha256 of the document's bytes.
    pub sha256: String,
}

impl Pin {
    /// Reads and checks `spec/pin.toml` under `repo_root`.
    pub fn load(repo_root: &Path) -> GenResult<Pin> {
        let file = repo_root.join(PIN_FILE);
        let text = fs::read_to_string(&file)
            .map_err(|e| GenError::msg(format!("cannot read the pin: {e}")).in_file(&file))?;
        let pin: Pin = toml::from_str(&text)
            .map_err(|e| GenError::msg(format!("malformed pin: {e}")).in_file(&file))?;
        pin.check().map_err(|e| e.in_file(&file))?;
        Ok(pin)
    }

    /// The raw download address of the pinned document.
    pub fn url(&self) -> String {
        format!(
            "https://raw.githubusercontent.com/{}/{}/{}",
            self.repository,
            self.commit,
            self.path.trim_start_matches('/')
        )
    }

    /// Writes this pin to `spec/pin.toml` under `repo_root`, replacing what is there.
    pub fn write(&self, repo_root: &Path) -> GenResult<()> {
        self.check()?;
        let file = repo_root.join(PIN_FILE);
        let body = toml::to_string(self)
            .map_err(|e| GenError::msg(format!("cannot encode the pin: {e}")).in_file(&file))?;
        if let Some(dir) = file.parent() {
            fs::create_dir_all(dir)
                .map_err(|e| GenError::msg(format!("cannot create folder: {e}")).in_file(dir))?;
        }
        fs::write(&file, format!("{PIN_HEADER}{body}"))
            .map_err(|e| GenError::msg(format!("cannot write the pin: {e}")).in_file(&file))
    }

    /// Rejects pins whose fields could not name a download or a digest.
    fn check(&self) -> GenResult<()> {
        let repo_ok = self.repository.split('/').count() == 2
            && self.repository.split('/').all(|part| !part.is_empty());
        if !repo_ok {
            return Err(GenError::msg(format!(
                "pin repository must be `owner/name`, found `{}`",
                self.repository
            )));
        }
        if self.commit.is_empty() || !self.commit.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(GenError::msg(format!(
                "pin commit must be a hex commit hash, found `{}`",
                self.commit
            )));
        }
        if self.path.is_empty() {
            return Err(GenError::msg("pin path is empty"));
        }
        if !is_sha256_hex(&self.sha256) {
            return Err(GenError::msg(format!(
                "pin sha256 must be 64 lower-case hex digits, found `{}`",
                self.sha256
            )));
        }
        Ok(())
    }
}

/// Which of the three lookup places a spec copy came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecOrigin {
    /// The path given with `--spec`.
    Flag,
    /// The path in the `TELNYX_OPENAPI_SPEC` environment variable.
    EnvVar,
    /// The download cache `spec/cache/<sha256>.yml`.
    Cache,
}

/// A spec copy read into memory, with where it came from and its digest.
#[derive(Debug, Clone)]
pub struct SpecFile {
    /// The file that was read.
    pub path: PathBuf,
    /// Which lookup place supplied it.
    pub origin: SpecOrigin,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Lower-case hex sha256 of `bytes`.
    pub sha256: String,
}

/// Finds the spec and reads it, then checks its digest against the pin.
///
/// Lookup order: `flag` (the `--spec` path), then the `TELNYX_OPENAPI_SPEC`
/// variable (a relative value is taken relative to `repo_root`), then the cache
/// file filled by `cargo xtask spec fetch`. A digest that differs from the pin
/// is an error unless `allow_unpinned` is set.
pub fn locate_and_read(
    repo_root: &Path,
    flag: Option<&Path>,
    pin: &Pin,
    allow_unpinned: bool,
) -> GenResult<SpecFile> {
    let env_value = std::env::var_os(SPEC_ENV_VAR).filter(|v| !v.is_empty());
    locate_with(
        repo_root,
        flag,
        env_value.as_deref().map(Path::new),
        pin,
        allow_unpinned,
    )
}

/// [`locate_and_read`] with the environment variable's value passed in, so tests need not set it.
fn locate_with(
    repo_root: &Path,
    flag: Option<&Path>,
    env_value: Option<&Path>,
    pin: &Pin,
    allow_unpinned: bool,
) -> GenResult<SpecFile> {
    let (path, origin) = if let Some(flag) = flag {
        (flag.to_path_buf(), SpecOrigin::Flag)
    } else if let Some(env) = env_value {
        (resolve(repo_root, env), SpecOrigin::EnvVar)
    } else {
        let cached = cache_path(repo_root, pin);
        if !cached.is_file() {
            return Err(GenError::msg(format!(
                "no OpenAPI spec found; give one of: `--spec PATH`, the environment variable \
                 {SPEC_ENV_VAR}=PATH, or run `cargo xtask spec fetch` to download the pinned \
                 copy into {}",
                Path::new(CACHE_DIR).join(cache_name(pin)).display()
            )));
        }
        (cached, SpecOrigin::Cache)
    };
    let bytes = fs::read(&path).map_err(|e| {
        let how = match origin {
            SpecOrigin::Flag => "given with --spec".to_string(),
            SpecOrigin::EnvVar => format!("named by {SPEC_ENV_VAR}"),
            SpecOrigin::Cache => "in the download cache".to_string(),
        };
        GenError::msg(format!("cannot read the spec {how}: {e}")).in_file(&path)
    })?;
    let sha256 = sha256_hex(&bytes);
    if sha256 != pin.sha256 && !allow_unpinned {
        return Err(GenError::msg(format!(
            "sha256 mismatch: the file has {sha256} but {PIN_FILE} pins {}; pass \
             --allow-unpinned to use it anyway, or run `cargo xtask spec pin PATH` to pin this copy",
            pin.sha256
        ))
        .in_file(&path));
    }
    Ok(SpecFile {
        path,
        origin,
        bytes,
        sha256,
    })
}

/// Downloads the pinned document into `spec/cache/<sha256>.yml` and returns that path.
///
/// The digest is checked before anything is written, and the file is written
/// under a temporary name then renamed, so the cache never holds a partial or
/// wrong copy. An existing cache file with the right digest is kept as is.
pub fn fetch(repo_root: &Path, pin: &Pin) -> GenResult<PathBuf> {
    let dest = cache_path(repo_root, pin);
    if let Ok(existing) = fs::read(&dest) {
        if sha256_hex(&existing) == pin.sha256 {
            return Ok(dest);
        }
    }
    let url = pin.url();
    let bytes = download(&url)?;
    let got = sha256_hex(&bytes);
    if got != pin.sha256 {
        return Err(GenError::msg(format!(
            "downloaded {url} has sha256 {got} but {PIN_FILE} pins {}; nothing was written",
            pin.sha256
        )));
    }
    store_atomically(&dest, &bytes)?;
    Ok(dest)
}

/// Fetches `url` into memory.
fn download(url: &str) -> GenResult<Vec<u8>> {
    let mut response = ureq::get(url)
        .call()
        .map_err(|e| GenError::msg(format!("download of {url} failed: {e}")))?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_DOWNLOAD)
        .read_to_vec()
        .map_err(|e| GenError::msg(format!("reading the download of {url} failed: {e}")))
}

/// Writes `bytes` next to `dest` under a temporary name, then renames it into place.
fn store_atomically(dest: &Path, bytes: &[u8]) -> GenResult<()> {
    let dir = dest.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)
        .map_err(|e| GenError::msg(format!("cannot create folder: {e}")).in_file(dir))?;
    let file_name = dest
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("spec.yml");
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    fs::write(&tmp, bytes)
        .map_err(|e| GenError::msg(format!("cannot write: {e}")).in_file(&tmp))?;
    fs::rename(&tmp, dest).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        GenError::msg(format!("cannot move the download into place: {e}")).in_file(dest)
    })
}

/// Re-pins to the copy at `path`: recomputes its sha256, keeps repository,
/// commit and path, writes `spec/pin.toml`, prints the old and new digest, and
/// returns the new pin.
pub fn pin_file(repo_root: &Path, path: &Path) -> GenResult<Pin> {
    let bytes = fs::read(path)
        .map_err(|e| GenError::msg(format!("cannot read the spec to pin: {e}")).in_file(path))?;
    let old = Pin::load(repo_root)?;
    let new = Pin {
        sha256: sha256_hex(&bytes),
        ..old.clone()
    };
    new.write(repo_root)?;
    println!("sha256 {} -> {}", old.sha256, new.sha256);
    Ok(new)
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest.iter() {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// Runs `spec fetch` or `spec pin PATH`; `args` are the words after `spec`.
///
/// The repository root is the parent of the xtask crate's folder.
pub fn run_spec_command(args: &[String]) -> GenResult<()> {
    let root = repo_root();
    match args {
        [cmd] if cmd == "fetch" => {
            let pin = Pin::load(&root)?;
            let path = fetch(&root, &pin)?;
            println!("{}", path.strip_prefix(&root).unwrap_or(&path).display());
            Ok(())
        }
        [cmd, path] if cmd == "pin" => pin_file(&root, Path::new(path)).map(|_| ()),
        _ => Err(GenError::msg(
            "usage: cargo xtask spec fetch | cargo xtask spec pin PATH".to_string(),
        )),
    }
}

/// The workspace root: the folder holding the xtask crate.
pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Where `fetch` stores the pinned copy.
fn cache_path(repo_root: &Path, pin: &Pin) -> PathBuf {
    repo_root.join(CACHE_DIR).join(cache_name(pin))
}

/// File name of the cached copy for `pin`.
fn cache_name(pin: &Pin) -> String {
    format!("{}.yml", pin.sha256)
}

/// `path` as is when absolute, else under `repo_root`.
fn resolve(repo_root: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        repo_root.join(path)
    }
}

/// True for 64 lower-case hex digits.
fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scratch_dir::ScratchDir;

    /// A fresh folder with an empty `spec/`, removed when the test ends.
    fn scratch(name: &str) -> ScratchDir {
        let dir = ScratchDir::new(&format!("spec-{name}"));
        fs::create_dir_all(dir.join("spec")).expect("scratch dir");
        dir
    }

    fn pin_for(bytes: &[u8]) -> Pin {
        Pin {
            repository: "example/specs".into(),
            commit: "0123456789abcdef0123456789abcdef01234567".into(),
            path: "openapi/spec.yml".into(),
            sha256: sha256_hex(bytes),
        }
    }

    #[test]
    fn sha256_of_empty_input() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn pin_round_trips_and_builds_url() {
        let root = scratch("pin");
        let pin = pin_for(b"abc");
        pin.write(&root).unwrap();
        let text = fs::read_to_string(root.join(PIN_FILE)).unwrap();
        assert!(text.starts_with('#'));
        assert_eq!(Pin::load(&root).unwrap(), pin);
        assert_eq!(
            pin.url(),
            "https://raw.githubusercontent.com/example/specs/\
             0123456789abcdef0123456789abcdef01234567/openapi/spec.yml"
        );
    }

    #[test]
    fn malformed_pin_is_an_error_naming_the_file() {
        let root = scratch("badpin");
        fs::write(root.join(PIN_FILE), "repository = \"x\"\n").unwrap();
        let err = Pin::load(&root).unwrap_err();
        assert!(err.file.unwrap().ends_with(PIN_FILE));
    }

    #[test]
    fn lookup_order_flag_then_env_then_cache() {
        let root = scratch("order");
        let body = b"openapi: 3.1.0\n";
        let pin = pin_for(body);
        let flag = root.join("flag.yml");
        let env = root.join("env.yml");
        fs::write(&flag, body).unwrap();
        fs::write(&env, body).unwrap();
        fs::create_dir_all(root.join(CACHE_DIR)).unwrap();
        fs::write(cache_path(&root, &pin), body).unwrap();

        let got = locate_with(&root, Some(&flag), Some(Path::new("env.yml")), &pin, false).unwrap();
        assert_eq!((got.origin, got.path), (SpecOrigin::Flag, flag.clone()));
        let got = locate_with(&root, None, Some(Path::new("env.yml")), &pin, false).unwrap();
        assert_eq!((got.origin, got.path), (SpecOrigin::EnvVar, env));
        let got = locate_with(&root, None, None, &pin, false).unwrap();
        assert_eq!(got.origin, SpecOrigin::Cache);
        assert_eq!(got.sha256, pin.sha256);
    }

    #[test]
    fn missing_everywhere_names_all_three_ways() {
        let root = scratch("missing");
        let err = locate_with(&root, None, None, &pin_for(b"x"), false).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("--spec"), "{text}");
        assert!(text.contains(SPEC_ENV_VAR), "{text}");
        assert!(text.contains("spec fetch"), "{text}");
    }

    #[test]
    fn sha_mismatch_names_both_hashes_and_the_ways_out() {
        let root = scratch("mismatch");
        let file = root.join("other.yml");
        fs::write(&file, b"something else").unwrap();
        let pin = pin_for(b"pinned");
        let err = locate_with(&root, Some(&file), None, &pin, false).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(&pin.sha256), "{text}");
        assert!(text.contains(&sha256_hex(b"something else")), "{text}");
        assert!(text.contains("--allow-unpinned"), "{text}");
        assert!(text.contains("spec pin"), "{text}");
        assert_eq!(err.file.as_deref(), Some(file.as_path()));
        let ok = locate_with(&root, Some(&file), None, &pin, true).unwrap();
        assert_ne!(ok.sha256, pin.sha256);
    }

    #[test]
    fn pin_file_updates_only_the_digest() {
        let root = scratch("repin");
        let old = pin_for(b"old");
        old.write(&root).unwrap();
        let file = root.join("new.yml");
        fs::write(&file, b"new").unwrap();
        let new = pin_file(&root, &file).unwrap();
        assert_eq!(new.sha256, sha256_hex(b"new"));
        assert_eq!(
            (new.repository, new.commit, new.path),
            (old.repository, old.commit, old.path)
        );
        assert_eq!(Pin::load(&root).unwrap().sha256, sha256_hex(b"new"));
    }

    #[test]
    fn atomic_store_leaves_no_temp_file() {
        let root = scratch("store");
        let dest = root.join(CACHE_DIR).join("x.yml");
        store_atomically(&dest, b"data").unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"data");
        let names: Vec<_> = fs::read_dir(dest.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}
