//! Certificate JSON -> check: any bytes give a report or an error, never a panic or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(rb) = origo::Rulebook::builtin() else { return };
    let request = format!("{{\"certificate\":{text}}}");
    let _ = origo::api::call("check", &request, &rb);
    let _ = origo::check_json(text, &rb, None);
});
