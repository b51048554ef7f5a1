//! Gold files of `qalam eval-doc`: the hand-made annotation of one article (`NAME.gold.json`
//! beside `NAME.txt`). The schema is documented in `eval/README.md`.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::Code;
use crate::entities::EntityKind;

/// The annotation of one article.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gold {
    /// A free-form remark for annotators; ignored by scoring.
    #[serde(default)]
    pub note: Option<String>,
    /// Named entities of the article.
    #[serde(default)]
    pub entities: Vec<GoldEntity>,
    /// Quotations (speech), in document order.
    #[serde(default)]
    pub quotes: Vec<GoldQuote>,
    /// Names or terms merely put in quotation marks (content without the marks), e.g. `داعش`.
    #[serde(default)]
    pub quoted_names: Vec<String>,
    /// Diagnostics the article should get; empty for a clean, well-edited article.
    #[serde(default)]
    pub diagnostics: Vec<GoldDiagnostic>,
}

/// A named entity.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoldEntity {
    /// Canonical name as written in the text (the most complete form).
    pub name: String,
    /// `person`, `organization`, `location` or `misc`.
    pub kind: String,
    /// Every other written form, without proclitics.
    #[serde(default)]
    pub forms: Vec<String>,
}

impl GoldEntity {
    /// The kind as an [`EntityKind`]; `None` for a string that names no kind.
    pub fn entity_kind(&self) -> Option<EntityKind> {
        match self.kind.as_str() {
            "person" => Some(EntityKind::Person),
            "organization" => Some(EntityKind::Organization),
            "location" => Some(EntityKind::Location),
            "misc" => Some(EntityKind::Misc),
            _ => None,
        }
    }

    /// The canonical name followed by the other forms.
    pub fn all_forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.forms.iter().map(String::as_str))
    }
}

/// A quotation.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoldQuote {
    /// The first words (3–6) of the quotation's content, exactly as written, marks excluded.
    pub start: String,
    /// The speaker: a gold entity's canonical name (or form), a speaker phrase as written
    /// (`مصدر مطلع`), or `null` when the text names nobody.
    pub speaker: Option<String>,
    /// False for a quotation whose closing mark is missing.
    #[serde(default = "yes")]
    pub closed: bool,
}

fn yes() -> bool {
    true
}

/// An expected diagnostic.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoldDiagnostic {
    /// The diagnostic code, e.g. `unclosed-quote` (see [`Code::as_str`]).
    pub code: String,
    /// Text that the diagnostic's range must contain (optional).
    #[serde(default)]
    pub text: Option<String>,
}

impl GoldDiagnostic {
    /// The code as a [`Code`]; `None` for an unknown code string.
    pub fn parsed_code(&self) -> Option<Code> {
        Code::parse(&self.code)
    }
}

/// Why a gold file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum GoldError {
    /// The file could not be read.
    #[error("{path}: cannot read gold file: {source}")]
    Io {
        /// The gold file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid JSON of the gold schema.
    #[error("{path}: invalid gold JSON: {source}")]
    Json {
        /// The gold file.
        path: String,
        /// The parse error (with line and column).
        source: serde_json::Error,
    },
    /// The JSON parsed but a value is out of range (unknown kind or code, empty name…).
    #[error("{path}: invalid gold file: {message}")]
    Invalid {
        /// The gold file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl Gold {
    /// Parses gold JSON and checks its values (kinds, codes, non-empty names and starts).
    /// `path` is only used in error messages.
    pub fn parse(json: &str, path: &str) -> Result<Gold, GoldError> {
        let gold: Gold = serde_json::from_str(json).map_err(|source| GoldError::Json {
            path: path.to_string(),
            source,
        })?;
        gold.validate().map_err(|message| GoldError::Invalid {
            path: path.to_string(),
            message,
        })?;
        Ok(gold)
    }

    /// Reads and parses the gold file at `path`.
    pub fn load(path: &Path) -> Result<Gold, GoldError> {
        let shown = path.display().to_string();
        let json = std::fs::read_to_string(path).map_err(|source| GoldError::Io {
            path: shown.clone(),
            source,
        })?;
        Gold::parse(&json, &shown)
    }

    fn validate(&self) -> Result<(), String> {
        for (i, e) in self.entities.iter().enumerate() {
            if e.entity_kind().is_none() {
                return Err(format!(
                    "entity {} ({}): unknown kind {:?}",
                    i + 1,
                    e.name,
                    e.kind
                ));
            }
            if e.all_forms().any(|f| f.trim().is_empty()) {
                return Err(format!("entity {} ({}): empty name or form", i + 1, e.name));
            }
        }
        for (i, q) in self.quotes.iter().enumerate() {
            if q.start.trim().is_empty() {
                return Err(format!("quote {}: empty start", i + 1));
            }
            if q.speaker.as_deref().is_some_and(|s| s.trim().is_empty()) {
                return Err(format!("quote {}: empty speaker (use null)", i + 1));
            }
        }
        if self.quoted_names.iter().any(|n| n.trim().is_empty()) {
            return Err("empty quoted name".to_string());
        }
        for (i, d) in self.diagnostics.iter().enumerate() {
            if d.parsed_code().is_none() {
                return Err(format!("diagnostic {}: unknown code {:?}", i + 1, d.code));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_schema() {
        let json = r#"{"entities":[{"name":"دونالد ترامب","kind":"person","forms":["ترامب"]}],
            "quotes":[{"start":"لن نتراجع عن","speaker":"دونالد ترامب","closed":false},
                      {"start":"كلام بلا","speaker":null}],
            "quoted_names":["داعش"],
            "diagnostics":[{"code":"unclosed-quote","text":"«"},{"code":"repeated-word"}]}"#;
        let gold = Gold::parse(json, "x.gold.json").unwrap();
        assert_eq!(gold.entities[0].entity_kind(), Some(EntityKind::Person));
        assert_eq!(
            gold.entities[0].all_forms().collect::<Vec<_>>(),
            ["دونالد ترامب", "ترامب"]
        );
        assert!(!gold.quotes[0].closed);
        assert!(gold.quotes[1].closed, "closed defaults to true");
        assert_eq!(gold.quotes[1].speaker, None);
        assert_eq!(gold.quoted_names, ["داعش"]);
        assert_eq!(gold.diagnostics[0].parsed_code(), Some(Code::UnclosedQuote));
        assert_eq!(gold.diagnostics[1].text, None);
    }

    #[test]
    fn rejects_unknown_kind_code_and_field_naming_the_file() {
        let bad_kind = r#"{"entities":[{"name":"قطر","kind":"country"}]}"#;
        let err = Gold::parse(bad_kind, "a.gold.json")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("a.gold.json: "), "{err}");
        assert!(err.contains("country"), "{err}");

        let bad_code = r#"{"diagnostics":[{"code":"unclosed"}]}"#;
        let err = Gold::parse(bad_code, "b.gold.json")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("b.gold.json") && err.contains("unclosed"),
            "{err}"
        );

        let typo = r#"{"entites":[]}"#;
        let err = Gold::parse(typo, "c.gold.json").unwrap_err();
        assert!(matches!(err, GoldError::Json { .. }), "{err}");

        let not_json = "{";
        assert!(Gold::parse(not_json, "d.gold.json").is_err());
    }
}
