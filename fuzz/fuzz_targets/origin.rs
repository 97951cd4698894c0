//! Product JSON -> origin decision under every agreement: a decision or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(rb) = origo::Rulebook::builtin() else { return };
    for agreement in ["asean", "rcep", "apta", "pakistan", "switzerland", "non_preferential", "processing"] {
        let request = format!("{{\"product\":{text},\"agreement\":\"{agreement}\"}}");
        let _ = origo::api::call("determine_origin", &request, &rb);
    }
    let _ = origo::api::call("compare_agreements", &format!("{{\"product\":{text},\"destination\":\"TH\"}}"), &rb);
});
