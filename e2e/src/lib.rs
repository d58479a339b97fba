//! End-to-end tests of the example apps (`example-axum`, `example-actix`, `example-rocket`):
//! in a real browser against the Clerk emulator of `clerk-testing` (`tests/browser.rs`), and
//! under hostile requests over raw sockets (`tests/hostile.rs`, run by `cargo test`).
//!
//! Run them with `.ci/browser-e2e`, or by hand:
//!
//! ```text
//! cargo build -p example-axum -p example-actix -p example-rocket
//! cargo test -p clerk-e2e --test browser -- --ignored --nocapture
//! ```
//!
//! They need Debian's `chromium` and `chromedriver` (`apt-get install chromium chromium-driver`).
//!
//! The library holds what the tests share: child processes killed with their process group,
//! scratch directories, free ports and the example binaries' location.

/// The repository README's examples, compiled as doc tests. They live here, not in a published
/// crate, because a published crate may only include files of its own directory; this crate has
/// clerk-core, clerk-testing and the three integrations as dev-dependencies.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct RepositoryReadme;

/// The examples of clerk-macros' README, compiled as doc tests: they need clerk-axum and axum,
/// which clerk-macros cannot depend on.
#[cfg(doctest)]
#[doc = include_str!("../../clerk-macros/README.md")]
pub struct ClerkMacrosReadme;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// A child process in its own process group, killed with its group when dropped (on failure
/// too).
#[derive(Debug)]
pub struct Guard {
    name: String,
    child: Child,
}

impl Guard {
    /// Starts `command` in its own process group, stdout and stderr to `log`.
    ///
    /// # Panics
    ///
    /// When the log cannot be created or the process cannot start.
    pub fn spawn(name: &str, mut command: Command, log: &Path) -> Self {
        use std::os::unix::process::CommandExt as _;
        let out = File::create(log).expect("create a log file");
        let err = out.try_clone().expect("clone the log file");
        command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Self {
            name: name.to_owned(),
            child,
        }
    }

    /// Panics (with the log) when the process has exited.
    pub fn assert_running(&mut self, log: &Path) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "{} exited during startup ({status}); its log:\n{}",
                self.name,
                tail(log, 60)
            );
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // The whole group: chromedriver's chromium processes too.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.child.id())])
                .stderr(Stdio::null())
                .status();
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A temporary directory for logs and the browser profile, removed at the end.
#[derive(Debug)]
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A new directory under the system's temporary directory.
    ///
    /// # Panics
    ///
    /// When the directory cannot be created.
    pub fn new(name: &str) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir =
            std::env::temp_dir().join(format!("clerk-e2e-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create a scratch directory");
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        } else {
            eprintln!("logs kept in {}", self.0.display());
        }
    }
}

/// A free TCP port on 127.0.0.1.
///
/// # Panics
///
/// When no port can be bound.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// The last `lines` lines of a log file.
pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// `example-*` next to this test's executable (`<target>/<profile>/deps/browser-…`), or in
/// `CLERK_E2E_BIN_DIR`.
///
/// # Panics
///
/// When the binary is not there (build the examples first).
pub fn example_binary(bin: &str) -> PathBuf {
    let dir = std::env::var_os("CLERK_E2E_BIN_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            let exe = std::env::current_exe().ok()?;
            Some(exe.parent()?.parent()?.to_path_buf())
        })
        .expect("locate the target directory");
    let path = dir.join(bin);
    assert!(
        path.is_file(),
        "{} not found: build the examples first (cargo build -p example-axum -p example-actix \
         -p example-rocket, with the same CARGO_TARGET_DIR), or set CLERK_E2E_BIN_DIR",
        path.display()
    );
    path
}
