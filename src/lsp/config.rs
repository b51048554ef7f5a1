//! The client's settings for qalam: which diagnostics are published and with what severity, the
//! language of messages, and the diagnostics debounce.
//!
//! Settings arrive as JSON in three ways, all with the same shape (the `qalam` section of the
//! client's configuration; VS Code's `qalam.*` settings nest this way):
//!
//! ```json
//! {
//!   "lang": "auto" | "ar" | "en",
//!   "debounceMs": 50,
//!   "diagnostics": {
//!     "enabled": { "repeated-word": false, "unattributed-quote": true },
//!     "severity": { "unmatched-closing-quote": "error", "mixed-orthography": "hint" }
//!   }
//! }
//! ```
//!
//! - `initialize`'s `initializationOptions` (the starting point; Helix's `config` and Neovim's
//!   `init_options` arrive this way);
//! - the answer to `workspace/configuration` with section `"qalam"`, which the server asks for
//!   after `initialized` and after every `workspace/didChangeConfiguration` that carries no
//!   `qalam` settings (the pull model, LSP 3.6);
//! - `workspace/didChangeConfiguration` whose `settings` hold a `qalam` object (the push model,
//!   e.g. vscode-languageclient's `synchronize.configurationSection`, Neovim's `settings`).
//!
//! Each source is applied over the settings in force ([`Settings::overlay`]): a field that is
//! missing or `null` keeps its value, so a client that answers `workspace/configuration` with
//! `null` (it has no such section) leaves the `initializationOptions` alone. Values of the wrong
//! type and unknown codes are ignored (logged), never an error: a typo in a user's settings must
//! not stop the server.
//!
//! Codes are the kebab-case [`Code`] strings (`"unclosed-quote"` …); severities are `"error"`,
//! `"warning"`, `"information"` (or `"info"`) and `"hint"` (LSP's four levels). The filtering and
//! the severity overrides are applied when diagnostics are converted for LSP
//! ([`super::convert::configured_diagnostics`]); the analysis always computes every diagnostic.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::Value;
use tracing::warn;

use super::server::MAX_DEBOUNCE;
use crate::diagnostics::{Code, Lang, Severity};

/// The configuration section qalam reads (`workspace/configuration` item `section`).
pub const SECTION: &str = "qalam";

/// Which diagnostics are published, and with what severity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiagnosticSettings {
    /// Codes the client turned off (`diagnostics.enabled.<code> = false`).
    pub disabled: BTreeSet<Code>,
    /// Severities that replace a code's [`Code::default_severity`].
    pub severity: BTreeMap<Code, Severity>,
}

impl DiagnosticSettings {
    /// Whether diagnostics with `code` are published.
    pub fn is_enabled(&self, code: Code) -> bool {
        !self.disabled.contains(&code)
    }

    /// The severity to publish a diagnostic of `code` with, given the analysis' `severity`.
    pub fn severity(&self, code: Code, severity: Severity) -> Severity {
        self.severity.get(&code).copied().unwrap_or(severity)
    }
}

/// The settings in force for a session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Language of messages, hovers and outline names; `None` (`"auto"`) follows the client's
    /// `locale` from `initialize`.
    pub lang: Option<Lang>,
    /// How long an edit waits before its diagnostics are computed; `None` keeps the server's
    /// default ([`super::server::DEBOUNCE`]).
    pub debounce: Option<Duration>,
    /// Diagnostic filtering and severities.
    pub diagnostics: DiagnosticSettings,
}

impl Settings {
    /// Settings from `initializationOptions` (any JSON; `null` or a non-object gives defaults).
    pub fn from_initialization_options(options: Option<&Value>) -> Settings {
        let mut settings = Settings::default();
        if let Some(options) = options {
            settings.overlay(options);
        }
        settings
    }

    /// Applies the fields present in `value` (the `qalam` section, shape in the module docs)
    /// over these settings:
    ///
    /// - `lang`: `"ar"` / `"en"` set the language, `"auto"` goes back to the locale;
    /// - `debounceMs`: a non-negative integer of milliseconds, clamped to [`MAX_DEBOUNCE`];
    /// - `diagnostics.enabled`: a map code → bool; it replaces the set of disabled codes (codes
    ///   not listed are on);
    /// - `diagnostics.severity`: a map code → severity name; it replaces all overrides (an
    ///   unknown name, e.g. `"default"`, leaves that code at its default severity).
    ///
    /// Missing and `null` fields keep their values; a non-object `value` changes nothing.
    pub fn overlay(&mut self, value: &Value) {
        let Some(object) = value.as_object() else {
            if !value.is_null() {
                warn!(%value, "qalam settings are not an object; ignored");
            }
            return;
        };
        match object.get("lang") {
            None | Some(Value::Null) => {}
            Some(Value::String(lang)) => match lang.to_ascii_lowercase().as_str() {
                "ar" => self.lang = Some(Lang::Ar),
                "en" => self.lang = Some(Lang::En),
                "auto" | "" => self.lang = None,
                other => warn!(lang = other, "unknown qalam.lang; ignored"),
            },
            Some(other) => warn!(%other, "qalam.lang is not a string; ignored"),
        }
        match object.get("debounceMs") {
            None | Some(Value::Null) => {}
            Some(value) => match value.as_u64() {
                Some(ms) => self.debounce = Some(Duration::from_millis(ms).min(MAX_DEBOUNCE)),
                None => warn!(%value, "qalam.debounceMs is not a non-negative integer; ignored"),
            },
        }
        if let Some(diagnostics) = object.get("diagnostics").and_then(Value::as_object) {
            if let Some(enabled) = diagnostics.get("enabled").and_then(Value::as_object) {
                self.diagnostics.disabled = enabled
                    .iter()
                    .filter_map(|(code, on)| match (parse_code(code), on.as_bool()) {
                        (Some(code), Some(false)) => Some(code),
                        (Some(_), None) => {
                            warn!(
                                code = code.as_str(),
                                "enabled flag is not a boolean; ignored"
                            );
                            None
                        }
                        _ => None,
                    })
                    .collect();
            }
            if let Some(severity) = diagnostics.get("severity").and_then(Value::as_object) {
                self.diagnostics.severity = severity
                    .iter()
                    .filter_map(|(code, level)| {
                        let code = parse_code(code)?;
                        let level = level.as_str()?;
                        let parsed = Severity::parse(&level.to_ascii_lowercase());
                        if parsed.is_none() && level != "default" {
                            warn!(code = code.as_str(), level, "unknown severity; ignored");
                        }
                        Some((code, parsed?))
                    })
                    .collect();
            }
        }
    }

    /// Settings from a `workspace/didChangeConfiguration` notification's `settings`: the value of
    /// its `qalam` key applied over `self`, or `None` when there is no such object (the client
    /// expects the server to pull the settings instead).
    pub fn pushed(&self, settings: &Value) -> Option<Settings> {
        let section = settings.get(SECTION).filter(|v| v.is_object())?;
        let mut next = self.clone();
        next.overlay(section);
        Some(next)
    }
}

fn parse_code(code: &str) -> Option<Code> {
    let parsed = Code::parse(code);
    if parsed.is_none() {
        warn!(code, "unknown diagnostic code in qalam settings; ignored");
    }
    parsed
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn defaults_publish_everything_as_analysed() {
        let settings = Settings::from_initialization_options(None);
        assert_eq!(settings, Settings::default());
        for code in Code::ALL {
            assert!(settings.diagnostics.is_enabled(code));
            assert_eq!(
                settings.diagnostics.severity(code, code.default_severity()),
                code.default_severity()
            );
        }
    }

    #[test]
    fn reads_the_vscode_shape() {
        let settings = Settings::from_initialization_options(Some(&json!({
            "lang": "ar",
            "debounceMs": 250,
            "path": "/usr/bin/qalam",
            "diagnostics": {
                "enabled": {"repeated-word": false, "unclosed-quote": true, "no-such-code": false},
                "severity": {"unmatched-closing-quote": "error", "mixed-orthography": "Hint",
                             "latin-punctuation": "default", "bidi-control": 3}
            }
        })));
        assert_eq!(settings.lang, Some(Lang::Ar));
        assert_eq!(settings.debounce, Some(Duration::from_millis(250)));
        assert_eq!(
            settings.diagnostics.disabled,
            BTreeSet::from([Code::RepeatedWord])
        );
        assert_eq!(
            settings.diagnostics.severity,
            BTreeMap::from([
                (Code::UnmatchedClosingQuote, Severity::Error),
                (Code::MixedOrthography, Severity::Hint),
            ])
        );
        assert!(!settings.diagnostics.is_enabled(Code::RepeatedWord));
        assert_eq!(
            settings
                .diagnostics
                .severity(Code::UnmatchedClosingQuote, Severity::Warning),
            Severity::Error
        );
        assert_eq!(
            settings
                .diagnostics
                .severity(Code::LatinPunctuation, Severity::Warning),
            Severity::Warning
        );
    }

    #[test]
    fn overlay_keeps_missing_and_null_fields() {
        let mut settings = Settings::from_initialization_options(Some(&json!({
            "lang": "en", "debounceMs": 0,
            "diagnostics": {"enabled": {"repeated-word": false}}
        })));
        settings.overlay(&Value::Null);
        settings.overlay(&json!({"lang": null, "debounceMs": null}));
        settings.overlay(&json!("not an object"));
        assert_eq!(settings.lang, Some(Lang::En));
        assert_eq!(settings.debounce, Some(Duration::ZERO));
        assert!(!settings.diagnostics.is_enabled(Code::RepeatedWord));

        // A new `enabled` map replaces the old one; `auto` returns to the locale.
        settings
            .overlay(&json!({"lang": "auto", "diagnostics": {"enabled": {"bidi-control": false}}}));
        assert_eq!(settings.lang, None);
        assert_eq!(
            settings.diagnostics.disabled,
            BTreeSet::from([Code::BidiControl])
        );
    }

    #[test]
    fn bad_values_are_ignored() {
        let settings = Settings::from_initialization_options(Some(&json!({
            "lang": "fr", "debounceMs": -5,
            "diagnostics": {"enabled": {"repeated-word": "no"}, "severity": ["error"]}
        })));
        assert_eq!(settings, Settings::default());
        let settings = Settings::from_initialization_options(Some(&json!({"debounceMs": 99_999})));
        assert_eq!(settings.debounce, Some(MAX_DEBOUNCE));
    }

    #[test]
    fn pushed_settings_need_the_qalam_key() {
        let base = Settings::from_initialization_options(Some(&json!({"lang": "ar"})));
        assert_eq!(base.pushed(&Value::Null), None);
        assert_eq!(base.pushed(&json!({"other": {}})), None);
        assert_eq!(base.pushed(&json!({"qalam": null})), None);
        let next = base
            .pushed(&json!({"qalam": {"diagnostics": {"enabled": {"unclosed-quote": false}}}}))
            .expect("qalam settings");
        assert_eq!(next.lang, Some(Lang::Ar));
        assert!(!next.diagnostics.is_enabled(Code::UnclosedQuote));
    }
}
