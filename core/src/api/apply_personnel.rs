//! `apply_personnel`: one personnel action on applicant and signatory accounts, or its refusal.

use super::Operation;
use crate::lifecycle::{PersonnelDecision, PersonnelRequest};
use crate::{Result, Rulebook};

/// One personnel action on applicant and signatory accounts, or its refusal.
#[derive(Debug)]
pub struct ApplyPersonnel;

impl Operation for ApplyPersonnel {
    const NAME: &'static str = "apply_personnel";
    const ALIASES: &'static [&'static str] = &["personnel_apply"];
    const DOC: &'static str = "One personnel action on applicant and signatory accounts, or its refusal.";
    type Request = PersonnelRequest;
    type Answer<'r> = PersonnelDecision;

    fn run(r: PersonnelRequest, rulebook: &Rulebook) -> Result<PersonnelDecision> {
        Ok(crate::lifecycle::apply_personnel(rulebook.lifecycle(), &r))
    }
}
