//! What the runtime measurements need before they start: nginx for the stub API, and the
//! release bench binaries.

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::task_common::{cargo, describe, io_error, path_str, run_step, write_file};

/// Finds nginx, installing it from Debian when running as root.
pub fn ensure_nginx() -> Result<PathBuf, String> {
    if let Some(found) = find_nginx() {
        return Ok(found);
    }
    if !is_root() {
        return Err("nginx is not installed; install it (for example \
             `sudo apt-get install -y nginx-light`) and run `cargo xtask bench` again"
            .to_owned());
    }
    let mut update = Command::new("apt-get");
    update.args(["update", "-qq"]);
    run_step("bench", update)?;
    let mut light = Command::new("apt-get");
    light.args(["install", "-y", "-qq", "nginx-light"]);
    if run_step("bench", light).is_err() {
        let mut full = Command::new("apt-get");
        full.args(["install", "-y", "-qq", "nginx"]);
        run_step("bench", full)?;
    }
    find_nginx().ok_or_else(|| "nginx was installed but cannot be found".to_owned())
}

/// `nginx` on `PATH`, or in the sbin directories Debian installs it to.
fn find_nginx() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join("nginx"))
        .find(|candidate| candidate.is_file())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// Builds with `cargo build ARGS` and returns the paths of the executables
/// produced for the targets called `names`, in that order.
pub fn cargo_build_executables(
    repo_root: &Path,
    args: &[&str],
    names: &[&str],
) -> Result<Vec<PathBuf>, String> {
    let mut build = cargo(repo_root);
    build
        .arg("build")
        .args(args)
        .arg("--message-format=json-render-diagnostics")
        .stderr(Stdio::inherit());
    let shown = describe(&build);
    println!("xtask bench: running {shown}");
    let output = build
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{shown} failed ({})", output.status));
    }
    let messages: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|msg| msg["reason"] == "compiler-artifact")
        .collect();
    names
        .iter()
        .map(|name| {
            messages
                .iter()
                .filter(|msg| msg["target"]["name"] == *name)
                .find_map(|msg| msg["executable"].as_str().map(PathBuf::from))
                .ok_or_else(|| format!("{shown} produced no executable called {name}"))
        })
        .collect()
}

/// An nginx child process serving `xtask/bench/nginx.conf` on a free port;
/// stopped when dropped.
pub struct NginxStub {
    child: Child,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
}

impl NginxStub {
    /// Starts nginx with the bench configuration and waits until it accepts connections.
    pub fn start(nginx: &Path, repo_root: &Path, bench_dir: &Path) -> Result<NginxStub, String> {
        let prefix = bench_dir.join("nginx");
        fs::create_dir_all(&prefix).map_err(|e| io_error(&prefix, e))?;
        let template_path = repo_root.join("xtask/bench/nginx.conf");
        let template =
            fs::read_to_string(&template_path).map_err(|e| io_error(&template_path, e))?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|e| format!("cannot find a free port: {e}"))?
            .port();
        let config = template
            .replace("@PREFIX@", path_str(&prefix)?)
            .replace("@PORT@", &port.to_string());
        let config_path = prefix.join("nginx.conf");
        write_file(&config_path, &config)?;
        // `-e` keeps nginx from opening its packaged log path before reading
        // the configuration (which fails without root).
        let child = Command::new(nginx)
            .arg("-p")
            .arg(&prefix)
            .arg("-e")
            .arg(prefix.join("error.log"))
            .arg("-c")
            .arg(&config_path)
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", nginx.display()))?;
        let mut stub = NginxStub { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                println!("xtask bench: nginx stub listening on 127.0.0.1:{port}");
                return Ok(stub);
            }
            if let Ok(Some(status)) = stub.child.try_wait() {
                return Err(format!(
                    "nginx exited at start ({status}); see {}",
                    prefix.join("error.log").display()
                ));
            }
            if Instant::now() > deadline {
                return Err("nginx did not start listening within 10 s".to_owned());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for NginxStub {
    fn drop(&mut self) {
        // The configuration runs a single process (no master), so stopping
        // this child stops the whole server.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
