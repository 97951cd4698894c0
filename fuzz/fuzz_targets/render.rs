//! Certificate JSON -> PDF: any input gives bytes or an error, never a panic, a hang or a file read.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(rb) = origo::Rulebook::builtin() else { return };
    let Ok(cert) = origo::json::read::<origo::Certificate>(text, rb.limits()) else { return };
    let _ = origo::api::render::Render::draw(&cert, &origo::render::RenderOptions::default(), &rb);
});
