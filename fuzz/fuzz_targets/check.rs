//! Certificate JSON -> check: any bytes give a report or an error, never a panic or a hang; the
//! reader's byte scan never passes what the bounded read refuses, and syntax and bound errors come
//! before field errors.
#![no_main]
use libfuzzer_sys::fuzz_target;
use origo::json;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(rb) = origo::Rulebook::builtin() else { return };
    let request = format!("{{\"certificate\":{text}}}");
    let _ = origo::api::call("check", &request, &rb);
    let _ = origo::check_json(text, &rb, None);
    let bounded = json::read_value(text, rb.limits());
    let scanned = json::read::<serde_json::Value>(text, rb.limits());
    assert_eq!(scanned.as_ref().map_err(|e| &e.code), bounded.as_ref().map_err(|e| &e.code), "scan and bounded read disagree");
    if let Err(e) = bounded {
        let typed = json::read::<origo::Certificate>(text, rb.limits()).map(|_| ());
        assert_eq!(typed.map_err(|t| t.code), Err(e.code), "a field error came before a syntax or bound error");
    }
});
