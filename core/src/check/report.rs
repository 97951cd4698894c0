//! The answer of a check: findings plus everything the library derived.

use crate::finding::{Finding, Severity};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The result of checking a certificate: the reviewer's opinion (findings) and the derived values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// `true` when no finding has severity `error`.
    pub ok: bool,
    /// The certificate type checked.
    pub agreement: String,
    /// The rulebook version the check used.
    pub rulebook_version: String,
    /// What the check found, in input order of the fields.
    pub findings: Vec<Finding>,
    /// Values the library derived.
    pub derived: Derived,
}

impl Report {
    /// The findings with severity `error`.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity == Severity::Error)
    }
}

/// Values derived by the checks, for the host and the renderer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Derived {
    /// Number of goods items.
    pub item_count: usize,
    /// The agreement's item limit, `null` when unlimited.
    pub item_limit: Option<u32>,
    /// Printed texts of each goods item, in item order.
    #[serde(default)]
    pub goods: Vec<crate::check::GoodsDerived>,
    /// Printed texts of the certificate's own boxes.
    #[serde(default)]
    pub content: crate::check::ContentDerived,
    /// How the certificate is printed and sealed.
    #[serde(default)]
    pub print: crate::check::PrintDecision,
    /// Trade term, FOB total and each item's values (FAQ Q109).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valuation: Option<crate::valuation::Valuation>,
    /// Each goods item's origin criterion as determined from its pre-review.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origin: Vec<crate::origin::ItemOrigin>,
    /// Every deadline that applies: latest signing date, retroactive window, validity, reissue.
    #[serde(default)]
    pub deadlines: crate::check::deadlines::Deadlines,
}
