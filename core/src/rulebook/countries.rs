//! The country list (`rules/lists/countries.csv`): every ISO 3166-1 alpha-2 code origo accepts.
//!
//! The list is data so a host can follow ISO changes without a new build; the checks use it to
//! refuse codes that have the right shape but name no country.

use super::invalid;
use crate::error::Result;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Path of the country list inside the rulebook.
pub(crate) const COUNTRIES_FILE: &str = "lists/countries.csv";

/// One country or territory of ISO 3166-1.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CountryInfo {
    /// ISO 3166-1 alpha-2 code, uppercase.
    pub code: String,
    /// English short name as ISO publishes it.
    pub name_en: String,
    /// Chinese name, where a source gives one.
    #[serde(default)]
    pub name_zh: Option<String>,
    /// Where the row comes from (the dataset, and the source of the Chinese name).
    pub source: String,
}

/// One CSV row as written in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    code: String,
    name_en: String,
    name_zh: String,
    source: String,
}

/// Parses the country list; an error names the file, the row (1 = first data row) and the column.
pub(crate) fn parse(text: &str) -> Result<BTreeMap<String, CountryInfo>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let mut out = BTreeMap::new();
    for (i, row) in reader.deserialize::<Row>().enumerate() {
        let at = format!("row {}", i + 1);
        let row = row.map_err(|e| invalid(COUNTRIES_FILE, &at, &e.to_string()))?;
        let key = |col: &str| format!("{at}, {col}");
        if row.code.len() != 2 || !row.code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(invalid(COUNTRIES_FILE, &key("code"), &format!("`{}` is not two uppercase letters", row.code)));
        }
        if row.name_en.trim().is_empty() {
            return Err(invalid(COUNTRIES_FILE, &key("name_en"), "the English name is empty"));
        }
        if row.source.trim().is_empty() {
            return Err(invalid(COUNTRIES_FILE, &key("source"), "every row needs a non-empty `source`"));
        }
        let info = CountryInfo {
            code: row.code.clone(),
            name_en: row.name_en,
            name_zh: Some(row.name_zh).filter(|z| !z.trim().is_empty()),
            source: row.source,
        };
        if out.insert(row.code.clone(), info).is_some() {
            return Err(invalid(COUNTRIES_FILE, &key("code"), &format!("`{}` appears twice", row.code)));
        }
    }
    if out.is_empty() {
        return Err(invalid(COUNTRIES_FILE, "", "no countries"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_rows_name_row_and_column() {
        let head = "code,name_en,name_zh,source\n";
        let e = parse(&format!("{head}CN,China,中国,x\nxx,Nowhere,,x\n")).unwrap_err();
        assert!(e.path.contains("row 2, code"), "{}", e.path);
        let e = parse(&format!("{head}CN,China,中国,\n")).unwrap_err();
        assert!(e.path.contains("row 1, source"), "{}", e.path);
        let e = parse(&format!("{head}CN,China,中国,x\nCN,China,中国,x\n")).unwrap_err();
        assert!(e.message.en.contains("twice"), "{}", e.message.en);
        let e = parse(&format!("{head}CN,China\n")).unwrap_err();
        assert!(e.path.contains("row 1"), "{}", e.path);
    }

    #[test]
    fn empty_chinese_name_is_none() {
        let got = parse("code,name_en,name_zh,source\nVA,Holy See,,x\n").unwrap();
        assert_eq!(got["VA"].name_zh, None);
    }
}
