//! `qalam check`: analyse files, print diagnostics as text or the JSON report.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::Format;

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

/// Runs `qalam check`.
pub fn run(args: &CheckArgs) -> ExitCode {
    let _ = args;
    todo!()
}
