//! Findings: what a check says about a certificate, for the exporter and the reviewing officer.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// A message in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// Chinese text.
    pub zh: String,
    /// English text.
    pub en: String,
}

/// Separates the two languages of a reason carried through an error type that holds one string.
const LANGUAGE_SEPARATOR: char = '\u{1f}';

impl Message {
    /// A message from its Chinese and English text.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Message { zh: zh.into(), en: en.into() }
    }

    /// Both languages in one string, for error types that hold only text (serde's custom
    /// errors): the English, an invisible separator, the Chinese. [`Message::split`] undoes it.
    pub(crate) fn joined(&self) -> String {
        format!("{}{LANGUAGE_SEPARATOR}{}", self.en, self.zh)
    }

    /// The (Chinese, English) of a [`Message::joined`] text; other text is the same in both.
    pub(crate) fn split(text: &str) -> (&str, &str) {
        match text.split_once(LANGUAGE_SEPARATOR) {
            Some((en, zh)) => (zh, en),
            None => (text, text),
        }
    }
}

/// How serious a finding is. Only `error` blocks saving or approving a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The certificate cannot be saved or approved as it is.
    Error,
    /// Probably wrong, or a rule could not be applied with certainty.
    Warning,
    /// Something the library derived or changed, for the record.
    Info,
}

impl Severity {
    /// The lowercase name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A catalogue entry: the stable code of a kind of finding, refusal or error and what it means.
///
/// Codes are declared only with [`codes!`], which also lists them;
/// `crate::catalogue` publishes every such list, so ERRORS.md is generated from the declarations and a
/// code cannot be emitted without being in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// Stable snake_case code, e.g. `item_limit_exceeded`.
    pub code: &'static str,
    /// Default severity of findings with this code.
    pub severity: Severity,
    /// Short Chinese title.
    pub title_zh: &'static str,
    /// Short English title.
    pub title_en: &'static str,
}

/// Declares catalogue codes: one `Code` constant per line, and the list of them the catalogue
/// publishes: `codes! { LIST; NAME = ("code", Severity, "中文标题", "English title"); ... }`.
macro_rules! codes {
    ($list:ident; $($(#[$doc:meta])* $name:ident = ($code:literal, $severity:ident, $zh:literal, $en:literal);)+) => {
        $(
            $(#[$doc])*
            #[doc = $en]
            pub const $name: $crate::finding::Code = $crate::finding::Code {
                code: $code,
                severity: $crate::finding::Severity::$severity,
                title_zh: $zh,
                title_en: $en,
            };
        )+
        /// Every code declared here, as the catalogue publishes them.
        pub const $list: &[$crate::finding::Code] = &[$($name),+];
    };
}
pub(crate) use codes;

/// One thing a check found: a stable code, where, why (the rule's source) and a bilingual message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// Stable code from the catalogue (ERRORS.md).
    pub code: String,
    /// How serious it is.
    pub severity: Severity,
    /// Field path in the input, e.g. `goods[3].hs_code`; empty for the whole certificate.
    pub path: String,
    /// Where the rule comes from, e.g. `FAQ Q128` or a legal reference.
    pub source: String,
    /// The message for people, in Chinese and English.
    pub message: Message,
}

impl Finding {
    /// A finding of a catalogued kind, with its default severity.
    pub fn new(
        code: &Code,
        path: impl Into<String>,
        source: impl Into<String>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Finding {
            code: code.code.to_string(),
            severity: code.severity,
            path: path.into(),
            source: source.into(),
            message: Message { zh: zh.into(), en: en.into() },
        }
    }

    /// The same finding with another severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// A field path such as `goods[3].hs_code`, held as borrowed steps on the stack and written out
/// only when a finding needs it: the checks visit every field, and few of them produce a finding.
#[derive(Debug, Clone, Copy)]
pub struct Path<'a>(Step<'a>);

#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'static> {
    /// The whole input.
    pub const ROOT: Path<'static> = Path(Step::Root);
}

impl Path<'_> {
    /// This path followed by a field name (or several, dotted: `"exporter.name"`).
    pub fn key<'b>(&'b self, key: &'b str) -> Path<'b> {
        Path(Step::Key(self, key))
    }
    /// This path followed by a list index.
    pub fn index(&self, i: usize) -> Path<'_> {
        Path(Step::Index(self, i))
    }

    fn write_into(&self, out: &mut String) {
        match self.0 {
            Step::Root => {}
            Step::Key(parent, key) => {
                parent.write_into(out);
                push_key(out, key);
            }
            Step::Index(parent, i) => {
                parent.write_into(out);
                push_index(out, i);
            }
        }
    }
}

/// Appends a field name to path text.
pub(crate) fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

/// Appends a list index to path text.
pub(crate) fn push_index(path: &mut String, i: usize) {
    let _ = write!(path, "[{i}]");
}

impl From<Path<'_>> for String {
    fn from(p: Path<'_>) -> String {
        let mut out = String::new();
        p.write_into(&mut out);
        out
    }
}

impl From<&Path<'_>> for String {
    fn from(p: &Path<'_>) -> String {
        String::from(*p)
    }
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_the_input() {
        let goods = Path::ROOT.key("goods");
        let item = goods.index(3);
        assert_eq!(String::from(item.key("hs_code")), "goods[3].hs_code");
        assert_eq!(goods.to_string(), "goods");
        assert_eq!(String::from(Path::ROOT), "");
        assert_eq!(String::from(Path::ROOT.index(0).key("a.b")), "[0].a.b");
    }
}
