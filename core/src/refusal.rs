//! Refusals: an action or identifier origo declined, with the code and the reason in two languages.
//!
//! A refusal is a domain answer (like a finding), not an [`Error`](crate::Error): the request was
//! read, and the rules say no. Nothing the host passed in is changed by a refusal.

use crate::finding::Code;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Why an action or an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Refusal {
    /// Stable code from the catalogue (ERRORS.md).
    pub code: String,
    /// The reason in Chinese.
    pub zh: String,
    /// The reason in English.
    pub en: String,
    /// Where the rule comes from, e.g. `FAQ Q21`; empty for malformed input.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// The request field the refusal is about, e.g. `record.state`; empty when it is the request as a whole.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
}

impl Refusal {
    /// A refusal of a catalogued kind.
    pub fn new(code: &Code, source: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Refusal {
            code: code.code.to_string(),
            zh: zh.into(),
            en: en.into(),
            source: source.into(),
            path: String::new(),
        }
    }

    /// The same refusal about the request field at `path`.
    pub fn at(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }
}
