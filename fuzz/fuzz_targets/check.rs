//! Certificate JSON -> check: any bytes give a report or an error, never a panic or a hang; and
//! the fast reader (byte scan + typed pass) reads exactly what the careful reader reads.
#![no_main]
use libfuzzer_sys::fuzz_target;
use origo::json;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(rb) = origo::Rulebook::builtin() else { return };
    let request = format!("{{\"certificate\":{text}}}");
    let _ = origo::api::call("check", &request, &rb);
    let _ = origo::check_json(text, &rb, None);
    let careful = json::read_value(text, rb.limits()).and_then(json::from_value::<origo::Certificate>);
    let read = json::read::<origo::Certificate>(text, rb.limits());
    assert_eq!(read.map_err(|e| e.code), careful.map_err(|e| e.code), "fast and careful readers disagree");
});
