//! `origo-wasm-glue <web|nodejs> <module.wasm> <out-dir>`: writes the JS glue and TypeScript types
//! of a wasm module built from `origo-wasm`, byte for byte what `wasm-bindgen --target <web|nodejs>
//! --out-dir <out-dir>` writes.
//!
//! It exists because the CLI crate also carries a test runner with its own web server and HTTP
//! client: installing it compiled about 200 crates in 3 minutes of every CI run, where this
//! library alone builds in well under half that.

use std::process::ExitCode;
use wasm_bindgen_cli_support::Bindgen;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [target, module, out_dir] = args.as_slice() else {
        eprintln!("usage: origo-wasm-glue <web|nodejs> <module.wasm> <out-dir>");
        return ExitCode::from(2);
    };
    match write_glue(target, module, out_dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn write_glue(target: &str, module: &str, out_dir: &str) -> anyhow::Result<()> {
    let mut bindgen = Bindgen::new();
    match target {
        "web" => bindgen.web(true)?,
        "nodejs" => bindgen.nodejs(true)?,
        other => anyhow::bail!("unknown target {other:?}: web or nodejs"),
    };
    // The CLI's defaults where the library's differ: types on, and `init()` without an argument
    // fetches the module beside the glue.
    bindgen.input_path(module).typescript(true).omit_default_module_path(false).generate(out_dir)
}
