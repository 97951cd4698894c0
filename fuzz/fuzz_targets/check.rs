//! Certificate JSON -> check: any bytes give a report or an error, never a panic or a hang; the
//! one-pass typed read never passes what the bounded `Value` read refuses, syntax and bound errors come
//! before field errors, and a field error's path (found from the text position) is the one a
//! path-tracking reader finds.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(rb) = origo::Rulebook::builtin() else { return };
    let request = format!("{{\"certificate\":{text}}}");
    let _ = origo::api::call("check", &request, &rb);
    let _ = origo::check_json(text, &rb, None);
    if let Err(why) = origo_tests::reader_keeps_its_promises(text, &rb) {
        panic!("{why}");
    }
});
