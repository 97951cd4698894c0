//! `apply_registration_action`: one action on an enterprise registration or a signatory/administrator application, or its refusal.

use super::Operation;
use crate::lifecycle::{RegistrationRequest, WorkflowDecision};
use crate::{Result, Rulebook};

/// One action on an enterprise registration or a signatory/administrator application, or its refusal.
#[derive(Debug)]
pub struct ApplyRegistrationAction;

impl Operation for ApplyRegistrationAction {
    const NAME: &'static str = "apply_registration_action";
    const DOC: &'static str =
        "One action on an enterprise registration or a signatory/administrator application, or its refusal.";
    type Request = RegistrationRequest;
    type Answer<'r> = WorkflowDecision;

    fn run(r: RegistrationRequest, rulebook: &Rulebook) -> Result<WorkflowDecision> {
        crate::lifecycle::apply_registration_action(rulebook, &r)
    }
}
