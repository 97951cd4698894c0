//! The product pre-review (产品预审): what a product is made of, registered before certificates use it.

use super::primitives::{Country, Currency, HsCode};
use crate::finding::Message;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A product pre-review: product data and its bill of materials.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// The pre-review's identifier, referred to by goods items.
    pub id: String,
    /// Review status in the CCPIT system (FAQ Q38, Q75, Q83, Q101). Required for a certificate's
    /// pre-reviews: only an approved one serves a goods item, and an absent status is a finding,
    /// never taken as approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ProductStatus>,
    /// Product HS code.
    pub hs_code: HsCode,
    /// Tariff version the HS code belongs to, e.g. `2022` (FAQ Q111).
    #[serde(default)]
    pub tariff_version: Option<String>,
    /// Chinese product name.
    #[serde(default)]
    pub name_zh: Option<String>,
    /// English product name.
    pub name_en: String,
    /// Model or specification.
    #[serde(default)]
    pub model: Option<String>,
    /// Unit of the product quantity, e.g. `PCS`.
    #[serde(default)]
    pub unit: Option<String>,
    /// Manufacturer (Chinese name, address and country required, FAQ Q15).
    #[serde(default)]
    pub manufacturer: Option<Manufacturer>,
    /// Currency of the unit prices and material values.
    pub currency: Currency,
    /// FOB price of one unit of product.
    #[serde(default)]
    pub unit_fob: Option<Decimal>,
    /// Ex-works price of one unit of product.
    #[serde(default)]
    pub unit_exw: Option<Decimal>,
    /// Wholly obtained in China (minerals, plants, animals...): no materials needed.
    #[serde(default)]
    pub wholly_obtained: bool,
    /// Bill of materials, per unit of product.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<Material>,
    /// Processing steps carried out in China.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processing: Vec<String>,
    /// Production involves a chemical reaction (the `CR` criterion of RCEP).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub chemical_reaction: bool,
    /// Costs per unit besides materials, for build-up value content: `RVC(40, build-up)`.
    #[serde(default)]
    pub costs: Option<Costs>,
    /// The exporter's answer to "was production in China only these minimal operations?" (FAQ Q110):
    /// the codes of the operations ticked, empty when none applies; absent when not asked yet.
    #[serde(default)]
    pub minimal_operations: Option<Vec<String>>,
}

/// Costs of one unit of product other than materials (RCEP Art. 3.5 build-up formula).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// Direct labour cost.
    pub direct_labour: Decimal,
    /// Direct overhead cost.
    pub direct_overhead: Decimal,
    /// Profit.
    pub profit: Decimal,
    /// Other costs.
    #[serde(default)]
    pub other: Decimal,
}

/// Review status of a pre-review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    /// Saved, not sent.
    Draft,
    /// Sent, waiting for review.
    Pending,
    /// Approved: usable on certificates.
    Approved,
    /// Rejected by the reviewer.
    Rejected,
    /// Voided: no longer usable.
    Voided,
}

/// The manufacturer of a product.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manufacturer {
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    #[serde(default)]
    pub name_en: Option<String>,
    /// Address.
    pub address: String,
    /// Country.
    pub country: Country,
}

/// One material of the bill of materials, per unit of product.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Material {
    /// Material name.
    pub name: String,
    /// Material HS code (needed for tariff-change tests).
    #[serde(default)]
    pub hs_code: Option<HsCode>,
    /// Country of origin, or `unknown`.
    pub origin: MaterialOrigin,
    /// Quantity used per unit of product.
    #[serde(default)]
    pub quantity: Option<Decimal>,
    /// Unit of that quantity.
    #[serde(default)]
    pub unit: Option<String>,
    /// Value per unit of product, in the product's currency.
    pub value: Decimal,
    /// Price basis of `value`: `fob` (CIF for imported materials) or `exw`.
    #[serde(default)]
    pub basis: ValueBasis,
}

/// A material's origin: a country, or unknown (which never originates).
#[derive(Debug, Clone, PartialEq, Eq, Hash, JsonSchema)]
#[schemars(untagged)]
pub enum MaterialOrigin {
    /// Known country of origin.
    Country(Country),
    /// `unknown`: treated as non-originating.
    #[schemars(with = "UnknownOrigin")]
    Unknown,
}

/// The literal `unknown` in the schema.
#[derive(JsonSchema)]
#[allow(dead_code, reason = "schema only")]
enum UnknownOrigin {
    #[serde(rename = "unknown")]
    Unknown,
}

impl Serialize for MaterialOrigin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            MaterialOrigin::Country(c) => s.serialize_str(c.as_str()),
            MaterialOrigin::Unknown => s.serialize_str("unknown"),
        }
    }
}

impl MaterialOrigin {
    /// Reads `unknown` (any case, surrounding spaces allowed) or a country code.
    pub fn parse(s: &str) -> Result<Self, Message> {
        if s.trim().eq_ignore_ascii_case("unknown") {
            Ok(MaterialOrigin::Unknown)
        } else {
            Country::parse(s).map(MaterialOrigin::Country)
        }
    }
}

impl<'de> Deserialize<'de> for MaterialOrigin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::primitives::deserialize_parsed(d, "a country code or `unknown`", MaterialOrigin::parse)
    }
}

/// A price basis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ValueBasis {
    /// Free on board (for imported materials: CIF value).
    #[default]
    Fob,
    /// Ex works.
    Exw,
}
