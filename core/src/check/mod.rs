//! Checking a certificate: one module per rule family, each a pass over the same context.

mod content;
pub mod deadlines;
mod item_limit;
mod origin;
mod print;
mod report;
mod structure;
mod valuation;

pub use content::{ContentDerived, GoodsDerived};
pub use print::{PrintDecision, SealShown};

use crate::finding::{Code, Finding, Severity};
use crate::model::Certificate;
use crate::rulebook::{Agreement, Rulebook};
use chrono::NaiveDate;
pub use report::{group_findings, Derived, FindingGroup, Report};

/// What every rule family sees: the certificate, its agreement, the rulebook and the caller's "today".
#[derive(Debug)]
pub struct Context<'a> {
    /// The certificate under check.
    pub cert: &'a Certificate,
    /// Its certificate type.
    pub agreement: &'a Agreement,
    /// The rulebook in force.
    pub rulebook: &'a Rulebook,
    /// Today's date as the host sees it; rules that need it are skipped (with a note) without it.
    pub today: Option<NaiveDate>,
}

/// Where the passes put what they find and derive.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings so far.
    pub findings: Vec<Finding>,
    /// Derived values so far.
    pub derived: Derived,
}

impl Outcome {
    /// Adds a finding.
    pub fn push(&mut self, f: Finding) {
        self.findings.push(f);
    }
}

type Pass = fn(&Context<'_>, &mut Outcome);

/// The rule families, in the order their findings appear.
const PASSES: &[Pass] = &[
    structure::check,
    item_limit::check,
    content::check,
    print::check,
    valuation::check,
    origin::check,
    deadlines::check,
];

/// Codes of every finding the checks can produce.
pub(crate) const CODES: &[&[Code]] = &[
    structure::CODES,
    item_limit::CODES,
    content::CODES,
    print::CODES,
    valuation::CODES,
    origin::CODES,
    deadlines::CODES,
];

/// Checks a parsed certificate against the rulebook. Rule violations are findings, never errors.
pub fn check(cert: &Certificate, agreement: &Agreement, rulebook: &Rulebook, today: Option<NaiveDate>) -> Report {
    let cx = Context { cert, agreement, rulebook, today };
    let mut out = Outcome::default();
    for pass in PASSES {
        pass(&cx, &mut out);
    }
    let ok = !out.findings.iter().any(|f| f.severity == Severity::Error);
    Report {
        ok,
        agreement: agreement.code.clone(),
        rulebook_version: rulebook.version().to_string(),
        groups: group_findings(&out.findings),
        findings: out.findings,
        derived: out.derived,
    }
}

/// Checks a parsed certificate. Fails only when its certificate type is not in the rulebook.
pub fn check_certificate(cert: &Certificate, rulebook: &Rulebook, today: Option<NaiveDate>) -> crate::Result<Report> {
    let agreement = rulebook.known_agreement(&cert.agreement, "agreement")?;
    Ok(check(cert, agreement, rulebook, today))
}

/// Reads certificate JSON within the rulebook's bounds and checks it.
pub fn check_json(text: &str, rulebook: &Rulebook, today: Option<NaiveDate>) -> crate::Result<Report> {
    let cert: Certificate = crate::json::read(text, rulebook.limits())?;
    check_certificate(&cert, rulebook, today)
}
