//! Writes the embedded rulebook with every TOML file converted to JSON text, for builds without
//! the `toml` feature (the WASM binding), so the TOML parser stays out of them. The files in
//! `rules/` remain the one source: a test proves the rulebook read from this form equals the one
//! read from the TOML.

use std::fmt::Write as _;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=build.rs");
    let mut out = String::from(
        "/// The embedded rulebook files as `(path, text)`, each `.toml` text in its JSON form.\n\
         pub(crate) const FILES: &[(&str, &str)] = &[\n",
    );
    for f in origo_rules::FILES {
        let text = if f.path.ends_with(".toml") {
            let value: serde_json::Value = toml::from_str(f.text).map_err(|e| format!("{}: {e}", f.path))?;
            serde_json::to_string(&value)?
        } else {
            f.text.to_string()
        };
        writeln!(out, "    ({:?}, {:?}),", f.path, text)?;
    }
    out.push_str("];\n");
    std::fs::write(std::path::Path::new(&std::env::var("OUT_DIR")?).join("json_form.rs"), out)?;
    Ok(())
}
