//! A policy fact with its provenance: every value in the rulebook says where it comes from.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How well a fact is sourced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A cited source states it.
    #[default]
    Confirmed,
    /// A source supports part of it; the note says which part is inferred.
    Partial,
    /// No source found: the value is `null` or a placeholder the checks treat as unknown.
    Unconfirmed,
    /// Sources disagree; the value is the FAQ's system behaviour and the note names the conflict.
    Conflict,
}

/// A value with its `source` (FAQ question, legal text or URL), its status and an optional note.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fact<T> {
    /// The value; `null` where the fact is unknown.
    pub value: T,
    /// Where it comes from, e.g. `FAQ Q128`.
    pub source: String,
    /// How well it is sourced.
    #[serde(default)]
    pub status: Status,
    /// What a reader should know: conflicts, inferences, what is missing.
    #[serde(default)]
    pub note: Option<String>,
}

impl<T> Fact<T> {
    /// Whether the fact can be relied on as a hard rule.
    pub fn is_certain(&self) -> bool {
        matches!(self.status, Status::Confirmed | Status::Conflict)
    }
}

/// A fact whose value may be absent (TOML has no `null`): no `value` key means "none" or
/// "unknown", as the field's documentation says; `status` tells which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, bound(deserialize = "T: Deserialize<'de>"))]
pub struct OptFact<T> {
    /// The value, absent where there is none or it is unknown.
    #[serde(default)]
    pub value: Option<T>,
    /// Where it comes from, e.g. `FAQ Q128`.
    pub source: String,
    /// How well it is sourced.
    #[serde(default)]
    pub status: Status,
    /// What a reader should know: conflicts, inferences, what is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl<T> OptFact<T> {
    /// Whether the fact can be relied on as a hard rule.
    pub fn is_certain(&self) -> bool {
        matches!(self.status, Status::Confirmed | Status::Conflict)
    }
}
