//! The answer of a check: findings plus everything the library derived.

use crate::finding::{Finding, Message, Severity};
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
    /// The findings for people to scan: one group per code and severity, errors first (see
    /// [`FindingGroup`]); made from `findings`, which stay the full record.
    #[serde(default)]
    pub groups: Vec<FindingGroup>,
    /// Values the library derived.
    pub derived: Derived,
}

impl Report {
    /// The findings with severity `error`.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity == Severity::Error)
    }
}

/// Findings of one code and severity said once, with every place they concern: twenty items with
/// the same note make one line, and the errors above them stay in sight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingGroup {
    /// The findings' code.
    pub code: String,
    /// Their severity.
    pub severity: Severity,
    /// How many findings the group holds.
    pub count: usize,
    /// Their message when they all say the same, else the code's title from the catalogue.
    pub message: Message,
    /// Their sources, each once, joined with `; `.
    pub source: String,
    /// Their field paths in input order, each once (empty for the whole certificate).
    pub paths: Vec<String>,
}

/// Groups findings by code and severity: errors, then warnings, then notes; within a severity in
/// the order each code first appears (the order of the fields), so the same findings always give
/// the same groups.
pub fn group_findings(findings: &[Finding]) -> Vec<FindingGroup> {
    let mut groups: Vec<(FindingGroup, Vec<&Finding>)> = Vec::new();
    for f in findings {
        match groups.iter_mut().find(|(g, _)| g.code == f.code && g.severity == f.severity) {
            Some((g, members)) => {
                g.count += 1;
                if !g.paths.contains(&f.path) {
                    g.paths.push(f.path.clone());
                }
                for s in f.source.split("; ") {
                    if !g.source.split("; ").any(|t| t == s) {
                        g.source = format!("{}; {s}", g.source);
                    }
                }
                members.push(f);
            }
            None => groups.push((
                FindingGroup {
                    code: f.code.clone(),
                    severity: f.severity,
                    count: 1,
                    message: f.message.clone(),
                    source: f.source.clone(),
                    paths: vec![f.path.clone()],
                },
                vec![f],
            )),
        }
    }
    let mut out: Vec<FindingGroup> = groups
        .into_iter()
        .map(|(mut g, members)| {
            if members.iter().any(|f| f.message != g.message) {
                if let Some(code) = super::CODES.iter().flat_map(|c| c.iter()).find(|c| c.code == g.code) {
                    g.message = Message::new(code.title_zh, code.title_en);
                }
            }
            g
        })
        .collect();
    // A stable sort keeps the order of first appearance within each severity.
    out.sort_by_key(|g| g.severity);
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: &str, severity: Severity, path: &str, source: &str, en: &str) -> Finding {
        Finding {
            code: code.into(),
            severity,
            path: path.into(),
            source: source.into(),
            message: Message::new(format!("中 {en}"), en),
        }
    }

    #[test]
    fn repeated_codes_make_one_group_after_the_errors() {
        let note = |i: usize| {
            finding("origin_criterion_unconfirmed", Severity::Info, &format!("goods[{i}]"), "S", &format!("item {i}"))
        };
        let mut findings: Vec<Finding> = (0..20).map(note).collect();
        findings.insert(3, finding("item_limit_exceeded", Severity::Error, "goods", "FAQ Q128", "too many"));
        findings.push(finding("packages_missing", Severity::Error, "goods[0].package_count", "FAQ Q30", "a"));
        findings.push(finding("packages_missing", Severity::Error, "goods[1].package_count", "FAQ Q30; X", "a"));
        findings.push(finding("text_normalised", Severity::Warning, "remarks", "FAQ Q1", "w"));
        let groups = group_findings(&findings);
        let summary: Vec<(&str, usize)> = groups.iter().map(|g| (g.code.as_str(), g.count)).collect();
        assert_eq!(
            summary,
            [
                ("item_limit_exceeded", 1),
                ("packages_missing", 2),
                ("text_normalised", 1),
                ("origin_criterion_unconfirmed", 20)
            ]
        );
        let notes = &groups[3];
        assert_eq!(notes.paths.len(), 20);
        assert_eq!(notes.paths[..2], ["goods[0]", "goods[1]"]);
        assert_eq!(notes.message.en, "the printed criterion code is unconfirmed", "differing messages: the title");
        let packages = &groups[1];
        assert_eq!(packages.message.en, "a", "one message said by all is kept");
        assert_eq!(packages.source, "FAQ Q30; X");
        assert_eq!(group_findings(&findings), groups, "deterministic");
        assert!(group_findings(&[]).is_empty());
    }
}
