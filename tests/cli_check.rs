//! `qalam check` as a process: text and JSON output, stdin, exit codes 0/1/2, and files that
//! cannot be checked (a directory, invalid UTF-8) while the others are still reported.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/sample.txt");

fn qalam(args: &[&str], stdin: Option<&[u8]>) -> Output {
    common::run_qalam(args, stdin)
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
    // Kinds keep their JSON names in both languages.
    assert!(out.contains(" person خالد العمري — الإشارات: "), "{out}");
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

/// `qalam check` on `text` given on stdin, text output.
fn check_stdin(text: &str) -> (Option<i32>, String) {
    let output = qalam(&["check", "-"], Some(text.as_bytes()));
    (output.status.code(), stdout(&output))
}

/// The JSON report of `text` given on stdin.
fn check_stdin_json(text: &str) -> Value {
    let output = qalam(&["check", "--format", "json", "-"], Some(text.as_bytes()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).expect("JSON")
}

#[test]
fn a_leading_byte_order_mark_is_not_counted() {
    // Editors strip the BOM: «في» (the second) is at column 4 (1-based), UTF-16 character 3.
    let text = "\u{FEFF}في في الصباح\nثم غادر";
    let (_, out) = check_stdin(text);
    assert!(
        out.lines()
            .any(|l| l.starts_with("<stdin>:1:4: warning[repeated-word]")),
        "{out}"
    );
    let json = check_stdin_json(text);
    let d = &json["files"][0]["diagnostics"][0];
    assert_eq!(d["code"], "repeated-word");
    assert_eq!(
        d["range"],
        serde_json::json!({"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 5}})
    );
    // A file too, and only a leading BOM: one inside the text is text.
    let dir = scratch("bom");
    let file = dir.join("bom.txt");
    std::fs::write(&file, "\u{FEFF}قال إن إن الوضع هادئ").expect("write");
    let file = file.to_str().expect("utf-8 path");
    let out = stdout(&qalam(&["check", file], None));
    assert!(
        out.contains(&format!("{file}:1:8: warning[repeated-word]")),
        "{out}"
    );
}

#[test]
fn write_errors_are_reported_in_both_formats() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not Linux
    };
    for format in ["text", "json"] {
        let output = Command::new(env!("CARGO_BIN_EXE_qalam"))
            .args(["check", "--format", format, SAMPLE])
            .stdout(full.try_clone().expect("clone"))
            .stderr(Stdio::piped())
            .output()
            .expect("qalam runs");
        assert_eq!(output.status.code(), Some(2), "{format}");
        let err = stderr(&output);
        assert!(
            err.starts_with("qalam: cannot write output: "),
            "{format}: {err}"
        );
    }
}

#[test]
fn control_characters_are_escaped_in_text_output() {
    let text = "قال الوزير: «نعم\0لا\u{7}» ثم غادر\u{202E} القاعة.";
    let (code, out) = check_stdin(text);
    assert_eq!(code, Some(0));
    assert!(!out.contains(['\0', '\u{7}', '\u{202E}']), "{out:?}");
    assert!(out.contains("«نعم\\u{0}لا\\u{7}»"), "{out}");
    // JSON keeps the text as written (serde escapes it).
    let json = check_stdin_json(text);
    assert_eq!(json["files"][0]["quotes"][0]["text"], "نعم\0لا\u{7}");
}

#[test]
fn text_summary_uses_the_json_kind_names() {
    let text = std::fs::read_to_string(SAMPLE).expect("sample");
    let json = check_stdin_json(&text);
    let entities = json["files"][0]["entities"].as_array().expect("entities");
    assert!(!entities.is_empty());
    let (_, out) = check_stdin(&text);
    for e in entities {
        let line = format!(
            "  {} {} {} — ",
            e["id"].as_str().expect("id"),
            e["kind"].as_str().expect("kind"),
            e["name"].as_str().expect("name")
        );
        assert!(out.contains(&line), "{line}\n{out}");
    }
    for (lang, label) in [("en", "Entities"), ("ar", "")] {
        let output = qalam(&["check", "--lang", lang, SAMPLE], None);
        let out = stdout(&output);
        let kinds: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("  e"))
            .filter_map(|l| l.split(' ').nth(3))
            .collect();
        assert!(!kinds.is_empty() && out.contains(label), "{out}");
        for k in kinds {
            assert!(
                ["person", "organization", "location", "misc"].contains(&k),
                "{lang}: {k}"
            );
        }
    }
}

#[test]
fn a_flood_of_opening_marks_is_capped_and_quoted_short() {
    // 3,000 opening marks and nothing else: 1,000 unclosed-quote diagnostics at most, each short.
    let text = "«".repeat(3000);
    let output = qalam(&["check", "--format", "json", "-"], Some(text.as_bytes()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    let diagnostics = json["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics");
    let unclosed: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "unclosed-quote")
        .collect();
    assert_eq!(unclosed.len(), 1000);
    let cut = format!("{}…", "«".repeat(40));
    assert_eq!(
        unclosed[0]["message"],
        format!("Quotation mark ‘«’ is never closed: ‘{cut}’")
    );
    assert!(
        diagnostics
            .iter()
            .all(|d| d["message"].as_str().expect("message").chars().count() < 100)
    );
}

#[test]
fn an_unspaced_quotation_is_quoted_short() {
    let text = format!("قال الوزير: «{}", "ب".repeat(20_000));
    let (_, out) = check_stdin(&text);
    let cut = format!("{}…", "ب".repeat(40));
    let line = out
        .lines()
        .find(|l| l.contains("[unclosed-quote]"))
        .expect("unclosed-quote");
    assert_eq!(
        line,
        format!(
            "<stdin>:1:13: warning[unclosed-quote]: Quotation mark ‘«’ is never closed: ‘{cut}’"
        )
    );
    assert!(out.lines().all(|l| l.chars().count() < 120), "{out}");
}

#[test]
fn repeated_word_after_inna_and_persian_minority() {
    let (_, out) = check_stdin("إن الوضع الوضع صعب.\nوأكد أن الحرب الحرب انتهت.\n");
    assert!(
        out.contains("<stdin>:1:10: warning[repeated-word]: Word ‘الوضع’ is repeated"),
        "{out}"
    );
    assert!(
        out.contains("<stdin>:2:15: warning[repeated-word]: Word ‘الحرب’ is repeated"),
        "{out}"
    );
    // One Persian ی, one Arabic ي: the Persian spelling is the one reported.
    let (_, out) = check_stdin("وصل وزیر الخارجية.\nثم تحدث وزير الدفاع.\n");
    let found: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("[mixed-orthography]"))
        .collect();
    assert_eq!(
        found,
        [
            "<stdin>:1:5: information[mixed-orthography]: ‘وزیر’ is written ‘وزير’ elsewhere in this document (1×)"
        ]
    );
}
