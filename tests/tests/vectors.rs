//! Runs every shared test vector through `origo::api::call`.

use origo::Rulebook;
use origo_tests::{call, judge, vector_files};
use serde_json::Value;

#[test]
fn every_vector_passes() {
    // A host rulebook directory may stand in for the built-in one (e.g. to try a newer rulebook).
    let rb = match std::env::var_os("ORIGO_VECTOR_RULES") {
        Some(dir) => Rulebook::from_dir(dir).unwrap(),
        None => Rulebook::builtin().unwrap(),
    };
    let files = vector_files();
    assert!(!files.is_empty(), "no vector files found");
    let mut failures = Vec::new();
    let mut count = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in doc["cases"].as_array().unwrap_or_else(|| panic!("{}: no `cases`", file.display())) {
            count += 1;
            let name = case["name"].as_str().unwrap_or("?");
            let op = case["op"].as_str().unwrap_or("?");
            let answer = call(op, &case["input"].to_string(), &rb);
            if let Err(why) = judge(&case["expect"], answer) {
                failures.push(format!("{} :: {name}: {why}", file.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {count} vectors failed:\n{}", failures.len(), failures.join("\n"));
    eprintln!("{count} vectors passed");
}
