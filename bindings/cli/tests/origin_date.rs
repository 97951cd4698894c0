//! `origo determine-origin --date`: the certificate's date picks the product-specific table in force.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "test code: a failure should stop the run")]

use std::path::PathBuf;
use std::process::Command;

/// The product of the shared vector for ECFA on 2010-06-01, before any table was in force.
fn product() -> PathBuf {
    let vectors = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/origin_psr.json");
    let vectors: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(vectors).unwrap()).unwrap();
    let case = vectors["cases"].as_array().unwrap().iter().find(|c| c["input"]["date"] == "2010-06-01").unwrap();
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("product-{}.json", std::process::id()));
    std::fs::write(&path, case["input"]["product"].to_string()).unwrap();
    path
}

fn notes(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_origo")).args(args).output().unwrap();
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    answer["notes"][0]["en"].as_str().unwrap().to_string()
}

#[test]
fn the_date_picks_the_table_in_force_and_its_absence_is_said() {
    let path = product();
    let file = path.to_str().unwrap();
    let dated = notes(&["determine-origin", file, "--agreement", "ecfa", "--date", "2010-06-01", "--format", "json"]);
    assert!(dated.contains("in force on 2010-06-01"), "{dated}");
    let undated = notes(&["determine-origin", file, "--agreement", "ecfa", "--format", "json"]);
    assert!(undated.starts_with("no date given"), "{undated}");
    std::fs::remove_file(path).unwrap();
}
