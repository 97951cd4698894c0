//! Workflow machines as read from `rules/workflows/*.toml`: the states, roles and transitions of
//! the pre-review, registration, reprint, review-side and verification workflows. One engine
//! (`crate::lifecycle::machine`) runs every one of them; the domain conditions live beside it.

use super::fact::Status;
use super::invalid;
use crate::error::Result;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The workflow files the code expects, by name (each is `workflows/<name>.toml`).
pub const WORKFLOWS: &[&str] =
    &["application", "institution", "officer", "prereview", "registration", "reprint", "verification"];

/// One state of a workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowState {
    /// snake_case name, as in JSON.
    pub name: String,
    /// What the state is called in the CCPIT system.
    pub zh: String,
    /// Nothing follows this state.
    #[serde(default, rename = "final")]
    pub is_final: bool,
    /// Reaching this state needs a review: only a reviewing role may enter it from a state that
    /// is not itself reviewed.
    #[serde(default)]
    pub reviewed: bool,
    /// Where it comes from.
    pub source: String,
}

/// One role of a workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowRole {
    /// snake_case name, as in JSON.
    pub name: String,
    /// Who it is in the CCPIT system.
    pub zh: String,
    /// The role reviews (CCPIT or a review-side institution).
    #[serde(default)]
    pub reviews: bool,
    /// Where it comes from.
    pub source: String,
}

/// One transition: `action` taken by one of `roles` in any of `from` leads to `to`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// snake_case action name, verb first.
    pub action: String,
    /// States the action is defined in.
    pub from: Vec<String>,
    /// The state after; absent when the action keeps the state.
    #[serde(default)]
    pub to: Option<String>,
    /// The roles that may take it.
    pub roles: Vec<String>,
    /// What the host must do besides storing the state (snake_case names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<String>,
    /// Where it comes from.
    pub source: String,
    /// How well it is sourced.
    #[serde(default)]
    pub status: Status,
    /// What a reader should know (an inference, a missing fact).
    #[serde(default)]
    pub note: Option<String>,
}

impl Transition {
    /// The state after the action from `from`.
    pub fn target<'a>(&'a self, from: &'a str) -> &'a str {
        self.to.as_deref().unwrap_or(from)
    }
}

/// A whole workflow file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workflow {
    /// Data-file format version (1).
    pub schema_version: u32,
    /// The workflow's name, equal to the file name.
    pub name: String,
    /// Chinese title.
    pub title_zh: String,
    /// English title.
    pub title_en: String,
    /// The state a new record starts in.
    pub initial: String,
    /// Every state, in table order.
    pub state: Vec<WorkflowState>,
    /// Every role, in table order.
    pub role: Vec<WorkflowRole>,
    /// Every transition.
    pub transition: Vec<Transition>,
    /// Where the workflow as a whole comes from.
    pub source: String,
}

impl Workflow {
    /// The state called `name`.
    pub fn state(&self, name: &str) -> Option<&WorkflowState> {
        self.state.iter().find(|s| s.name == name)
    }

    /// The role called `name`.
    pub fn role(&self, name: &str) -> Option<&WorkflowRole> {
        self.role.iter().find(|r| r.name == name)
    }

    /// Every action name, in first-use order.
    pub fn actions(&self) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        self.transition.iter().map(|t| t.action.as_str()).filter(|a| seen.insert(*a)).collect()
    }

    /// The transition of `action` from `state`, if the action is defined there.
    pub fn transition(&self, state: &str, action: &str) -> Option<&Transition> {
        self.transition.iter().find(|t| t.action == action && t.from.iter().any(|f| f == state))
    }

    /// Checks what serde cannot: the name, unique states and roles, known references, sources,
    /// one transition per state and action.
    pub(crate) fn validate(&self, file: &str) -> Result<()> {
        let stem = file.trim_start_matches("workflows/").trim_end_matches(".toml");
        if self.schema_version != 1 {
            return Err(invalid(file, "schema_version", "unsupported schema_version (expected 1)"));
        }
        if self.name != stem {
            return Err(invalid(file, "name", &format!("name `{}` must equal the file name `{stem}`", self.name)));
        }
        let snake =
            |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        let mut states = BTreeSet::new();
        for (i, s) in self.state.iter().enumerate() {
            if !snake(&s.name) || !states.insert(s.name.as_str()) {
                return Err(invalid(file, &format!("state[{i}].name"), "state names are unique snake_case"));
            }
        }
        let mut roles = BTreeSet::new();
        for (i, r) in self.role.iter().enumerate() {
            if !snake(&r.name) || !roles.insert(r.name.as_str()) {
                return Err(invalid(file, &format!("role[{i}].name"), "role names are unique snake_case"));
            }
        }
        if !states.contains(self.initial.as_str()) {
            return Err(invalid(file, "initial", "not a state of the workflow"));
        }
        let mut pairs = BTreeSet::new();
        for (i, t) in self.transition.iter().enumerate() {
            let at = |key: &str| format!("transition[{i}].{key}");
            if !snake(&t.action) {
                return Err(invalid(file, &at("action"), "action names are snake_case"));
            }
            if t.from.is_empty() || t.roles.is_empty() {
                return Err(invalid(file, &at("from"), "a transition needs states and roles"));
            }
            for (j, f) in t.from.iter().enumerate() {
                if !states.contains(f.as_str()) {
                    return Err(invalid(file, &at(&format!("from[{j}]")), &format!("unknown state `{f}`")));
                }
                if !pairs.insert((f.as_str(), t.action.as_str())) {
                    let why = format!("`{}` is defined twice in state `{f}`", t.action);
                    return Err(invalid(file, &at(&format!("from[{j}]")), &why));
                }
            }
            if let Some(to) = &t.to {
                if !states.contains(to.as_str()) {
                    return Err(invalid(file, &at("to"), &format!("unknown state `{to}`")));
                }
            }
            for (j, r) in t.roles.iter().enumerate() {
                if !roles.contains(r.as_str()) {
                    return Err(invalid(file, &at(&format!("roles[{j}]")), &format!("unknown role `{r}`")));
                }
            }
        }
        let sources = std::iter::once(("source".to_string(), &self.source))
            .chain(self.state.iter().enumerate().map(|(i, s)| (format!("state[{i}].source"), &s.source)))
            .chain(self.role.iter().enumerate().map(|(i, r)| (format!("role[{i}].source"), &r.source)))
            .chain(self.transition.iter().enumerate().map(|(i, t)| (format!("transition[{i}].source"), &t.source)));
        for (key, source) in sources {
            if source.trim().is_empty() {
                return Err(invalid(file, &key, "every entry needs a non-empty `source`"));
            }
        }
        Ok(())
    }
}
