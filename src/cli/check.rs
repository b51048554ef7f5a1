//! `qalam check`: analyse files, print diagnostics as text or the JSON report.
//!
//! Text output, per file: one line per diagnostic, `path:line:col: severity[code]: message`
//! (1-based line, 1-based column counted in characters), then a summary of its entities and
//! quotations. JSON output: `{"files":[…]}` as described in [`report`], ranges in the chosen
//! position encoding (UTF-16 by default).
//!
//! Exit codes: 0 on success; 1 when `--fail-on` is given and a diagnostic at or above that
//! severity was found; 2 on usage or I/O errors (unreadable file, directory, invalid UTF-8, a
//! binary file — the message on stderr names the file, and for invalid UTF-8 the byte offset of
//! the first invalid byte; stdin is named `<stdin>`). Files that cannot be read are skipped; the others are still checked and printed.
//! When the output cannot be written (a full disk, `/dev/full`, a closed pipe), the command
//! stops with exit code 2 and `qalam: cannot write output: …` on stderr — except for a pipe
//! closed by its reader (`qalam check … | head`), which ends the run quietly, also with 2.
//!
//! A UTF-8 byte order mark (U+FEFF) at the very start of a file is removed before analysis, as
//! editors do: every line, column and range is relative to the text after it. An invalid UTF-8
//! offset is still counted in the file's bytes.
//!
//! Each file's diagnostics are capped per code ([`crate::diagnostics::MAX_PER_CODE`]), and
//! messages quote at most [`crate::diagnostics::MAX_EXCERPT_CHARS`] characters of the text.
//! JSON is written file by file as each is checked.

pub mod report;

use std::io::{self, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use ropey::Rope;
use tower_lsp_server::ls_types::Uri;

use self::report::FileReport;
use super::Format;
use crate::diagnostics::{Lang, Severity};
use crate::text::position::PositionEncoding;

/// Arguments of `qalam check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Unit of the `character` field of JSON ranges.
    #[arg(long, default_value = "utf-16", value_parser = ["utf-8", "utf-16", "utf-32"])]
    pub position_encoding: String,
    /// Language of messages.
    #[arg(long, default_value = "en", value_parser = ["ar", "en"])]
    pub lang: String,
    /// Exit 1 when a diagnostic at or above this severity is found.
    #[arg(long, value_parser = ["error", "warning", "information", "hint"])]
    pub fail_on: Option<String>,
    /// Files to check; `-` reads stdin (reported as `<stdin>`).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Why a file could not be checked. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The path as given.
        path: String,
        /// The I/O error.
        source: io::Error,
    },
    /// The path names a directory.
    #[error("{path}: is a directory")]
    Directory {
        /// The path as given.
        path: String,
    },
    /// The file is binary: not UTF-8, with a NUL byte among its first [`BINARY_SNIFF_BYTES`]
    /// bytes (Git's heuristic).
    #[error("{path}: binary file, not UTF-8 text (invalid UTF-8 at byte offset {offset})")]
    Binary {
        /// The path as given.
        path: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The file is not UTF-8.
    #[error("{path}: invalid UTF-8 at byte offset {offset}")]
    InvalidUtf8 {
        /// The path as given.
        path: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The analysis panicked (a defect of qalam, reported instead of aborting the run).
    #[error("{path}: internal error: the analysis failed: {message}")]
    Analysis {
        /// The path as given.
        path: String,
        /// The panic message.
        message: String,
    },
}

/// How many leading bytes are searched for a NUL to tell a binary file from text that is merely
/// not UTF-8 (the heuristic of Git's `buffer_is_binary`, 8000 bytes). Valid UTF-8 text with NUL
/// bytes is still analysed.
pub const BINARY_SNIFF_BYTES: usize = 8000;

/// The name a path is reported under: `<stdin>` for `-`, else the path as given.
pub fn display_path(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads `path` (`-` = stdin) as UTF-8, without a leading byte order mark (U+FEFF).
///
/// # Errors
/// [`InputError::Directory`], [`InputError::Read`] (also for stdin closed or unreadable), or
/// [`InputError::Binary`] / [`InputError::InvalidUtf8`] (with the byte offset of the first
/// invalid byte; input that ends inside a multi-byte character is invalid there).
pub fn read_text(path: &Path) -> Result<String, InputError> {
    let shown = display_path(path);
    let bytes = if path == Path::new("-") {
        let mut buf = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .map_err(|source| InputError::Read {
                path: shown.clone(),
                source,
            })?;
        buf
    } else {
        if path.is_dir() {
            return Err(InputError::Directory { path: shown });
        }
        std::fs::read(path).map_err(|source| InputError::Read {
            path: shown.clone(),
            source,
        })?
    };
    let mut text = String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        let bytes = err.as_bytes();
        if bytes[..bytes.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
            InputError::Binary {
                path: shown,
                offset,
            }
        } else {
            InputError::InvalidUtf8 {
                path: shown,
                offset,
            }
        }
    })?;
    if text.starts_with('\u{FEFF}') {
        text.drain(..'\u{FEFF}'.len_utf8());
    }
    Ok(text)
}

/// The URI used in diagnostics' related locations: `file://` + the absolute path, or
/// `untitled:stdin` for stdin.
fn uri_for(path: &Path) -> Uri {
    let fallback = || {
        "untitled:stdin"
            .parse::<Uri>()
            .expect("a valid constant URI")
    };
    if path == Path::new("-") {
        return fallback();
    }
    Uri::from_file_path(path).unwrap_or_else(fallback)
}

/// One checked file.
struct Checked {
    path: String,
    text: String,
    rope: Rope,
    analysis: crate::Analysis,
}

fn check_file(path: &Path) -> Result<Checked, InputError> {
    let text = read_text(path)?;
    let analysis = catch_unwind(AssertUnwindSafe(|| crate::analyze(&text))).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_owned());
        InputError::Analysis {
            path: display_path(path),
            message,
        }
    })?;
    let rope = Rope::from_str(&text);
    Ok(Checked {
        path: display_path(path),
        text,
        rope,
        analysis,
    })
}

/// Reports a failed write of the output on stderr (quietly for a pipe its reader closed) and
/// returns exit code 2.
fn output_failed(err: &io::Error) -> ExitCode {
    if err.kind() != io::ErrorKind::BrokenPipe {
        eprintln!("qalam: cannot write output: {err}");
    }
    ExitCode::from(2)
}

/// Runs `qalam check`.
pub fn run(args: &CheckArgs) -> ExitCode {
    let encoding = PositionEncoding::parse(&args.position_encoding).unwrap_or_default();
    let lang = if args.lang == "ar" {
        Lang::Ar
    } else {
        Lang::En
    };
    let fail_on = args.fail_on.as_deref().and_then(Severity::parse);
    // The tagger model is parsed on a second thread while this one parses the lexicons (the
    // larger half of the start-up tables: `crate::analyze` asks for the model first, so
    // without this call the lexicons would be parsed only after the model) and reads the
    // first file; the analysis waits for the model.
    let _ = std::thread::Builder::new()
        .name("qalam-load-model".into())
        .spawn(|| {
            let _ = std::panic::catch_unwind(crate::ner::shipped);
        });
    crate::entities::lexicon::Lexicon::get();

    let mut input_errors = false;
    let mut reached = false;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let json = args.format == Format::Json;
    // JSON: `{"files":[` file, file… `]}`, each file written as soon as it is checked.
    let mut files_written = 0usize;
    if json && let Err(err) = out.write_all(b"{\"files\":[") {
        return output_failed(&err);
    }

    for path in &args.files {
        let checked = match check_file(path) {
            Ok(checked) => checked,
            Err(err) => {
                eprintln!("qalam: {err}");
                input_errors = true;
                continue;
            }
        };
        reached |= fail_on.is_some_and(|t| report::reaches(&checked.analysis, t));
        let written = if json {
            let file = FileReport::new(
                checked.path.clone(),
                &uri_for(path),
                &checked.text,
                &checked.rope,
                &checked.analysis,
                encoding,
                lang,
            );
            let comma: &[u8] = if files_written > 0 { b"," } else { b"" };
            out.write_all(comma)
                .and_then(|()| serde_json::to_writer(&mut out, &file).map_err(io::Error::from))
        } else {
            let text = report::text_report(
                &checked.path,
                &checked.text,
                &checked.rope,
                &checked.analysis,
                lang,
            );
            out.write_all(text.as_bytes())
        };
        if let Err(err) = written {
            return output_failed(&err);
        }
        files_written += 1;
    }

    let end: &[u8] = if json { b"]}\n" } else { b"" };
    if let Err(err) = out.write_all(end).and_then(|()| out.flush()) {
        return output_failed(&err);
    }

    if input_errors {
        ExitCode::from(2)
    } else if reached {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
