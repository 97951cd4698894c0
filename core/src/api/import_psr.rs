//! `import_psr`: a product-specific-rule annex as GACC publishes it, read into a PSR table.

use super::Operation;
use crate::origin::annex::{self, ImportPsrAnswer, ImportPsrRequest};
use crate::{Result, Rulebook};

/// Reads an official PSR annex (JSON rows, CSV or `.xlsx`) into origo's PSR table, with the
/// report of rows read, imported and refused.
#[derive(Debug)]
pub struct ImportPsr;

impl Operation for ImportPsr {
    const NAME: &'static str = "import_psr";
    const DOC: &'static str =
        "Read an official product-specific-rule annex into a PSR table, with every refused row and why.";
    type Request = ImportPsrRequest;
    type Answer<'r> = ImportPsrAnswer;

    fn run(r: ImportPsrRequest, rulebook: &Rulebook) -> Result<ImportPsrAnswer> {
        annex::import_psr(&r, rulebook)
    }
}
