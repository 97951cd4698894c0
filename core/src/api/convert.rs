//! `convert`: a price from one trade term to another, with the formula (FAQ Q17, Q18).

use super::Operation;
use crate::valuation::{self, Conversion, ConvertRequest};
use crate::{Result, Rulebook};

/// Converts a price between trade terms (to FOB by default) and shows the formula.
#[derive(Debug)]
pub struct Convert;

impl Operation for Convert {
    const NAME: &'static str = "convert";
    const DOC: &'static str =
        "Convert a price between trade terms (to FOB by default), with the formula (FAQ Q17, Q18).";
    type Request = ConvertRequest;
    type Answer<'r> = Conversion;

    fn run(r: ConvertRequest, rulebook: &Rulebook) -> Result<Conversion> {
        valuation::convert_request(&r, rulebook)
    }
}
