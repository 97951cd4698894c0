//! `apply_delegation`: one step of an agent authorisation (request, approve, disable), or its refusal.

use super::Operation;
use crate::lifecycle::{DelegationDecision, DelegationRequest};
use crate::{Result, Rulebook};

/// One step of an agent authorisation (request, approve, disable), or its refusal.
#[derive(Debug)]
pub struct ApplyDelegation;

impl Operation for ApplyDelegation {
    const NAME: &'static str = "apply_delegation";
    const ALIASES: &'static [&'static str] = &["delegation_apply"];
    const DOC: &'static str = "One step of an agent authorisation (request, approve, disable), or its refusal.";
    type Request = DelegationRequest;
    type Answer<'r> = DelegationDecision;

    fn run(r: DelegationRequest, _: &Rulebook) -> Result<DelegationDecision> {
        Ok(crate::lifecycle::apply_delegation(&r))
    }
}
