//! The command line: `qalam serve`, `qalam check`, and the evaluation and training commands.
//!
//! Exit codes: 0 success; 1 when `--fail-on` is given and a diagnostic at or above it was found;
//! 2 on usage or I/O errors (the message names the file).

pub mod check;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// qalam — who is named in Arabic prose, and who said what.
#[derive(Debug, Parser)]
#[command(name = "qalam", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Output format of `check`, `eval-ner` and `eval-doc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// JSON.
    Json,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Speak LSP on stdin/stdout.
    Serve {
        /// Accepted and ignored (VS Code passes it).
        #[arg(long)]
        stdio: bool,
    },
    /// Analyse files and print diagnostics, entities and quotations.
    Check(check::CheckArgs),
    /// Train the named-entity tagger on a CoNLL-style TSV file.
    TrainNer {
        /// Training data: `TOKEN<TAB>TAG` lines, blank line between sentences.
        #[arg(long)]
        train: PathBuf,
        /// Development data for model selection.
        #[arg(long)]
        dev: Option<PathBuf>,
        /// Where to write the model.
        #[arg(long)]
        out: PathBuf,
        /// Extra options, `key=value` (see `qalam train-ner --help`).
        #[arg(long = "set")]
        set: Vec<String>,
    },
    /// Tag a CoNLL-style TSV file and print `TOKEN<TAB>GOLD<TAB>PREDICTED` for conlleval.
    Tag {
        /// The file to tag.
        #[arg(long)]
        conll: PathBuf,
        /// Model file (default: the shipped model).
        #[arg(long)]
        model: Option<PathBuf>,
        /// Which recognizer labels the tokens: model, lexicon, combined, shipped or union.
        #[arg(long, default_value = "model")]
        system: String,
        /// Added to every token's `O` score in the tagger's last stage (negative favours
        /// recall); for choosing `train-ner --set o_bias=…` on dev.
        #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
        o_bias: f32,
    },
    /// Entity-level precision, recall and F1 of the tagger on a CoNLL-style TSV file.
    EvalNer {
        /// The gold file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Model file (default: the shipped model).
        #[arg(long)]
        model: Option<PathBuf>,
        /// What to evaluate: model (the tagger alone), lexicon (lexicon and rules alone), combined
        /// (the shipped combination in the CoNLL span convention), shipped (its raw output) or
        /// union.
        #[arg(long, default_value = "combined")]
        system: String,
        /// Added to every token's `O` score in the tagger's last stage (negative favours
        /// recall); for choosing `train-ner --set o_bias=…` on dev.
        #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
        o_bias: f32,
    },
    /// Evaluate whole-document analysis against a directory of articles with gold files.
    EvalDoc {
        /// Directory holding `NAME.txt` and `NAME.gold.json` pairs.
        dir: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// List each article's errors (missed and spurious entities, quotations, diagnostics).
        #[arg(long)]
        verbose: bool,
    },
}

/// Parses the command line and runs it. Logs go to stderr.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match cli.command {
        Command::Serve { stdio: _ } => match crate::lsp::serve_stdio() {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("qalam serve: {err:#}");
                ExitCode::from(2)
            }
        },
        Command::Check(args) => check::run(&args),
        Command::TrainNer {
            train,
            dev,
            out,
            set,
        } => report(crate::ner::cmd::train(&train, dev.as_deref(), &out, &set)),
        Command::Tag {
            conll,
            model,
            system,
            o_bias,
        } => report(crate::ner::cmd::tag(
            &conll,
            model.as_deref(),
            &system,
            o_bias,
        )),
        Command::EvalNer {
            file,
            format,
            model,
            system,
            o_bias,
        } => report(crate::ner::cmd::eval(
            &file,
            format,
            model.as_deref(),
            &system,
            o_bias,
        )),
        Command::EvalDoc {
            dir,
            format,
            verbose,
        } => report(crate::eval::run_with(&dir, format, verbose)),
    }
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("qalam: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("QALAM_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}
