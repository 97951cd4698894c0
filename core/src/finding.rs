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

/// A catalogue entry: the stable code of a kind of finding and what it means.
///
/// Each rule family declares its codes as `pub(crate) const` entries; `crate::catalogue` lists them
/// all, so ERRORS.md and the binding enums are generated from one place.
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

/// Builds field paths such as `goods[3].hs_code` without string juggling at each call site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(String);

impl Path {
    /// The whole input.
    pub fn root() -> Self {
        Path(String::new())
    }
    /// This path followed by a field name.
    pub fn key(&self, key: &str) -> Self {
        if self.0.is_empty() {
            Path(key.to_string())
        } else {
            Path(format!("{}.{key}", self.0))
        }
    }
    /// This path followed by a list index.
    pub fn index(&self, i: usize) -> Self {
        let mut s = self.0.clone();
        let _ = write!(s, "[{i}]");
        Path(s)
    }
    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<Path> for String {
    fn from(p: Path) -> String {
        p.0
    }
}

impl From<&Path> for String {
    fn from(p: &Path) -> String {
        p.0.clone()
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_the_input() {
        let p = Path::root().key("goods").index(3).key("hs_code");
        assert_eq!(p.as_str(), "goods[3].hs_code");
        assert_eq!(Path::root().key("goods").as_str(), "goods");
    }
}
