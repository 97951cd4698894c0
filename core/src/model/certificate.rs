//! The certificate application as the exporter fills it in the CCPIT system.

use super::primitives::{Country, Currency, HsCode, Money};
use super::product::Product;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A certificate of origin application: one JSON object of the public contract.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// Certificate type: an agreement code of the rulebook, e.g. `asean`, `rcep`, `non_preferential`.
    pub agreement: String,
    /// Certificate number, once the system has assigned one.
    #[serde(default)]
    pub certificate_no: Option<String>,
    /// Importing country (box "country of destination").
    pub destination: Country,
    /// Exporter, as in the enterprise record (FAQ Q31).
    pub exporter: Party,
    /// Consignee; may be `TO ORDER`.
    pub consignee: Party,
    /// Producer, where the form has a producer box.
    #[serde(default)]
    pub producer: Option<Party>,
    /// Agent enterprise applying on the exporter's behalf: box 1 prints `AGENT O/B EXPORTER` (FAQ Q80).
    #[serde(default)]
    pub agent: Option<Party>,
    /// Intermediary for a "VIA" double header (non-preferential only, FAQ Q80) or third-party invoicing.
    #[serde(default)]
    pub intermediary: Option<Party>,
    /// Means of transport and route.
    #[serde(default)]
    pub transport: Transport,
    /// The commercial invoice the certificate covers.
    pub invoice: Invoice,
    /// Exchange rates the certificate carries, used to total values in other currencies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exchange_rates: Vec<ExchangeRate>,
    /// How the certificate's FOB total is obtained (FAQ Q109).
    #[serde(default)]
    pub fob_total: FobTotal,
    /// The goods items, in the order printed.
    pub goods: Vec<GoodsItem>,
    /// Product pre-reviews (产品预审) the goods items refer to by `product_ref`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products: Vec<Product>,
    /// Remarks box text.
    #[serde(default)]
    pub remarks: Option<String>,
    /// Special-clause text (used where the form has no remarks box, FAQ Q23).
    #[serde(default)]
    pub special_clause: Option<String>,
    /// Letter of credit, shown in remarks when `print.show_lc` is set (FAQ Q102).
    #[serde(default)]
    pub letter_of_credit: Option<LetterOfCredit>,
    /// The dates of the certificate's life.
    #[serde(default)]
    pub dates: Dates,
    /// Marks ticked on the certificate.
    #[serde(default)]
    pub flags: Flags,
    /// Display and print choices.
    #[serde(default)]
    pub print: PrintOptions,
    /// Customs registration code of the exporter (required for preferential certificates, FAQ Q69).
    #[serde(default)]
    pub customs_registration_code: Option<String>,
    /// Attachments: supporting documents and image shipping marks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Where the application came from when not typed in this system (third-party platform, single window).
    #[serde(default)]
    pub origin_system: Option<String>,
}

/// A party named on the certificate.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Name as printed (English on English forms).
    pub name: String,
    /// Address as printed.
    #[serde(default)]
    pub address: Option<String>,
    /// Country of the party.
    #[serde(default)]
    pub country: Option<Country>,
    /// Chinese name, where the form or the record needs it.
    #[serde(default)]
    pub name_zh: Option<String>,
}

/// How the goods travel.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transport {
    /// Mode: sea, air, rail, road, multimodal, post.
    #[serde(default)]
    pub mode: Option<TransportMode>,
    /// Vessel's name, flight or train number.
    #[serde(default)]
    pub vessel: Option<String>,
    /// Departure date.
    #[serde(default)]
    pub departure_date: Option<NaiveDate>,
    /// Port of loading.
    #[serde(default)]
    pub port_of_loading: Option<String>,
    /// Port of discharge.
    #[serde(default)]
    pub port_of_discharge: Option<String>,
    /// Transit port or country, if any.
    #[serde(default)]
    pub via: Option<String>,
}

/// Means of transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransportMode {
    /// By sea.
    Sea,
    /// By air.
    Air,
    /// By rail.
    Rail,
    /// By road.
    Road,
    /// More than one mode.
    Multimodal,
    /// By post or express courier.
    Post,
}

/// The commercial invoice.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Invoice {
    /// Invoice number (one invoice number serves one live preferential certificate, FAQ Q27).
    pub number: String,
    /// Invoice date.
    pub date: NaiveDate,
    /// Trade term as typed (`FOB`, `CIF`, `C&F`...); normalised to Incoterms 2020 by the checks.
    #[serde(default)]
    pub trade_term: Option<String>,
    /// Invoice currency.
    pub currency: Currency,
    /// Invoiced amount under the trade term.
    #[serde(default)]
    pub amount: Option<Decimal>,
    /// Whether a third party issues the invoice (third-party invoicing).
    #[serde(default)]
    pub issuer: Option<Party>,
}

/// `1 from = rate × to`, e.g. `{from: "EUR", to: "USD", rate: "1.0832"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeRate {
    /// Currency converted from.
    pub from: Currency,
    /// Currency converted to.
    pub to: Currency,
    /// Units of `to` for one unit of `from`.
    pub rate: Decimal,
}

/// The certificate FOB total: computed from the items (`auto`) or typed (`manual`), FAQ Q109.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FobTotal {
    /// `auto` (default) or `manual`.
    #[serde(default)]
    pub mode: TotalMode,
    /// Currency of the total; the invoice currency when absent.
    #[serde(default)]
    pub currency: Option<Currency>,
    /// The manual total (only with `mode = manual`).
    #[serde(default)]
    pub amount: Option<Decimal>,
}

/// How a total is obtained.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TotalMode {
    /// Summed from the items with the certificate's exchange rates.
    #[default]
    Auto,
    /// Typed by the user.
    Manual,
}

/// One goods item (one row of the goods boxes).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoodsItem {
    /// Item number as printed (1, 2, ...).
    pub item_no: u32,
    /// Text shipping marks.
    #[serde(default)]
    pub marks: Option<String>,
    /// Number of packages.
    #[serde(default)]
    pub package_count: Option<u64>,
    /// Kind of packages, e.g. `CARTONS`.
    #[serde(default)]
    pub package_kind: Option<String>,
    /// Packaging mode for the description fill (FAQ Q30).
    #[serde(default)]
    pub packaging: PackagingMode,
    /// Goods name (English on English forms).
    pub name: String,
    /// Description as printed; the standard fill is derived when absent.
    #[serde(default)]
    pub description: Option<String>,
    /// HS code of the goods.
    pub hs_code: HsCode,
    /// Quantity.
    pub quantity: Decimal,
    /// Unit of the quantity, e.g. `PCS`, `KGS`.
    pub unit: String,
    /// Gross weight in kilograms.
    #[serde(default)]
    pub gross_weight: Option<Decimal>,
    /// Net weight in kilograms.
    #[serde(default)]
    pub net_weight: Option<Decimal>,
    /// FOB value of the item.
    #[serde(default)]
    pub fob_value: Option<Money>,
    /// EXW (ex-works) value of the item, where the agreement needs it.
    #[serde(default)]
    pub exw_value: Option<Money>,
    /// The product pre-review this item uses: the `id` of an entry in `products`.
    #[serde(default)]
    pub product_ref: Option<String>,
    /// Show the FOB value for this item (Form E with PSR met through RVC, FAQ Q107).
    #[serde(default)]
    pub show_fob: bool,
}

/// How packages appear in the goods description (FAQ Q30).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PackagingMode {
    /// Neither box ticked: package quantity + unit + name.
    #[default]
    Standard,
    /// "Total packaging" ticked: the goods name only.
    TotalPackaging,
    /// "In bulk" ticked: name + ` IN BULK`.
    InBulk,
}

/// Letter of credit.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LetterOfCredit {
    /// L/C number.
    pub number: String,
    /// L/C date.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// The dates of a certificate. The system sets application and signing dates (FAQ Q95).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dates {
    /// Shipment (export) date.
    #[serde(default)]
    pub shipment: Option<NaiveDate>,
    /// Export customs declaration date (required for ECFA, FAQ Q113).
    #[serde(default)]
    pub declaration: Option<NaiveDate>,
    /// Application date = the day the application was submitted.
    #[serde(default)]
    pub application: Option<NaiveDate>,
    /// Signing date = the day the certificate was approved.
    #[serde(default)]
    pub signing: Option<NaiveDate>,
    /// Signing place = the approving office's filing location (since 2025-01-09).
    #[serde(default)]
    pub signing_place: Option<String>,
}

/// Tick boxes on preferential forms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Flags {
    /// "ISSUED RETROACTIVELY" / 补发.
    #[serde(default)]
    pub issued_retroactively: bool,
    /// Movement (back-to-back) certificate.
    #[serde(default)]
    pub movement: bool,
    /// Goods for an exhibition.
    #[serde(default)]
    pub exhibition: bool,
    /// Invoice issued by a third party.
    #[serde(default)]
    pub third_party_invoicing: bool,
}

/// Display and print choices.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintOptions {
    /// Put the L/C number and date in remarks (FAQ Q102).
    #[serde(default)]
    pub show_lc: bool,
    /// HS digits shown on a non-preferential certificate: 4, 6, 8 or 10 (FAQ Q26).
    #[serde(default)]
    pub hs_digits: Option<u8>,
    /// Print "exporter VIA intermediary" (non-preferential only, FAQ Q80).
    #[serde(default)]
    pub double_header: bool,
    /// Show the manufacturer on the certificate (FAQ Q41).
    #[serde(default)]
    pub show_manufacturer: bool,
    /// Manufacturer confidential: print "AVAILABLE TO THE COMPETENT AUTHORITY UPON REQUEST" (FAQ Q41).
    #[serde(default)]
    pub manufacturer_confidential: bool,
    /// The enterprise prints the certificate itself (self-print).
    #[serde(default)]
    pub self_print: bool,
    /// Generate a commercial invoice from the certificate data instead of uploading one (FAQ Q96).
    #[serde(default)]
    pub auto_invoice: bool,
    /// A bilingual or English seal has been uploaded (shown instead of the official seal, FAQ Q10, Q60).
    #[serde(default)]
    pub bilingual_seal: bool,
}

/// A file attached to the application.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// What the file is.
    pub kind: AttachmentKind,
    /// File name as uploaded.
    pub name: String,
    /// Media type, e.g. `image/png`, `application/pdf`.
    #[serde(default)]
    pub media_type: Option<String>,
    /// Content as base64, when the host passes it (image marks for rendering).
    #[serde(default)]
    pub data_base64: Option<String>,
}

/// Kinds of attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// Commercial invoice.
    CommercialInvoice,
    /// Packing list.
    PackingList,
    /// Bill of lading or other transport document.
    TransportDocument,
    /// Image shipping marks (FAQ Q24, Q39).
    MarksImage,
    /// Any other supporting document.
    Other,
}
