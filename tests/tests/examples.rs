//! Every bundled example certificate is valid and clean under the checks.

use origo::Rulebook;
use std::path::Path;

#[test]
fn example_certificates_are_clean() {
    let rb = Rulebook::builtin().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/certificates");
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let cert: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let request = serde_json::json!({ "certificate": cert }).to_string();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let report = origo_tests::call("check", &request, &rb).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(report["ok"], true, "{name}: {report}");
        let errors = report["findings"].as_array().into_iter().flatten().filter(|f| f["severity"] == "error").count();
        assert_eq!(errors, 0, "{name}: {report}");
        assert_eq!(report["agreement"], name.as_str(), "{name}: the file is named after its agreement");
        seen.push(name);
    }
    seen.sort();
    for want in ["apta", "asean", "ecfa", "new_zealand", "non_preferential", "rcep"] {
        assert!(seen.iter().any(|s| s == want), "examples/certificates/{want}.json is missing");
    }
}

/// The certificates the demo shows failing fail for the reasons their names give, and only those.
#[test]
fn example_certificates_with_findings_fail_as_intended() {
    let rb = Rulebook::builtin().unwrap();
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/certificates/findings/new_zealand_21_items.json");
    let cert: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let report = origo_tests::call("check", &serde_json::json!({ "certificate": cert }).to_string(), &rb).unwrap();
    assert_eq!(report["ok"], false, "{report}");
    let mut errors: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["severity"] == "error")
        .map(|f| (f["code"].as_str().unwrap_or_default(), f["path"].as_str().unwrap_or_default()))
        .collect();
    errors.sort_unstable();
    assert_eq!(
        errors,
        [("item_limit_exceeded", "goods"), ("origin_product_unknown", "goods[20].product_ref")],
        "{report}"
    );
}
