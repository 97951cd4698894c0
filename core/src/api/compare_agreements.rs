//! `compare_agreements`: every agreement that could cover a product to one destination, ranked.

use super::Operation;
use crate::model::Country;
use crate::origin::{self, Comparison};
use crate::{Product, Result, Rulebook};
use schemars::JsonSchema;
use serde::Deserialize;

/// Evaluates every preferential agreement covering the destination and ranks them.
#[derive(Debug)]
pub struct CompareAgreements;

/// A product pre-review and the destination.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareRequest {
    /// The product pre-review.
    pub product: Product,
    /// Where the goods go.
    pub destination: Country,
}

impl Operation for CompareAgreements {
    const NAME: &'static str = "compare_agreements";
    const DOC: &'static str = "Evaluate every agreement covering a destination for a product and rank them.";
    type Request = CompareRequest;
    type Answer<'r> = Comparison;

    fn run(r: CompareRequest, rulebook: &Rulebook) -> Result<Comparison> {
        origin::compare(&r.product, &r.destination, rulebook)
    }
}
