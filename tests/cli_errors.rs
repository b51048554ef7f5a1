//! `qalam check` on inputs that cannot be checked: invalid UTF-8, a binary file, a directory, a
//! missing file, an unreadable file, stdin closed or cut inside a character. Each gets one clear
//! message on stderr naming the file, the run exits 2, and every other file is still checked
//! and printed, in order.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/sample.txt");
const QALAM: &str = env!("CARGO_BIN_EXE_qalam");

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::run_qalam(args, stdin)
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The paths whose summary the text report printed, in order.
fn reported(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.split_once(": Entities (").map(|(p, _)| p.to_owned()))
        .collect()
}

fn is_root() -> bool {
    // Effective uid 0: permission bits do not stop reading.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

#[test]
fn every_bad_input_is_named_and_the_good_ones_are_checked() {
    let dir = scratch("cli_errors_all");
    let good = dir.join("good.txt");
    std::fs::write(&good, "قال الوزير: «سنواصل العمل».\n").expect("write");
    let latin1 = dir.join("latin1.txt");
    std::fs::write(&latin1, b"\xab\xe9t\xe9\xbb arabic \xe0 la fin\n").expect("write");
    // A PNG header: invalid UTF-8 at byte 0, NUL bytes within the first 8000.
    let png = dir.join("image.png");
    std::fs::write(
        &png,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06",
    )
    .expect("write");
    let folder = dir.join("folder.txt");
    std::fs::create_dir_all(&folder).expect("mkdir");
    let missing = dir.join("missing.txt");
    // A path through a regular file: ENOTDIR, unreadable even for root.
    let through_file = good.join("inside.txt");

    let paths: Vec<String> = [&good, &latin1, &png, &folder, &missing, &through_file]
        .iter()
        .map(|p| p.to_str().expect("UTF-8 path").to_owned())
        .collect();
    let mut args = vec!["check"];
    args.extend(paths.iter().map(String::as_str));
    args.push(SAMPLE);
    let output = run(&args, None);
    assert_eq!(output.status.code(), Some(2));
    let err = text(&output.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            format!("qalam: {}: invalid UTF-8 at byte offset 0", paths[1]),
            format!(
                "qalam: {}: binary file, not UTF-8 text (invalid UTF-8 at byte offset 0)",
                paths[2]
            ),
            format!("qalam: {}: is a directory", paths[3]),
            format!(
                "qalam: {}: cannot read: No such file or directory (os error 2)",
                paths[4]
            ),
            format!(
                "qalam: {}: cannot read: Not a directory (os error 20)",
                paths[5]
            ),
        ],
        "{err}"
    );
    assert_eq!(reported(&text(&output.stdout)), [paths[0].as_str(), SAMPLE]);
}

#[test]
fn an_unreadable_file() {
    let dir = scratch("cli_errors_unreadable");
    let locked = dir.join("locked.txt");
    std::fs::write(&locked, "نص سري\n").expect("write");
    let locked = locked.to_str().expect("UTF-8 path");
    // /proc/self/mem of the reading process cannot be read from offset 0 (EIO), even by root.
    let mem = "/proc/self/mem";
    let output = run(&["check", mem, SAMPLE], None);
    assert_eq!(output.status.code(), Some(2));
    let err = text(&output.stderr);
    assert!(
        err.starts_with(&format!("qalam: {mem}: cannot read: ")),
        "{err}"
    );
    assert_eq!(reported(&text(&output.stdout)), [SAMPLE]);

    // Permission bits: root reads through them, so this half runs only for other users.
    if is_root() {
        eprintln!("running as root: chmod 000 does not stop reading; permission case skipped");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let output = run(&["check", locked, SAMPLE], None);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr).trim_end(),
        format!("qalam: {locked}: cannot read: Permission denied (os error 13)")
    );
    assert_eq!(reported(&text(&output.stdout)), [SAMPLE]);
}

#[test]
fn stdin_cut_inside_a_character() {
    // The writer stopped after the first byte of ب (0xD8 0xA8).
    let mut bytes = "قال: نعم ".as_bytes().to_vec();
    let offset = bytes.len();
    bytes.push(0xD8);
    let output = run(&["check", "-", SAMPLE], Some(&bytes));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr).trim_end(),
        format!("qalam: <stdin>: invalid UTF-8 at byte offset {offset}")
    );
    assert_eq!(reported(&text(&output.stdout)), [SAMPLE]);
}

/// Runs `qalam check - SAMPLE` through `sh` with stdin redirected by `redirect`.
fn check_with_stdin(redirect: &str) -> Output {
    let script = format!("exec '{QALAM}' check - '{SAMPLE}' {redirect}");
    Command::new("sh")
        .args(["-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("sh runs")
}

#[test]
fn stdin_that_cannot_be_read() {
    // (A closed or write-only descriptor 0 reads as empty: Rust's standard library treats
    // EBADF on stdin as end of input.)
    let dir = scratch("cli_errors_stdin");
    // Standard input is a directory: EISDIR.
    let output = check_with_stdin(&format!("<'{}'", dir.display()));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr).trim_end(),
        "qalam: <stdin>: cannot read: Is a directory (os error 21)"
    );
    assert_eq!(reported(&text(&output.stdout)), [SAMPLE]);
}

#[test]
fn stdin_closed_before_the_run_reads_as_empty() {
    // `<&-`: the Rust runtime reopens a closed descriptor 0 on /dev/null before `main`, so a
    // closed stdin is an empty text (checked, nothing found), not an error.
    let output = check_with_stdin("<&-");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(reported(&text(&output.stdout)), ["<stdin>", SAMPLE]);
}

#[test]
fn stdin_at_end_of_input_is_an_empty_text() {
    // A client that closes stdin without writing: an empty document, checked, exit 0.
    let output = run(&["check", "--format", "json", "-"], Some(b""));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["files"][0]["path"], "<stdin>");
    assert_eq!(json["files"][0]["diagnostics"], serde_json::json!([]));
}

#[test]
fn valid_utf8_with_nul_bytes_is_text() {
    // NUL alone does not make a file binary: it is valid UTF-8 and is analysed.
    let output = run(&["check", "-"], Some("قال\0 الوزير: «نعم».\n".as_bytes()));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(reported(&text(&output.stdout)), ["<stdin>"]);
}
