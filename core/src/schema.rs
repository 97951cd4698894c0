//! The published JSON Schemas of the contract, generated from the Rust types.

use crate::error::{Error, Result};
use serde_json::Value;

/// Names of the published schemas.
pub const SCHEMAS: &[&str] = &["certificate", "product", "report"];

/// The JSON Schema called `name`.
pub fn schema(name: &str) -> Result<Value> {
    #[cfg(feature = "schema")]
    let found = generated(name);
    #[cfg(not(feature = "schema"))]
    let found = committed(name);
    found.ok_or_else(|| {
        Error::new(
            &crate::error::codes::UNKNOWN_SCHEMA,
            "name",
            format!("未知模式 `{name}`；可用：{}", SCHEMAS.join("、")),
            format!("unknown schema `{name}`; available: {}", SCHEMAS.join(", ")),
        )
    })
}

#[cfg(any(test, feature = "schema"))]
fn generated(name: &str) -> Option<Value> {
    let s = match name {
        "certificate" => schemars::schema_for!(crate::Certificate),
        "product" => schemars::schema_for!(crate::Product),
        "report" => schemars::schema_for!(crate::Report),
        _ => return None,
    };
    Some(s.to_value())
}

/// The committed schema/*.schema.json (`core/schema` links to them; kept equal to the generated ones by the tests below), for
/// builds that leave the generator out to stay small (the WASM binding).
#[cfg(any(test, not(feature = "schema")))]
fn committed(name: &str) -> Option<Value> {
    let text = match name {
        "certificate" => include_str!("../schema/certificate.schema.json"),
        "product" => include_str!("../schema/product.schema.json"),
        "report" => include_str!("../schema/report.schema.json"),
        _ => return None,
    };
    serde_json::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_schemas_are_current() {
        for name in SCHEMAS {
            let path = format!("{}/../schema/{name}.schema.json", env!("CARGO_MANIFEST_DIR"));
            let current = serde_json::to_string_pretty(&generated(name).unwrap()).unwrap() + "\n";
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            if on_disk != current {
                if std::env::var_os("ORIGO_BLESS").is_some() {
                    std::fs::create_dir_all(format!("{}/../schema", env!("CARGO_MANIFEST_DIR"))).unwrap();
                    std::fs::write(&path, current).unwrap();
                } else {
                    panic!("schema/{name}.schema.json drifted from the types: run `ORIGO_BLESS=1 cargo test -p origo` and commit it");
                }
            }
        }
    }

    #[test]
    fn committed_schemas_answer_as_generated() {
        for name in SCHEMAS {
            assert_eq!(
                committed(name),
                generated(name),
                "schema/{name}.schema.json: run `ORIGO_BLESS=1 cargo test -p origo`, then the tests again"
            );
        }
        assert!(committed("nope").is_none() && generated("nope").is_none());
        assert_eq!(schema("nope").unwrap_err().code, "unknown_schema");
    }
}
