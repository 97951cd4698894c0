//! `validate_id`: an identifier (USCC, resident ID, account, mobile) checked as entered.

use super::Operation;
use crate::identity::{self, IdAnswer, IdRequest};
use crate::{Result, Rulebook};

/// Validates an identifier and gives its canonical form or the reason it is invalid.
#[derive(Debug)]
pub struct ValidateId;

impl Operation for ValidateId {
    const NAME: &'static str = "validate_id";
    const DOC: &'static str =
        "Validate a USCC, resident ID, account name or mobile number, with the reason when invalid.";
    type Request = IdRequest;
    type Answer<'r> = IdAnswer;

    fn run(r: IdRequest, rulebook: &Rulebook) -> Result<IdAnswer> {
        Ok(identity::validate(rulebook.lifecycle(), r.kind, &r.value))
    }
}
