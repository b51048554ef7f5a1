//! Real editors (Neovim 0.7 and 0.11, Emacs + eglot, VS Code 1.139 as code-server in headless
//! Chromium with the packaged extension) driven against this build's `qalam serve`, plus the VS
//! Code extension's build, unit tests and packaging, and the Helix configuration:
//! `tests/editors/run.sh`.
//!
//! The editors are installed by `.ci/run` (apt/pip/npm), which sets `QALAM_EDITOR_TESTS=1`;
//! without that variable this test only says how to run it, so that `cargo test` on a developer's
//! machine never installs packages.

use std::path::Path;
use std::process::Command;

#[test]
fn editors_drive_the_server() {
    if std::env::var("QALAM_EDITOR_TESTS").as_deref() != Ok("1") {
        eprintln!(
            "editor tests not run: set QALAM_EDITOR_TESTS=1 (as .ci/run does) to drive \
             Neovim, Emacs and VS Code (code-server)"
        );
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/editors/run.sh");
    let status = Command::new("bash")
        .arg(&script)
        .env("QALAM_BIN", env!("CARGO_BIN_EXE_qalam"))
        .status()
        .expect("bash runs tests/editors/run.sh");
    assert!(status.success(), "tests/editors/run.sh failed: {status}");
}
