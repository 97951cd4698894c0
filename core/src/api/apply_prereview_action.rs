//! `apply_prereview_action`: one action on a product pre-review (submit, approve, reject, void, amend), or its refusal (FAQ Q16, Q19, Q20, Q38, Q75).

use super::Operation;
use crate::lifecycle::{PrereviewRequest, WorkflowDecision};
use crate::{Result, Rulebook};

/// One action on a product pre-review (submit, approve, reject, void, amend), or its refusal (FAQ Q16, Q19, Q20, Q38, Q75).
#[derive(Debug)]
pub struct ApplyPrereviewAction;

impl Operation for ApplyPrereviewAction {
    const NAME: &'static str = "apply_prereview_action";
    const DOC: &'static str = "One action on a product pre-review (submit, approve, reject, void, amend), or its refusal (FAQ Q16, Q19, Q20, Q38, Q75).";
    type Request = PrereviewRequest;
    type Answer<'r> = WorkflowDecision;

    fn run(r: PrereviewRequest, rulebook: &Rulebook) -> Result<WorkflowDecision> {
        crate::lifecycle::apply_prereview_action(rulebook, &r)
    }
}
