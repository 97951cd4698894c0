//! `check`: the reviewer's opinion on a certificate.

use super::Operation;
use crate::{Certificate, Report, Result, Rulebook};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;

/// Checks a certificate against the rulebook: findings and the derived values.
#[derive(Debug)]
pub struct Check;

/// A certificate and, optionally, the host's "today" (the date rules are skipped without it).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The certificate.
    pub certificate: Certificate,
    /// Today as the host sees it; origo reads no clock.
    #[serde(default)]
    pub today: Option<NaiveDate>,
}

impl Operation for Check {
    const NAME: &'static str = "check";
    const DOC: &'static str = "Check a certificate: findings (code, path, source, zh/en message) and derived values.";
    type Request = CheckRequest;
    type Answer<'r> = Report;

    fn run(r: CheckRequest, rulebook: &Rulebook) -> Result<Report> {
        crate::check_certificate(&r.certificate, rulebook, r.today)
    }
}
