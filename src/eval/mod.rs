//! `qalam eval-doc`: whole-document evaluation against hand-made gold files.
//!
//! For every `NAME.txt` in a directory that has a `NAME.gold.json` beside it (schema:
//! `eval/README.md`, types: [`gold`]), the article is analysed with [`crate::analysis::analyze`]
//! and scored with [`score::score`] (entities, quotations, speakers, quoted names, diagnostics).
//! The report gives one row per article and micro-averaged totals, as text or JSON.
//!
//! Errors: an unreadable directory, article or gold file, or invalid gold JSON, ends the run
//! with an error naming the file (the CLI exits 2). An article on which the analysis panics is
//! reported as such, the others are still scored, and the run ends with an error naming it.

pub mod gold;
pub mod score;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Serialize;

use crate::cli::Format;
use gold::Gold;
use score::{Accuracy, Counts, DiagCounts, DocScore};

/// One article's result.
#[derive(Clone, Debug, Serialize)]
pub struct FileResult {
    /// The article's name (file stem, e.g. `01_politics_cairo`).
    pub file: String,
    /// True when the analysis panicked on it (then `score` is absent).
    pub panicked: bool,
    /// Its scores.
    #[serde(flatten)]
    pub score: Option<DocScore>,
}

/// Scores summed over all articles that were analysed (micro averages).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    /// Articles scored.
    pub articles: usize,
    /// Articles on which the analysis panicked.
    pub panicked: usize,
    /// Entity matching, all kinds.
    pub entities: Counts,
    /// Entity matching per kind.
    pub entities_by_kind: BTreeMap<String, Counts>,
    /// Quotation matching.
    pub quotes: Counts,
    /// Speaker accuracy over matched quotations.
    pub speakers: Accuracy,
    /// Closed-flag accuracy over matched quotations.
    pub closed: Accuracy,
    /// Quoted-name matching.
    pub quoted_names: Counts,
    /// Diagnostics per code.
    pub diagnostics: BTreeMap<String, DiagCounts>,
    /// Diagnostics summed over codes.
    pub diagnostics_all: DiagCounts,
    /// Articles whose gold expects no diagnostic.
    pub clean_articles: usize,
    /// Diagnostics (any severity) reported on clean articles.
    pub clean_false_alarms: usize,
    /// Diagnostics of severity warning or error reported on clean articles.
    pub clean_warnings: usize,
}

impl Totals {
    /// Sums the scored articles of `files`.
    pub fn of(files: &[FileResult]) -> Totals {
        let mut t = Totals::default();
        for f in files {
            let Some(s) = &f.score else {
                t.panicked += 1;
                continue;
            };
            t.articles += 1;
            t.entities.add(s.entities);
            for (kind, c) in &s.entities_by_kind {
                t.entities_by_kind.entry(kind.clone()).or_default().add(*c);
            }
            t.quotes.add(s.quotes);
            t.speakers.add(s.speakers);
            t.closed.add(s.closed);
            t.quoted_names.add(s.quoted_names);
            for (code, c) in &s.diagnostics {
                t.diagnostics.entry(code.clone()).or_default().add(*c);
            }
            t.diagnostics_all.add(s.diagnostics_total());
            if s.clean {
                t.clean_articles += 1;
                t.clean_false_alarms += s.diagnostics_total().false_alarms;
                t.clean_warnings += s.warnings;
            }
        }
        t
    }
}

/// The whole report (the JSON output).
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The directory evaluated.
    pub dir: String,
    /// One entry per article, in file-name order.
    pub files: Vec<FileResult>,
    /// Micro-averaged totals.
    pub totals: Totals,
}

/// Evaluates every `NAME.txt` in `dir` against `NAME.gold.json` and prints the scores to stdout;
/// with `verbose`, the text report also lists each article's errors (missed and
/// spurious entities and quotations, wrong speakers, missed diagnostics, false alarms). The JSON
/// report always holds them.
pub fn run_with(dir: &Path, format: Format, verbose: bool) -> anyhow::Result<()> {
    let report = evaluate(dir)?;
    match format {
        Format::Text => print!("{}", render_text(&report, verbose)),
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
    }
    let panicked: Vec<&str> = report
        .files
        .iter()
        .filter(|f| f.panicked)
        .map(|f| f.file.as_str())
        .collect();
    if !panicked.is_empty() {
        bail!(
            "the analysis panicked on {} article(s): {}",
            panicked.len(),
            panicked.join(", ")
        );
    }
    Ok(())
}

/// The article/gold pairs of `dir`, sorted by name: `(stem, NAME.txt, NAME.gold.json)`.
/// A `.txt` without a gold file is skipped (logged).
pub fn pairs(dir: &Path) -> anyhow::Result<Vec<(String, PathBuf, PathBuf)>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read directory", dir.display()))?;
    let mut out = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("{}: cannot read directory", dir.display()))?
            .path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let Some(stem) = path
            .file_stem()
            .and_then(|s| s.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        let gold = dir.join(format!("{stem}.gold.json"));
        if gold.is_file() {
            out.push((stem, path, gold));
        } else {
            tracing::warn!(
                "{}: no gold file {}, skipped",
                path.display(),
                gold.display()
            );
        }
    }
    out.sort();
    if out.is_empty() {
        bail!("{}: no NAME.txt with NAME.gold.json found", dir.display());
    }
    Ok(out)
}

/// Loads every pair of `dir` (all gold files are checked before any analysis runs), analyses and
/// scores each article.
pub fn evaluate(dir: &Path) -> anyhow::Result<Report> {
    let mut loaded = Vec::new();
    for (stem, txt, gold_path) in pairs(dir)? {
        let gold = Gold::load(&gold_path)?;
        let bytes = std::fs::read(&txt)
            .with_context(|| format!("{}: cannot read article", txt.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            anyhow::anyhow!(
                "{}: invalid UTF-8 at byte {}",
                txt.display(),
                e.utf8_error().valid_up_to()
            )
        })?;
        loaded.push((stem, text, gold));
    }
    let fold = |s: &str| crate::text::normalize::fold_str(s);
    let mut files = Vec::new();
    for (stem, text, gold) in loaded {
        let analysed = std::panic::catch_unwind(|| crate::analysis::analyze(&text));
        let score = match analysed {
            Ok(analysis) => {
                std::panic::catch_unwind(|| score::score(&text, &gold, &analysis, &fold)).ok()
            }
            Err(_) => None,
        };
        if score.is_none() {
            tracing::error!("{stem}: the analysis panicked");
        }
        files.push(FileResult {
            file: stem,
            panicked: score.is_none(),
            score,
        });
    }
    let totals = Totals::of(&files);
    Ok(Report {
        dir: dir.display().to_string(),
        files,
        totals,
    })
}

fn render_errors(o: &mut String, e: &score::Errors) {
    let groups: [(&str, &Vec<String>); 9] = [
        ("missed entities", &e.missed_entities),
        ("spurious entities", &e.spurious_entities),
        ("missed quotations", &e.missed_quotes),
        ("spurious quotations", &e.spurious_quotes),
        ("wrong speakers", &e.wrong_speakers),
        ("missed quoted names", &e.missed_quoted_names),
        ("spurious quoted names", &e.spurious_quoted_names),
        ("missed diagnostics", &e.missed_diagnostics),
        ("false alarms", &e.false_alarms),
    ];
    for (label, items) in groups {
        if !items.is_empty() {
            let _ = writeln!(o, "    {label}: {}", items.join(" | "));
        }
    }
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "  -  ".to_string(), |x| format!("{x:.3}"))
}

fn prf(c: &Counts) -> String {
    format!("{} {} {}", num(c.precision()), num(c.recall()), num(c.f1()))
}

fn acc(a: &Accuracy) -> String {
    format!("{} ({}/{})", num(a.value()), a.correct, a.total)
}

/// The text report: one row per article (with `verbose`, followed by its errors), then totals.
pub fn render_text(report: &Report, verbose: bool) -> String {
    let mut o = String::new();
    let width = report
        .files
        .iter()
        .map(|f| f.file.chars().count())
        .max()
        .unwrap_or(4)
        .max(7);
    let _ = writeln!(
        o,
        "qalam eval-doc {} ({} articles)",
        report.dir,
        report.files.len()
    );
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:width$}  {:^17}  {:^17}  {:^9}  {:^9}  {:^13}",
        "", "entities", "quotations", "speakers", "q. names", "diagnostics"
    );
    let _ = writeln!(
        o,
        "{:width$}  {:^17}  {:^17}  {:^9}  {:^9}  {:^13}",
        "article", "P     R     F1", "P     R     F1", "ok/n", "tp/p/g", "hit/gold fa"
    );
    for f in &report.files {
        let Some(s) = &f.score else {
            let _ = writeln!(o, "{:width$}  analysis panicked", f.file);
            continue;
        };
        let d = s.diagnostics_total();
        let _ = writeln!(
            o,
            "{:width$}  {}  {}  {:^9}  {:^9}  {:^13}{}",
            f.file,
            prf(&s.entities),
            prf(&s.quotes),
            format!("{}/{}", s.speakers.correct, s.speakers.total),
            format!(
                "{}/{}/{}",
                s.quoted_names.tp,
                s.quoted_names.predicted(),
                s.quoted_names.gold()
            ),
            format!(
                "{:>2}/{:<2} {:>3}",
                d.hits,
                d.hits + d.misses,
                d.false_alarms
            ),
            if s.clean { "  clean" } else { "" }
        );
        if verbose {
            render_errors(&mut o, &s.errors);
        }
    }
    let t = &report.totals;
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Totals over {} articles (micro-averaged){}",
        t.articles,
        if t.panicked > 0 {
            format!("; analysis panicked on {}", t.panicked)
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        o,
        "                          P     R     F1     tp  pred  gold"
    );
    let line = |o: &mut String, label: &str, c: &Counts| {
        let _ = writeln!(
            o,
            "  {label:22}  {}  {:4}  {:4}  {:4}",
            prf(c),
            c.tp,
            c.predicted(),
            c.gold()
        );
    };
    line(&mut o, "entities", &t.entities);
    for (kind, c) in &t.entities_by_kind {
        line(&mut o, &format!("  {kind}"), c);
    }
    line(&mut o, "quotations", &t.quotes);
    line(&mut o, "quoted names", &t.quoted_names);
    let _ = writeln!(
        o,
        "  speaker accuracy        {}  (over matched quotations)",
        acc(&t.speakers)
    );
    let _ = writeln!(o, "  closed-flag accuracy    {}", acc(&t.closed));
    let _ = writeln!(o);
    let _ = writeln!(o, "  {:26}  hits  misses  false alarms", "diagnostics");
    for (code, c) in &t.diagnostics {
        let _ = writeln!(
            o,
            "    {code:24}  {:4}  {:6}  {:12}",
            c.hits, c.misses, c.false_alarms
        );
    }
    let a = &t.diagnostics_all;
    let _ = writeln!(
        o,
        "    {:24}  {:4}  {:6}  {:12}",
        "all", a.hits, a.misses, a.false_alarms
    );
    let _ = writeln!(
        o,
        "  clean articles: {}; diagnostics on them: {} (warnings: {})",
        t.clean_articles, t.clean_false_alarms, t.clean_warnings
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(file: &str, score: DocScore) -> FileResult {
        FileResult {
            file: file.to_string(),
            panicked: false,
            score: Some(score),
        }
    }

    #[test]
    fn totals_are_micro_sums_and_clean_articles_counted_apart() {
        let mut a = DocScore {
            clean: true,
            warnings: 1,
            ..DocScore::default()
        };
        a.entities = Counts {
            tp: 3,
            fp: 1,
            fn_: 0,
        };
        a.entities_by_kind.insert(
            "person".into(),
            Counts {
                tp: 3,
                fp: 1,
                fn_: 0,
            },
        );
        a.diagnostics.insert(
            "repeated-word".into(),
            DiagCounts {
                hits: 0,
                misses: 0,
                false_alarms: 2,
            },
        );
        let mut b = DocScore {
            clean: false,
            warnings: 5,
            ..DocScore::default()
        };
        b.entities = Counts {
            tp: 1,
            fp: 0,
            fn_: 4,
        };
        b.entities_by_kind.insert(
            "person".into(),
            Counts {
                tp: 1,
                fp: 0,
                fn_: 2,
            },
        );
        b.entities_by_kind.insert(
            "location".into(),
            Counts {
                tp: 0,
                fp: 0,
                fn_: 2,
            },
        );
        b.quotes = Counts {
            tp: 2,
            fp: 0,
            fn_: 1,
        };
        b.speakers = Accuracy {
            correct: 1,
            total: 2,
        };
        b.diagnostics.insert(
            "repeated-word".into(),
            DiagCounts {
                hits: 1,
                misses: 1,
                false_alarms: 0,
            },
        );
        b.errors.missed_entities = vec!["location:مصر".into(), "location:قطر".into()];
        let files = vec![
            scored("01_a", a),
            scored("02_b", b),
            FileResult {
                file: "03_c".into(),
                panicked: true,
                score: None,
            },
        ];
        let t = Totals::of(&files);
        assert_eq!((t.articles, t.panicked), (2, 1));
        assert_eq!(
            t.entities,
            Counts {
                tp: 4,
                fp: 1,
                fn_: 4
            }
        );
        // P = 4/5, R = 4/8, F1 = 8/13.
        assert!((t.entities.f1().unwrap() - 8.0 / 13.0).abs() < 1e-9);
        assert_eq!(
            t.entities_by_kind["person"],
            Counts {
                tp: 4,
                fp: 1,
                fn_: 2
            }
        );
        assert_eq!(
            t.diagnostics["repeated-word"],
            DiagCounts {
                hits: 1,
                misses: 1,
                false_alarms: 2
            }
        );
        assert_eq!(
            t.diagnostics_all,
            DiagCounts {
                hits: 1,
                misses: 1,
                false_alarms: 2
            }
        );
        assert_eq!(
            (t.clean_articles, t.clean_false_alarms, t.clean_warnings),
            (1, 2, 1)
        );
        assert_eq!(
            t.speakers,
            Accuracy {
                correct: 1,
                total: 2
            }
        );

        let report = Report {
            dir: "d".into(),
            files,
            totals: t,
        };
        let text = render_text(&report, false);
        assert!(!text.contains("missed entities"), "{text}");
        assert!(text.contains("03_c     analysis panicked"), "{text}");
        assert!(text.contains("0.800 0.500 0.615"), "{text}");
        let verbose = render_text(&report, true);
        assert!(
            verbose.contains("\n    missed entities: location:مصر | location:قطر\n"),
            "{verbose}"
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["totals"]["entities"]["fn"], 4);
        assert_eq!(
            json["files"][1]["quotes"]["recall"],
            serde_json::json!(2.0 / 3.0)
        );
        assert_eq!(json["files"][2]["panicked"], true);
        assert_eq!(json["totals"]["speakers"]["accuracy"], 0.5);
    }

    #[test]
    fn invalid_gold_is_an_error_naming_the_file() {
        let dir = std::env::temp_dir().join(format!("qalam-eval-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("01_x.txt"), "نص").unwrap();
        std::fs::write(dir.join("01_x.gold.json"), "{\"entities\": [").unwrap();
        let err = evaluate(&dir).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(err.contains("01_x.gold.json"), "{err}");

        let missing = Path::new("/nonexistent/qalam-eval");
        let err = evaluate(missing).unwrap_err().to_string();
        assert!(err.contains("/nonexistent/qalam-eval"), "{err}");
    }
}
