//! The default origo rulebook, embedded as data.
//!
//! Every policy fact origo knows (agreements, country and currency lists, the working-day
//! calendar, product-specific rules, minimal operations) lives as TOML or CSV files beside this
//! crate's `src/`. They are embedded here so the library needs no files at run time; a host can
//! still load a newer directory of the same shape (`origo::Rulebook::from_dir`).
//!
//! This crate only embeds: parsing and validation live in `origo`.

/// One embedded rulebook file: its path relative to the rulebook root, and its text.
#[derive(Debug, Clone, Copy)]
pub struct RuleFile {
    /// Path relative to the rulebook root, with `/` separators, e.g. `agreements/asean.toml`.
    pub path: &'static str,
    /// The file's UTF-8 text.
    pub text: &'static str,
}

macro_rules! rule_files {
    ($($path:literal),* $(,)?) => {
        /// Every embedded rulebook file, sorted by path.
        pub const FILES: &[RuleFile] = &[
            $(RuleFile { path: $path, text: include_str!(concat!("../", $path)) },)*
        ];
    };
}

rule_files![
    "agreements/apta.toml",
    "agreements/asean.toml",
    "agreements/australia.toml",
    "agreements/cambodia.toml",
    "agreements/chile.toml",
    "agreements/costa_rica.toml",
    "agreements/ecfa.toml",
    "agreements/ecuador.toml",
    "agreements/georgia.toml",
    "agreements/iceland.toml",
    "agreements/korea.toml",
    "agreements/mauritius.toml",
    "agreements/new_zealand.toml",
    "agreements/nicaragua.toml",
    "agreements/non_preferential.toml",
    "agreements/pakistan.toml",
    "agreements/peru.toml",
    "agreements/processing.toml",
    "agreements/rcep.toml",
    "agreements/re_export.toml",
    "agreements/serbia.toml",
    "agreements/singapore.toml",
    "agreements/switzerland.toml",
    "calendar/2019.csv",
    "calendar/2020.csv",
    "calendar/2021.csv",
    "calendar/2022.csv",
    "calendar/2023.csv",
    "calendar/2024.csv",
    "calendar/2025.csv",
    "calendar/2026.csv",
    "calendar/deadlines.toml",
    "calendar/policies.toml",
    "lifecycle.toml",
    "lists/content.toml",
    "lists/countries.csv",
    "lists/currencies.csv",
    "lists/ecfa_early_harvest.csv",
    "lists/hs_migrations.csv",
    "lists/minimal_operations.csv",
    "lists/origin_criteria.csv",
    "psr/asean.csv",
    "psr/costa_rica.csv",
    "psr/ecfa.2012.csv",
    "psr/ecfa.csv",
    "psr/iceland.csv",
    "psr/korea.csv",
    "psr/new_zealand.csv",
    "psr/peru.csv",
    "psr/rcep.csv",
    "rulebook.toml",
    "valuation.toml",
    "workflows/application.toml",
    "workflows/institution.toml",
    "workflows/officer.toml",
    "workflows/prereview.toml",
    "workflows/registration.toml",
    "workflows/reprint.toml",
    "workflows/verification.toml",
];

/// The embedded file at `path`, if there is one.
pub fn file(path: &str) -> Option<&'static str> {
    FILES.iter().find(|f| f.path == path).map(|f| f.text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("toml" | "csv")) {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                if rel != "Cargo.toml" {
                    out.push(rel);
                }
            }
        }
    }

    #[test]
    fn every_data_file_is_registered_and_sorted() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut on_disk = Vec::new();
        for sub in ["agreements", "lists", "calendar", "psr", "workflows"] {
            if root.join(sub).is_dir() {
                walk(root, &root.join(sub), &mut on_disk);
            }
        }
        for entry in std::fs::read_dir(root).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".toml") && name != "Cargo.toml" {
                on_disk.push(name);
            }
        }
        on_disk.sort();
        let registered: Vec<String> = FILES.iter().map(|f| f.path.to_string()).collect();
        let mut sorted = registered.clone();
        sorted.sort();
        assert_eq!(registered, sorted, "FILES must be sorted by path");
        assert_eq!(registered, on_disk, "every data file must be registered in FILES");
    }
}
