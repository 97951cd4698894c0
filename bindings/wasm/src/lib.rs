//! The WebAssembly face of [`origo::api::call`]: one exported function, JSON text in and out.
//!
//! `index.js` beside this crate turns JS objects into the request text and the answer back into
//! objects or a thrown `OrigoError`, so a new core operation needs no change here. wasm32 builds
//! abort on panic (no unwinding on `wasm32-unknown-unknown`); the panic hook below turns a panic
//! into a thrown JS error carrying the message, and `index.js` replaces the instance afterwards.

use wasm_bindgen::prelude::*;

/// Installs the panic hook once, when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| wasm_bindgen::throw_str(&format!("origo internal error: {info}"))));
}

/// Runs operation `op` on a JSON request with the built-in rulebook.
///
/// Returns `{"ok": answer}` or `{"error": {code, path, message, findings}}` as JSON text.
#[wasm_bindgen]
pub fn call(op: &str, request: &str) -> String {
    #[cfg(feature = "test-hooks")]
    if op == "__panic__" {
        #[allow(clippy::panic)] // the whole point of the hook
        {
            panic!("test hook: deliberate panic");
        }
    }
    match origo::Rulebook::builtin() {
        Ok(rulebook) => origo::api::call_to_string(op, request, &rulebook),
        Err(e) => serde_json::json!({ "error": e }).to_string(),
    }
}

/// Runs the `render` operation on a JSON request and returns the document's bytes (not base64).
///
/// An unreadable request or a failed render throws the error as JSON text
/// (`{code, path, message, findings}`), which `index.js` turns into an `OrigoError`.
#[cfg(feature = "render")]
#[wasm_bindgen]
pub fn render(request: &str) -> Result<Vec<u8>, JsValue> {
    origo::Rulebook::builtin()
        .and_then(|rulebook| {
            use origo::api::{render::Render, Operation};
            Ok(Render::run(origo::json::read(request, rulebook.limits())?, &rulebook)?.bytes)
        })
        .map_err(|e| JsValue::from_str(&serde_json::json!(e).to_string()))
}

/// Every operation name [`call`] accepts, as a JSON array.
#[wasm_bindgen]
pub fn operations() -> String {
    let names: Vec<&str> = origo::api::OPERATIONS.iter().map(|op| op.name).collect();
    serde_json::json!(names).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_and_errors_are_json() {
        let ok: serde_json::Value = serde_json::from_str(&call("codes", "{}")).unwrap();
        assert!(ok["ok"].is_array());
        let err: serde_json::Value = serde_json::from_str(&call("nope", "{}")).unwrap();
        assert_eq!(err["error"]["code"], "unknown_operation");
    }
}
