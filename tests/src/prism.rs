//! Starting and stopping a Prism mock server for the tests of this workspace.
//!
//! Prism is installed from `tests/prism/package-lock.json` with
//! `npm ci --prefix tests/prism`. It serves the operations of the OpenAPI
//! document at the root of its address: a path such as `/v2/calls` from the
//! production API is served as `/calls`, so [`PrismServer::base_url`] is what
//! the SDK should be pointed at.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Name of the environment variable that points at the OpenAPI document.
///
/// A relative value is taken relative to the workspace root.
pub const SPEC_ENV: &str = "TELNYX_OPENAPI_SPEC";

/// How long a freshly started Prism gets to answer its first HTTP request.
///
/// Loading the full Telnyx document takes 6-8 seconds on a 2-core machine;
/// the margin covers a machine that is busy compiling at the same time.
pub const STARTUP_DEADLINE: Duration = Duration::from_secs(90);

/// Shell wrapper that runs Prism and ties its life to a pipe on fd 0.
///
/// The wrapper keeps a copy of its standard input as fd 3, starts Prism in the
/// background, and starts a watcher that blocks reading fd 3. The write end of
/// that pipe is held by [`PrismServer`]; when the test process goes away for
/// any reason (normal exit, panic, a signal) the pipe closes, the read returns
/// and the watcher stops Prism. The wrapper itself waits for Prism, so an early
/// crash of Prism is seen as the wrapper exiting.
const WRAPPER: &str = r#"exec 3<&0
"$@" </dev/null &
prism_pid=$!
{ read -r _ <&3; kill -TERM "$prism_pid" 2>/dev/null; } &
wait "$prism_pid"
"#;

/// A running Prism mock server, stopped when the value is dropped.
///
/// Prism runs in a process group of its own; dropping the value terminates
/// the whole group, which also happens while a failing test unwinds.
#[derive(Debug)]
pub struct PrismServer {
    base_url: String,
    spec: PathBuf,
    log_path: PathBuf,
    child: Child,
    /// Held only for its lifetime: closing it makes the wrapper stop Prism.
    _lifeline: ChildStdin,
}

impl PrismServer {
    /// Starts Prism on the document named by [`SPEC_ENV`].
    ///
    /// Fails (rather than skipping) when the variable is unset, the document
    /// or the Prism install is missing, or Prism does not come up in time.
    pub fn start() -> Result<PrismServer, String> {
        PrismServer::start_with_spec(&spec_path_from_env()?)
    }

    /// Starts Prism on the given OpenAPI document.
    ///
    /// A relative path is taken relative to the workspace root.
    pub fn start_with_spec(spec: &Path) -> Result<PrismServer, String> {
        let root = workspace_root();
        let spec = if spec.is_absolute() {
            spec.to_path_buf()
        } else {
            root.join(spec)
        };
        if !spec.is_file() {
            return Err(format!(
                "OpenAPI document {} does not exist (set {SPEC_ENV} to the spec file)",
                spec.display()
            ));
        }
        let prism = prism_binary()?;
        let port = free_port()?;

        let log_dir = target_dir().join("prism-logs");
        fs::create_dir_all(&log_dir)
            .map_err(|e| format!("cannot create {}: {e}", log_dir.display()))?;
        let log_path = log_dir.join(format!("prism-{}-{port}.log", std::process::id()));
        let log = File::create(&log_path)
            .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
        let log_err = log
            .try_clone()
            .map_err(|e| format!("cannot share {}: {e}", log_path.display()))?;

        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(WRAPPER)
            .arg("prism-wrapper")
            .arg(&prism)
            .args(prism_args(&spec, port))
            .current_dir(&root)
            .stdin(Stdio::piped())
            .stdout(log)
            .stderr(log_err)
            .process_group(0);
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", prism.display()))?;
        let lifeline = child
            .stdin
            .take()
            .ok_or_else(|| "the Prism wrapper has no stdin pipe".to_string())?;

        let mut server = PrismServer {
            base_url: format!("http://127.0.0.1:{port}"),
            spec,
            log_path,
            child,
            _lifeline: lifeline,
        };
        server.wait_until_ready(port)?;
        Ok(server)
    }

    /// One Prism for the whole test binary, started on first use.
    ///
    /// The server is never dropped, but it still stops when the test process
    /// exits, because its lifeline pipe closes then. A failed start is
    /// remembered, so every caller gets the same error.
    pub fn shared() -> Result<&'static PrismServer, String> {
        static SHARED: OnceLock<Result<PrismServer, String>> = OnceLock::new();
        SHARED
            .get_or_init(PrismServer::start)
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Address to point the SDK at, e.g. `http://127.0.0.1:40123` (no `/v2`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The OpenAPI document this server mocks.
    pub fn spec(&self) -> &Path {
        &self.spec
    }

    /// File that receives Prism's standard output and error.
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// The last `lines` lines of Prism's log, for failure messages.
    pub fn log_tail(&self, lines: usize) -> String {
        log_tail(&self.log_path, lines)
    }

    fn wait_until_ready(&mut self, port: u16) -> Result<(), String> {
        let started = Instant::now();
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        loop {
            if answers_http(addr) {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "Prism exited ({status}) before serving; last lines of {}:\n{}",
                    self.log_path.display(),
                    self.log_tail(30)
                ));
            }
            if started.elapsed() > STARTUP_DEADLINE {
                return Err(format!(
                    "Prism did not answer on {} within {}s; last lines of {}:\n{}",
                    self.base_url,
                    STARTUP_DEADLINE.as_secs(),
                    self.log_path.display(),
                    self.log_tail(30)
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for PrismServer {
    fn drop(&mut self) {
        let group = self.child.id() as libc::pid_t;
        // SAFETY: the group id is the pid of our own child, which started the
        // group (`process_group(0)`) and has not been reaped yet.
        unsafe {
            libc::kill(-group, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Ok(None) => {
                    // SAFETY: as above; the child is still unreaped.
                    unsafe {
                        libc::kill(-group, libc::SIGKILL);
                    }
                    let _ = self.child.wait();
                    break;
                }
            }
        }
        // Prism or the watcher may outlive the wrapper by a moment.
        // SAFETY: the group is empty or holds only processes we started.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
}

/// Command-line arguments given to `prism` after the binary name.
///
/// `--dynamic false` serves the examples written in the document, so answers
/// are the same on every run. `--errors` is deliberately left out: without it,
/// a response example that breaks its own schema is still served (and reported
/// in `sl-violations`), instead of being replaced by a 500.
pub fn prism_args(spec: &Path, port: u16) -> Vec<String> {
    vec![
        "mock".into(),
        "--host".into(),
        "127.0.0.1".into(),
        "--port".into(),
        port.to_string(),
        "--dynamic".into(),
        "false".into(),
        spec.display().to_string(),
    ]
}

/// Root of the cargo workspace (the parent of the `tests` crate).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The OpenAPI document named by [`SPEC_ENV`], resolved against the workspace root.
pub fn spec_path_from_env() -> Result<PathBuf, String> {
    let value = std::env::var_os(SPEC_ENV).ok_or_else(|| {
        format!(
            "{SPEC_ENV} is not set; point it at the Telnyx OpenAPI document \
             (CI uses ../shared/telnyx-openapi/spec3.yml, relative to the workspace root)"
        )
    })?;
    let path = PathBuf::from(value);
    Ok(if path.is_absolute() {
        path
    } else {
        workspace_root().join(path)
    })
}

/// The `prism` launcher installed under `tests/prism/node_modules`.
pub fn prism_binary() -> Result<PathBuf, String> {
    let bin = workspace_root().join("tests/prism/node_modules/.bin/prism");
    if bin.exists() {
        Ok(bin)
    } else {
        Err(format!(
            "Prism is not installed ({} is missing); run `npm ci --prefix tests/prism` \
             or `cargo xtask test`",
            bin.display()
        ))
    }
}

/// The cargo target directory the running test binary was built into.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        let dir = PathBuf::from(dir);
        return if dir.is_absolute() {
            dir
        } else {
            workspace_root().join(dir)
        };
    }
    // Test binaries live in `<target>/<profile>/deps/`.
    if let Ok(exe) = std::env::current_exe() {
        if let Some(target) = exe.ancestors().find(|p| p.join("CACHEDIR.TAG").is_file()) {
            return target.to_path_buf();
        }
    }
    workspace_root().join("target")
}

/// Asks the OS for a port on 127.0.0.1 that is free right now.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("cannot bind a port on 127.0.0.1: {e}"))?;
    let port = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound port: {e}"))?
        .port();
    Ok(port)
}

/// True once something on `addr` answers a plain HTTP request with a status line.
fn answers_http(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}

fn log_tail(path: &Path, lines: usize) -> String {
    match fs::read_to_string(path) {
        Ok(text) => {
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(cannot read {}: {e})", path.display()),
    }
}
