//! `import_products`: product pre-reviews from the goods and materials tables (CSV).

use super::Operation;
use crate::origin::import::{self, Imported};
use crate::{Result, Rulebook};
use schemars::JsonSchema;
use serde::Deserialize;

/// Reads the pre-review batch import tables into products, or every error with its row.
#[derive(Debug)]
pub struct ImportProducts;

/// The goods and materials tables as CSV text.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// One row per product, with its serial number.
    pub goods_csv: String,
    /// One row per material, naming its goods serial number.
    pub materials_csv: String,
}

impl Operation for ImportProducts {
    const NAME: &'static str = "import_products";
    const DOC: &'static str = "Import product pre-reviews from the goods and materials tables (CSV).";
    type Request = ImportRequest;
    type Answer<'r> = Imported;

    fn run(r: ImportRequest, rulebook: &Rulebook) -> Result<Imported> {
        Ok(import::import(&r.goods_csv, &r.materials_csv, rulebook))
    }
}
