//! `check_signatory`: whether a signatory may act for an enterprise through this account.

use super::Operation;
use crate::lifecycle::{SignatoryDecision, SignatoryRequest};
use crate::{Result, Rulebook};

/// Whether a signatory may act for an enterprise through this account.
#[derive(Debug)]
pub struct CheckSignatory;

impl Operation for CheckSignatory {
    const NAME: &'static str = "check_signatory";
    const ALIASES: &'static [&'static str] = &["signatory_check"];
    const DOC: &'static str = "Whether a signatory may act for an enterprise through this account.";
    type Request = SignatoryRequest;
    type Answer<'r> = SignatoryDecision;

    fn run(r: SignatoryRequest, _: &Rulebook) -> Result<SignatoryDecision> {
        Ok(crate::lifecycle::check_signatory(&r))
    }
}
