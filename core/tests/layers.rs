//! The core is layered (ARCHITECTURE.md): a module may use modules of lower layers and its own
//! module, never a module of a higher layer. This test reads every source file and fails naming
//! the file, the line and the layer it reaches up to.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Top-level modules of `core/src` by layer, lowest first. A new module is placed here and in
/// ARCHITECTURE.md.
const LAYERS: &[(&str, &[&str])] = &[
    ("base: errors, findings, refusals", &["error", "finding", "refusal"]),
    ("contract: the JSON contract's types", &["model"]),
    ("rulebook: rule data, its loaders, the calendar and the rule language", &["rulebook"]),
    ("reading: untrusted JSON within the rulebook's bounds", &["json"]),
    ("mechanisms without a certificate", &["identity", "valuation"]),
    ("decisions over one product or record", &["origin", "lifecycle"]),
    ("check: one pass per rule family, the report", &["check"]),
    ("render: forms drawn from the report", &["render"]),
    ("catalogue and schemas", &["catalogue", "schema"]),
    ("operations: the one vocabulary of every binding", &["api"]),
    ("batches: any operation over many requests, in parallel", &["batch"]),
    ("crate root", &["lib"]),
];

/// Names the crate root re-exports, with the module that defines them.
const ROOT_NAMES: &[(&str, &str)] = &[
    ("Error", "error"),
    ("Result", "error"),
    ("codes", "error"),
    ("Code", "finding"),
    ("Finding", "finding"),
    ("Message", "finding"),
    ("Path", "finding"),
    ("Severity", "finding"),
    ("Refusal", "refusal"),
    ("Certificate", "model"),
    ("Product", "model"),
    ("Rulebook", "rulebook"),
    ("calendar", "rulebook"),
    ("Report", "check"),
    ("Derived", "check"),
    ("check_certificate", "check"),
    ("check_json", "check"),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&module))
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without comments, string literals and its `#[cfg(test)] mod tests` block
/// (tests may reach anywhere).
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests {").next().unwrap_or("");
    let mut out = String::new();
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut in_string = false;
        for c in line.chars() {
            if c == '"' {
                in_string = !in_string;
            } else if !in_string {
                out.push(c);
            }
        }
        out.push('\n');
    }
    out
}

/// Every top-level module a piece of code names through `crate::`.
fn targets(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                for name in inner.split(',') {
                    let name = name.trim().split("::").next().unwrap_or("").split(' ').next().unwrap_or("");
                    if !name.is_empty() {
                        found.push((n + 1, name.to_string()));
                    }
                }
            } else {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                found.push((n + 1, name));
            }
        }
    }
    found
}

#[test]
fn no_module_uses_a_higher_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let root: BTreeMap<&str, &str> = ROOT_NAMES.iter().copied().collect();
    let mut violations = Vec::new();
    for file in &all {
        let rel = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let module = rel.split('/').next().unwrap().trim_end_matches(".rs").to_string();
        let Some(own) = layer_of(&module) else {
            violations.push(format!("{rel}: module `{module}` has no layer in this test and ARCHITECTURE.md"));
            continue;
        };
        if rel.ends_with("tests.rs") || rel.contains("/tests/") {
            continue;
        }
        for (line, name) in targets(&code_of(&std::fs::read_to_string(file).unwrap())) {
            let target = root.get(name.as_str()).copied().unwrap_or(name.as_str());
            if target == module || target == "self" || target == "super" {
                continue;
            }
            match layer_of(target) {
                Some(l) if l > own => violations
                    .push(format!("{rel}:{line}: `{module}` ({}) uses `{target}` ({})", LAYERS[own].0, LAYERS[l].0)),
                Some(_) => {}
                None => violations.push(format!("{rel}:{line}: `crate::{name}` is neither a module nor a root name")),
            }
        }
    }
    assert!(violations.is_empty(), "imports that reach up a layer:\n{}", violations.join("\n"));
}

#[test]
fn the_scan_sees_imports() {
    let code =
        code_of("use crate::{check::Report, model};\nlet x = crate::api::call(); // crate::render\n\"crate::json\"");
    let names: Vec<String> = targets(&code).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["check", "model", "api"]);
}
