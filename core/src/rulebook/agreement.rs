//! One certificate type and the agreement behind it, as read from `rules/agreements/<code>.toml`.

use super::fact::{Fact, OptFact};
use crate::model::ValueBasis;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What kind of certificate a type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CertificateKind {
    /// Non-preferential certificate of origin (一般原产地证书).
    NonPreferential,
    /// Preferential certificate under a trade agreement.
    Preferential,
    /// Certificate of processing and assembly (加工装配证明书).
    Processing,
    /// Re-export certificate (转口证明书).
    ReExport,
}

/// Names in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// Chinese name.
    pub zh: String,
    /// English name.
    pub en: String,
}

/// A certificate type with every fact the checks and the renderer need.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// Data-file format version (1).
    pub schema_version: u32,
    /// Stable code, the file's name: `asean`, `rcep`, `non_preferential`...
    pub code: String,
    /// Kind of certificate.
    pub kind: CertificateKind,
    /// Names of the certificate type.
    pub name: Fact<Names>,
    /// Short form name, e.g. `FORM E`.
    pub form_name: OptFact<String>,
    /// Title printed on the form.
    pub form_title: Fact<String>,
    /// Letter(s) of the type in certificate numbers.
    pub type_code: OptFact<String>,
    /// Template id in the templates crate.
    pub template: String,
    /// Date the agreement (or its current rules) entered into force.
    pub effective_from: OptFact<NaiveDate>,
    /// Importing parties (ISO alpha-2); `["*"]` = any destination.
    pub parties: Fact<Vec<String>>,
    /// Parties whose materials count as originating (accumulation); China always does.
    pub cumulation: Fact<Vec<String>>,
    /// Maximum goods items per certificate; `null` = no limit (FAQ Q128).
    pub item_limit: OptFact<u32>,
    /// Price basis of the value rules.
    pub valuation_basis: Fact<ValueBasis>,
    /// EXW values of items and materials are required (FAQ Q112).
    pub exw_required: Fact<bool>,
    /// Origin-criterion codes printed on the form; `[]` = the form has no criterion box.
    pub criteria: Fact<Vec<String>>,
    /// The general origin rule as a rule expression, used where no product-specific rule applies.
    pub general_rule: OptFact<String>,
    /// De minimis tolerance for non-originating materials failing a tariff-change test.
    pub de_minimis: OptFact<DeMinimis>,
    /// Months a certificate stays valid from issue.
    pub validity_months: OptFact<u32>,
    /// Retroactive issuance (补发) window.
    pub retroactive: Fact<Retroactive>,
    /// Latest signing date relative to shipment (APTA, FAQ Q103).
    #[serde(default)]
    pub signing_deadline: Option<Fact<SigningDeadline>>,
    /// Days after the export declaration within which certificates and reissues are signed (ECFA, FAQ Q113, Q127).
    #[serde(default)]
    pub declaration_window_days: Option<Fact<u32>>,
    /// Print and layout rules.
    pub print: PrintRules,
    /// Anything a reader of this file should know (conflicts between sources, open questions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// De minimis: non-originating materials failing a tariff-change test are tolerated up to this share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeMinimis {
    /// Percentage of the product's value, e.g. `"10"`.
    pub percent: Decimal,
    /// Value the percentage is taken of.
    pub basis: ValueBasis,
}

/// When a certificate issued after shipment is retroactive, and how long that is possible.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Retroactive {
    /// Retroactive issuance is possible at all.
    pub allowed: bool,
    /// Calendar days after shipment within which an application is not yet retroactive.
    #[serde(default)]
    pub grace_days: Option<u32>,
    /// Working days after shipment within which an application is not yet retroactive.
    #[serde(default)]
    pub grace_working_days: Option<u32>,
    /// Months after shipment within which retroactive issuance is possible.
    #[serde(default)]
    pub within_months: Option<u32>,
    /// The words printed, e.g. `ISSUED RETROACTIVELY`.
    #[serde(default)]
    pub marking: Option<String>,
    /// Where it is printed, e.g. `box 13`.
    #[serde(default)]
    pub placement: Option<String>,
    /// A retroactive certificate's validity counts from shipment, not from issue (ChAFTA).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub valid_from_shipment: bool,
}

/// A signing deadline in working days after shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SigningDeadline {
    /// Working days after shipment.
    pub working_days_after_shipment: u32,
    /// Name of the working-day policy (see `rules/calendar`).
    pub policy: String,
}

/// Print and layout rules of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintRules {
    /// A back page with overleaf notes is printed (FAQ Q45).
    pub back_page: Fact<bool>,
    /// Destinations needing a manual stamp and signature, no electronic seal (FAQ Q106); `["*"]` = all.
    pub manual_stamp_destinations: Fact<Vec<String>>,
    /// Destinations for which the certificate is only downloadable as PDF (FAQ Q89).
    pub download_only_destinations: Fact<Vec<String>>,
    /// Printed onto a pre-printed official form: output without background (FAQ Q34).
    pub preprinted_form: Fact<bool>,
    /// The form has a remarks box (otherwise remarks go to the special clause, FAQ Q23).
    pub remarks_box: Fact<bool>,
    /// Destinations where the value/weight box shows only the quantity (Form E to Indonesia, FAQ Q36).
    pub quantity_only_destinations: Fact<Vec<String>>,
    /// HS digits printed for each goods item; `null` = the applicant's choice (FAQ Q26).
    pub hs_digits: OptFact<u8>,
    /// Maximum characters of text shipping marks per item; `null` = no published number (FAQ Q39).
    pub marks_max_chars: OptFact<u32>,
    /// The form has a producer/manufacturer box (FAQ Q41).
    pub manufacturer_box: Fact<bool>,
    /// Language of the form: `en` or `zh` (ECFA is Chinese).
    pub language: Fact<String>,
    /// The names the agreement's own texts give its parties, by country code, printed in the
    /// declaration instead of the country list's names; absent where the country names are printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_names: Option<Fact<BTreeMap<String, String>>>,
}
