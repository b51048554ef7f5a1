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

/// The VS Code extension's settings list every diagnostic code the server reports (on/off and
/// severity), and no other: a new code must be configurable there too.
#[test]
fn vscode_settings_list_every_diagnostic_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode/package.json");
    let text = std::fs::read_to_string(&path).expect("editors/vscode/package.json is readable");
    let package: serde_json::Value = serde_json::from_str(&text).expect("package.json is JSON");
    let properties = &package["contributes"]["configuration"]["properties"];
    let mut codes: Vec<&str> = qalam::diagnostics::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    codes.sort_unstable();
    for setting in ["qalam.diagnostics.enabled", "qalam.diagnostics.severity"] {
        let listed = properties[setting]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{setting} has properties"));
        let mut keys: Vec<&str> = listed.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, codes, "{setting} lists the server's codes");
    }
    let script = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode/src/config.ts"),
    )
    .expect("config.ts is readable");
    for code in &codes {
        assert!(
            script.contains(&format!("'{code}'")),
            "config.ts DIAGNOSTIC_CODES lists {code}"
        );
    }
}
