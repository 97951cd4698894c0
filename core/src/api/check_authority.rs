//! `check_authority`: whether an office may sign a certificate type and an officer review it.

use super::Operation;
use crate::lifecycle::{AuthorityAnswer, AuthorityRequest};
use crate::{Result, Rulebook};

/// Whether an office may sign a certificate type and an officer review it.
#[derive(Debug)]
pub struct CheckAuthority;

impl Operation for CheckAuthority {
    const NAME: &'static str = "check_authority";
    const DOC: &'static str = "Whether an office may sign a certificate type and an officer review it.";
    type Request = AuthorityRequest;
    type Answer<'r> = AuthorityAnswer;

    fn run(r: AuthorityRequest, rulebook: &Rulebook) -> Result<AuthorityAnswer> {
        crate::lifecycle::check_authority(rulebook, &r)
    }
}
