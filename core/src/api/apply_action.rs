//! `apply_action`: one lifecycle action (submit, approve, amend...) on a certificate's state, or its refusal.

use super::Operation;
use crate::lifecycle::{ApplyRequest, Decision};
use crate::{Result, Rulebook};

/// One lifecycle action (submit, approve, amend...) on a certificate's state, or its refusal.
#[derive(Debug)]
pub struct ApplyAction;

impl Operation for ApplyAction {
    const NAME: &'static str = "apply_action";
    const ALIASES: &'static [&'static str] = &["lifecycle_apply"];
    const DOC: &'static str =
        "One lifecycle action (submit, approve, amend...) on a certificate's state, or its refusal.";
    type Request = ApplyRequest;
    type Answer<'r> = Decision;

    fn run(r: ApplyRequest, rulebook: &Rulebook) -> Result<Decision> {
        crate::lifecycle::apply(rulebook, &r)
    }
}
