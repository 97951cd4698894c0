//! `check_copy`: whether a certified true copy may be issued for an original.

use super::Operation;
use crate::lifecycle::{CopyDecision, CopyRequest};
use crate::{Result, Rulebook};

/// Whether a certified true copy may be issued for an original.
#[derive(Debug)]
pub struct CheckCopy;

impl Operation for CheckCopy {
    const NAME: &'static str = "check_copy";
    const ALIASES: &'static [&'static str] = &["copy_check"];
    const DOC: &'static str = "Whether a certified true copy may be issued for an original.";
    type Request = CopyRequest;
    type Answer<'r> = CopyDecision;

    fn run(r: CopyRequest, rulebook: &Rulebook) -> Result<CopyDecision> {
        crate::lifecycle::check_copy(rulebook, &r)
    }
}
