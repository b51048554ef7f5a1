//! `qalam check` as a process: text and JSON output, stdin, exit codes 0/1/2, and files that
//! cannot be checked (a directory, invalid UTF-8) while the others are still reported.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/sample.txt");

fn qalam(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qalam"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("qalam runs");
    let mut pipe = child.stdin.take().expect("stdin");
    if let Some(bytes) = stdin {
        pipe.write_all(bytes).expect("write stdin");
    }
    drop(pipe);
    child.wait_with_output().expect("qalam finishes")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// 1-based line and character column of byte `offset` of `text`, counted here independently.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

#[test]
fn text_output_on_the_sample() {
    let text = std::fs::read_to_string(SAMPLE).expect("sample");
    let output = qalam(&["check", SAMPLE], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    // The deliberate slip: one فى among في.
    let offset = text.find("فى").expect("the slip");
    let (line, col) = line_col(&text, offset);
    let expected = format!("{SAMPLE}:{line}:{col}: information[mixed-orthography]: ");
    assert!(
        out.lines().any(|l| l.starts_with(&expected)),
        "{expected}\n{out}"
    );
    // Every line is a diagnostic, a summary heading or an indented summary entry.
    for l in out.lines() {
        let is_diagnostic = l.starts_with(&format!("{SAMPLE}:"))
            && l.contains(": ")
            && l.contains('[')
            && !l.ends_with("):");
        assert!(
            is_diagnostic || l.starts_with("  ") || l.ends_with("):"),
            "odd line: {l}"
        );
    }
    assert!(out.contains(&format!("{SAMPLE}: Entities (")), "{out}");
    assert!(out.contains(&format!("{SAMPLE}: Quotations (")), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("  e") && l.contains("person خالد العمري")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("  q1 «") && l.ends_with("— خالد العمري")),
        "{out}"
    );
}

#[test]
fn arabic_messages() {
    let output = qalam(&["check", "--lang", "ar", SAMPLE], None);
    assert_eq!(output.status.code(), Some(0));
    let out = stdout(&output);
    assert!(out.contains(": الكيانات ("), "{out}");
    assert!(out.contains("شخص خالد العمري"), "{out}");
    let diagnostic = out
        .lines()
        .find(|l| l.contains("[mixed-orthography]"))
        .expect("the slip");
    assert!(
        diagnostic
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "{diagnostic}"
    );
}

#[test]
fn json_report_shape() {
    let text = std::fs::read_to_string(SAMPLE).expect("sample");
    let output = qalam(&["check", "--format", "json", SAMPLE], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(keys(&json), ["files"]);
    let files = json["files"].as_array().expect("files");
    assert_eq!(files.len(), 1);
    let file = &files[0];
    assert_eq!(keys(file), ["diagnostics", "entities", "path", "quotes"]);
    assert_eq!(file["path"], SAMPLE);

    let entities = file["entities"].as_array().expect("entities");
    assert!(!entities.is_empty());
    for (i, e) in entities.iter().enumerate() {
        assert_eq!(
            keys(e),
            ["aliases", "id", "kind", "mentions", "name", "roles"]
        );
        assert_eq!(e["id"], format!("e{}", i + 1));
        assert!(
            ["person", "organization", "location", "misc"]
                .contains(&e["kind"].as_str().unwrap_or(""))
        );
        for m in e["mentions"].as_array().expect("mentions") {
            assert_eq!(keys(m), ["range", "text"]);
        }
    }
    let person = entities
        .iter()
        .find(|e| e["name"] == "خالد العمري")
        .expect("the minister");
    assert_eq!(person["kind"], "person");

    let quotes = file["quotes"].as_array().expect("quotes");
    assert!(!quotes.is_empty());
    for q in quotes {
        assert_eq!(
            keys(q),
            [
                "closed",
                "cue",
                "id",
                "nested_in",
                "range",
                "source",
                "speaker",
                "text"
            ]
        );
        assert!(q["closed"].is_boolean());
        if !q["speaker"].is_null() {
            assert_eq!(keys(&q["speaker"]), ["entity", "name", "range", "text"]);
        }
        if !q["cue"].is_null() {
            assert_eq!(keys(&q["cue"]), ["range", "text"]);
        }
        if !q["source"].is_null() {
            assert_eq!(keys(&q["source"]), ["entity", "name", "range"]);
        }
    }
    // The first quotation: text without its marks, range with them (UTF-16 = characters here).
    let open = text.find('«').expect("an opening mark");
    let close = text.find('»').expect("a closing mark");
    assert_eq!(quotes[0]["text"], &text[open + '«'.len_utf8()..close]);
    let (line, col) = line_col(&text, open);
    assert_eq!(quotes[0]["range"]["start"]["line"], line - 1);
    assert_eq!(quotes[0]["range"]["start"]["character"], col - 1);
    assert_eq!(quotes[0]["speaker"]["name"], "خالد العمري");

    let diagnostics = file["diagnostics"].as_array().expect("diagnostics");
    let slip = diagnostics
        .iter()
        .find(|d| d["code"] == "mixed-orthography")
        .expect("the slip");
    for key in ["code", "message", "range", "severity", "source"] {
        assert!(slip.get(key).is_some(), "{key} missing: {slip}");
    }
    assert_eq!(slip["source"], "qalam");
    let offset = text.find("فى").expect("the slip");
    let (line, col) = line_col(&text, offset);
    assert_eq!(
        slip["range"]["start"],
        serde_json::json!({"line": line - 1, "character": col - 1})
    );
}

#[test]
fn position_encoding_changes_json_columns() {
    let dir = scratch("encoding");
    let path = dir.join("emoji.txt");
    let text = "🙂🙂 قال فى البيت وقال في المدرسة وقال في السوق.\n";
    std::fs::write(&path, text).expect("write");
    let path = path.to_str().expect("utf-8 path");
    let column = |encoding: &str| {
        let output = qalam(
            &[
                "check",
                "--format",
                "json",
                "--position-encoding",
                encoding,
                path,
            ],
            None,
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let json: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
        let slip = json["files"][0]["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .find(|d| d["code"] == "mixed-orthography")
            .cloned()
            .expect("the slip");
        slip["range"]["start"]["character"]
            .as_u64()
            .expect("a column")
    };
    let prefix = &text[..text.find("فى").expect("slip")];
    assert_eq!(column("utf-16"), prefix.encode_utf16().count() as u64);
    assert_eq!(column("utf-8"), prefix.len() as u64);
    assert_eq!(column("utf-32"), prefix.chars().count() as u64);
}

#[test]
fn stdin_is_reported_as_stdin() {
    let text = std::fs::read(SAMPLE).expect("sample");
    let output = qalam(&["check", "--format", "json", "-"], Some(&text));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(json["files"][0]["path"], "<stdin>");
    let output = qalam(&["check", "-"], Some(&text));
    assert!(
        stdout(&output).lines().any(|l| l.starts_with("<stdin>:")),
        "{}",
        stdout(&output)
    );
}

#[test]
fn fail_on_sets_exit_code_one() {
    // The sample's only finding is information-level.
    let output = qalam(&["check", "--fail-on", "information", SAMPLE], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("[mixed-orthography]"),
        "output is still printed"
    );
    let output = qalam(&["check", "--fail-on", "hint", SAMPLE], None);
    assert_eq!(output.status.code(), Some(1));
    let output = qalam(&["check", "--fail-on", "warning", SAMPLE], None);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let output = qalam(
        &["check", "--fail-on", "error", "--format", "json", SAMPLE],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn unreadable_inputs_exit_two_and_the_rest_is_printed() {
    let dir = scratch("unreadable");
    let bad = dir.join("latin1.txt");
    let mut bytes = "قال: «نعم» ".as_bytes().to_vec();
    let offset = bytes.len();
    bytes.extend_from_slice(b"caf\xe9\n");
    std::fs::write(&bad, &bytes).expect("write");
    let bad = bad.to_str().expect("utf-8 path");
    let missing = dir.join("missing.txt");
    let missing = missing.to_str().expect("utf-8 path");
    let subdir = dir.join("folder");
    std::fs::create_dir_all(&subdir).expect("mkdir");
    let subdir = subdir.to_str().expect("utf-8 path");

    for format in ["text", "json"] {
        let output = qalam(
            &["check", "--format", format, subdir, bad, SAMPLE, missing],
            None,
        );
        assert_eq!(output.status.code(), Some(2), "{format}");
        let err = stderr(&output);
        assert!(err.contains(&format!("{subdir}: is a directory")), "{err}");
        assert!(
            err.contains(&format!(
                "{bad}: invalid UTF-8 at byte offset {}",
                offset + 3
            )),
            "{err}"
        );
        assert!(err.contains(missing), "{err}");
        let out = stdout(&output);
        if format == "json" {
            let json: Value = serde_json::from_str(&out).expect("JSON");
            let paths: Vec<&str> = json["files"]
                .as_array()
                .expect("files")
                .iter()
                .map(|f| f["path"].as_str().unwrap_or(""))
                .collect();
            assert_eq!(paths, [SAMPLE]);
        } else {
            assert!(out.contains(&format!("{SAMPLE}: Entities (")), "{out}");
            assert!(!out.contains(bad) && !out.contains(subdir));
        }
    }
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(qalam(&["check"], None).status.code(), Some(2));
    assert_eq!(
        qalam(&["check", "--format", "xml", SAMPLE], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        qalam(&["check", "--position-encoding", "utf-7", SAMPLE], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        qalam(&["check", "--fail-on", "fatal", SAMPLE], None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn clean_text_exits_zero_without_warnings() {
    let text = "قال المتحدث باسم الوزارة إن الاجتماع سيعقد في موعده.\n";
    let output = qalam(
        &["check", "--fail-on", "warning", "-"],
        Some(text.as_bytes()),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}
