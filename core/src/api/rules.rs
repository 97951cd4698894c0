//! `rules`: every certificate type of the rulebook with its key facts.

use super::Operation;
use crate::model::ValueBasis;
use crate::rulebook::{CertificateKind, DataChange, Status};
use crate::{Result, Rulebook};
use schemars::JsonSchema;
use serde::Serialize;

/// Lists the rulebook's certificate types with their key facts.
#[derive(Debug)]
pub struct Rules;

/// The rulebook's data version, its data changelog and one summary per certificate type.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RulesSummary<'r> {
    /// The rulebook's data version.
    pub version: &'r str,
    /// What rule changed in which data version, from which date, on which source; newest first.
    pub changelog: &'r [DataChange],
    /// Every certificate type, in rulebook order.
    pub agreements: Vec<AgreementSummary<'r>>,
}

/// One certificate type's key facts.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AgreementSummary<'r> {
    /// The code, e.g. `rcep`.
    pub code: &'r str,
    /// Preferential, non-preferential...
    pub kind: CertificateKind,
    /// Chinese name.
    pub name_zh: &'r str,
    /// English name.
    pub name_en: &'r str,
    /// The form's name, e.g. `FORM E`.
    pub form_name: Option<&'r str>,
    /// Parties (ISO alpha-2).
    pub parties: &'r [String],
    /// Most goods items, `null` when unlimited.
    pub item_limit: Option<u32>,
    /// How certain the item limit is.
    pub item_limit_status: Status,
    /// FOB or EXW.
    pub valuation_basis: ValueBasis,
    /// The printed origin criteria.
    pub criteria: &'r [String],
    /// The form has a back page.
    pub back_page: bool,
}

impl Operation for Rules {
    const NAME: &'static str = "rules";
    const DOC: &'static str =
        "The rulebook's data version and changelog, and every certificate type with its key facts.";
    type Request = super::Empty;
    type Answer<'r> = RulesSummary<'r>;

    fn run<'r>(_: super::Empty, rb: &'r Rulebook) -> Result<RulesSummary<'r>> {
        let agreements = rb
            .agreements()
            .map(|a| AgreementSummary {
                code: &a.code,
                kind: a.kind,
                name_zh: &a.name.value.zh,
                name_en: &a.name.value.en,
                form_name: a.form_name.value.as_deref(),
                parties: &a.parties.value,
                item_limit: a.item_limit.value,
                item_limit_status: a.item_limit.status,
                valuation_basis: a.valuation_basis.value,
                criteria: &a.criteria.value,
                back_page: a.print.back_page.value,
            })
            .collect();
        Ok(RulesSummary { version: rb.version(), changelog: rb.changelog(), agreements })
    }
}
