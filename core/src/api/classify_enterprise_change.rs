//! `classify_enterprise_change`: which review an enterprise information change needs.

use super::Operation;
use crate::lifecycle::{ChangeDecision, ChangeRequest};
use crate::{Result, Rulebook};

/// Which review an enterprise information change needs.
#[derive(Debug)]
pub struct ClassifyEnterpriseChange;

impl Operation for ClassifyEnterpriseChange {
    const NAME: &'static str = "classify_enterprise_change";
    const ALIASES: &'static [&'static str] = &["enterprise_change"];
    const DOC: &'static str = "Which review an enterprise information change needs.";
    type Request = ChangeRequest;
    type Answer<'r> = ChangeDecision;

    fn run(r: ChangeRequest, rulebook: &Rulebook) -> Result<ChangeDecision> {
        Ok(crate::lifecycle::classify_change(rulebook.lifecycle(), &r))
    }
}
