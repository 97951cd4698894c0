//! `apply_institution_action`: one action on the review side's institutions and officers (总会, 分会, 支会), or its refusal.

use super::Operation;
use crate::lifecycle::{InstitutionRequest, WorkflowDecision};
use crate::{Result, Rulebook};

/// One action on the review side's institutions and officers (总会, 分会, 支会), or its refusal.
#[derive(Debug)]
pub struct ApplyInstitutionAction;

impl Operation for ApplyInstitutionAction {
    const NAME: &'static str = "apply_institution_action";
    const DOC: &'static str =
        "One action on the review side's institutions and officers (总会, 分会, 支会), or its refusal.";
    type Request = InstitutionRequest;
    type Answer<'r> = WorkflowDecision;

    fn run(r: InstitutionRequest, rulebook: &Rulebook) -> Result<WorkflowDecision> {
        crate::lifecycle::apply_institution_action(rulebook, &r)
    }
}
