//! `determine_origin`: whether a product originates under one agreement, with the rule applied.

use super::Operation;
use crate::model::Country;
use crate::origin::{self, Determination, PsrTable};
use crate::{Product, Result, Rulebook};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;

/// Decides a product's origin criterion under an agreement, with the trace.
#[derive(Debug)]
pub struct DetermineOrigin;

/// A product pre-review, an agreement code and optionally the destination.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DetermineRequest {
    /// The product pre-review.
    pub product: Product,
    /// The agreement (certificate type) code, e.g. `rcep`.
    pub agreement: String,
    /// Where the goods go.
    #[serde(default)]
    pub destination: Option<Country>,
    /// The agreement's product-specific rules as CSV (`hs_prefix,rule,source`), in place of the rulebook's.
    #[serde(default)]
    pub psr_csv: Option<String>,
    /// The day whose product-specific-rule table applies (the certificate's export date), where an
    /// agreement's rules were republished; without it the most recent table applies.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

impl Operation for DetermineOrigin {
    const NAME: &'static str = "determine_origin";
    const DOC: &'static str =
        "Decide whether a product originates under an agreement: criterion, rule applied and trace.";
    type Request = DetermineRequest;
    type Answer<'r> = Determination;

    fn run(r: DetermineRequest, rulebook: &Rulebook) -> Result<Determination> {
        let agreement = rulebook.known_agreement(&r.agreement, "agreement")?;
        match r.psr_csv {
            Some(text) => {
                let own = PsrTable::parse("psr_csv", &text, rulebook.limits())?;
                origin::determine_with(&r.product, agreement, rulebook, r.destination.as_ref(), Some(&own))
            }
            None => origin::determine(&r.product, agreement, rulebook, r.destination.as_ref(), r.date),
        }
    }
}
