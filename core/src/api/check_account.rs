//! `check_account`: whether an account may be registered (FAQ Q48, Q49).

use super::Operation;
use crate::identity::{self, AccountDecision, AccountRequest};
use crate::{Result, Rulebook};

/// Whether an account may be registered: its name, its phone, and no same-named account on that phone.
#[derive(Debug)]
pub struct CheckAccount;

impl Operation for CheckAccount {
    const NAME: &'static str = "check_account";
    const DOC: &'static str =
        "Whether an account may be registered: a valid name and mobile number, and no account of the same name on that phone (one phone binds several accounts).";
    type Request = AccountRequest;
    type Answer<'r> = AccountDecision;

    fn run(r: AccountRequest, rulebook: &Rulebook) -> Result<AccountDecision> {
        Ok(identity::check_account(rulebook.lifecycle(), &r))
    }
}
