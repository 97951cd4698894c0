//! `apply_reprint_action`: one action on a reprint application reviewed by CCPIT, or its refusal (FAQ Q33, Q85, Q117).

use super::Operation;
use crate::lifecycle::{ReprintRequest, WorkflowDecision};
use crate::{Result, Rulebook};

/// One action on a reprint application reviewed by CCPIT, or its refusal (FAQ Q33, Q85, Q117).
#[derive(Debug)]
pub struct ApplyReprintAction;

impl Operation for ApplyReprintAction {
    const NAME: &'static str = "apply_reprint_action";
    const DOC: &'static str =
        "One action on a reprint application reviewed by CCPIT, or its refusal (FAQ Q33, Q85, Q117).";
    type Request = ReprintRequest;
    type Answer<'r> = WorkflowDecision;

    fn run(r: ReprintRequest, rulebook: &Rulebook) -> Result<WorkflowDecision> {
        crate::lifecycle::apply_reprint_action(rulebook, &r)
    }
}
