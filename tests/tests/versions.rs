//! One version for every package: the crates take the workspace's, the wheel takes it from Cargo
//! (maturin's dynamic version), and the npm package must state the same one.
#![allow(clippy::panic, reason = "test code: a failure should stop the run")]

use std::path::Path;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn read(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_npm_package_has_the_workspace_version() {
    let package: serde_json::Value = serde_json::from_str(&read("bindings/wasm/package.json")).unwrap();
    assert_eq!(package["version"], VERSION, "bindings/wasm/package.json: set \"version\" to the workspace's {VERSION}");
    let lock: serde_json::Value = serde_json::from_str(&read("bindings/wasm/package-lock.json")).unwrap();
    assert_eq!(
        lock["version"], VERSION,
        "bindings/wasm/package-lock.json: run `npm install` after changing the version"
    );
    assert_eq!(lock["packages"][""]["version"], VERSION, "bindings/wasm/package-lock.json");
}

#[test]
fn the_wheel_takes_its_version_from_cargo() {
    let pyproject = read("bindings/python/pyproject.toml");
    assert!(pyproject.contains("dynamic = [\"version\"]"), "pyproject.toml must take the version from Cargo");
    assert!(
        !pyproject.lines().any(|l| l.trim_start().starts_with("version")),
        "pyproject.toml states a version of its own"
    );
    let cargo = read("bindings/python/Cargo.toml");
    assert!(cargo.contains("version.workspace = true"), "bindings/python/Cargo.toml must use the workspace version");
}

#[test]
fn the_workspace_names_its_own_crates_at_its_version() {
    let manifest = read("Cargo.toml");
    for krate in ["origo", "origo-rules", "origo-templates"] {
        let line = manifest.lines().find(|l| l.starts_with(&format!("{krate} = "))).unwrap_or_default();
        assert!(
            line.contains(&format!("version = \"={VERSION}\"")),
            "Cargo.toml: `{krate}` must require ={VERSION}: {line}"
        );
    }
}

#[test]
fn every_crate_takes_the_workspace_version() {
    for krate in ["core", "rules", "templates", "bindings/cli", "bindings/python", "bindings/wasm", "tests"] {
        let manifest = read(&format!("{krate}/Cargo.toml"));
        assert!(manifest.contains("version.workspace = true"), "{krate}/Cargo.toml must use the workspace version");
    }
}

#[test]
fn the_changelog_has_a_section_for_the_version() {
    let changelog = read("CHANGELOG.md");
    let released = format!("## [{VERSION}]");
    assert!(changelog.contains(&released), "CHANGELOG.md has no `{released}` section");
}
