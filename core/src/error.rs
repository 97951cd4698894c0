//! Errors for input origo cannot read at all.
//!
//! A rule violation is never an error: it is a [`Finding`](crate::Finding) in a successful
//! [`Report`](crate::Report). An [`Error`] means the input (or a rulebook) could not be read, so
//! no rule could be applied: malformed JSON, a wrong type, an unknown field, input past a bound.

use crate::finding::{Finding, Message};
use serde::Serialize;

/// Input that could not be read: a stable code, the field path and a bilingual message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code} at `{path}`: {}", message.en)]
pub struct Error {
    /// Stable machine-readable code, e.g. `invalid_json`, `input_too_large`.
    pub code: String,
    /// Where in the input, e.g. `goods[3].hs_code`; empty for the whole input.
    pub path: String,
    /// What went wrong, in Chinese and English.
    pub message: Message,
    /// Every problem found, when there are several (the first is also `code`/`path`).
    pub findings: Vec<Finding>,
}

impl Error {
    /// An error with one message and no further findings.
    pub fn new(code: &str, path: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error {
            code: code.to_string(),
            path: path.into(),
            message: Message { zh: zh.into(), en: en.into() },
            findings: Vec::new(),
        }
    }

    /// An error standing for several findings: the first error finding gives its code and path.
    pub fn from_findings(findings: Vec<Finding>) -> Self {
        let first = findings.first().cloned();
        match first {
            Some(f) => Error { code: f.code, path: f.path, message: f.message, findings },
            None => Error::new("invalid_input", "", "输入无效", "invalid input"),
        }
    }
}

/// `Result` with origo's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
