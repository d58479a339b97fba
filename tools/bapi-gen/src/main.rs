//! Generates clerk-core's Backend API operations and models from Clerk's OpenAPI spec.
//!
//! ```text
//! cargo run -p clerk-bapi-gen            # write the generated files
//! cargo run -p clerk-bapi-gen -- --check # fail when they are stale (CI)
//! ```
//!
//! Inputs: `third_party/clerk-openapi/bapi/openapi.yaml` (the vendored spec) and
//! `tools/bapi-gen/manifest.yaml` (names, groups, hand-written operations and models).
//! Outputs, formatted with rustfmt:
//!
//! - `clerk-core/src/api/generated/` — one file per resource group (request builders) and
//!   `models.rs` (the response models the hand-written ones do not cover);
//! - `docs/backend-api.md` — the resource groups and their methods;
//! - `clerk-core/tests/generated/conformance.rs` — one Prism conformance case per generated
//!   operation, included by `clerk-core/tests/api_conformance.rs`.

mod emit;
mod naming;
mod schema;
mod spec;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => {
            eprintln!("usage: clerk-bapi-gen [--check]   (unknown argument {other:?})");
            return ExitCode::from(2);
        }
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    match run(&root, check) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(stale) => {
            eprintln!(
                "{stale} generated file(s) are stale: run `cargo run -p clerk-bapi-gen` and commit the result"
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("clerk-bapi-gen: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Generate everything; write it (or, with `check`, compare it). Returns how many files
/// differ from what is on disk.
fn run(root: &Path, check: bool) -> Result<usize, String> {
    let spec_path = root.join("third_party/clerk-openapi/bapi/openapi.yaml");
    let manifest_path = root.join("tools/bapi-gen/manifest.yaml");
    let spec = spec::load(&spec_path)?;
    let manifest = spec::Manifest::load(&manifest_path)?;
    let files = emit::generate(&spec, &manifest)?;

    let mut outputs: BTreeMap<PathBuf, String> = BTreeMap::new();
    for (rel, text) in files {
        let text = if rel.ends_with(".rs") {
            rustfmt(root, &text)?
        } else {
            text
        };
        outputs.insert(root.join(rel), text);
    }
    let generated_dir = root.join("clerk-core/src/api/generated");
    let mut stale = 0;
    // A group file left over from a group the manifest no longer has is stale too.
    if let Ok(entries) = std::fs::read_dir(&generated_dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if !outputs.contains_key(&path) {
                stale += 1;
                if check {
                    eprintln!("stale: {} (no longer generated)", path.display());
                } else {
                    std::fs::remove_file(&path)
                        .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
                }
            }
        }
    }
    for (path, text) in &outputs {
        let current = std::fs::read_to_string(path).unwrap_or_default();
        if current == *text {
            continue;
        }
        stale += 1;
        if check {
            eprintln!("stale: {}", path.display());
        } else {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            std::fs::write(path, text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(if check { stale } else { 0 })
}

/// Format with the workspace's rustfmt settings (stdin to stdout).
fn rustfmt(root: &Path, text: &str) -> Result<String, String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
        .args(["--edition", "2024", "--emit", "stdout", "--config-path"])
        .arg(root.join("rustfmt.toml"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("rustfmt: no stdin")?;
    let input = text.to_owned();
    // Write from a thread: rustfmt may fill its stdout pipe before reading all of stdin.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt failed: {e}"))?;
    writer
        .join()
        .map_err(|_| "rustfmt writer panicked".to_owned())?
        .map_err(|e| format!("cannot write to rustfmt: {e}"))?;
    if !out.status.success() {
        let dump = std::env::temp_dir().join("clerk-bapi-gen-unformatted.rs");
        let _ = std::fs::write(&dump, text);
        return Err(format!(
            "rustfmt rejected the generated code (saved to {}): {}",
            dump.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("rustfmt output is not UTF-8: {e}"))
}
