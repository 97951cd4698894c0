//! Input bounds: how much input origo accepts before it refuses with a clear error.
//!
//! They protect hosts from inputs that would take unbounded time or memory; they are data
//! (`rules/rulebook.toml`, `[limits]`) so a host can tighten them. SECURITY.md explains each.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The input bounds in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Bytes of one JSON request (certificate, product, rulebook file).
    pub max_input_bytes: usize,
    /// Characters of any one text field.
    pub max_string_chars: usize,
    /// Elements of any one list that is not bounded more tightly below.
    pub max_list_len: usize,
    /// Goods items of one certificate.
    pub max_goods: usize,
    /// Materials of one product.
    pub max_materials: usize,
    /// Products attached to one certificate.
    pub max_products: usize,
    /// Nesting depth of JSON input.
    pub max_depth: usize,
    /// Rows of one product-specific-rule table.
    pub max_psr_rows: usize,
    /// Characters of one rule expression.
    pub max_rule_chars: usize,
    /// Bytes of one attached image (decoded).
    pub max_image_bytes: usize,
    /// Bytes of one host-supplied font.
    pub max_font_bytes: usize,
    /// Pages of one rendered document.
    pub max_pages: usize,
    /// Rows of one CSV import file.
    pub max_import_rows: usize,
    /// Where these numbers come from.
    pub source: String,
}
