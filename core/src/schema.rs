//! The published JSON Schemas of the contract, generated from the Rust types.

use crate::error::{Error, Result};
use serde_json::Value;

/// Names of the published schemas.
pub const SCHEMAS: &[&str] = &["certificate", "product", "report"];

/// The JSON Schema called `name`.
pub fn schema(name: &str) -> Result<Value> {
    let s = match name {
        "certificate" => schemars::schema_for!(crate::Certificate),
        "product" => schemars::schema_for!(crate::Product),
        "report" => schemars::schema_for!(crate::Report),
        _ => {
            return Err(Error::new(
                "unknown_schema",
                "name",
                format!("未知模式 `{name}`；可用：{}", SCHEMAS.join("、")),
                format!("unknown schema `{name}`; available: {}", SCHEMAS.join(", ")),
            ))
        }
    };
    Ok(s.to_value())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_schemas_are_current() {
        for name in SCHEMAS {
            let path = format!("{}/../schema/{name}.schema.json", env!("CARGO_MANIFEST_DIR"));
            let current = serde_json::to_string_pretty(&schema(name).unwrap()).unwrap() + "\n";
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
}
