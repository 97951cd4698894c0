//! `apply_verification_action`: one action on a foreign verification request (核查), or its refusal (review side Q7, Q8).

use super::Operation;
use crate::lifecycle::{VerificationRequest, WorkflowDecision};
use crate::{Result, Rulebook};

/// One action on a foreign verification request (核查), or its refusal (review side Q7, Q8).
#[derive(Debug)]
pub struct ApplyVerificationAction;

impl Operation for ApplyVerificationAction {
    const NAME: &'static str = "apply_verification_action";
    const DOC: &'static str =
        "One action on a foreign verification request (核查), or its refusal (review side Q7, Q8).";
    type Request = VerificationRequest;
    type Answer<'r> = WorkflowDecision;

    fn run(r: VerificationRequest, rulebook: &Rulebook) -> Result<WorkflowDecision> {
        crate::lifecycle::apply_verification_action(rulebook, &r)
    }
}
