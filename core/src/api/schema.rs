//! `schema`: the JSON Schema of a part of the contract.

use super::Operation;
use crate::{Result, Rulebook};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

/// Gives the JSON Schema of the certificate, the product or the report.
#[derive(Debug)]
pub struct Schema;

/// Which schema (default `certificate`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemaRequest {
    /// `certificate`, `product` or `report`.
    #[serde(default = "default_name")]
    pub name: String,
}

fn default_name() -> String {
    "certificate".to_string()
}

impl Operation for Schema {
    const NAME: &'static str = "schema";
    const DOC: &'static str = "The JSON Schema of the certificate, product or report contract.";
    type Request = SchemaRequest;
    type Answer<'r> = Value;

    fn run(r: SchemaRequest, _: &Rulebook) -> Result<Value> {
        crate::schema::schema(&r.name)
    }
}
